package org.tracecap.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProbeEncoderTest {
    static final byte[] R1_MAC = Bytes.fromHex("0200c6120102");
    static final byte[] CLIENT_MAC = Bytes.fromHex("0200c6120101");
    static final int CLIENT = Ipv4Address.parse("198.18.1.1");
    static final int SERVER = Ipv4Address.parse("198.18.5.2");

    /** Linux traceroute's payload: 32 bytes 0x40, 0x41, ... 0x5f. */
    static byte[] tracerouteData() {
        byte[] p = new byte[32];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) (0x40 + i);
        }
        return p;
    }

    static ProbeEncoder.UdpProbe probe(int checksum, int ttl, int ipId, boolean df, int totalLength, byte[] pattern) {
        return new ProbeEncoder.UdpProbe(R1_MAC, CLIENT_MAC, CLIENT, SERVER, ttl, ipId, 0, df, totalLength,
                37888, 33434, checksum, pattern);
    }

    @Test
    void writesTheExactBytesLinuxTracerouteSent() {
        byte[] buf = new byte[100];
        int n = ProbeEncoder.encode(probe(ProbeEncoder.NATURAL_CHECKSUM, 1, 0x54d3, false, 60, tracerouteData()), buf, 0);
        assertEquals(74, n);
        assertArrayEquals(RealFrames.bytes(RealFrames.UDP_PROBE), java.util.Arrays.copyOf(buf, n));
    }

    @Test
    void rawVariantAtAnOffsetAndDfTos() {
        byte[] buf = new byte[40];
        var p = new ProbeEncoder.UdpProbe(null, null, CLIENT, SERVER, 7, 0x1234, 0xb8, true, 28, 1, 2,
                ProbeEncoder.NATURAL_CHECKSUM, null);
        assertEquals(28, ProbeEncoder.encodeIp(p, buf, 4));
        Ipv4View ip = Ipv4View.of(buf, 4, 28);
        assertTrue(ip.dontFragment());
        assertEquals(0xb8, ip.tos());
        assertEquals(7, ip.ttl());
        assertEquals(0x1234, ip.identification());
        assertTrue(ip.headerChecksumValid());
        UdpView udp = UdpView.of(buf, 24, 8);
        assertEquals(8, udp.length());
        assertEquals(1, udp.sourcePort());
        assertEquals(2, udp.destinationPort());
        assertUdpChecksumValid(buf, 24, 8);
    }

    static void assertUdpChecksumValid(byte[] buf, int udp, int udpLength) {
        int pseudo = Checksum.pseudoHeaderSum(CLIENT, SERVER, IpProtocol.UDP, udpLength);
        assertEquals(0xffff, Checksum.sum(buf, udp, udpLength, pseudo), "UDP checksum verifies");
    }

    @Test
    void parisTargetChecksumIsTheFieldAndStillValid() {
        byte[] buf = new byte[80];
        int[] targets = {1, 2, 3, 0x7fff, 0x8000, 0xfffe, 0xffff, 0x61d6, 0x1234};
        for (int target : targets) {
            for (int len : new int[] {30, 31, 44, 60}) {
                ProbeEncoder.encode(probe(target, 3, target, true, len, tracerouteData()), buf, 0);
                UdpView udp = UdpView.of(buf, 34, len - 20);
                assertEquals(target, udp.checksum(), "target " + target + " length " + len);
                assertUdpChecksumValid(buf, 34, len - 20);
            }
        }
        for (int target = 1; target <= 0xffff; target += 97) {
            ProbeEncoder.encode(probe(target, 3, 1, true, 46, null), buf, 0);
            assertEquals(target, UdpView.of(buf, 34, 26).checksum());
            assertUdpChecksumValid(buf, 34, 26);
        }
    }

    @Test
    void rejectsWhatCannotBeSent() {
        assertThrows(IllegalArgumentException.class, () -> probe(0, 1, 1, false, 60, null));
        assertThrows(IllegalArgumentException.class, () -> probe(5, 1, 1, false, 29, null));
        assertThrows(IllegalArgumentException.class, () -> probe(ProbeEncoder.NATURAL_CHECKSUM, 1, 1, false, 27, null));
        assertThrows(IllegalArgumentException.class, () -> probe(ProbeEncoder.NATURAL_CHECKSUM, 256, 1, false, 28, null));
        assertThrows(IllegalArgumentException.class, () -> probe(ProbeEncoder.NATURAL_CHECKSUM, 1, 0x10000, false, 28, null));
        var p = probe(ProbeEncoder.NATURAL_CHECKSUM, 1, 1, false, 60, null);
        assertThrows(IllegalArgumentException.class, () -> ProbeEncoder.encode(p, new byte[73], 0));
        assertThrows(IllegalArgumentException.class, () -> new ProbeEncoder.UdpProbe(R1_MAC, null, CLIENT, SERVER,
                1, 1, 0, false, 28, 1, 2, ProbeEncoder.NATURAL_CHECKSUM, null));
        var noMac = new ProbeEncoder.UdpProbe(null, null, CLIENT, SERVER, 1, 1, 0, false, 28, 1, 2,
                ProbeEncoder.NATURAL_CHECKSUM, null);
        assertThrows(IllegalArgumentException.class, () -> ProbeEncoder.encode(noMac, new byte[27], 0));
    }

    /** Without MACs (a TUN or PPP link), encode writes the same probe as raw IP: the real frame after its 14 bytes. */
    @Test
    void probeWithoutMacsIsWrittenAsRawIp() {
        var p = new ProbeEncoder.UdpProbe(null, null, CLIENT, SERVER, 1, 0x54d3, 0, false, 60, 37888, 33434,
                ProbeEncoder.NATURAL_CHECKSUM, tracerouteData());
        byte[] buf = new byte[100];
        assertEquals(60, ProbeEncoder.frameLength(p));
        int n = ProbeEncoder.encode(p, buf, 3);
        assertEquals(60, n);
        byte[] real = RealFrames.bytes(RealFrames.UDP_PROBE);
        assertArrayEquals(java.util.Arrays.copyOfRange(real, 14, real.length),
                java.util.Arrays.copyOfRange(buf, 3, 63));
        assertEquals(74, ProbeEncoder.frameLength(probe(ProbeEncoder.NATURAL_CHECKSUM, 1, 0x54d3, false, 60, null)));
    }
}
