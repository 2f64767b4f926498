package org.tracecap.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tracecap.packet.RealFrames.bytes;

import org.junit.jupiter.api.Test;

class Ipv4ViewTest {
    @Test
    void decodesTheRealProbeHeaderAsTsharkShowsIt() {
        byte[] f = bytes(RealFrames.UDP_PROBE);
        Ipv4View ip = Ipv4View.of(f, 14, f.length - 14);
        assertEquals(4, ip.version());
        assertEquals(20, ip.headerLength());
        assertEquals(0, ip.tos());
        assertEquals(60, ip.totalLength());
        assertEquals(0x54d3, ip.identification());
        assertFalse(ip.dontFragment());
        assertFalse(ip.moreFragments());
        assertEquals(0, ip.fragmentOffset());
        assertTrue(ip.isFirstFragment());
        assertEquals(1, ip.ttl());
        assertEquals(IpProtocol.UDP, ip.protocol());
        assertEquals(0xd2b6, ip.headerChecksum());
        assertTrue(ip.headerChecksumValid());
        assertEquals("198.18.1.1", Ipv4Address.format(ip.source()));
        assertEquals("198.18.5.2", Ipv4Address.format(ip.destination()));
        assertEquals(34, ip.payloadOffset());
        assertEquals(40, ip.payloadLength());
        assertTrue(ip.isComplete());
    }

    @Test
    void rstHasDfAndTosOfIcmpErrorIsC0() {
        byte[] rst = bytes(RealFrames.TCP_RST);
        Ipv4View ip = Ipv4View.of(rst, 14, rst.length - 14);
        assertTrue(ip.dontFragment());
        assertEquals(60, ip.ttl());
        byte[] te = bytes(RealFrames.TIME_EXCEEDED);
        assertEquals(0xc0, Ipv4View.of(te, 14, te.length - 14).tos());
    }

    @Test
    void payloadIsClampedToTheCapture() {
        byte[] f = bytes(RealFrames.UDP_PROBE);
        Ipv4View ip = Ipv4View.of(f, 14, 30); // snaplen cut: 20 header + 10 payload bytes
        assertEquals(10, ip.payloadLength());
        assertFalse(ip.isComplete());
        // Ethernet padding past the total length is not payload.
        byte[] padded = java.util.Arrays.copyOf(f, f.length + 6);
        assertEquals(40, Ipv4View.of(padded, 14, padded.length - 14).payloadLength());
    }

    @Test
    void optionsAreSkippedByIhl() {
        byte[] f = bytes(RealFrames.UDP_PROBE);
        byte[] withOptions = new byte[f.length + 4];
        System.arraycopy(f, 0, withOptions, 0, 34);
        withOptions[14] = 0x46;
        Bytes.put16(withOptions, 16, 64);
        withOptions[34] = 1; // NOP option x4
        withOptions[35] = 1;
        withOptions[36] = 1;
        withOptions[37] = 1;
        System.arraycopy(f, 34, withOptions, 38, 40);
        Ipv4View ip = Ipv4View.of(withOptions, 14, withOptions.length - 14);
        assertEquals(24, ip.headerLength());
        assertEquals(38, ip.payloadOffset());
        assertEquals(40, ip.payloadLength());
    }

    @Test
    void fragmentFields() {
        byte[] f = bytes(RealFrames.UDP_PROBE);
        Bytes.put16(f, 20, Ipv4View.FLAG_MF | 185);
        Ipv4View ip = Ipv4View.of(f, 14, f.length - 14);
        assertTrue(ip.moreFragments());
        assertEquals(185, ip.fragmentOffset());
        assertFalse(ip.isFirstFragment());
    }

    private static String reason(byte[] f, int off, int len, boolean quote) {
        return assertThrows(PacketException.class,
                () -> {
                    if (quote) {
                        Ipv4View.ofQuote(f, off, len);
                    } else {
                        Ipv4View.of(f, off, len);
                    }
                }).reason();
    }

    @Test
    void malformedHeaders() {
        byte[] f = bytes(RealFrames.UDP_PROBE);
        assertEquals("IPv4 header past capture", reason(f, 14, 19, false));
        byte[] v6 = f.clone();
        v6[14] = 0x65;
        assertEquals("IPv4 version not 4", reason(v6, 14, 60, false));
        byte[] ihl4 = f.clone();
        ihl4[14] = 0x44;
        assertEquals("IPv4 IHL < 5", reason(ihl4, 14, 60, false));
        byte[] ihl15 = f.clone();
        ihl15[14] = 0x4f;
        assertEquals("IPv4 header past capture", reason(ihl15, 14, 40, false));
        byte[] shortTotal = f.clone();
        Bytes.put16(shortTotal, 16, 19);
        assertEquals("IPv4 total length < header", reason(shortTotal, 14, 60, false));
        assertEquals("quoted IPv4 IHL < 5", reason(ihl4, 14, 60, true));
        assertEquals("quoted IPv4 header past capture", reason(f, 14, 12, true));
    }

    @Test
    void quoteAcceptsTotalLengthBeyondTheQuoteOrRewritten() {
        byte[] f = bytes(RealFrames.UDP_PROBE);
        Ipv4View q = Ipv4View.ofQuote(f, 14, 28);
        assertEquals(60, q.totalLength());
        assertEquals(8, q.payloadLength());
        byte[] rewritten = f.clone();
        Bytes.put16(rewritten, 16, 8);
        assertEquals(8, Ipv4View.ofQuote(rewritten, 14, 28).payloadLength());
    }
}
