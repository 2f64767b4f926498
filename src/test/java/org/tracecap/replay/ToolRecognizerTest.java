package org.tracecap.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.tracecap.replay.ToolProbes.NATURAL;
import static org.tracecap.replay.ToolProbes.ascending;
import static org.tracecap.replay.ToolProbes.echo;
import static org.tracecap.replay.ToolProbes.startingWith;
import static org.tracecap.replay.ToolProbes.syn;
import static org.tracecap.replay.ToolProbes.udp;
import static org.tracecap.replay.ToolProbes.zeros;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tracecap.model.Method;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.IpProtocol;
import org.tracecap.trace.ClassicUdpIdentity;
import org.tracecap.trace.DublinUdpIdentity;
import org.tracecap.trace.IcmpEchoIdentity;
import org.tracecap.trace.ParisIcmpIdentity;
import org.tracecap.trace.ParisUdpIdentity;
import org.tracecap.trace.ProbeIdentity;
import org.tracecap.trace.TcpSynIdentity;
import org.tracecap.trace.UdpProbeIdentity;

/**
 * Each tool's probes, synthetic (built byte by byte here, not captured), recognised by name; near misses say
 * "unknown". The comment above each builder names where every value comes from (the tool's source or
 * documentation, as {@link ToolRecognizer}'s rules cite them).
 */
class ToolRecognizerTest {
    private static final int UDP = IpProtocol.UDP;
    private static final int ICMP = IpProtocol.ICMP;
    private static final int TCP = IpProtocol.TCP;
    /** A BSD traceroute's ident for pid 4242: (4242 & 0xffff) | 0x8000. */
    private static final int IDENT = (4242 & 0xffff) | 0x8000;

    private static Method recognise(int protocol, List<byte[]> packets) {
        return ToolRecognizer.recognise(protocol, ToolProbes.slots(packets));
    }

    private static String tool(int protocol, List<byte[]> packets) {
        return recognise(protocol, packets).tool();
    }

    // --- BSD / macOS traceroute (FreeBSD contrib/traceroute/traceroute.c, LBL lineage) ---

    /**
     * UDP: source port ident; seq = 1, 2, 3... one per probe, 3 per TTL (nprobes); destination port port + seq;
     * IP ID ident + seq; current FreeBSD sends 40-byte packets (12 zero data bytes), no DF.
     */
    private static List<byte[]> bsdUdp(int port, int ipIdOffset, boolean outdata) {
        List<byte[]> out = new ArrayList<>();
        int seq = 0;
        for (int ttl = 1; ttl <= 4; ttl++) {
            for (int q = 0; q < 3; q++) {
                seq++;
                // NetBSD copies struct outdata {u_char seq; u_char ttl; timeval} into the data (room for it
                // makes 52-byte packets on a 64-bit host, as macOS's traceroute prints)
                byte[] data = outdata ? startingWith(24, seq, ttl, 0, 0, 0, 0, 0, 0, 0x5f, 0x12, 0x34, 0x56)
                        : zeros(12);
                out.add(udp(ttl, IDENT + seq + ipIdOffset, false, IDENT, port + seq, NATURAL, data));
            }
        }
        return out;
    }

    @Test
    void bsdTracerouteUdp() {
        assertEquals(new Method("udp", "traceroute-bsd", "udp-destination-port"),
                recognise(UDP, bsdUdp(33434, 0, false)));
        // outdata in the payload, and -p 40000: the seq and ttl bytes say it without the default port
        assertEquals("traceroute-bsd", tool(UDP, bsdUdp(40000, 0, true)));
    }

    @Test
    void bsdLikeProbesWhoseIpIdDoesNotFitAreUnknown() {
        // one source port from ident, ports port + seq, BSD's 40 bytes of zeros, but IP IDs that follow neither
        // ident + seq nor the ports
        List<byte[]> random = new ArrayList<>();
        int[] ids = {0x1f3a, 0x88c1, 0x0402, 0x7e55, 0xc0de, 0x3141, 0x2718, 0x9999, 0x4d2c, 0x6b1e, 0xa5a5, 0x0f0f};
        for (int seq = 1; seq <= 12; seq++) {
            random.add(udp(1 + (seq - 1) / 3, ids[seq - 1], false, IDENT, 33434 + seq, NATURAL, zeros(12)));
        }
        assertEquals("unknown", tool(UDP, random));
        // outdata with -p 40000, but IP ID ident + seq + 1: the seq byte is not IP ID - ident
        assertEquals("unknown", tool(UDP, bsdUdp(40000, 1, true)));
    }

    /** ICMP (-P icmp / -I): identifier ident, sequence seq, IP ID ident + seq; 40-byte packets, zero data. */
    @Test
    void bsdTracerouteIcmp() {
        List<byte[]> out = new ArrayList<>();
        for (int seq = 1; seq <= 9; seq++) {
            out.add(echo(1 + (seq - 1) / 3, IDENT + seq, IDENT, seq, NATURAL, zeros(12)));
        }
        assertEquals(new Method("icmp", "traceroute-bsd", "icmp-sequence"), recognise(ICMP, out));
    }

    /**
     * TCP (-P tcp): source port ident, destination port port + seq, th_seq = th_sport << 16 | th_dport on the
     * ports in network order, not byte-swapped again: from a little-endian host the wire holds dport, sport.
     */
    @Test
    void bsdTracerouteTcp() {
        List<byte[]> littleEndian = new ArrayList<>();
        List<byte[]> bigEndian = new ArrayList<>();
        for (int seq = 1; seq <= 9; seq++) {
            int dport = 33434 + seq;
            int ttl = 1 + (seq - 1) / 3;
            littleEndian.add(syn(ttl, IDENT + seq, IDENT, dport, ((long) dport << 16) | IDENT, 0));
            bigEndian.add(syn(ttl, IDENT + seq, IDENT, dport, ((long) IDENT << 16) | dport, 0));
        }
        assertEquals(new Method("tcp", "traceroute-bsd", "tcp-sequence"), recognise(TCP, littleEndian));
        assertEquals("traceroute-bsd", tool(TCP, bigEndian));
    }

    // --- Windows tracert ---

    /**
     * ICMP Echo, TTL 1, 2, 3... three probes per TTL (KB Q217014); one identifier, sequence numbers from the
     * system's counter, + 1 per probe; 64 data bytes, all zero: 92-byte packets.
     */
    private static List<byte[]> tracert(int dataLength, byte[] pattern) {
        List<byte[]> out = new ArrayList<>();
        int seq = 0x0127;
        for (int ttl = 1; ttl <= 5; ttl++) {
            for (int q = 0; q < 3; q++) {
                byte[] data = pattern != null ? pattern : zeros(dataLength);
                out.add(echo(ttl, 0x3a00 + seq, 1, seq++, NATURAL, data));
            }
        }
        return out;
    }

    @Test
    void windowsTracert() {
        assertEquals(new Method("icmp", "tracert", "icmp-sequence"), recognise(ICMP, tracert(64, null)));
    }

    /**
     * SYNTHETIC {@code tracert -6}: as {@link #tracert} in ICMPv6 Echo Requests (RFC 4443), from the documentation
     * (KB Q217014: the same 64 zero data bytes): 112-byte packets, no IP ID; no capture of it exists here.
     */
    private static List<byte[]> tracert6(int dataLength) {
        List<byte[]> out = new ArrayList<>();
        int seq = 0x0127;
        for (int ttl = 1; ttl <= 5; ttl++) {
            for (int q = 0; q < 3; q++) {
                org.tracecap.packet.ProbeEncoder.Echo6Probe p = new org.tracecap.packet.ProbeEncoder.Echo6Probe(null,
                        null, org.tracecap.packet.IpAddress.parse("2001:db8:1::1"),
                        org.tracecap.packet.IpAddress.parse("2001:db8:5::2"), ttl, 0, 0, 1, seq++, dataLength,
                        org.tracecap.packet.ProbeEncoder.NATURAL_CHECKSUM, new byte[1]);
                byte[] b = new byte[p.frameLength()];
                org.tracecap.packet.ProbeEncoder.encode(p, b, 0);
                out.add(b);
            }
        }
        return out;
    }

    @Test
    void windowsTracertOverIpv6() {
        assertEquals(new Method("icmp", "tracert", "icmp-sequence"), recognise(IpProtocol.ICMPV6, tracert6(64)));
        // the IPv4 size over IPv6 is another tool's
        assertEquals("unknown", tool(IpProtocol.ICMPV6, tracert6(44)));
    }

    @Test
    void tracertLikeProbesOfAnotherSizeOrDataAreUnknown() {
        // ping's 32 bytes "abcdefghijklmnopqrstuvwabcdefghi" (KB Q217014) is not tracert's data
        assertEquals("unknown", tool(ICMP, tracert(32, "abcdefghijklmnopqrstuvwabcdefghi".getBytes())));
        assertEquals("unknown", tool(ICMP, tracert(56, null)));
    }

    // --- Linux traceroute 2.x (traceroute.sourceforge.net) ---

    /** UDP (mod-udp.c): a socket per probe (new source port), port 33434 + n, data 0x40 + i, 60-byte packets. */
    private static List<byte[]> linuxUdp(byte[] data) {
        List<byte[]> out = new ArrayList<>();
        int[] sports = {37888, 52187, 41003, 60011, 35550, 47123, 58001, 33999, 44444};
        for (int n = 0; n < 9; n++) {
            out.add(udp(1 + n / 3, 0x54d3 + n * 977, false, sports[n], 33434 + n, NATURAL, data));
        }
        return out;
    }

    @Test
    void linuxTraceroute() {
        assertEquals(new Method("udp", "traceroute", "udp-destination-port"),
                recognise(UDP, linuxUdp(ascending(0x40, 32))));
        // -I (mod-icmp.c): identifier getpid() & 0xffff, sequence from 1, data 0x40 + i counted from the ICMP
        // header's start ("HIJK..."); the kernel's sequential IP IDs
        List<byte[]> icmp = new ArrayList<>();
        for (int seq = 1; seq <= 9; seq++) {
            icmp.add(echo(1 + (seq - 1) / 3, 0x3684 + seq, 0x6724, seq, NATURAL, ascending(0x48, 32)));
        }
        assertEquals(new Method("icmp", "traceroute", "icmp-sequence"), recognise(ICMP, icmp));
        // -T (mod-tcp.c): SYN to port 80 from a new source port each, options MSS, SACK, timestamps, window scale
        List<byte[]> tcp = new ArrayList<>();
        int[] sports = {45023, 56845, 39001, 51234, 47777, 60606};
        for (int n = 0; n < 6; n++) {
            tcp.add(syn(1 + n / 3, 0x1ebd + n, sports[n], 80, 0x7e8f31c1L + n * 7919L, 20));
        }
        assertEquals(new Method("tcp", "traceroute", "tcp-source-port"), recognise(TCP, tcp));
    }

    @Test
    void linuxLikeProbesWithOtherDataAreUnknown() {
        assertEquals("unknown", tool(UDP, linuxUdp(zeros(32))));
        assertEquals("unknown", tool(UDP, linuxUdp(ascending(0x41, 32))));
    }

    // --- mtr (net.c: MinSequence 33000; one socket; 64-byte packets, --bitpattern 0) ---

    @Test
    void mtrUdpAndIcmp() {
        List<byte[]> udp = new ArrayList<>();
        List<byte[]> icmp = new ArrayList<>();
        int seq = 33000;
        for (int round = 0; round < 3; round++) {
            for (int ttl = 1; ttl <= 4; ttl++) {
                udp.add(udp(ttl, 0xa0c5 + seq * 20, false, 26749, seq, NATURAL, zeros(36)));
                icmp.add(echo(ttl, 0x3a4a + seq * 8, 26922, seq, NATURAL, zeros(36)));
                seq++;
            }
        }
        assertEquals(new Method("udp", "mtr", "udp-destination-port"), recognise(UDP, udp));
        assertEquals(new Method("icmp", "mtr", "icmp-sequence"), recognise(ICMP, icmp));
        // one round only, still 64 bytes
        assertEquals("mtr", tool(UDP, udp.subList(0, 4)));
        // sequence numbers below 33000 are not mtr's
        List<byte[]> low = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            low.add(udp(1 + i % 4, 0x1000 + i * 31, false, 26749, 32000 + i, NATURAL, zeros(36)));
        }
        assertEquals("unknown", tool(UDP, low));
    }

    // --- scamper (scamper_trace_do.c) ---

    @Test
    void scamperParisAndTracelb() {
        // udp-paris: sport (pid & 0x7fff) + 0x8000, dport 33435, IP ID = id_next + 1 and the UDP checksum made
        // equal to it through two payload bytes; 44-byte packets, DF
        List<byte[]> udp = new ArrayList<>();
        for (int n = 1; n <= 6; n++) {
            udp.add(udp(n, n, true, 59860, 33435, n, startingWith(16, 0x01, 0x25 - n)));
        }
        assertEquals(new Method("udp", "scamper", "udp-checksum"), recognise(UDP, udp));
        // icmp-paris: ICMP checksum = trace->dport, which defaults to the default sport, also the identifier
        List<byte[]> icmp = new ArrayList<>();
        for (int seq = 0; seq < 6; seq++) {
            icmp.add(echo(seq + 1, seq + 1, 0xea80, seq, 0xea80, startingWith(16, 0x22, 0xfe - seq)));
        }
        assertEquals(new Method("icmp", "scamper", "icmp-sequence"), recognise(ICMP, icmp));
        // tracelb: one flow per destination port, IP ID = UDP checksum = probe number across flows
        List<byte[]> lb = new ArrayList<>();
        int n = 1;
        for (int ttl = 1; ttl <= 3; ttl++) {
            for (int flow = 0; flow < 2; flow++, n++) {
                lb.add(udp(ttl, n, true, 47570, 33435 + flow, n, startingWith(16, 0x31, n)));
            }
        }
        assertEquals(new Method("udp", "scamper", "udp-checksum"), recognise(UDP, lb));
    }

    // --- paris-traceroute (UDPProbe.cc, ICMPProbe.cc) ---

    @Test
    void parisTraceroute() {
        // UDP: 33456 -> 33457; IP ID = probe id; payload: the id (memcpy, host order: little-endian on x86), then
        // zeros; the natural checksum
        List<byte[]> udp = new ArrayList<>();
        for (int id = 1; id <= 6; id++) {
            udp.add(udp(id, id, false, 33456, 33457, NATURAL, startingWith(10, id, 0)));
        }
        assertEquals(new Method("udp", "paris-traceroute", "ip-id"), recognise(UDP, udp));
        // ICMP: identifier = process id, sequence = probe id, checksum fixed to the port option (33457), the
        // first two data bytes balancing it; the kernel's IP IDs
        List<byte[]> icmp = new ArrayList<>();
        for (int id = 1; id <= 6; id++) {
            icmp.add(echo(id, 0x7000 + id * 3, 4242, id, 33457, startingWith(10, 0x12, id)));
        }
        assertEquals(new Method("icmp", "paris-traceroute", "icmp-sequence"), recognise(ICMP, icmp));
    }

    // --- dublin-traceroute (udpv4probe.cc) ---

    /** Payload 'N','S','M','N','C' + (remote port + ttl) in host order; DF; IP ID = the UDP checksum. */
    private static List<byte[]> dublin(boolean df) {
        List<byte[]> out = new ArrayList<>();
        for (int ttl = 1; ttl <= 5; ttl++) {
            int id = 33434 + ttl;
            int checksum = 0x5998 - ttl;
            out.add(udp(ttl, checksum, df, 12345, 33434, checksum,
                    new byte[] {'N', 'S', 'M', 'N', 'C', (byte) id, (byte) (id >>> 8)}));
        }
        return out;
    }

    @Test
    void dublinTraceroute() {
        assertEquals(new Method("udp", "dublin", "ip-id"), recognise(UDP, dublin(true)));
        assertEquals("unknown", tool(UDP, dublin(false)), "dublin-traceroute always sets DF");
    }

    // --- tracecap's own (org.tracecap.trace identities, ProbeEncoder's zero payload) ---

    private static List<byte[]> tracecap(UdpProbeIdentity identity, int count, int perTtl, byte[] data) {
        List<byte[]> out = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            ProbeIdentity.ProbeFields f = identity.fields(n);
            int checksum = f.udpChecksum() < 0 ? NATURAL : f.udpChecksum();
            out.add(udp(1 + n / perTtl, f.ipId(), false, f.sourcePort(), f.destinationPort(), checksum, data));
        }
        return out;
    }

    @Test
    void tracecapItself() {
        List<byte[]> classic = tracecap(new ClassicUdpIdentity(33434, 30, 62000, 0xfff0), 12, 3, zeros(32));
        assertEquals(new Method("udp", "tracecap", "udp-destination-port"), recognise(UDP, classic));
        // a probe held back by the ICMP budget leaves after later ones: the TTL still follows the port
        List<byte[]> held = new ArrayList<>(classic);
        held.add(7, held.remove(3));
        assertEquals("tracecap", tool(UDP, held));
        List<byte[]> paris = tracecap(new ParisUdpIdentity(33434, 30, 62000, 0x1234), 9, 3,
                startingWith(32, 0x7f, 0x01));
        assertEquals(new Method("udp", "tracecap", "udp-checksum"), recognise(UDP, paris));
        List<byte[]> dublin = tracecap(new DublinUdpIdentity(33435, 30, 62000, 0x4321), 9, 3, zeros(32));
        assertEquals(new Method("udp", "tracecap", "ip-id"), recognise(UDP, dublin));
    }

    /** {@code count} probes as {@code identity} writes them live (bare IPv4), {@code perTtl} to a TTL. */
    private static List<byte[]> written(ProbeIdentity identity, int count, int perTtl) {
        List<byte[]> out = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            ProbeIdentity.Envelope envelope = new ProbeIdentity.Envelope(null, null,
                    IpAddress.ipv4(ToolProbes.CLIENT), IpAddress.ipv4(ToolProbes.SERVER), 1 + n / perTtl, 0, false,
                    60);
            byte[] buf = new byte[128];
            int length = identity.write(n, envelope, buf, n).totalLength();
            out.add(java.util.Arrays.copyOf(buf, length));
        }
        return out;
    }

    @Test
    void tracecapIcmpAndTcp() {
        // the identities and encoder of tracecap trace -I, -I --method paris and -T, their bytes as sent
        assertEquals(new Method("icmp", "tracecap", "icmp-sequence"),
                recognise(ICMP, written(new IcmpEchoIdentity(0x5151, 1, 30, 0x9c40), 12, 3)));
        assertEquals(new Method("icmp", "tracecap", "icmp-sequence"),
                recognise(ICMP, written(new ParisIcmpIdentity(0x5151, 1, 30, 0x9c40, 0x4242), 12, 3)));
        assertEquals(new Method("tcp", "tracecap", "tcp-sequence"),
                recognise(TCP, written(new TcpSynIdentity(80, 30, 47000, 0x12345678L, 0x0777), 12, 3)));
        // an IP ID that is the sequence number (offset 0) or the sequence + 1 (scamper's) is not tracecap's
        List<byte[]> offsetZero = new ArrayList<>();
        for (int seq = 1; seq <= 9; seq++) {
            offsetZero.add(echo(1 + (seq - 1) / 3, seq, 0x5151, seq, NATURAL, zeros(32)));
        }
        assertEquals("unknown", tool(ICMP, offsetZero));
    }

    @Test
    void tracecapLikeProbesOffItsPatternAreUnknown() {
        // a non-zero payload byte
        assertEquals("unknown", tool(UDP,
                tracecap(new ClassicUdpIdentity(33434, 30, 62000, 0x0100), 12, 3, startingWith(32, 0, 0, 0, 1))));
        // ports going down as the TTL goes up
        List<byte[]> backwards = new ArrayList<>();
        for (int n = 0; n < 9; n++) {
            backwards.add(udp(1 + n / 3, 0x0100 - n, false, 62000, 33450 - n, NATURAL, zeros(32)));
        }
        assertEquals("unknown", tool(UDP, backwards));
    }

    @Test
    void oneProbeNamesNoTool() {
        assertEquals(new Method("udp", "unknown", "udp-destination-port"),
                recognise(UDP, linuxUdp(ascending(0x40, 32)).subList(0, 1)));
        assertEquals("unknown", tool(ICMP, tracert(64, null).subList(0, 1)));
    }

    @Test
    void otherProbesStayUnknown() {
        // UDP with ports going up by 2
        List<byte[]> odd = new ArrayList<>();
        for (int n = 0; n < 3; n++) {
            odd.add(udp(n + 1, n + 1, false, n + 1, 33434 + 2 * n, NATURAL, zeros(8)));
        }
        assertEquals(new Method("udp", "unknown", "udp-destination-port"), recognise(UDP, odd));
        // fixed 5-tuple, changing IP ID, one checksum, data that is not zero
        List<byte[]> ipId = new ArrayList<>();
        for (int n = 0; n < 3; n++) {
            ipId.add(udp(n + 1, n + 1, false, 5, 6, 9, startingWith(8, 0, 0, 7)));
        }
        assertEquals(new Method("udp", "unknown", "ip-id"), recognise(UDP, ipId));
        // TCP with one source port and a changing sequence number
        List<byte[]> tcp = new ArrayList<>();
        for (int n = 0; n < 3; n++) {
            tcp.add(syn(n + 1, n + 1, 5, 80, 100 * (n + 1), 0));
        }
        assertEquals(new Method("tcp", "unknown", "tcp-sequence"), recognise(TCP, tcp));
    }
}
