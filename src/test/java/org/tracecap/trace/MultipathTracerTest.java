package org.tracecap.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tracecap.trace.TracerTest.DST;
import static org.tracecap.trace.TracerTest.LINK;
import static org.tracecap.trace.TracerTest.R1;
import static org.tracecap.trace.TracerTest.R2;
import static org.tracecap.trace.TracerTest.R3;
import static org.tracecap.trace.TracerTest.R4;
import static org.tracecap.trace.TracerTest.R5;
import static org.tracecap.trace.TracerTest.R6;
import static org.tracecap.trace.TracerTest.R7;
import static org.tracecap.trace.TracerTest.R8;
import static org.tracecap.trace.TracerTest.T0;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.tracecap.graph.Graph;
import org.tracecap.graph.GraphBuilder;
import org.tracecap.model.Hop;
import org.tracecap.model.ProbeResult;
import org.tracecap.model.StopReason;
import org.tracecap.model.Trace;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.Ipv4Address;
import org.tracecap.trace.SimulatedNetwork.DestinationMode;
import org.tracecap.trace.SimulatedNetwork.Outcome;

/** The MDA ({@link MultipathTracer}) against {@link SimulatedNetwork}, in virtual time. */
class MultipathTracerTest {
    static final long S = 1_000_000_000L;

    record Run(MultipathTracer.Result result, long elapsed, SimulatedNetwork net) {
        Graph graph() {
            return result.graph();
        }
    }

    static Run run(SimulatedNetwork net, TraceOptions options, int confidence, long seed) {
        long start = net.clock().nowNanos();
        try (PacketPort port = net.port()) {
            MultipathTracer t = new MultipathTracer(options, confidence, LINK, port, net.clock(),
                    new SplittableRandom(seed));
            MultipathTracer.Result r = t.run();
            if (System.getenv("MDA_DEBUG") != null) {
                net.outcomes().forEach(System.err::println);
                System.err.println(r.graph());
            }
            return new Run(r, net.clock().nowNanos() - start, net);
        }
    }

    /** R1, then R2 and R3 balanced per flow, then R4 and the destination (port unreachable); 1 ms each way a stage. */
    static SimulatedNetwork diamondOfTwo() {
        return SimulatedNetwork.builder(new org.tracecap.trace.ManualClock(T0)).router(R1, 1000)
                .ecmp(1000, R2, R3).router(R4, 1000).destination(DST, DestinationMode.PORT_UNREACHABLE, 1000)
                .build();
    }

    static Run run(SimulatedNetwork net) {
        return run(net, TraceOptions.builder().sourcePort(62000).build(), 95, 7);
    }

    /** TTL -> the addresses of its nodes (null for a silent node). */
    static Map<Integer, Set<String>> nodes(Graph g) {
        Map<Integer, Set<String>> out = new TreeMap<>();
        for (Graph.Node n : g.nodes()) {
            out.computeIfAbsent(n.ttl(),
                    k -> new TreeSet<>()).add(n.silent() ? "*" : Ipv4Address.format(n.address().ipv4()));
        }
        return out;
    }

    static Set<String> links(Graph g) {
        Set<String> out = new TreeSet<>();
        for (Graph.Link l : g.links()) {
            out.add(name(g.nodes().get(l.from())) + ">" + name(g.nodes().get(l.to())));
        }
        return out;
    }

    private static String name(Graph.Node n) {
        return n.silent() ? "*" + n.ttl() : Ipv4Address.format(n.address().ipv4());
    }

    static String a(int address) {
        return Ipv4Address.format(address);
    }

    /** Every probe's reply as the network delivered it: the graph's traces hold no invented answers. */
    static void assertAsDelivered(Run r) {
        Map<List<Integer>, Outcome> out = new HashMap<>();
        for (Outcome o : r.net().outcomes()) {
            out.put(List.of(o.sourcePort(), o.destinationPort(), o.ipId()), o);
        }
        int probes = 0;
        for (Trace t : r.result().flows()) {
            for (Hop h : t.hops()) {
                for (ProbeResult p : h.probes()) {
                    probes++;
                    Outcome o = out.get(List.of(p.sourcePort(), p.destinationPort(), p.ipId()));
                    assertEquals(o.responder() == null ? null : IpAddress.ipv4(o.responder()), p.responder(),
                            "probe " + p);
                }
            }
        }
        assertEquals(r.net().outcomes().size(), probes, "every probe sent is in a flow");
        assertEquals(probes, r.graph().probes());
    }

    @Test
    void stoppingRuleTables() {
        assertEquals(6, MdaStoppingRule.probesNeeded(95, 1));
        assertEquals(11, MdaStoppingRule.probesNeeded(95, 2));
        assertEquals(96, MdaStoppingRule.probesNeeded(95, 16));
        assertEquals(102, MdaStoppingRule.probesNeeded(95, 17));
        assertEquals(8, MdaStoppingRule.probesNeeded(99, 1));
        assertEquals(123, MdaStoppingRule.probesNeeded(99, 16));
        assertEquals(6, MdaStoppingRule.probesNeeded(95, 0));
        assertEquals(List.of(8, 15, 21, 28, 36, 43, 51, 58, 66, 74, 82, 90, 98, 106, 115, 123),
                java.util.stream.IntStream.rangeClosed(1, 16).map(k -> MdaStoppingRule.probesNeeded(99, k))
                        .boxed().toList());
    }

    @Test
    void perPacketResendsMatchTheConfidence() {
        assertEquals(5, MdaStoppingRule.perPacketResends(95, 2)); // (1/2)^5 = 3% <= 5%
        assertEquals(3, MdaStoppingRule.perPacketResends(95, 4)); // (1/4)^3 = 1.6%
        assertEquals(7, MdaStoppingRule.perPacketResends(99, 2)); // (1/2)^7 = 0.8% <= 1%
        assertEquals(4, MdaStoppingRule.perPacketResends(99, 4));
        assertEquals(2, MdaStoppingRule.perPacketResends(99, 10)); // exactly 1%
    }

    @Test
    void diamondOfTwoGivesBothBranchesAndNoOtherLink() {
        SimulatedNetwork net = diamondOfTwo();
        Run r = run(net);
        Graph g = r.graph();
        assertEquals(StopReason.reached(), g.stop());
        assertEquals(Map.of(1, Set.of(a(R1)), 2, Set.of(a(R2), a(R3)), 3, Set.of(a(R4)), 4, Set.of(a(DST))),
                nodes(g));
        assertEquals(Set.of(a(R1) + ">" + a(R2), a(R1) + ">" + a(R3), a(R2) + ">" + a(R4), a(R3) + ">" + a(R4),
                a(R4) + ">" + a(DST)), links(g));
        assertEquals(List.of(), g.perPacketTtls());
        assertEquals(Integer.valueOf(95), g.confidence());
        assertAsDelivered(r);
        // The stopping rule: one flow at TTL 1 (one gateway), n(2) = 11 at TTL 2, and at TTL 3, where the
        // branches converge, n(1) = 6 in all, some through each branch.
        assertEquals(1, g.nodes().get(0).flows().size());
        int hop2 = g.nodes().stream().filter(n -> n.ttl() == 2).mapToInt(n -> n.flows().size()).sum();
        assertTrue(hop2 >= 11, "flows at TTL 2: " + hop2);
        Graph.Node r4 = g.nodes().stream().filter(n -> n.ttl() == 3).findFirst().orElseThrow();
        assertTrue(r4.flows().size() >= 6, "flows at R4: " + r4.flows());
        assertEquals(2, g.links().stream().filter(l -> l.to() == r4.id()).count());
        // Linux's limit (the simulator keeps it): nothing lost to it in the end.
        assertTrue(g.nodes().stream().noneMatch(Graph.Node::silent), "no silent node: " + nodes(g));
    }

    @Test
    void meshedWidthTwoThenFourFindsEveryLink() {
        SimulatedNetwork net = SimulatedNetwork.builder(new org.tracecap.trace.ManualClock(T0)).router(R1, 1000)
                .ecmp(1000, R2, R3).ecmp(1000, R4, R5, R6, R7).router(R8, 1000)
                .destination(DST, DestinationMode.PORT_UNREACHABLE, 1000).build();
        Run r = run(net);
        Graph g = r.graph();
        assertEquals(StopReason.reached(), g.stop());
        assertEquals(Set.of(a(R4), a(R5), a(R6), a(R7)), nodes(g).get(3));
        Set<String> expected = new TreeSet<>();
        for (int b : new int[] {R2, R3}) {
            expected.add(a(R1) + ">" + a(b));
            for (int c : new int[] {R4, R5, R6, R7}) {
                expected.add(a(b) + ">" + a(c)); // the simulator hashes each stage anew: a full mesh
            }
        }
        for (int c : new int[] {R4, R5, R6, R7}) {
            expected.add(a(c) + ">" + a(R8));
        }
        expected.add(a(R8) + ">" + a(DST));
        assertEquals(expected, links(g));
        assertAsDelivered(r);
    }

    /** Seeds 1..5 at 99%: each misses with a chance of (1/2)^7 at most, so all five are flagged. */
    @Test
    void perPacketBalancingIsFlagged() {
        for (long seed = 1; seed <= 5; seed++) {
            // Without rate limits: under a per-packet balancer a re-send may meet the other router's empty
            // bucket, and a lost answer tells nothing (it is sent again, up to twice as many in all).
            SimulatedNetwork net = SimulatedNetwork.builder(new org.tracecap.trace.ManualClock(T0)).router(R1, 1000)
                    .perPacket(1000, R2, R3).router(R4, 1000).destination(DST, DestinationMode.PORT_UNREACHABLE, 1000)
                    .loss(0, seed).icmpRateLimit(false).build();
            Run r = run(net, TraceOptions.builder().build(), 99, seed);
            assertEquals(List.of(2), r.graph().perPacketTtls(), "seed " + seed);
            assertEquals(Set.of(a(R2), a(R3)), nodes(r.graph()).get(2));
        }
    }

    @Test
    void perFlowBalancingIsNotFlagged() {
        for (long seed = 1; seed <= 5; seed++) {
            SimulatedNetwork net = SimulatedNetwork.builder(new org.tracecap.trace.ManualClock(T0)).router(R1, 1000)
                    .ecmp(1000, R2, R3).destination(DST, DestinationMode.PORT_UNREACHABLE, 1000).build();
            Run r = run(net, TraceOptions.builder().build(), 99, seed);
            assertEquals(List.of(), r.graph().perPacketTtls());
            assertEquals(Set.of(a(R2), a(R3)), nodes(r.graph()).get(2));
        }
    }

    @Test
    void silentRouterIsASilentNodeAndTheTraceGoesOn() {
        SimulatedNetwork net = SimulatedNetwork.builder(new org.tracecap.trace.ManualClock(T0)).router(R1, 1000)
                .silentRouter(R2, 1000).router(R3, 1000).destination(DST, DestinationMode.PORT_UNREACHABLE, 1000)
                .build();
        Run r = run(net);
        Graph g = r.graph();
        assertEquals(StopReason.reached(), g.stop());
        assertEquals(Map.of(1, Set.of(a(R1)), 2, Set.of("*"), 3, Set.of(a(R3)), 4, Set.of(a(DST))), nodes(g));
        assertEquals(Set.of(a(R1) + ">*2", "*2>" + a(R3), a(R3) + ">" + a(DST)), links(g));
        assertAsDelivered(r);
    }

    @Test
    void silentDestinationStopsAtTheGapLimit() {
        SimulatedNetwork net = TracerTest.straight(new org.tracecap.trace.ManualClock(T0), DestinationMode.SILENT)
                .build();
        Run r = run(net);
        assertEquals(StopReason.gapLimit(), r.graph().stop());
        Map<Integer, Set<String>> nodes = nodes(r.graph());
        assertEquals(Set.of("*"), nodes.get(5));
        assertEquals(Set.of("*"), nodes.get(7));
        assertFalse(nodes.containsKey(8), "stops after " + MdaPlanner.GAP_LIMIT + " silent TTLs: " + nodes);
    }

    @Test
    void unlimitedRoutersAreNotPacedAndLimitedOnesLoseNothing() {
        SimulatedNetwork.Builder b = SimulatedNetwork.builder(new org.tracecap.trace.ManualClock(T0)).router(R1, 1000)
                .ecmp(1000, R2, R3, R4, R5).router(R6, 1000).destination(DST, DestinationMode.PORT_UNREACHABLE, 1000);
        Run free = run(b.icmpRateLimit(false).build());
        Run limited = run(SimulatedNetwork.builder(new org.tracecap.trace.ManualClock(T0)).router(R1, 1000)
                .ecmp(1000, R2, R3, R4, R5).router(R6, 1000).destination(DST, DestinationMode.PORT_UNREACHABLE, 1000)
                .build());
        assertEquals(nodes(free.graph()), nodes(limited.graph()));
        assertEquals(links(free.graph()), links(limited.graph()));
        assertEquals(Set.of(a(R2), a(R3), a(R4), a(R5)), nodes(limited.graph()).get(2));
        // Limited: the branches answer n(4) = 21 and n(5) = 27 flows at TTL 2, about 7 each, past their
        // burst of 6: the run waits for their buckets (a second or more). Unlimited: no waiting at all.
        assertTrue(limited.elapsed() >= S, "limited took " + limited.elapsed() / 1e9 + " s");
        assertTrue(free.elapsed() < S / 10, "unlimited took " + free.elapsed() / 1e9 + " s");
        long rateLimited = limited.net().outcomes().stream().filter(o -> o.fate().equals(Outcome.RATE_LIMITED)).count();
        assertTrue(rateLimited <= 8, rateLimited + " probes ran into the limit (at most one test per TTL)");
        assertAsDelivered(limited);
    }

    @Test
    void replayedTracesGiveTheSameGraph() {
        SimulatedNetwork net = diamondOfTwo();
        Run r = run(net);
        // Traces regrouped differently (one per TTL, say) give the same nodes and links.
        List<Trace> regrouped = new ArrayList<>();
        for (Trace t : r.result().flows()) {
            for (Hop h : t.hops()) {
                regrouped.add(new Trace(t.source(), t.destination(), t.method(), t.startTimeNanos(), t.endTimeNanos(),
                        t.stop(), List.of(h), Map.of()));
            }
        }
        Graph again = GraphBuilder.fromTraces(regrouped).get(0);
        assertEquals(r.graph().nodes(), again.nodes());
        assertEquals(r.graph().links(), again.links());
        assertEquals(r.graph().flows(), again.flows());
        assertNull(again.confidence());
    }

    @Test
    void interruptedRunKeepsWhatWasLearned() {
        SimulatedNetwork net = SimulatedNetwork.builder(new org.tracecap.trace.ManualClock(T0)).router(R1, 1000)
                .ecmp(1000, R2, R3, R4, R5).router(R6, 1000).destination(DST, DestinationMode.PORT_UNREACHABLE, 1000)
                .build();
        try (PacketPort port = net.port()) {
            MultipathTracer[] t = new MultipathTracer[1];
            PacketPort stopping = new ForwardingPacketPort(port) {
                int frames;

                @Override
                public int receive(org.tracecap.match.FrameSink sink, long timeoutNanos) throws IOException {
                    int n = super.receive(sink, timeoutNanos);
                    frames += n;
                    if (frames > 40) {
                        t[0].stop();
                    }
                    return n;
                }

                @Override
                public void close() {
                    // the try-with-resources closes the port beneath
                }
            };
            t[0] = new MultipathTracer(TraceOptions.builder().build(), 95, LINK, stopping, net.clock(),
                    new SplittableRandom(3));
            MultipathTracer.Result r = t[0].run();
            assertEquals(StopReason.interrupted(), r.graph().stop());
            assertTrue(r.graph().nodes().stream().anyMatch(n -> IpAddress.ipv4(R1).equals(n.address())));
        }
    }

    @Test
    void badArguments() {
        SimulatedNetwork net = TracerTest.straight(new org.tracecap.trace.ManualClock(T0),
                DestinationMode.PORT_UNREACHABLE).build();
        try (PacketPort port = net.port()) {
            assertThrows(IllegalArgumentException.class,
                    () -> new MultipathTracer(TraceOptions.builder().build(), 90, LINK, port, net.clock()));
            assertThrows(IllegalArgumentException.class,
                    () -> new MultipathTracer(TraceOptions.builder().packetLength(29).build(), 95, LINK, port,
                            net.clock()));
        }
        assertEquals(1024, MultipathTracer.flowsFrom(33434));
        assertEquals(2, MultipathTracer.flowsFrom(65534));
    }
}
