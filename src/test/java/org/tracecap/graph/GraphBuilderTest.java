package org.tracecap.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tracecap.model.Hop;
import org.tracecap.model.Method;
import org.tracecap.model.ProbeResult;
import org.tracecap.model.StopReason;
import org.tracecap.model.Trace;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.Ipv4Address;

/** {@link GraphBuilder}'s rules on hand-made traces. */
class GraphBuilderTest {
    static final int SRC = Ipv4Address.parse("198.18.1.1");
    static final int DST = Ipv4Address.parse("198.18.5.2");
    static final int R1 = Ipv4Address.parse("198.18.1.2");
    static final int A = Ipv4Address.parse("198.18.11.2");
    static final int B = Ipv4Address.parse("198.18.12.2");
    static final int R3 = Ipv4Address.parse("198.18.21.2");
    static final Method UDP = new Method("udp", "tracecap", "udp-checksum");
    static final long T0 = 1_800_000_000_000_000_000L;

    /** A probe of flow (sport 61000, dport) at {@code ttl}, answered by {@code responder} (null: unanswered). */
    static ProbeResult probe(int dport, int ttl, Integer responder, long rttMicros) {
        if (responder == null) {
            return new ProbeResult(ttl, T0 + ttl, 1, 61000, dport, null, null, 1, 60, null, null, null, null, null,
                    null, null, null, null, null, null, List.of());
        }
        boolean dst = responder == DST;
        return new ProbeResult(ttl, T0 + ttl, 1, 61000, dport, null, null, 1, 60, rttMicros * 1000,
                IpAddress.ipv4(responder),
                dst ? 3 : 11, dst ? 3 : 0, null, "", 64, 1, 1, 1, 56, List.of());
    }

    static Trace trace(List<ProbeResult> probes) {
        return OneTrace.trace(SRC, DST, UDP, StopReason.reached(), probes);
    }

    static String link(Graph g, Graph.Link l) {
        return name(g.nodes().get(l.from())) + ">" + name(g.nodes().get(l.to()));
    }

    static String name(Graph.Node n) {
        return n.silent() ? "*" + n.ttl() : Ipv4Address.format(n.address().ipv4());
    }

    /** A diamond: flow 33434 probed at every TTL via A, 33435 via B; 33436 only at TTL 2 (via B). */
    static List<ProbeResult> diamond() {
        return List.of(probe(33434, 1, R1, 100), probe(33434, 2, A, 200), probe(33435, 2, B, 300),
                probe(33435, 3, R3, 400), probe(33434, 3, R3, 500), probe(33434, 4, DST, 600),
                probe(33436, 2, B, 250));
    }

    @Test
    void nodesLinksAndFlows() {
        Graph g = GraphBuilder.build(IpAddress.ipv4(SRC), IpAddress.ipv4(DST), UDP, 95, StopReason.reached(),
                List.of(trace(diamond())));
        assertEquals(List.of("198.18.1.2", "198.18.11.2", "198.18.12.2", "198.18.21.2", "198.18.5.2"),
                g.nodes().stream().map(GraphBuilderTest::name).toList());
        assertEquals(List.of(1, 2, 2, 3, 4), g.nodes().stream().map(Graph.Node::ttl).toList());
        // R1 -> B comes from flows 33435 and 33436 (not probed at TTL 1: TTL 1 has one node, so they crossed it)
        assertEquals(List.of("198.18.1.2>198.18.11.2", "198.18.1.2>198.18.12.2", "198.18.11.2>198.18.21.2",
                "198.18.12.2>198.18.21.2", "198.18.21.2>198.18.5.2"),
                g.links().stream().map(l -> link(g, l)).toList());
        assertEquals(List.of(1, 2), g.links().get(1).flows());
        assertEquals(3, g.flows().size());
        assertEquals(new Graph.Flow(0, "udp", 61000, 33434, null), g.flows().get(0));
        assertEquals(7, g.probes());
        assertEquals(List.of(), g.perPacketTtls());
        Graph.Node b = g.nodes().get(2);
        assertEquals(250_000L, b.rttMinNanos());
        assertEquals(275_000L, b.rttAvgNanos());
        assertEquals(300_000L, b.rttMaxNanos());
        assertEquals(List.of(1, 2), b.flows());
        assertEquals(Integer.valueOf(95), g.confidence());
    }

    @Test
    void groupingIntoTracesDoesNotMatter() {
        List<ProbeResult> all = diamond();
        Graph one = GraphBuilder.build(IpAddress.ipv4(SRC), IpAddress.ipv4(DST), UDP, null, StopReason.reached(),
                List.of(trace(all)));
        List<Trace> split = new ArrayList<>();
        for (ProbeResult p : all) {
            split.add(0, trace(List.of(p))); // one trace per probe, in reverse
        }
        Graph many = GraphBuilder.fromTraces(split).get(0);
        assertEquals(one.nodes(), many.nodes());
        assertEquals(one.links(), many.links());
        assertEquals(one.flows(), many.flows());
        assertNull(many.confidence());
    }

    @Test
    void noLinkIsGuessedAcrossATtlWithSeveralNodes() {
        // Flow 33437 is seen at TTL 3 only; TTL 2 has two nodes, so where it came from is unknown.
        List<ProbeResult> probes = new ArrayList<>(diamond());
        probes.add(probe(33437, 3, R3, 300));
        Graph g = GraphBuilder.build(IpAddress.ipv4(SRC), IpAddress.ipv4(DST), UDP, null, StopReason.reached(),
                List.of(trace(probes)));
        for (Graph.Link l : g.links()) {
            assertTrue(!l.flows().contains(3), "flow 3 links nothing: " + link(g, l));
        }
    }

    @Test
    void silentNodeOnlyForFlowsNoRouterAnswered() {
        List<ProbeResult> probes = List.of(probe(33434, 1, R1, 100), probe(33434, 2, null, 0),
                probe(33434, 2, null, 0), probe(33434, 3, R3, 300), probe(33435, 2, null, 0), probe(33435, 2, A, 220));
        Graph g = GraphBuilder.build(IpAddress.ipv4(SRC), IpAddress.ipv4(DST), UDP, null, StopReason.reached(),
                List.of(trace(probes)));
        assertEquals(List.of("198.18.1.2", "198.18.11.2", "*2", "198.18.21.2"),
                g.nodes().stream().map(GraphBuilderTest::name).toList());
        Graph.Node silent = g.nodes().get(2);
        assertEquals(List.of(0), silent.flows());
        assertEquals(2, silent.probes());
        assertNull(silent.rttAvgNanos());
        assertEquals(List.of("198.18.1.2>198.18.11.2", "198.18.1.2>*2", "*2>198.18.21.2"),
                g.links().stream().map(l -> link(g, l)).toList());
    }

    @Test
    void oneFlowAnsweredByTwoRoutersIsPerPacket() {
        List<ProbeResult> probes = List.of(probe(33434, 1, R1, 100), probe(33434, 2, A, 200), probe(33434, 2, B, 200));
        Graph g = GraphBuilder.build(IpAddress.ipv4(SRC), IpAddress.ipv4(DST), UDP, null, StopReason.reached(),
                List.of(trace(probes)));
        assertEquals(List.of(2), g.perPacketTtls());
    }

    @Test
    void stopOfAReplayGraph() {
        Trace reached = trace(diamond());
        Trace cut = new Trace(IpAddress.ipv4(SRC), IpAddress.ipv4(DST), UDP, T0, T0, StopReason.incomplete(),
                List.of(), Map.of());
        assertEquals(StopReason.reached(), GraphBuilder.fromTraces(List.of(cut, reached)).get(0).stop());
        assertEquals(StopReason.incomplete(), GraphBuilder.fromTraces(List.of(cut)).get(0).stop());
        Trace other = new Trace(IpAddress.ipv4(SRC), IpAddress.ipv4(R3), UDP, T0, T0, StopReason.maxTtl(), List.of(),
                Map.of());
        assertEquals(2, GraphBuilder.fromTraces(List.of(reached, other)).size());
    }
}
