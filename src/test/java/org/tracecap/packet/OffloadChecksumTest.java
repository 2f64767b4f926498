package org.tracecap.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** {@link Checksum#offloaded}: partial checksums of transmit checksum offload, recognised and completed. */
class OffloadChecksumTest {
    /**
     * straight-traceroute-udp-offload-wire.pcap frame 3, from the IP header on: UDP probe 198.18.1.1:34872 ->
     * 198.18.5.2:33434, TTL 1, IP ID 0xb791, 32 data bytes; sent with tx checksum offload, so its checksum
     * field holds 0x9261, the pseudo-header sum. Frame 4 (Time Exceeded from r1) quotes 0x6d9e, the checksum
     * the wire carried, and tshark calculates 0x6d9e for frame 3.
     */
    static final String OFFLOADED_PROBE =
            "45 00 00 3c b7 91 00 00 01 11 6f f8 c6 12 01 01 c6 12 05 02 88 38 82 9a 00 28 92 61 40 41 42 43"
            + "44 45 46 47 48 49 4a 4b 4c 4d 4e 4f 50 51 52 53 54 55 56 57 58 59 5a 5b 5c 5d 5e 5f";
    static final int SOURCE = Ipv4Address.parse("198.18.1.1");
    static final int DESTINATION = Ipv4Address.parse("198.18.5.2");
    static final int UDP_AT = 20;
    static final int UDP_LENGTH = 40;
    static final int FIELD_AT = UDP_AT + 6;

    private static int offloaded(byte[] ip, boolean whole) {
        return Checksum.offloaded(ip, UDP_AT, UDP_LENGTH, whole, SOURCE, DESTINATION, IpProtocol.UDP,
                Bytes.u16(ip, FIELD_AT));
    }

    private static void field(byte[] ip, int value) {
        Bytes.put16(ip, FIELD_AT, value);
    }

    @Test
    void theCapturedFieldIsThePseudoHeaderSumAsLinuxLeavesIt() {
        byte[] ip = RealFrames.bytes(OFFLOADED_PROBE);
        int pseudo = Checksum.pseudoHeaderSum(SOURCE, DESTINATION, IpProtocol.UDP, UDP_LENGTH);
        assertEquals(0x9261, pseudo);
        assertEquals(0x9261, Bytes.u16(ip, FIELD_AT));
        assertTrue(Checksum.isPartial(0x9261, pseudo));
        assertFalse(Checksum.verify(concat(pseudoHeader(UDP_LENGTH), Arrays.copyOfRange(ip, UDP_AT, ip.length)), 0,
                12 + UDP_LENGTH));
    }

    @Test
    void aWholeOffloadedProbeIsCompletedToTheChecksumTheRoutersQuote() {
        byte[] ip = RealFrames.bytes(OFFLOADED_PROBE);
        assertEquals(0x6d9e, offloaded(ip, true));
        // Written into the field, the completed checksum verifies (RFC 768 over pseudo-header + datagram).
        field(ip, 0x6d9e);
        assertTrue(Checksum.verify(concat(pseudoHeader(UDP_LENGTH), Arrays.copyOfRange(ip, UDP_AT, ip.length)), 0,
                12 + UDP_LENGTH));
    }

    @Test
    void theRealChecksumIsNotPartial() {
        byte[] ip = RealFrames.bytes(OFFLOADED_PROBE);
        field(ip, 0x6d9e);
        assertEquals(Checksum.NOT_PARTIAL, offloaded(ip, true));
        assertEquals(Checksum.NOT_PARTIAL, offloaded(ip, false));
    }

    @Test
    void aProbeCutBeforeItsEndIsPartialButCannotBeCompleted() {
        byte[] cut = Arrays.copyOf(RealFrames.bytes(OFFLOADED_PROBE), UDP_AT + 8);
        assertEquals(Checksum.PARTIAL_CUT, offloaded(cut, false));
    }

    @Test
    void aRealChecksumEqualToThePseudoHeaderSumVerifiesAndIsNotPartial() {
        // Synthetic: the last two data bytes chosen so that the datagram's correct checksum is 0x9261, the
        // pseudo-header sum (it happens once in 65536 datagrams).
        byte[] ip = RealFrames.bytes(OFFLOADED_PROBE);
        int end = ip.length;
        boolean found = false;
        for (int v = 0; v < 0x10000 && !found; v++) {
            ip[end - 2] = (byte) (v >>> 8);
            ip[end - 1] = (byte) v;
            found = Checksum.verify(concat(pseudoHeader(UDP_LENGTH), Arrays.copyOfRange(ip, UDP_AT, end)), 0,
                    12 + UDP_LENGTH);
        }
        assertTrue(found);
        assertEquals(0x9261, Bytes.u16(ip, FIELD_AT));
        assertEquals(Checksum.NOT_PARTIAL, offloaded(ip, true));
        // Cut, it cannot be verified: a field equal to the pseudo-header sum is then taken for partial.
        assertEquals(Checksum.PARTIAL_CUT, offloaded(ip, false));
    }

    @Test
    void aUdpChecksumWorkedOutAsZeroIsSentAs0xffff() {
        // Synthetic: data bytes chosen so that the one's complement sum without the field is 0xffff.
        byte[] ip = RealFrames.bytes(OFFLOADED_PROBE);
        int end = ip.length;
        int pseudo = Checksum.pseudoHeaderSum(SOURCE, DESTINATION, IpProtocol.UDP, UDP_LENGTH);
        boolean found = false;
        for (int v = 0; v < 0x10000 && !found; v++) {
            ip[end - 2] = (byte) (v >>> 8);
            ip[end - 1] = (byte) v;
            field(ip, 0);
            found = Checksum.sum(ip, UDP_AT, UDP_LENGTH, pseudo) == 0xffff;
        }
        assertTrue(found);
        field(ip, pseudo);
        assertEquals(0xffff, offloaded(ip, true));
    }

    @Test
    void zeroAndAllOnesAreTheSameOnesComplementNumber() {
        assertTrue(Checksum.isPartial(0x0000, 0xffff));
        assertTrue(Checksum.isPartial(0xffff, 0x0000));
        assertTrue(Checksum.isPartial(0xffff, 0xffff));
        assertFalse(Checksum.isPartial(0x0000, 0x1234));
        assertFalse(Checksum.isPartial(0x9262, 0x9261));
    }

    @Test
    void aUdpChecksumOfZeroMeansNoneWasComputed() {
        byte[] ip = RealFrames.bytes(OFFLOADED_PROBE);
        field(ip, 0);
        // Even where the pseudo-header sum is 0xffff (source 0.0.0.0, destination 0.0.255.198: 0xffc6 + 17 +
        // 40), 0 is "no checksum" for UDP (RFC 768), not a partial one.
        assertEquals(0xffff, Checksum.pseudoHeaderSum(0, 0xffc6, IpProtocol.UDP, UDP_LENGTH));
        assertEquals(Checksum.NOT_PARTIAL, Checksum.offloaded(ip, UDP_AT, UDP_LENGTH, true, 0, 0xffc6,
                IpProtocol.UDP, 0));
        assertEquals(Checksum.NOT_PARTIAL, offloaded(ip, true));
    }

    @Test
    void tcpSegmentsAreRecognisedTheSameWay() {
        // Synthetic: a 20-byte TCP SYN from the same hosts, checksum field = the TCP pseudo-header sum.
        byte[] tcp = new byte[20];
        tcp[0] = (byte) 0xc3;
        tcp[1] = 0x50;
        tcp[3] = 80;
        tcp[7] = 1;
        tcp[12] = 0x50;
        tcp[13] = TcpView.SYN;
        tcp[15] = (byte) 0xfa;
        int pseudo = Checksum.pseudoHeaderSum(SOURCE, DESTINATION, IpProtocol.TCP, 20);
        Bytes.put16(tcp, 16, pseudo);
        int real = Checksum.offloaded(tcp, 0, 20, true, SOURCE, DESTINATION, IpProtocol.TCP, pseudo);
        Bytes.put16(tcp, 16, real);
        assertEquals(0xffff, Checksum.sum(tcp, 0, 20, pseudo), "the completed TCP checksum verifies");
        assertEquals(Checksum.NOT_PARTIAL, Checksum.offloaded(tcp, 0, 20, true, SOURCE, DESTINATION, IpProtocol.TCP,
                real));
        assertEquals(Checksum.PARTIAL_CUT, Checksum.offloaded(tcp, 0, 20, false, SOURCE, DESTINATION,
                IpProtocol.TCP, pseudo));
    }

    /** The UDP pseudo-header of the pinned probe (RFC 768). */
    private static byte[] pseudoHeader(int udpLength) {
        byte[] p = new byte[12];
        Bytes.put32(p, 0, SOURCE & 0xffffffffL);
        Bytes.put32(p, 4, DESTINATION & 0xffffffffL);
        p[9] = IpProtocol.UDP;
        Bytes.put16(p, 10, udpLength);
        return p;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
