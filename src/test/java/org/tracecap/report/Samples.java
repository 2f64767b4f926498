package org.tracecap.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tracecap.model.Hop;
import org.tracecap.model.Method;
import org.tracecap.model.ProbeResult;
import org.tracecap.model.StopReason;
import org.tracecap.model.Trace;
import org.tracecap.packet.IcmpExtension;
import org.tracecap.packet.IcmpType;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.Ipv4Address;
import org.tracecap.packet.MplsEntry;

/**
 * Hand-built traces shaped like the runs in captures/ (same responders and RTTs as the tool printed), so
 * the report layer is tested without the replay layer.
 */
final class Samples {
    static final int CLIENT = Ipv4Address.parse("198.18.1.1");
    static final int SERVER = Ipv4Address.parse("198.18.5.2");
    static final Method TRACEROUTE_UDP = new Method("udp", "traceroute", "udp-destination-port");
    /** 2026-11-26T21:01:15.123456Z, a microsecond capture time like the .pcap files. */
    static final long START = Instant.parse("2026-11-26T21:01:15.123456Z").getEpochSecond() * 1_000_000_000L
            + 123_456_000L;

    private Samples() {
    }

    static int ip(String dotted) {
        return Ipv4Address.parse(dotted);
    }

    /** One classic traceroute UDP probe (port 33434 + sequence) and its reply, null responder = no reply. */
    static ProbeResult udp(int ttl, int seq, String responder, double rttMs, int type, int code) {
        long send = START + seq * 1_000_000L;
        int dport = 33434 + seq;
        if (responder == null) {
            return new ProbeResult(ttl, send, 0x4000 + seq, 40000, dport, null, null, 0x1234 + seq, 60,
                    null, null, null, null, null, null, null, null, null, null, null, List.of());
        }
        return new ProbeResult(ttl, send, 0x4000 + seq, 40000, dport, null, null, 0x1234 + seq, 60,
                Math.round(rttMs * 1_000_000), IpAddress.ipv4(ip(responder)), type, code, null,
                IcmpType.annotation(type, code, 0), 65 - ttl, 1, 0x4000 + seq, 0x1234 + seq, 88, List.of());
    }

    /** A hop of classic UDP probes: responders (null = star) and RTTs in ms, Time Exceeded unless last. */
    static Hop hop(int ttl, boolean destination, int code, Object... responderAndRtt) {
        List<ProbeResult> probes = new ArrayList<>();
        for (int i = 0; i < responderAndRtt.length; i += 2) {
            int seq = (ttl - 1) * 3 + i / 2;
            String who = (String) responderAndRtt[i];
            double rtt = ((Number) responderAndRtt[i + 1]).doubleValue();
            int type = destination ? IcmpType.DEST_UNREACHABLE : IcmpType.TIME_EXCEEDED;
            probes.add(udp(ttl, seq, who, rtt, type, destination ? code : 0));
        }
        return new Hop(ttl, probes);
    }

    static Trace trace(StopReason stop, Hop... hops) {
        return new Trace(IpAddress.ipv4(CLIENT), IpAddress.ipv4(SERVER), TRACEROUTE_UDP, START, START + 20_000_000L,
                stop, List.of(hops), Map.of());
    }

    /** captures/straight-traceroute-udp.txt */
    static Trace straight() {
        return trace(StopReason.reached(),
                hop(1, false, 0, "198.18.1.2", 0.164, "198.18.1.2", 0.009, "198.18.1.2", 0.007),
                hop(2, false, 0, "198.18.2.2", 0.153, "198.18.2.2", 0.013, "198.18.2.2", 0.009),
                hop(3, false, 0, "198.18.3.2", 0.028, "198.18.3.2", 0.017, "198.18.3.2", 0.021),
                hop(4, false, 0, "198.18.4.2", 0.062, "198.18.4.2", 0.019, "198.18.4.2", 0.018),
                hop(5, true, 3, "198.18.5.2", 0.039, "198.18.5.2", 0.020, "198.18.5.2", 0.025));
    }

    /** captures/prohibited-traceroute-udp.txt: the server rejects with ICMP 3/13 (!X). */
    static Trace prohibited() {
        return trace(StopReason.unreachable(IcmpType.CODE_ADMIN_PROHIBITED),
                hop(1, false, 0, "198.18.1.2", 0.620, "198.18.1.2", 0.548, "198.18.1.2", 0.529),
                hop(2, false, 0, "198.18.2.2", 0.510, "198.18.2.2", 0.471, "198.18.2.2", 0.448),
                hop(3, false, 0, "198.18.3.2", 0.429, "198.18.3.2", 0.387, "198.18.3.2", 0.366),
                hop(4, false, 0, "198.18.4.2", 0.344, "198.18.4.2", 0.308, "198.18.4.2", 0.280),
                hop(5, true, 13, "198.18.5.2", 0.251, "198.18.5.2", 0.200, "198.18.5.2", 0.168));
    }

    /** captures/ecmp-traceroute-udp.txt: hop 2 answered by r2b twice, then r2a. */
    static Trace ecmp() {
        return trace(StopReason.reached(),
                hop(1, false, 0, "198.18.1.2", 0.943, "198.18.1.2", 0.871, "198.18.1.2", 0.851),
                hop(2, false, 0, "198.18.12.2", 0.832, "198.18.12.2", 0.791, "198.18.2.2", 0.769),
                hop(3, false, 0, "198.18.3.2", 0.694, "198.18.3.2", 0.461, "198.18.3.2", 0.434),
                hop(4, false, 0, "198.18.4.2", 0.411, "198.18.4.2", 0.366, "198.18.4.2", 0.341),
                hop(5, true, 3, "198.18.5.2", 0.318, "198.18.5.2", 0.156, "198.18.5.2", 0.125));
    }

    /** captures/silent-traceroute-udp.txt: r2 sends no Time Exceeded. */
    static Trace silent() {
        return trace(StopReason.reached(),
                hop(1, false, 0, "198.18.1.2", 0.816, "198.18.1.2", 0.695, "198.18.1.2", 0.642),
                hop(2, false, 0, null, 0, null, 0, null, 0),
                hop(3, false, 0, "198.18.3.2", 0.495, "198.18.3.2", 0.438, "198.18.3.2", 0.406),
                hop(4, false, 0, "198.18.4.2", 0.375, "198.18.4.2", 0.314, "198.18.4.2", 0.278),
                hop(5, true, 3, "198.18.5.2", 0.246, "198.18.5.2", 0.183, "198.18.5.2", 0.143));
    }

    /**
     * Synthetic: a Time Exceeded with an RFC 4884 extension structure holding an RFC 4950 MPLS label
     * stack of two entries and one unknown object (class 2, c-type 1), as an MPLS LSR would send.
     */
    static ProbeResult withMpls(ProbeResult p) {
        List<IcmpExtension> ext = List.of(
                new IcmpExtension(IcmpExtension.CLASS_MPLS, IcmpExtension.CTYPE_MPLS_INCOMING, "03e800fe03e811ff",
                        List.of(new MplsEntry(16000, 0, false, 254), new MplsEntry(16001, 0, true, 255))),
                new IcmpExtension(2, 1, "00000002", List.of()));
        return new ProbeResult(p.ttl(), p.sendTimeNanos(), p.ipId(), p.sourcePort(), p.destinationPort(),
                p.icmpId(), p.icmpSequence(), p.udpChecksum(), p.size(), p.rttNanos(), p.responder(), p.icmpType(),
                p.icmpCode(), p.tcpFlags(), p.annotation(), p.replyTtl(), p.quotedTtl(), p.quotedIpId(),
                p.quotedUdpChecksum(), 140, ext);
    }
}
