package org.tracecap.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;
import org.tracecap.packet.IcmpErrorEncoder;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.Ipv4Address;
import org.tracecap.packet.ProbeEncoder;

/**
 * {@link LivePort#traceFilter(int, int, int, int)} compiled by libpcap and run over frames built here
 * ({@code pcap_offline_filter}): what a trace's capture keeps and what the kernel drops for it.
 */
class LivePortFilterTest {
    static final int CLIENT = Ipv4Address.parse("198.18.0.2");
    static final int ROUTER = Ipv4Address.parse("198.18.0.1");
    static final int TARGET = Ipv4Address.parse("198.18.2.2");
    static final int NAT = Ipv4Address.parse("198.18.5.5");
    static final int FIRST = 33434;
    static final int LAST = 33448;
    static final byte[] MAC = {2, 0, 0, 0, 0, 1};

    static BpfProgram filter;

    @BeforeAll
    static void compile() throws Exception {
        filter = Pcaps.compileFilter(LivePort.SNAPLEN, DataLinkType.EN10MB,
                LivePort.traceFilter(IpAddress.ipv4(CLIENT), IpAddress.ipv4(TARGET), FIRST, LAST),
                        BpfProgram.BpfCompileMode.OPTIMIZE,
                (Inet4Address) InetAddress.getByAddress(new byte[] {-1, -1, -1, -1}));
    }

    @AfterAll
    static void free() {
        if (filter != null) {
            filter.free();
        }
    }

    static byte[] probeFrame(int source, int destination, int sourcePort, int destinationPort) {
        ProbeEncoder.UdpProbe p = new ProbeEncoder.UdpProbe(MAC, MAC, source, destination, 1, 0x1234, 0, false, 60,
                sourcePort, destinationPort, ProbeEncoder.NATURAL_CHECKSUM, null);
        byte[] frame = new byte[ProbeEncoder.frameLength(p)];
        ProbeEncoder.encode(p, frame, 0);
        return frame;
    }

    /** The IPv4 datagram of a probe, as a router quotes it. */
    static byte[] quote(int source, int destination, int sourcePort, int destinationPort) {
        byte[] frame = probeFrame(source, destination, sourcePort, destinationPort);
        return Arrays.copyOfRange(frame, ProbeEncoder.ETHERNET_HEADER, frame.length);
    }

    /** {@code quote} with 4 bytes of IP options (NOPs) in its header: IHL 6, the UDP header 24 bytes in. */
    static byte[] withOptions(byte[] quote) {
        byte[] q = new byte[quote.length + 4];
        System.arraycopy(quote, 0, q, 0, 20);
        Arrays.fill(q, 20, 24, (byte) 1);
        System.arraycopy(quote, 20, q, 24, quote.length - 20);
        q[0] = 0x46;
        int total = q.length;
        q[2] = (byte) (total >>> 8);
        q[3] = (byte) total;
        return q;
    }

    static byte[] frame(IcmpErrorEncoder e) {
        byte[] out = new byte[e.ethernet(MAC, MAC).length()];
        e.encode(out, 0);
        return out;
    }

    static byte[] timeExceeded(int to, byte[] quote) {
        return frame(IcmpErrorEncoder.timeExceeded(ROUTER, to, quote, 0, quote.length));
    }

    static boolean kept(byte[] frame) {
        return filter.applyFilter(frame, frame.length, frame.length);
    }

    @Test
    void keepsOurProbesAndTheErrorsQuotingThem() {
        assertTrue(kept(probeFrame(CLIENT, TARGET, 62000, FIRST)), "our probe, seen going out");
        assertTrue(kept(timeExceeded(CLIENT, quote(CLIENT, TARGET, 62000, FIRST))));
        assertTrue(kept(timeExceeded(CLIENT, quote(CLIENT, TARGET, 62000, LAST))));
        byte[] q = quote(CLIENT, TARGET, 62000, FIRST + 7);
        assertTrue(kept(frame(IcmpErrorEncoder.destinationUnreachable(TARGET, CLIENT, 3, q, 0, q.length))),
                "port unreachable from the target");
        assertTrue(kept(frame(IcmpErrorEncoder.destinationUnreachable(ROUTER, CLIENT, 4, q, 0, q.length)
                .mtu(1400))), "fragmentation needed");
        assertTrue(kept(timeExceeded(CLIENT, Arrays.copyOf(quote(CLIENT, TARGET, 62000, FIRST), 28))),
                "a quote of IP header + 8 bytes only (RFC 792)");
    }

    @Test
    void keepsQuotesWhereANatLeftItsOwnSourceAddressAndPort() {
        assertTrue(kept(timeExceeded(CLIENT, quote(NAT, TARGET, 1025, FIRST + 3))));
    }

    @Test
    void readsTheQuotedPortAfterQuotedIpOptions() {
        // Read at a fixed offset (IHL 5), the "port" would be two option bytes, 0x0101.
        assertTrue(kept(timeExceeded(CLIENT, withOptions(quote(CLIENT, TARGET, 62000, FIRST + 2)))));
        assertFalse(kept(timeExceeded(CLIENT, withOptions(quote(CLIENT, TARGET, 62000, LAST + 1)))));
    }

    @Test
    void dropsWhatCannotAnswerTheTrace() {
        assertFalse(kept(timeExceeded(CLIENT, quote(CLIENT, TARGET + 1, 62000, FIRST))), "another destination");
        assertFalse(kept(timeExceeded(CLIENT, quote(CLIENT, TARGET, 62000, FIRST - 1))), "a port below");
        assertFalse(kept(timeExceeded(CLIENT, quote(CLIENT, TARGET, 62000, LAST + 1))), "a port above");
        assertFalse(kept(timeExceeded(CLIENT + 1, quote(CLIENT, TARGET, 62000, FIRST))), "to another host");
        byte[] tcp = quote(CLIENT, TARGET, 62000, FIRST);
        tcp[9] = 6;
        assertFalse(kept(timeExceeded(CLIENT, tcp)), "a quoted TCP segment");
        byte[] data = new byte[32];
        assertFalse(kept(frame(IcmpErrorEncoder.echoReply(TARGET, CLIENT, 1, 1, data, 0, data.length))),
                "an echo reply");
        assertFalse(kept(frame(IcmpErrorEncoder.error(12, 0, ROUTER, CLIENT, tcp, 0, tcp.length))),
                "parameter problem");
        assertFalse(kept(probeFrame(TARGET, CLIENT, FIRST, 62000)), "UDP to us");
        assertFalse(kept(timeExceeded(TARGET, quote(TARGET, CLIENT, 62000, FIRST))), "ICMP we send");
        assertFalse(kept(Arrays.copyOf(timeExceeded(CLIENT, quote(CLIENT, TARGET, 62000, FIRST)), 14 + 20 + 8 + 20)),
                "a quote cut inside the UDP header");
    }

    @Test
    void theFilterTextIsPinned() {
        assertEquals("ip and ((src host 198.18.0.2 and udp) or (dst host 198.18.0.2 and icmp and"
                + " (icmp[icmptype] = icmp-timxceed or icmp[icmptype] = icmp-unreach) and (icmp[8] & 0xf0) = 0x40"
                + " and icmp[17] = 17 and icmp[24:4] = 3323069698"
                + " and icmp[((icmp[8] & 0x0f) << 2) + 10 : 2] >= 33434"
                + " and icmp[((icmp[8] & 0x0f) << 2) + 10 : 2] <= 33436))",
                LivePort.traceFilter(IpAddress.ipv4(CLIENT), IpAddress.parse("198.18.5.2"), 33434,
                        33436));
    }

    @Test
    void rejectsAnEmptyOrOutOfRangePortRange() {
        assertThrows(IllegalArgumentException.class, () -> LivePort.traceFilter(IpAddress.ipv4(CLIENT),
                IpAddress.ipv4(TARGET), 2, 1));
        assertThrows(IllegalArgumentException.class, () -> LivePort.traceFilter(IpAddress.ipv4(CLIENT),
                IpAddress.ipv4(TARGET), 0, 1));
        assertThrows(IllegalArgumentException.class, () -> LivePort.traceFilter(IpAddress.ipv4(CLIENT),
                IpAddress.ipv4(TARGET), 1, 65536));
    }

    @Test
    void theCaptureSnaplenIsTheMtuPlusAnEthernetHeaderAtMost65535() throws Exception {
        assertEquals(LivePort.SNAPLEN, LivePort.captureSnaplen("tcap-no-such-interface"));
        int loMtu = java.net.NetworkInterface.getByName("lo").getMTU();
        assertEquals(Math.min(LivePort.SNAPLEN, loMtu + LivePort.LINK_OVERHEAD), LivePort.captureSnaplen("lo"));
    }
}
