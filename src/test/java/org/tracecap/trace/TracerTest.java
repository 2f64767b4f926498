package org.tracecap.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.tracecap.model.Hop;
import org.tracecap.model.Method;
import org.tracecap.model.ProbeResult;
import org.tracecap.model.StopReason;
import org.tracecap.model.Trace;
import org.tracecap.packet.IcmpType;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.Ipv4Address;
import org.tracecap.trace.SimulatedNetwork.DestinationMode;
import org.tracecap.trace.SimulatedNetwork.Outcome;

/** The scheduler and its stop rules against {@link SimulatedNetwork}, in virtual time: no root, no sleeps. */
class TracerTest {
    static final long T0 = 1_700_000_000_000_000_000L;
    static final long MS = 1_000_000L;
    static final int SRC = Ipv4Address.parse("198.18.0.2");
    static final int DST = Ipv4Address.parse("198.18.9.9");
    static final int R1 = Ipv4Address.parse("198.18.0.1");
    static final int R2 = Ipv4Address.parse("198.18.2.1");
    static final int R3 = Ipv4Address.parse("198.18.3.1");
    static final int R4 = Ipv4Address.parse("198.18.4.1");
    static final int R5 = Ipv4Address.parse("198.18.5.1");
    static final int R6 = Ipv4Address.parse("198.18.6.1");
    static final int R7 = Ipv4Address.parse("198.18.7.1");
    static final int R8 = Ipv4Address.parse("198.18.8.1");
    static final LinkFacts LINK = new LinkFacts("tcap0", SimulatedNetwork.PROBER_MAC, SimulatedNetwork.GATEWAY_MAC,
            IpAddress.ipv4(SRC), IpAddress.ipv4(DST));

    /** Four routers 1 ms apart (one way), then the destination 1 ms further. */
    static SimulatedNetwork.Builder straight(ManualClock clock, DestinationMode mode) {
        return SimulatedNetwork.builder(clock).router(R1, 1000).router(R2, 1000).router(R3, 1000).router(R4, 1000)
                .destination(DST, mode, 1000);
    }

    record Run(Trace trace, List<Hop> heard, List<Long> heardAt, long elapsed) {
    }

    static Run run(SimulatedNetwork net, TraceOptions options) throws IOException {
        return run(net, options, 7);
    }

    static Run run(SimulatedNetwork net, TraceOptions options, long seed) throws IOException {
        ManualClock clock = net.clock();
        long start = clock.nowNanos();
        List<Hop> heard = new ArrayList<>();
        List<Long> heardAt = new ArrayList<>();
        try (PacketPort port = net.port()) {
            Tracer tracer = new Tracer(options, LINK, port, clock, new SplittableRandom(seed));
            Trace trace = tracer.run(hop -> {
                heard.add(hop);
                heardAt.add(clock.nowNanos() - start);
            });
            return new Run(trace, heard, heardAt, clock.nowNanos() - start);
        }
    }

    static List<Integer> responders(Hop hop) {
        List<Integer> out = new ArrayList<>();
        for (ProbeResult p : hop.probes()) {
            out.add(p.responder() == null ? null : p.responder().ipv4());
        }
        return out;
    }

    static Map<List<Integer>, Outcome> bySignature(SimulatedNetwork net) {
        Map<List<Integer>, Outcome> out = new HashMap<>();
        for (Outcome o : net.outcomes()) {
            out.put(List.of(o.sourcePort(), o.destinationPort(), o.ipId()), o);
        }
        return out;
    }

    /** Every probe reported answered exactly when the network delivered its reply, by the node that sent it. */
    static void assertAttributedAsSent(SimulatedNetwork net, Trace trace) {
        Map<List<Integer>, Outcome> outcomes = bySignature(net);
        for (Hop hop : trace.hops()) {
            for (ProbeResult p : hop.probes()) {
                Outcome o = outcomes.get(List.of(p.sourcePort(), p.destinationPort(), p.ipId()));
                assertNotNull(o, "probe " + p + " never reached the network");
                assertEquals(o.responder() == null ? null : IpAddress.ipv4(o.responder()), p.responder(),
                        "ttl " + p.ttl() + " port " + p.destinationPort()
                        + ": network says " + o.fate());
            }
        }
    }

    @Test
    void straightPathGivesTheExactHopsAndEveryField() throws IOException {
        ManualClock clock = new ManualClock(T0);
        SimulatedNetwork net = straight(clock, DestinationMode.PORT_UNREACHABLE).build();
        Run r = run(net, TraceOptions.builder().sourcePort(62000).build());
        Trace t = r.trace();

        assertEquals(StopReason.reached(), t.stop());
        assertEquals(new Method("udp", "tracecap", "udp-destination-port"), t.method());
        assertEquals(IpAddress.ipv4(SRC), t.source());
        assertEquals(IpAddress.ipv4(DST), t.destination());
        assertEquals(Map.of("interface", "tcap0", "link_type", "EN10MB", "source_mac", "02:00:00:00:00:01",
                "gateway_mac", "02:00:00:00:00:fe"), t.live());
        int[] expected = {R1, R2, R3, R4, DST};
        assertEquals(5, t.hops().size());
        for (int h = 0; h < 5; h++) {
            Hop hop = t.hops().get(h);
            assertEquals(h + 1, hop.ttl());
            assertEquals(3, hop.probes().size());
            for (int i = 0; i < 3; i++) {
                ProbeResult p = hop.probes().get(i);
                int n = h * 3 + i;
                assertEquals(IpAddress.ipv4(expected[h]), p.responder());
                assertEquals(h + 1, p.ttl());
                assertEquals(62000, p.sourcePort());
                assertEquals(33434 + n, p.destinationPort());
                assertEquals(60, p.size());
                assertNull(p.icmpId());
                // RTT from capture times: the outgoing frame is captured 20 µs after the send.
                assertEquals(2 * (h + 1) * MS - 20_000, p.rttNanos());
                assertEquals(T0 + 20_000, p.sendTimeNanos());
                assertEquals(h < 4 ? IcmpType.TIME_EXCEEDED : IcmpType.DEST_UNREACHABLE, p.icmpType());
                assertEquals(h < 4 ? 0 : IcmpType.CODE_PORT_UNREACHABLE, p.icmpCode());
                assertEquals("", p.annotation());
                assertEquals(64 - h, p.replyTtl());
                assertEquals(1, p.quotedTtl());
                assertEquals(p.ipId(), p.quotedIpId());
                assertEquals(p.udpChecksum(), p.quotedUdpChecksum());
                assertEquals(20 + 8 + 60, p.replySize());
                assertTrue(p.extensions().isEmpty());
            }
        }
        // IP IDs count up from the trace's base, one per probe.
        int base = t.hops().get(0).probes().get(0).ipId();
        assertEquals((base + 14) & 0xffff, t.hops().get(4).probes().get(2).ipId());
        assertEquals(t.hops(), r.heard());
        assertEquals(T0 + 20_000, t.startTimeNanos());
        assertEquals(T0 + 10 * MS, t.endTimeNanos());
        // The whole trace took one round trip to the destination: all 15 probes went in the first window.
        assertEquals(10 * MS, r.elapsed());
        assertAttributedAsSent(net, t);
    }

    @Test
    void withoutTheOutgoingCaptureSendTimesComeFromTheClock() throws IOException {
        ManualClock clock = new ManualClock(T0);
        SimulatedNetwork net = straight(clock, DestinationMode.PORT_UNREACHABLE).echoOutgoing(false).build();
        Trace t = run(net, TraceOptions.defaults()).trace();
        assertEquals(StopReason.reached(), t.stop());
        ProbeResult p = t.hops().get(2).probes().get(1);
        assertEquals(T0, p.sendTimeNanos());
        assertEquals(6 * MS, p.rttNanos());
    }

    @Test
    void silentHopGivesStarsThereAndCostsOnlyTheNearWait() throws IOException {
        ManualClock clock = new ManualClock(T0);
        SimulatedNetwork net = SimulatedNetwork.builder(clock).router(R1, 1000).silentRouter(R2, 1000)
                .router(R3, 1000).router(R4, 1000).destination(DST, DestinationMode.PORT_UNREACHABLE, 1000).build();
        Run r = run(net, TraceOptions.defaults());
        Trace t = r.trace();
        assertEquals(StopReason.reached(), t.stop());
        assertEquals(List.of(R1, R1, R1), responders(t.hops().get(0)));
        assertEquals(Arrays.asList(null, null, null), responders(t.hops().get(1)));
        assertEquals(List.of(R3, R3, R3), responders(t.hops().get(2)));
        assertEquals(List.of(R4, R4, R4), responders(t.hops().get(3)));
        assertEquals(List.of(DST, DST, DST), responders(t.hops().get(4)));
        for (ProbeResult p : t.hops().get(1).probes()) {
            assertNull(p.rttNanos());
            assertNull(p.annotation());
            assertNull(p.icmpType());
            assertEquals(2, p.ttl());
        }
        // NEAR: 10 × (RTT of the first later answered probe, hop 3's 6 ms - 20 µs, + 1 ms), not 5 s.
        long near = 10 * (6 * MS - 20_000 + MS);
        assertEquals(near, r.elapsed());
        // Rule 6: hop 1 is heard as soon as it settles; hops 3..5 wait for hop 2, then come at once.
        assertEquals(List.of(2 * MS, near, near, near, near), r.heardAt());
    }

    @Test
    void hereShortensTheWaitForAMissingProbeOfAnAnsweredHop() throws IOException {
        ManualClock clock = new ManualClock(T0);
        // Only one answer left in R2's bucket: its other two probes are dropped by the rate limit.
        SimulatedNetwork net = straight(clock, DestinationMode.PORT_UNREACHABLE).build();
        net.node(R2).drain(SRC, 1, T0);
        Run r = run(net, TraceOptions.builder().waiting(new TraceOptions.Wait(5, 3, 0)).build());
        Trace t = r.trace();
        assertEquals(StopReason.reached(), t.stop());
        assertEquals(Arrays.asList(R2, null, null), responders(t.hops().get(1)));
        // HERE: 3 × (4 ms - 20 µs + 1 ms) after the send.
        assertEquals(3 * (4 * MS - 20_000 + MS), r.elapsed());
        long limited = net.outcomes().stream().filter(o -> o.ttl() == 2 && o.fate().equals(Outcome.RATE_LIMITED))
                .count();
        assertEquals(2, limited);
        // Never resent: three probes at TTL 2, as asked.
        assertEquals(3, net.outcomes().stream().filter(o -> o.ttl() == 2).count());
    }

    @Test
    void adminProhibitedStopsUnreachableWithBangX() throws IOException {
        ManualClock clock = new ManualClock(T0);
        SimulatedNetwork net = straight(clock, DestinationMode.ADMIN_PROHIBITED).build();
        Run r = run(net, TraceOptions.defaults());
        Trace t = r.trace();
        assertEquals(StopReason.unreachable(13), t.stop());
        assertEquals(5, t.hops().size());
        for (ProbeResult p : t.hops().get(4).probes()) {
            assertEquals(IpAddress.ipv4(DST), p.responder());
            assertEquals("!X", p.annotation());
            assertEquals(IcmpType.CODE_ADMIN_PROHIBITED, p.icmpCode());
        }
        assertEquals(10 * MS, r.elapsed());
    }

    @Test
    void netUnreachableFromARouterStopsThere() throws IOException {
        ManualClock clock = new ManualClock(T0);
        SimulatedNetwork net = SimulatedNetwork.builder(clock).router(R1, 1000).router(R2, 1000)
                .unreachableRouter(R3, IcmpType.CODE_NET_UNREACHABLE, 1000)
                .destination(DST, DestinationMode.PORT_UNREACHABLE, 1000).build();
        Run r = run(net, TraceOptions.defaults());
        Trace t = r.trace();
        assertEquals(StopReason.unreachable(0), t.stop());
        // TTL 3 expires at R3 (Time Exceeded); TTL 4 would pass it, so R3 says !N: final at TTL 4.
        assertEquals(4, t.hops().size());
        assertEquals(List.of(R3, R3, R3), responders(t.hops().get(2)));
        assertEquals(List.of(R3, R3, R3), responders(t.hops().get(3)));
        for (ProbeResult p : t.hops().get(3).probes()) {
            assertEquals("!N", p.annotation());
            assertEquals(2, p.quotedTtl());
        }
        assertEquals(t.hops(), r.heard());
    }

    @Test
    void silentDestinationGivesStarsToMaxTtlInBoundedTime() throws IOException {
        ManualClock clock = new ManualClock(T0);
        SimulatedNetwork net = straight(clock, DestinationMode.SILENT).build();
        Run r = run(net, TraceOptions.defaults());
        Trace t = r.trace();
        assertEquals(StopReason.maxTtl(), t.stop());
        assertEquals(30, t.hops().size());
        for (int h = 4; h < 30; h++) {
            assertEquals(h + 1, t.hops().get(h).ttl());
            assertEquals(Arrays.asList(null, null, null), responders(t.hops().get(h)));
        }
        // 26 silent hops × 3 probes = 78 probes, 16 in flight, each waited for MAX = 5 s (nothing later
        // answers, so neither HERE nor NEAR applies): ceil(78 / 16) = 5 rounds of 5 s, give or take the few
        // ms by which the first round's last probes waited for hops 1-4 to answer and free the window.
        assertTrue(r.elapsed() <= 5 * 5_000 * MS + 20 * MS, "took " + r.elapsed() / MS + " ms");
        assertTrue(r.elapsed() >= 5 * 5_000 * MS, "took " + r.elapsed() / MS + " ms");
        assertEquals(t.hops(), r.heard());
    }

    @Test
    void lossGivesStarsOnlyWhereProbesOrRepliesWereLost() throws IOException {
        int lostSeen = 0;
        for (long seed = 1; seed <= 20; seed++) {
            ManualClock clock = new ManualClock(T0);
            SimulatedNetwork net = SimulatedNetwork.builder(clock).router(R1, 500).router(R2, 700).router(R3, 300)
                    .router(R4, 900).router(R5, 400).router(R6, 1200).router(R7, 200).router(R8, 600)
                    .destination(DST, DestinationMode.PORT_UNREACHABLE, 800).loss(0.2, seed).build();
            Trace t = run(net, TraceOptions.defaults(), seed).trace();
            assertAttributedAsSent(net, t);
            for (Hop hop : t.hops()) {
                for (ProbeResult p : hop.probes()) {
                    if (p.answered()) {
                        int expected = hop.ttl() <= 8 ? new int[] {R1, R2, R3, R4, R5, R6, R7, R8}[hop.ttl() - 1]
                                : DST;
                        assertEquals(IpAddress.ipv4(expected), p.responder());
                    } else {
                        lostSeen++;
                    }
                }
            }
            if (t.stop().equals(StopReason.reached())) {
                Hop last = t.hops().get(t.hops().size() - 1);
                assertTrue(last.ttl() >= 9);
                assertTrue(responders(last).contains(DST));
            }
        }
        assertTrue(lostSeen > 20, "the loss did happen: " + lostSeen);
    }

    @Test
    void ecmpAttributesEachProbeToTheRouterThatAnswered() throws IOException {
        ManualClock clock = new ManualClock(T0);
        SimulatedNetwork net = SimulatedNetwork.builder(clock).router(R1, 1000).ecmp(1000, R2, R3)
                .ecmp(1000, R4, R5).router(R6, 1000).destination(DST, DestinationMode.PORT_UNREACHABLE, 1000).build();
        Trace t = run(net, TraceOptions.builder().probesPerHop(6).sourcePort(62000).build()).trace();
        assertEquals(StopReason.reached(), t.stop());
        assertAttributedAsSent(net, t);
        Set<Integer> hop2 = new HashSet<>(responders(t.hops().get(1)));
        Set<Integer> hop3 = new HashSet<>(responders(t.hops().get(2)));
        assertEquals(Set.of(R2, R3), hop2, "classic probes spread over both routers");
        assertEquals(Set.of(R4, R5), hop3);
        assertEquals(Set.of(R6), new HashSet<>(responders(t.hops().get(3))));
    }

    @Test
    void rateLimitedRoutersAreNotProbedPastTheirBurst() throws IOException {
        ManualClock clock = new ManualClock(T0);
        SimulatedNetwork net = straight(clock, DestinationMode.PORT_UNREACHABLE).build();
        Run r = run(net, TraceOptions.builder().probesPerHop(10).build());
        Trace t = r.trace();
        assertEquals(StopReason.reached(), t.stop());
        for (Hop hop : t.hops()) {
            assertEquals(10, hop.probes().size());
            for (ProbeResult p : hop.probes()) {
                assertTrue(p.answered(), "hop " + hop.ttl() + " port " + p.destinationPort());
            }
            // Burst of 6 at once, then one per second.
            List<ProbeResult> ps = hop.probes();
            for (int i = 6; i < 10; i++) {
                long gap = ps.get(i).sendTimeNanos() - ps.get(i - 1).sendTimeNanos();
                assertTrue(gap >= 1_000 * MS - 20 * MS, "gap " + gap);
            }
        }
        assertTrue(r.elapsed() >= 4_000 * MS && r.elapsed() < 4_100 * MS, "took " + r.elapsed() / MS + " ms");
        long limited = net.outcomes().stream().filter(o -> o.fate().equals(Outcome.RATE_LIMITED)
                && o.ttl() <= 5).count();
        assertEquals(0, limited);
    }

    @Test
    void stopFromTheListenerReturnsInterruptedWithWhatWasLearned() throws IOException {
        ManualClock clock = new ManualClock(T0);
        SimulatedNetwork net = straight(clock, DestinationMode.SILENT).build();
        AtomicReference<Tracer> tracer = new AtomicReference<>();
        List<Hop> heard = new ArrayList<>();
        int[] sentAtStop = {-1};
        Trace t;
        try (SimulatedNetwork.Port port = net.port()) {
            tracer.set(new Tracer(TraceOptions.defaults(), LINK, port, clock, new SplittableRandom(3)));
            t = tracer.get().run(hop -> {
                heard.add(hop);
                if (hop.ttl() == 4) {
                    tracer.get().stop();
                    sentAtStop[0] = port.framesSent();
                }
            });
            assertEquals(sentAtStop[0], port.framesSent(), "nothing sent after stop()");
        }
        assertEquals(StopReason.interrupted(), t.stop());
        assertEquals(t.hops(), heard);
        assertEquals(List.of(R4, R4, R4), responders(t.hops().get(3)));
        // Hops 5.. were in flight (stars); the highest one may hold fewer probes than -q.
        assertTrue(t.hops().size() > 4);
        for (Hop hop : t.hops().subList(4, t.hops().size())) {
            for (ProbeResult p : hop.probes()) {
                assertFalse(p.answered());
            }
        }
        // It stopped at once: 8 ms (hop 4's RTT), not 5 s.
        assertEquals(8 * MS, clock.nowNanos() - T0);
    }

    @Test
    void stopFromAnotherThreadWakesABlockedReceive() throws Exception {
        ManualClock clock = new ManualClock(T0);
        SimulatedNetwork net = straight(clock, DestinationMode.PORT_UNREACHABLE).build();
        // A port that never receives freezes virtual time: the tracer blocks in receive until woken.
        try (SimulatedNetwork.Port freezer = net.port(); SimulatedNetwork.Port port = net.port()) {
            Tracer tracer = new Tracer(TraceOptions.defaults(), LINK, port, clock, new SplittableRandom(5));
            AtomicReference<Trace> result = new AtomicReference<>();
            Thread th = new Thread(() -> {
                try {
                    result.set(tracer.run(hop -> { }));
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            th.start();
            long until = System.nanoTime() + 10_000 * MS;
            while (port.framesSent() < 16 && System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            assertEquals(16, port.framesSent());
            tracer.stop();
            th.join(10_000);
            assertFalse(th.isAlive());
            Trace t = result.get();
            assertEquals(StopReason.interrupted(), t.stop());
            // The first window: TTLs 1-5 full, one probe of TTL 6; nothing answered in frozen time.
            assertEquals(6, t.hops().size());
            assertEquals(1, t.hops().get(5).probes().size());
            assertEquals(T0, clock.nowNanos());
        }
    }

    @Test
    void twoTracersOnOneNetworkKeepTheirOwnReplies() throws Exception {
        for (boolean sameSourcePort : new boolean[] {false, true}) {
            ManualClock clock = new ManualClock(T0);
            // Without the rate limit both traces get every answer; the point here is attribution.
            SimulatedNetwork net = straight(clock, DestinationMode.PORT_UNREACHABLE).icmpRateLimit(false).build();
            TraceOptions options = sameSourcePort ? TraceOptions.builder().sourcePort(63000).build()
                    : TraceOptions.defaults();
            Trace[] traces = twoAtOnce(net, options);
            for (Trace t : traces) {
                assertEquals(StopReason.reached(), t.stop());
                assertEquals(5, t.hops().size());
                int[] expected = {R1, R2, R3, R4, DST};
                for (Hop hop : t.hops()) {
                    assertEquals(Arrays.asList(expected[hop.ttl() - 1], expected[hop.ttl() - 1],
                            expected[hop.ttl() - 1]), responders(hop));
                }
                assertAttributedAsSent(net, t);
            }
            assertTrue(traces[0].hops().get(0).probes().get(0).ipId()
                    != traces[1].hops().get(0).probes().get(0).ipId());
        }
    }

    @Test
    void twoTracersUnderTheRateLimitStillNeverSwapReplies() throws Exception {
        ManualClock clock = new ManualClock(T0);
        SimulatedNetwork net = straight(clock, DestinationMode.PORT_UNREACHABLE).build();
        Trace[] traces = twoAtOnce(net, TraceOptions.builder().sourcePort(63000).build());
        for (Trace t : traces) {
            assertAttributedAsSent(net, t);
            for (Hop hop : t.hops()) {
                for (ProbeResult p : hop.probes()) {
                    assertEquals(63000, p.sourcePort());
                }
            }
        }
    }

    private static Trace[] twoAtOnce(SimulatedNetwork net, TraceOptions options) throws Exception {
        Trace[] traces = new Trace[2];
        Throwable[] failures = new Throwable[2];
        SimulatedNetwork.Port[] ports = {net.port(), net.port()};
        Thread[] threads = new Thread[2];
        for (int i = 0; i < 2; i++) {
            int k = i;
            Tracer tracer = new Tracer(options, LINK, ports[k], net.clock(), new SplittableRandom(100 + k));
            threads[k] = new Thread(() -> {
                try {
                    traces[k] = tracer.run(hop -> { });
                } catch (Throwable e) {
                    failures[k] = e;
                } finally {
                    ports[k].close();
                }
            });
        }
        for (Thread th : threads) {
            th.start();
        }
        for (Thread th : threads) {
            th.join(30_000);
            assertFalse(th.isAlive());
        }
        for (Throwable f : failures) {
            if (f != null) {
                throw new AssertionError(f);
            }
        }
        return traces;
    }

    @Test
    void firstTtlAndMaxTtlBoundTheProbes() throws IOException {
        ManualClock clock = new ManualClock(T0);
        SimulatedNetwork net = straight(clock, DestinationMode.PORT_UNREACHABLE).build();
        Trace t = run(net, TraceOptions.builder().firstTtl(2).maxTtl(3).build()).trace();
        assertEquals(StopReason.maxTtl(), t.stop());
        assertEquals(List.of(2, 3), t.hops().stream().map(Hop::ttl).toList());
        assertEquals(List.of(R2, R2, R2), responders(t.hops().get(0)));
        assertEquals(33434, t.hops().get(0).probes().get(0).destinationPort());
        assertEquals(6, net.outcomes().size());
    }

    @Test
    void sendIntervalSpacesProbes() throws IOException {
        ManualClock clock = new ManualClock(T0);
        SimulatedNetwork net = straight(clock, DestinationMode.PORT_UNREACHABLE).build();
        Trace t = run(net, TraceOptions.builder().sendIntervalNanos(50 * MS).build()).trace();
        assertEquals(StopReason.reached(), t.stop());
        List<Outcome> sent = net.outcomes();
        for (int i = 1; i < sent.size(); i++) {
            assertTrue(sent.get(i).sendNanos() - sent.get(i - 1).sendNanos() >= 50 * MS);
        }
        assertEquals(15, sent.size());
    }

    @Test
    void runsOnce() throws IOException {
        ManualClock clock = new ManualClock(T0);
        SimulatedNetwork net = straight(clock, DestinationMode.PORT_UNREACHABLE).build();
        Tracer tracer = new Tracer(TraceOptions.defaults(), LINK, net.port(), clock);
        tracer.run(hop -> { });
        assertThrows(IllegalStateException.class, () -> tracer.run(hop -> { }));
    }

    @Test
    void sourceAddressMustMatchTheLink() {
        ManualClock clock = new ManualClock(T0);
        SimulatedNetwork net = straight(clock, DestinationMode.PORT_UNREACHABLE).build();
        TraceOptions o = TraceOptions.builder().sourceAddress(IpAddress.parse("198.18.0.3")).build();
        assertThrows(IllegalArgumentException.class, () -> new Tracer(o, LINK, net.port(), clock));
    }

    @Test
    void pickedSourcePortsStayAboveTheEphemeralRange() {
        ManualClock clock = new ManualClock(T0);
        SimulatedNetwork net = straight(clock, DestinationMode.PORT_UNREACHABLE).build();
        for (int seed = 0; seed < 200; seed++) {
            int port = new Tracer(TraceOptions.defaults(), LINK, net.port(), clock, new SplittableRandom(seed))
                    .sourcePort();
            assertTrue(port >= 61000 && port <= 65535, "port " + port);
        }
    }
}
