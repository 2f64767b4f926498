package org.tracecap.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tracecap.packet.RealFrames.bytes;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RFC 4884 extension structures with RFC 4950 MPLS objects. SYNTHETIC: Linux routers do not emit them, so
 * these frames are built with {@link IcmpErrorEncoder} following the RFC byte layouts, quoting a real probe.
 */
class IcmpExtensionsTest {
    static final int R2 = Ipv4Address.parse("198.18.2.2");
    static final int CLIENT = Ipv4Address.parse("198.18.1.1");
    static final List<MplsEntry> STACK = List.of(new MplsEntry(16005, 0, false, 1), new MplsEntry(1048575, 7, true, 255));

    static byte[] synthetic(IcmpErrorEncoder e) {
        return e.toBytes();
    }

    static IcmpErrorEncoder timeExceeded() {
        byte[] probe = bytes(RealFrames.UDP_PROBE);
        return IcmpErrorEncoder.timeExceeded(R2, CLIENT, probe, 14, 60);
    }

    @Test
    void mplsWordLayoutPerRfc4950() {
        // label 16005 = 0x03e85, TC 5, S 1, TTL 1 -> 0x03e85 << 12 | 5 << 9 | 1 << 8 | 1
        MplsEntry e = new MplsEntry(16005, 5, true, 1);
        assertEquals(0x03e85b01, IcmpExtensions.encodeMpls(e));
        assertEquals(e, IcmpExtensions.decodeMpls(0x03e85b01));
        assertEquals(new MplsEntry(0xfffff, 7, true, 255), IcmpExtensions.decodeMpls(0xffffffff));
    }

    @Test
    void rfc4884LayoutBytes() {
        byte[] ip = synthetic(timeExceeded().extensions(List.of(IcmpExtensions.mplsObject(STACK))));
        // IPv4 20 + ICMP 8 + datagram field 128 + extension header 4 + object header 4 + 2 entries 8
        assertEquals(20 + 8 + 128 + 4 + 4 + 8, ip.length);
        assertEquals(32, ip[20 + 5], "length field: 128 bytes in 32-bit words");
        int ext = 20 + 8 + 128;
        assertEquals(0x20, ip[ext] & 0xff, "version 2");
        assertTrue(Checksum.verify(ip, ext, 16), "extension checksum");
        assertEquals("000c0101", Bytes.hex(ip, ext + 4, 4), "object length 12, class 1, c-type 1");
        assertEquals("03e85001ffffffff", Bytes.hex(ip, ext + 8, 8));
        assertEquals(0, ip[20 + 8 + 60], "datagram zero-padded to 128");
        assertTrue(Checksum.verify(ip, 20, ip.length - 20), "ICMP checksum");
    }

    @Test
    void decodesMplsAndOtherObjects() {
        IcmpExtension other = new IcmpExtension(250, 1, "0000000adeadbeef", List.of()); // a class no RFC has
        byte[] ip = synthetic(timeExceeded().extensions(List.of(IcmpExtensions.mplsObject(STACK), other)));
        IcmpExtensions.Parsed p = IcmpExtensions.parse(ip, 20, ip.length - 20);
        assertNull(p.warning());
        assertEquals(2, p.extensions().size());
        IcmpExtension mpls = p.extensions().get(0);
        assertEquals(1, mpls.classNum());
        assertEquals(1, mpls.cType());
        assertEquals(STACK, mpls.mpls());
        assertEquals("03e85001ffffffff", mpls.payloadHex());
        assertEquals(other, p.extensions().get(1));
    }

    @Test
    void compatibilityLayoutAtOffset128WithLengthZero() {
        byte[] ip = synthetic(timeExceeded().extensions(List.of(IcmpExtensions.mplsObject(STACK))).compatibilityLayout());
        assertEquals(0, ip[20 + 5]);
        IcmpExtensions.Parsed p = IcmpExtensions.parse(ip, 20, ip.length - 20);
        assertEquals(STACK, p.extensions().get(0).mpls());
    }

    /** The parse of a message captured whole at offset 20 of an IPv4 datagram. */
    static IcmpExtensions.Parsed parse(byte[] ip) {
        return IcmpExtensions.parse(ip, 20, ip.length - 20);
    }

    static void assertNoExtensions(int datagramField, String warning, IcmpExtensions.Parsed p) {
        assertEquals(new IcmpExtensions.Parsed(datagramField, List.of(), warning), p);
    }

    @Test
    void compatibilityGuessRejectsPlainLongQuotes() {
        // A 576-byte Linux error quoting a big probe has no length field and no structure at 128.
        byte[] probe = new byte[600];
        System.arraycopy(bytes(RealFrames.UDP_PROBE), 14, probe, 0, 60);
        Bytes.put16(probe, 2, 600);
        probe[20 + 8 + 100] = 0x20; // looks like version 2 at offset 128 of the ICMP body
        byte[] ip = IcmpErrorEncoder.timeExceeded(R2, CLIENT, probe, 0, 600).toBytes();
        assertEquals(576, ip.length);
        assertNoExtensions(548, null, parse(ip));
    }

    @Test
    void noExtensionsOnRealFramesOrOtherTypes() {
        byte[] te = bytes(RealFrames.TIME_EXCEEDED);
        assertNoExtensions(60, null, IcmpExtensions.parse(te, 34, 68));
        byte[] echo = bytes(RealFrames.ECHO_REPLY);
        assertNoExtensions(32, null, IcmpExtensions.parse(echo, 34, 40));
    }

    @Test
    void badChecksumDropsTheExtensionsWithAWarning() {
        byte[] ip = synthetic(timeExceeded().extensions(List.of(IcmpExtensions.mplsObject(STACK))));
        ip[ip.length - 1] ^= 1;
        assertNoExtensions(128, IcmpExtensions.BAD_CHECKSUM, parse(ip));
    }

    @Test
    void badVersionIsAWarning() {
        byte[] ip = synthetic(timeExceeded().extensions(List.of(IcmpExtensions.mplsObject(STACK))));
        ip[20 + 8 + 128] = 0x10;
        assertNoExtensions(128, IcmpExtensions.BAD_VERSION, parse(ip));
    }

    @Test
    void objectLengthsThatLieDropTheExtensionsWithAWarning() {
        byte[] ip = synthetic(timeExceeded().extensions(List.of(IcmpExtensions.mplsObject(STACK))));
        int object = 20 + 8 + 128 + 4;
        for (int bad : new int[] {0, 3, 11, 13, 0xffff}) {
            byte[] b = ip.clone();
            Bytes.put16(b, object, bad);
            // keep the structure checksum right so that only the length is wrong
            Bytes.put16(b, object - 2, 0);
            Bytes.put16(b, object - 2, Checksum.compute(b, object - 4, b.length - object + 4));
            assertNoExtensions(128, IcmpExtensions.BAD_OBJECT_LENGTH, parse(b));
        }
    }

    @Test
    void garbageLengthIsIgnoredAndTheStructureAt128StillFound() {
        byte[] ip = synthetic(timeExceeded().extensions(List.of(IcmpExtensions.mplsObject(STACK))));
        byte[] small = ip.clone();
        small[20 + 5] = 16; // says 64 bytes: below the 128 RFC 4884 section 4 requires
        assertEquals(new IcmpExtensions.Parsed(128, List.of(IcmpExtensions.mplsObject(STACK)),
                IcmpExtensions.SHORT_DATAGRAM_FIELD), parse(small));
        byte[] past = ip.clone();
        past[20 + 5] = (byte) 200;
        assertEquals(new IcmpExtensions.Parsed(128, List.of(IcmpExtensions.mplsObject(STACK)),
                IcmpExtensions.LENGTH_PAST_END), parse(past));
        // 33 words: 4 bytes into the 16-byte structure, room for a header: plausible, so read there.
        byte[] inside = ip.clone();
        inside[20 + 5] = 33;
        assertNoExtensions(132, IcmpExtensions.BAD_VERSION, parse(inside));
        // 35 words: 140 + 4 = 144, just room for a header: plausible. 37 words: 148 > 144, past the end.
        byte[] room = ip.clone();
        room[20 + 5] = 35;
        assertNoExtensions(140, IcmpExtensions.BAD_VERSION, parse(room));
        byte[] noRoom = ip.clone();
        noRoom[20 + 5] = 37;
        assertEquals(IcmpExtensions.LENGTH_PAST_END, parse(noRoom).warning());
        assertEquals(List.of(IcmpExtensions.mplsObject(STACK)), parse(noRoom).extensions());
    }

    @Test
    void lengthEqualToTheBodyIsNoExtensionAndNoWarning() {
        byte[] ip = timeExceeded().lengthField(15).toBytes();
        assertEquals(20 + 8 + 60, ip.length);
        assertNoExtensions(60, null, parse(ip));
    }

    @Test
    void paddedShortDatagramSaysAnExtensionFollows() {
        // The 60-byte probe zero-padded to 128 (RFC 4884 section 4), then 16 bytes that are no structure.
        byte[] ip = synthetic(timeExceeded().extensions(List.of(IcmpExtensions.mplsObject(STACK)))
                .compatibilityLayout());
        Bytes.put32(ip, 20 + 8 + 128 + 8, 0x12345678L); // break the checksum
        assertNoExtensions(128, IcmpExtensions.BAD_CHECKSUM, parse(ip));
        assertTrue(IcmpExtensions.paddedTo128(ip, 28, ip.length - 28));
        ip[28 + 100] = 1; // not padding: quoted bytes, so nothing is said about what follows
        assertNoExtensions(ip.length - 28, null, parse(ip));
        assertFalse(IcmpExtensions.paddedTo128(ip, 28, ip.length - 28));
    }

    @Test
    void parameterProblemGetsNoNonCompliantGuess() {
        // RFC 4884 section 5: non-compliant senders extend Time Exceeded and Destination Unreachable only.
        byte[] probe = bytes(RealFrames.UDP_PROBE);
        byte[] ip = IcmpErrorEncoder.error(IcmpType.PARAMETER_PROBLEM, 0, R2, CLIENT, probe, 14, 60)
                .extensions(List.of(IcmpExtensions.mplsObject(STACK))).compatibilityLayout().toBytes();
        assertNoExtensions(128, null, parse(ip));
        byte[] compliant = IcmpErrorEncoder.error(IcmpType.PARAMETER_PROBLEM, 0, R2, CLIENT, probe, 14, 60)
                .extensions(List.of(IcmpExtensions.mplsObject(STACK))).toBytes();
        assertEquals(STACK, parse(compliant).extensions().get(0).mpls());
    }

    @Test
    void messageCutByTheCaptureKeepsAPlausibleLengthAndReadsNoStructure() {
        byte[] ip = synthetic(timeExceeded().extensions(List.of(IcmpExtensions.mplsObject(STACK))));
        int message = ip.length - 20;
        IcmpView cut = IcmpView.of(ip, 20, 100);
        assertNoExtensions(128, null, IcmpExtensions.parse(cut, message));
        ip[20 + 5] = (byte) 200;
        assertNoExtensions(message - 8, IcmpExtensions.LENGTH_PAST_END, IcmpExtensions.parse(cut, message));
    }
}
