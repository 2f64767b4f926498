package org.tracecap.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tracecap.match.FrameClassifier;
import org.tracecap.match.SentProbe;

/** {@link Ipv4ProbeEncoder}: the bytes of an Echo Request and a SYN, and what the classifier reads back. */
class Ipv4ProbeEncoderTest {
    static final byte[] DST_MAC = {2, 0, 0, 0, 0, 2};
    static final byte[] SRC_MAC = {2, 0, 0, 0, 0, 1};
    static final int SRC = Ipv4Address.parse("198.18.1.1");
    static final int DST = Ipv4Address.parse("198.18.5.2");

    @Test
    void echoRequestBytesArePinned() {
        byte[] buf = new byte[80];
        int n = Ipv4ProbeEncoder.encode(new Ipv4ProbeEncoder.EchoProbe(DST_MAC, SRC_MAC, SRC, DST, 3, 0x1234, 0, false,
                36, 0xbeef, 7, ProbeEncoder.NATURAL_CHECKSUM), buf, 0);
        assertEquals(14 + 36, n);
        assertEquals("020000000002" + "020000000001" + "0800"
                        + "45000024123400000301" + hex(buf, 24, 2) + "c6120101c6120502"
                        + "0800" + hex(buf, 36, 2) + "beef0007" + "0000000000000000",
                Bytes.hex(buf, 0, n));
        // The ICMP checksum covers the message (RFC 792); the IP header's its own 20 bytes.
        assertTrue(Checksum.verify(buf, 34, 16));
        assertTrue(Checksum.verify(buf, 14, 20));
    }

    @Test
    void aHeldChecksumIsReachedThroughTwoDataBytes() {
        for (int seq : new int[] {1, 2, 500, 0xffff}) {
            byte[] buf = new byte[60];
            int n = Ipv4ProbeEncoder.encode(new Ipv4ProbeEncoder.EchoProbe(null, null, SRC, DST, 9, seq, 0, true,
                    60, 0x4242, seq, 0x1357), buf, 0);
            assertEquals(60, n, "no link header");
            assertEquals(0x1357, Bytes.u16(buf, 22), "the checksum field, whatever the sequence");
            assertTrue(Checksum.verify(buf, 20, 40));
            assertEquals(0x4000, Bytes.u16(buf, 6), "DF");
        }
    }

    @Test
    void synCarriesLinuxsOptionsAndAValidChecksum() {
        byte[] buf = new byte[80];
        int n = Ipv4ProbeEncoder.encode(new Ipv4ProbeEncoder.SynProbe(DST_MAC, SRC_MAC, SRC, DST, 4, 0x0102, 0, false,
                61000, 80, 0xdeadbeefL, 5), buf, 0);
        assertEquals(14 + 60, n);
        int tcp = 34;
        assertEquals("ee480050" + "deadbeef" + "00000000" + "a002" + "faf0" + hex(buf, tcp + 16, 2) + "0000"
                + "020405b4" + "0402" + "080a" + "00000005" + "00000000" + "01030307", Bytes.hex(buf, tcp, 40));
        int pseudo = Checksum.pseudoHeaderSum(SRC, DST, IpProtocol.TCP, 40);
        assertEquals(0xffff, Checksum.sum(buf, tcp, 40, pseudo), "the TCP checksum with its pseudo-header");
        assertEquals(60, Bytes.u16(buf, 16), "IP total length");
    }

    @Test
    void theClassifierReadsTheProbesBack() {
        FrameClassifier c = new FrameClassifier();
        byte[] buf = new byte[80];
        int n = Ipv4ProbeEncoder.encode(new Ipv4ProbeEncoder.EchoProbe(DST_MAC, SRC_MAC, SRC, DST, 3, 77, 0, false, 60,
                0xbeef, 9, ProbeEncoder.NATURAL_CHECKSUM), buf, 0);
        SentProbe echo = (SentProbe) c.classify(1, LinkLayer.ETHERNET, buf, n, n);
        assertEquals(IpProtocol.ICMP, echo.protocol());
        assertEquals(0xbeef, echo.icmpId());
        assertEquals(9, echo.icmpSequence());
        assertEquals(77, echo.ipId());
        n = Ipv4ProbeEncoder.encode(new Ipv4ProbeEncoder.SynProbe(DST_MAC, SRC_MAC, SRC, DST, 4, 78, 0, false, 61000,
                443, 12345, 1), buf, 0);
        SentProbe syn = (SentProbe) c.classify(1, LinkLayer.ETHERNET, buf, n, n);
        assertEquals(IpProtocol.TCP, syn.protocol());
        assertEquals(12345, syn.tcpSequence());
        assertEquals(443, syn.destinationPort());
        assertEquals(Bytes.u16(buf, 34 + 16), syn.checksum());
    }

    @Test
    void rangesAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new Ipv4ProbeEncoder.EchoProbe(null, null, SRC, DST, 1, 0, 0,
                false, 28, 0, 0, 0xffff));
        assertThrows(IllegalArgumentException.class, () -> new Ipv4ProbeEncoder.EchoProbe(null, null, SRC, DST, 1, 0, 0,
                false, 29, 0, 0, 5), "a held checksum needs two data bytes");
        assertThrows(IllegalArgumentException.class, () -> new Ipv4ProbeEncoder.EchoProbe(DST_MAC, null, SRC, DST, 1, 0,
                0, false, 60, 0, 0, ProbeEncoder.NATURAL_CHECKSUM));
        assertThrows(IllegalArgumentException.class, () -> new Ipv4ProbeEncoder.SynProbe(null, null, SRC, DST, 1, 0, 0,
                false, 1, 80, 1L << 32, 0));
        assertThrows(IllegalArgumentException.class, () -> Ipv4ProbeEncoder.encode(new Ipv4ProbeEncoder.SynProbe(null,
                null, SRC, DST, 1, 0, 0, false, 1, 80, 0, 0), new byte[59], 0));
    }

    private static String hex(byte[] b, int off, int len) {
        return Bytes.hex(b, off, len);
    }
}
