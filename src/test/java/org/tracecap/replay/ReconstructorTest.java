package org.tracecap.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tracecap.model.Hop;
import org.tracecap.model.ProbeResult;
import org.tracecap.model.StopReason;
import org.tracecap.model.Trace;
import org.tracecap.packet.IcmpErrorEncoder;
import org.tracecap.packet.IcmpExtensions;
import org.tracecap.packet.IcmpType;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.Ipv4Address;
import org.tracecap.packet.LinkLayer;
import org.tracecap.packet.MplsEntry;
import org.tracecap.packet.ProbeEncoder;

/** The whole path, frames in and traces out, on frames built with the project's encoders (raw IPv4 link). */
class ReconstructorTest {
    private static final int CLIENT = Ipv4Address.parse("198.18.1.1");
    private static final int SERVER = Ipv4Address.parse("198.18.5.2");
    private static final int R3 = Ipv4Address.parse("198.18.3.2");
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;
    private static final long T0 = 1_795_726_800L * S;

    private final List<Trace> traces = new ArrayList<>();
    private Reconstructor replay = new Reconstructor(traces::add);

    private static int router(int ttl) {
        return Ipv4Address.parse("198.18." + ttl + ".2");
    }

    private static byte[] probe(int destination, int ttl, int sport, int dport, int ipId) {
        ProbeEncoder.UdpProbe p = new ProbeEncoder.UdpProbe(null, null, CLIENT, destination, ttl, ipId, 0, false, 60,
                sport, dport, ProbeEncoder.NATURAL_CHECKSUM, null);
        byte[] b = new byte[60];
        ProbeEncoder.encodeIp(p, b, 0);
        return b;
    }

    private static byte[] timeExceeded(byte[] probe, int ttl) {
        return IcmpErrorEncoder.timeExceeded(router(ttl), CLIENT, probe, 0, probe.length).ttl(65 - ttl).toBytes();
    }

    private static byte[] portUnreachable(byte[] probe, int from) {
        return IcmpErrorEncoder.destinationUnreachable(from, CLIENT, IcmpType.CODE_PORT_UNREACHABLE, probe, 0,
                probe.length).ttl(60).toBytes();
    }

    private void send(long t, byte[] frame) {
        replay.frame(t, LinkLayer.RAW, frame, frame.length, frame.length);
    }

    /** An Ethernet ARP request: read, ignored, neither probe nor reply. */
    private void arp(long t) {
        byte[] f = new byte[42];
        f[12] = 0x08;
        f[13] = 0x06;
        replay.frame(t, LinkLayer.ETHERNET, f, f.length, f.length);
    }

    /**
     * traceroute -q 3 to {@code destination} reached at {@code reachedAt}, from {@code start}, destination ports
     * from 33434; the routers answer TTL 1..reachedAt-1 except {@code silentTtl}.
     */
    private long traceroute(long start, int destination, int reachedAt, int silentTtl) {
        long t = start;
        int index = 0;
        for (int ttl = 1; ttl <= reachedAt; ttl++) {
            for (int q = 0; q < 3; q++) {
                byte[] p = probe(destination, ttl, 40000 + index * 17, 33434 + index, 1000 + index);
                send(t, p);
                t += 20_000;
                if (ttl == reachedAt) {
                    send(t, portUnreachable(p, destination));
                } else if (ttl != silentTtl) {
                    send(t, timeExceeded(p, ttl));
                }
                t += 20_000;
                index++;
            }
        }
        return t;
    }

    @Test
    void oneTracerouteWithASilentHop() {
        traceroute(T0, SERVER, 5, 2);
        ReplaySummary s = replay.finish(false);
        assertEquals(1, traces.size());
        Trace t = traces.get(0);
        assertEquals(IpAddress.ipv4(CLIENT), t.source());
        assertEquals(IpAddress.ipv4(SERVER), t.destination());
        assertEquals(StopReason.reached(), t.stop());
        assertEquals(5, t.hops().size());
        assertTrue(t.hops().get(1).probes().stream().noneMatch(ProbeResult::answered));
        assertEquals(20_000L, t.hops().get(0).probes().get(0).rttNanos());
        assertEquals(15 + 12, s.packetsRead());
        assertEquals(1, s.traces());
        assertEquals(15, s.probesFound());
        assertEquals(0, s.probesPastStop());
        assertEquals(12, s.repliesAttributed());
        assertEquals(0, s.repliesUnattributed());
        assertTrue(s.malformed().isEmpty());
    }

    @Test
    void backToBackRunsComeOutInOrder() {
        // Runs 1 and 3 send the very same probes (ports, IP IDs): a real tool started again takes longer than
        // the copy window to do so (rule 4), and a new kernel-chosen source port and IP ID besides.
        long t = traceroute(T0, SERVER, 5, 0);
        t = traceroute(t + 100 * MS, R3, 3, 0);
        traceroute(t + 100 * MS, SERVER, 5, 0);
        replay.finish(false);
        assertEquals(List.of(SERVER, R3, SERVER), traces.stream().map(x -> x.destination().ipv4()).toList());
        for (Trace trace : traces) {
            assertEquals(StopReason.reached(), trace.stop());
            assertTrue(trace.hops().stream().allMatch(h -> h.probes().size() == 3));
        }
    }

    @Test
    void aLateReplyFindsItsRunAfterTheNextRunStarted() {
        byte[] slow = null;
        long t = T0;
        for (int ttl = 1; ttl <= 3; ttl++) {
            byte[] p = probe(SERVER, ttl, 40000 + ttl, 33433 + ttl, ttl);
            send(t, p);
            if (ttl == 2) {
                slow = p;
            } else {
                send(t + 50_000, ttl < 3 ? timeExceeded(p, ttl) : portUnreachable(p, SERVER));
            }
            t += MS;
        }
        // the same traceroute again: port 33434 at TTL 1 starts a new run
        send(t, probe(SERVER, 1, 50001, 33434, 77));
        send(t + MS, timeExceeded(slow, 2));
        send(t + 2 * MS, probe(SERVER, 2, 50002, 33435, 78));
        send(t + 3 * MS, probe(SERVER, 3, 50003, 33436, 79));
        replay.finish(false);
        assertEquals(2, traces.size());
        ProbeResult late = traces.get(0).hops().get(1).probes().get(0);
        assertEquals(IpAddress.ipv4(router(2)), late.responder());
        assertEquals(t + MS - (T0 + MS), late.rttNanos());
        assertEquals(t + MS, traces.get(0).endTimeNanos());
        assertEquals(StopReason.reached(), traces.get(0).stop());
        assertEquals(StopReason.incomplete(), traces.get(1).stop(), "silent, and the capture ends right there");
    }

    @Test
    void aReplyLaterThanTheInactivityTimeAnswersNothing() {
        // a mtr-like run that keeps sending, so it stays open: its first probe's reply comes 61 s late
        byte[] first = probe(SERVER, 1, 40000, 33434, 1);
        send(T0, first);
        for (int i = 1; i <= 70; i++) {
            byte[] p = probe(SERVER, 1 + i % 3, 40000, 33434 + i, 1 + i);
            send(T0 + i * S, p);
            send(T0 + i * S + MS, timeExceeded(p, 1 + i % 3));
        }
        send(T0 + 61 * S, timeExceeded(first, 1));
        ReplaySummary s = replay.finish(false);
        assertEquals(70, s.repliesAttributed());
        assertEquals(1, s.repliesUnattributed());
        assertTrue(traces.get(0).hops().get(0).probes().stream().filter(p -> p.ipId() == 1)
                .noneMatch(ProbeResult::answered));
    }

    @Test
    void aTraceWithoutStopIsIncompleteWhenTheCaptureEndsRightAfter() {
        silentTrace(T0);
        replay.finish(false);
        assertEquals(StopReason.incomplete(), traces.get(0).stop());
    }

    @Test
    void aTraceWithoutStopIsMaxTtlWhenTheCaptureWentOn() {
        long t = silentTrace(T0);
        arp(t + Reconstructor.RESTART_GAP_NANOS + S);
        replay.finish(false);
        assertEquals(StopReason.maxTtl(), traces.get(0).stop());
    }

    @Test
    void aTraceWithoutStopIsIncompleteWhenTheCaptureWasCut() {
        long t = silentTrace(T0);
        arp(t + Reconstructor.RESTART_GAP_NANOS + S);
        replay.finish(true);
        assertEquals(StopReason.incomplete(), traces.get(0).stop());
    }

    private long silentTrace(long start) {
        long t = start;
        for (int ttl = 1; ttl <= 4; ttl++) {
            send(t, probe(SERVER, ttl, 40000 + ttl, 33433 + ttl, ttl));
            t += MS;
        }
        return t;
    }

    @Test
    void anIdleTraceIsEmittedBeforeTheEnd() {
        long t = traceroute(T0, SERVER, 3, 0);
        arp(t + S);
        assertTrue(traces.isEmpty());
        arp(t + Reconstructor.DEFAULT_INACTIVITY_NANOS + 2 * S);
        assertEquals(1, traces.size(), "closed after inactivity, without waiting for finish");
        replay.finish(false);
        assertEquals(1, traces.size());
    }

    @Test
    void aClosedTraceWaitsForAnOpenOneThatStartedEarlier() {
        replay = new Reconstructor(traces::add, 1024, 5 * S);
        // a slow mtr-like run to the server, one probe a second, ports counting up, TTL cycling 1..3
        long t = T0;
        int port = 33000;
        for (int i = 0; i < 20; i++) {
            byte[] p = probe(SERVER, 1 + i % 3, 30251, port++, i);
            send(t, p);
            send(t + MS, timeExceeded(p, 1 + i % 3));
            if (i == 1) {
                traceroute(t + 2 * MS, R3, 3, 0); // a quick traceroute to r3 in between
            }
            t += S;
        }
        assertTrue(traces.isEmpty(), "the r3 trace closed long ago but the earlier run is still open");
        arp(t + 10 * S);
        assertEquals(List.of(SERVER, R3), traces.stream().map(x -> x.destination().ipv4()).toList());
        assertEquals(20, traces.get(0).hops().stream().mapToInt(h -> h.probes().size()).sum());
        assertEquals("mtr", traces.get(0).method().tool());
    }

    @Test
    void repliesWithoutProbeAndMalformedFramesAreCounted() {
        byte[] never = probe(SERVER, 3, 1, 2, 3);
        send(T0, timeExceeded(never, 3));
        byte[] bad = probe(SERVER, 3, 1, 2, 3);
        bad[0] = 0x44; // IHL 4 words: shorter than an IPv4 header
        send(T0 + 1, bad);
        arp(T0 + 2);
        ReplaySummary s = replay.finish(false);
        assertEquals(3, s.packetsRead());
        assertEquals(1, s.repliesUnattributed());
        assertEquals(0, s.repliesAttributed());
        assertEquals(1, s.malformedTotal(), s.malformed().toString());
        assertTrue(traces.isEmpty());
    }

    @Test
    void otherTrafficYieldsNoTrace() {
        long t = T0;
        for (int i = 0; i < 1000; i++) {
            byte[] dns = probe(SERVER, 64, 40000 + i, 53, i);
            send(t, dns);
            send(t + MS, portUnreachable(dns, SERVER)); // nobody listens: answered, but at one TTL
            t += 10 * MS;
        }
        ReplaySummary s = replay.finish(false);
        assertTrue(traces.isEmpty());
        assertEquals(0, s.traces());
        assertEquals(0, s.probesFound());
        assertEquals(0, s.probesPastStop());
        assertEquals(1000, s.repliesAttributed(), "attributed, to probes of traffic that formed no trace");
    }

    @Test
    void aProbeCapturedTwiceIsOneProbe() {
        long t = T0;
        for (int ttl = 1; ttl <= 3; ttl++) {
            byte[] p = probe(SERVER, ttl, 40000 + ttl, 33433 + ttl, ttl);
            send(t, p);
            send(t + 1000, p);
            send(t + 20_000, ttl < 3 ? timeExceeded(p, ttl) : portUnreachable(p, SERVER));
            t += MS;
        }
        replay.finish(false);
        for (Hop h : traces.get(0).hops()) {
            assertEquals(1, h.probes().size());
            assertTrue(h.probes().get(0).answered());
        }
    }

    @Test
    void mplsExtensionsReachTheProbeResult() {
        // synthetic: Linux routers send no RFC 4884/4950 extensions; built with the project's encoder
        long t = T0;
        for (int ttl = 1; ttl <= 3; ttl++) {
            byte[] p = probe(SERVER, ttl, 40000 + ttl, 33433 + ttl, ttl);
            send(t, p);
            byte[] reply = ttl == 2
                    ? IcmpErrorEncoder.timeExceeded(router(2), CLIENT, p, 0, p.length).extensions(
                            List.of(IcmpExtensions.mplsObject(List.of(new MplsEntry(24001, 5, true, 1))))).toBytes()
                    : ttl < 3 ? timeExceeded(p, ttl) : portUnreachable(p, SERVER);
            send(t + 50_000, reply);
            t += MS;
        }
        replay.finish(false);
        ProbeResult hop2 = traces.get(0).hops().get(1).probes().get(0);
        assertEquals(1, hop2.extensions().size());
        MplsEntry e = hop2.extensions().get(0).mpls().get(0);
        assertEquals(new MplsEntry(24001, 5, true, 1), e);
    }

    @Test
    void aVeryLongRunIsCutIntoBoundedTraces() {
        long t = T0;
        int total = Reconstructor.MAX_RUN_PROBES + 1000;
        for (int i = 0; i < total; i++) {
            int ttl = 1 + i % 3;
            byte[] p = probe(SERVER, ttl, 30251, (1000 + i) & 0xffff, i & 0xffff);
            send(t, p);
            send(t + 10_000, timeExceeded(p, ttl));
            t += 100_000;
        }
        ReplaySummary s = replay.finish(false);
        assertEquals(2, traces.size());
        assertEquals(Reconstructor.MAX_RUN_PROBES,
                traces.get(0).hops().stream().mapToInt(h -> h.probes().size()).sum());
        assertEquals(total, s.probesFound());
        assertEquals(2, s.traces());
        assertEquals(StopReason.maxTtl(), traces.get(0).stop(), "cut: the run went on in the next trace");
    }

    @Test
    void finishEmitsEverythingOnceAndCountsStay() {
        traceroute(T0, SERVER, 2, 0);
        ReplaySummary first = replay.finish(false);
        ReplaySummary second = replay.finish(false);
        assertEquals(1, traces.size());
        assertEquals(first, second);
    }

    @Test
    void badArguments() {
        assertThrows(NullPointerException.class, () -> new Reconstructor(null));
        assertThrows(IllegalArgumentException.class, () -> new Reconstructor(traces::add, 10, 0));
    }
}
