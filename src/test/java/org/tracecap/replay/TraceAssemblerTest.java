package org.tracecap.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tracecap.replay.Probes.MS;
import static org.tracecap.replay.Probes.SERVER;
import static org.tracecap.replay.Probes.echo;
import static org.tracecap.replay.Probes.echoReply;
import static org.tracecap.replay.Probes.router;
import static org.tracecap.replay.Probes.rst;
import static org.tracecap.replay.Probes.syn;
import static org.tracecap.replay.Probes.timeExceeded;
import static org.tracecap.replay.Probes.udp;
import static org.tracecap.replay.Probes.withPayload;
import static org.tracecap.replay.Probes.unreachable;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tracecap.match.Classified;
import org.tracecap.match.SentProbe;
import org.tracecap.model.Method;
import org.tracecap.model.ProbeResult;
import org.tracecap.model.StopReason;
import org.tracecap.model.Trace;
import org.tracecap.packet.IcmpExtension;
import org.tracecap.packet.IcmpExtensions;
import org.tracecap.packet.IcmpType;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.MplsEntry;

/** From a run to traces: trimming, hops, stop reason, method, probe fields (rules 5 to 8). */
class TraceAssemblerTest {
    private static final StopReason UNFINISHED = StopReason.maxTtl();

    private static List<TraceAssembler.Assembled> assemble(List<SentProbe> probes, List<Classified> replies) {
        return TraceAssembler.assemble(Probes.run(probes, replies), UNFINISHED);
    }

    /** traceroute -q 1 style: TTL 1..8 in parallel, routers at 1..4, the server answers from TTL 5 on. */
    @Test
    void hopsStopAtTheFirstTtlTheDestinationAnswered() {
        List<SentProbe> probes = new ArrayList<>();
        List<Classified> replies = new ArrayList<>();
        for (int ttl = 1; ttl <= 8; ttl++) {
            // Linux traceroute's payload "@ABC..."
            SentProbe p = withPayload(udp(ttl * MS, ttl, 40000 + ttl * 13, 33433 + ttl, ttl * 100, 5), 0x40414243, 0);
            probes.add(p);
            replies.add(ttl < 5 ? timeExceeded(p, p.timeNanos() + MS)
                    : unreachable(p, p.timeNanos() + MS, SERVER, IcmpType.CODE_PORT_UNREACHABLE));
        }
        List<TraceAssembler.Assembled> out = assemble(probes, replies);
        assertEquals(1, out.size());
        Trace t = out.get(0).trace();
        assertEquals(5, t.hops().size());
        assertEquals(5, out.get(0).probes(), "probes in the hops");
        assertEquals(3, out.get(0).pastStop(), "TTLs 6 to 8, sent before TTL 5 answered, are left out");
        assertEquals(StopReason.reached(), t.stop());
        assertEquals(IpAddress.ipv4(SERVER), t.hops().get(4).probes().get(0).responder());
        assertEquals(MS, t.startTimeNanos());
        assertEquals(6 * MS, t.endTimeNanos());
        assertEquals(new Method("udp", "traceroute", "udp-destination-port"), t.method());
    }

    @Test
    void aRouterSayingHostUnreachableStopsTheTraceThere() {
        List<SentProbe> probes = new ArrayList<>();
        List<Classified> replies = new ArrayList<>();
        for (int ttl = 1; ttl <= 6; ttl++) {
            SentProbe p = udp(ttl * MS, ttl, 40000 + ttl, 33433 + ttl, ttl, 5);
            probes.add(p);
            replies.add(ttl < 3 ? timeExceeded(p, p.timeNanos() + MS)
                    : unreachable(p, p.timeNanos() + MS, router(3), IcmpType.CODE_HOST_UNREACHABLE));
        }
        Trace t = assemble(probes, replies).get(0).trace();
        assertEquals(3, t.hops().size());
        assertEquals(StopReason.unreachable(IcmpType.CODE_HOST_UNREACHABLE), t.stop());
        assertEquals("!H", t.hops().get(2).probes().get(0).annotation());
    }

    @Test
    void silentAndUnprobedTtlsStillHaveTheirHop() {
        List<SentProbe> probes = List.of(udp(0, 1, 1, 33434, 1, 1), udp(MS, 2, 2, 33435, 2, 1),
                udp(2 * MS, 2, 3, 33436, 3, 1), udp(3 * MS, 4, 4, 33437, 4, 1));
        List<Classified> replies = new ArrayList<>();
        replies.add(timeExceeded(probes.get(0), MS / 2));
        replies.add(null);
        replies.add(null);
        replies.add(null);
        Trace t = assemble(probes, replies).get(0).trace();
        assertEquals(List.of(1, 2, 3, 4), t.hops().stream().map(h -> h.ttl()).toList());
        assertEquals(2, t.hops().get(1).probes().size());
        assertTrue(t.hops().get(1).probes().stream().noneMatch(ProbeResult::answered));
        assertTrue(t.hops().get(2).probes().isEmpty(), "TTL 3 never probed");
        assertEquals(UNFINISHED, t.stop(), "nothing final: the caller's reason");
    }

    @Test
    void aFlowAtOneTtlIsNotATrace() {
        SentProbe ping = echo(0, 64, 7, 1, 1, 1);
        assertTrue(assemble(List.of(ping), List.of(echoReply(ping, MS))).isEmpty());
        SentProbe dns = udp(0, 64, 5353, 53, 1, 1);
        assertTrue(assemble(List.of(dns, udp(MS, 64, 5354, 53, 2, 2)), List.of()).isEmpty());
        SentProbe a = udp(0, 1, 1, 33434, 1, 1);
        SentProbe b = udp(MS, 2, 2, 33435, 2, 1);
        assertTrue(assemble(List.of(a, b), List.of()).isEmpty(), "two TTLs, no reply");
        List<Classified> replies = java.util.Arrays.asList(null,
                unreachable(b, 2 * MS, SERVER, IcmpType.CODE_PORT_UNREACHABLE));
        assertEquals(1, assemble(List.of(a, b), replies).size(), "two TTLs and a reply");
    }

    @Test
    void udpProbeFieldsComeFromTheProbeTheQuoteAndTheReply() {
        SentProbe p = udp(1_000 * MS, 1, 47790, 33434, 40477, 0x1234);
        List<IcmpExtension> ext = List.of(IcmpExtensions.mplsObject(List.of(new MplsEntry(16004, 0, true, 1))));
        // synthetic: Linux routers send no RFC 4884/4950 extensions
        Classified reply = Probes.icmp(p, 1_000 * MS + 21_000, router(1), IcmpType.TIME_EXCEEDED, 0, 0, ext);
        ProbeResult r = TraceAssembler.result(17, slot(p, reply), new ProbeResult.Builder());
        assertEquals(1, r.ttl());
        assertEquals(1_000 * MS, r.sendTimeNanos());
        assertEquals(40477, r.ipId());
        assertEquals(47790, r.sourcePort());
        assertEquals(33434, r.destinationPort());
        assertNull(r.icmpId());
        assertNull(r.icmpSequence());
        assertEquals(0x1234, r.udpChecksum());
        assertEquals(60, r.size());
        assertEquals(21_000L, r.rttNanos());
        assertEquals(IpAddress.ipv4(router(1)), r.responder());
        assertEquals(IcmpType.TIME_EXCEEDED, r.icmpType());
        assertEquals(0, r.icmpCode());
        assertNull(r.tcpFlags());
        assertEquals("", r.annotation());
        assertEquals(63, r.replyTtl());
        assertEquals(1, r.quotedTtl());
        assertEquals(40477, r.quotedIpId());
        assertEquals(0x1234, r.quotedUdpChecksum());
        assertEquals(56, r.replySize());
        assertEquals(16004, r.extensions().get(0).mpls().get(0).label());
    }

    @Test
    void fragmentationNeededShowsTheMtu() {
        SentProbe p = udp(0, 3, 1, 33434, 1, 1);
        Classified reply = Probes.icmp(p, MS, router(3), IcmpType.DEST_UNREACHABLE,
                IcmpType.CODE_FRAGMENTATION_NEEDED, 1400, List.of());
        assertEquals("!F-1400", TraceAssembler.result(17, slot(p, reply), new ProbeResult.Builder()).annotation());
    }

    @Test
    void echoAndTcpProbeFields() {
        SentProbe e = echo(0, 5, 0x1d2c, 7, 9, 0xabcd);
        ProbeResult er = TraceAssembler.result(1, slot(e, echoReply(e, 30_000)), new ProbeResult.Builder());
        assertNull(er.sourcePort());
        assertNull(er.udpChecksum());
        assertEquals(0x1d2c, er.icmpId());
        assertEquals(7, er.icmpSequence());
        assertEquals(IcmpType.ECHO_REPLY, er.icmpType());
        assertNull(er.quotedTtl(), "an Echo Reply quotes nothing");
        assertEquals("", er.annotation());

        SentProbe s = syn(0, 5, 41000, 123456789L, 3);
        ProbeResult sr = TraceAssembler.result(6, slot(s, rst(s, 40_000)), new ProbeResult.Builder());
        assertEquals(41000, sr.sourcePort());
        assertEquals(80, sr.destinationPort());
        assertNull(sr.udpChecksum());
        assertNull(sr.icmpType());
        assertEquals(0x14, sr.tcpFlags());
        assertEquals("", sr.annotation());
        assertEquals(40_000L, sr.rttNanos());

        ProbeResult none = TraceAssembler.result(6, new Slot(s), new ProbeResult.Builder());
        assertNull(none.rttNanos());
        assertNull(none.responder());
        assertNull(none.annotation());
        assertTrue(none.extensions().isEmpty());
    }

    @Test
    void parallelParisFlowsInterleavedByTtlAreSeparateTraces() {
        List<SentProbe> probes = new ArrayList<>();
        List<Classified> replies = new ArrayList<>();
        for (int ttl = 1; ttl <= 4; ttl++) {
            for (int flow = 0; flow < 2; flow++) {
                int id = 22935 - ttl - flow * 2;
                // dublin-traceroute: payload "NSMNC..", DF set, IP ID = UDP checksum
                SentProbe p = withPayload(udp((ttl * 2 + flow) * MS, ttl, 12345, 33434 + flow, id, id),
                        ToolRecognizer.DUBLIN_HEAD, SentProbe.DONT_FRAGMENT);
                probes.add(p);
                replies.add(ttl < 4 ? timeExceeded(p, p.timeNanos() + MS)
                        : unreachable(p, p.timeNanos() + MS, SERVER, IcmpType.CODE_PORT_UNREACHABLE));
            }
        }
        List<TraceAssembler.Assembled> out = assemble(probes, replies);
        assertEquals(2, out.size());
        for (int flow = 0; flow < 2; flow++) {
            Trace t = out.get(flow).trace();
            assertEquals(new Method("udp", "dublin", "ip-id"), t.method());
            assertEquals(4, t.hops().size());
            for (var h : t.hops()) {
                assertEquals(33434 + flow, h.probes().get(0).destinationPort());
            }
        }
    }

    private static Slot slot(SentProbe p, Classified reply) {
        Slot s = new Slot(p);
        s.reply = reply;
        return s;
    }
}
