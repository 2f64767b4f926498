package org.tracecap.match;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.tracecap.packet.Bytes;

/** The payload facts kept per probe: first 4 bytes and zero tail, on pinned bytes. */
class ProbePayloadTest {
    @Test
    void headIsTheFirstFourBytesBigEndianPaddedWithZeros() {
        byte[] b = Bytes.fromHex("ff404142434445");
        assertEquals(0x40414243, ProbePayload.head(b, 1, 6));
        assertEquals(0x40410000, ProbePayload.head(b, 1, 2), "a 2-byte payload");
        assertEquals(0, ProbePayload.head(b, 1, 0), "no payload");
        assertEquals(0x44450000, ProbePayload.head(b, 5, 10), "the array ends before the declared length");
        assertEquals(0, ProbePayload.head(b, 9, 4), "past the array");
    }

    @Test
    void zeroTailSkipsTheFirstTwoBytesAndStopsAtTheArraysEnd() {
        byte[] paris = Bytes.fromHex("7f01000000000000");
        assertEquals(SentProbe.ZERO_TAIL, ProbePayload.flags(paris, 0, 8, false));
        assertEquals(SentProbe.ZERO_TAIL | SentProbe.DONT_FRAGMENT, ProbePayload.flags(paris, 0, 8, true));
        byte[] linux = Bytes.fromHex("40414243");
        assertEquals(0, ProbePayload.flags(linux, 0, 4, false));
        assertEquals(SentProbe.ZERO_TAIL, ProbePayload.flags(linux, 0, 2, false), "nothing past byte 2");
        assertEquals(SentProbe.ZERO_TAIL, ProbePayload.flags(paris, 0, 100, false), "only what was captured");
        assertEquals(SentProbe.ZERO_TAIL, ProbePayload.flags(linux, 0, -3, false), "a negative length is empty");
    }
}
