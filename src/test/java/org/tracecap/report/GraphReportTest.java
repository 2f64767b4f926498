package org.tracecap.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tracecap.graph.Graph;
import org.tracecap.graph.GraphBuilder;
import org.tracecap.graph.OneTrace;
import org.tracecap.model.Method;
import org.tracecap.model.ProbeResult;
import org.tracecap.model.StopReason;
import org.tracecap.model.Trace;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.Ipv4Address;

/** A graph as text, DOT and hop JSON. */
class GraphReportTest {
    static final int SRC = Ipv4Address.parse("198.18.1.1");
    static final int DST = Ipv4Address.parse("198.18.5.2");
    static final int R1 = Ipv4Address.parse("198.18.1.2");
    static final int A = Ipv4Address.parse("198.18.11.2");
    static final int B = Ipv4Address.parse("198.18.12.2");
    static final Method UDP = new Method("udp", "tracecap", "udp-checksum");
    static final long T0 = 1_800_000_000_000_000_000L;

    static ProbeResult probe(int dport, int ttl, Integer responder, long rttMicros, int type, int code,
                             String annotation) {
        if (responder == null) {
            return new ProbeResult(ttl, T0, 1, 61000, dport, null, null, 1, 60, null, null, null, null, null, null,
                    null, null, null, null, null, List.of());
        }
        return new ProbeResult(ttl, T0, 1, 61000, dport, null, null, 1, 60, rttMicros * 1000,
                IpAddress.ipv4(responder), type,
                code,
                null, annotation, 64, 1, 1, 1, 56, List.of());
    }

    /** R1, then A or B or nothing at TTL 2 (flow 33436 answered by both: per packet), then !X from the destination. */
    static Graph graph(StopReason stop, Integer confidence) {
        List<ProbeResult> probes = List.of(
                probe(33434, 1, R1, 100, 11, 0, ""), probe(33434, 2, A, 200, 11, 0, ""),
                probe(33435, 2, B, 300, 11, 0, ""), probe(33436, 2, B, 310, 11, 0, ""),
                probe(33436, 2, A, 320, 11, 0, ""), probe(33437, 2, null, 0, 0, 0, null),
                probe(33434, 3, DST, 400, 3, 13, "!X"), probe(33435, 3, DST, 500, 3, 13, "!X"));
        List<Trace> traces = List.of(OneTrace.trace(SRC, DST, UDP, stop, probes));
        return GraphBuilder.build(IpAddress.ipv4(SRC), IpAddress.ipv4(DST), UDP, confidence, stop, traces);
    }

    @Test
    void text() throws IOException {
        StringBuilder out = new StringBuilder();
        GraphText.write(graph(StopReason.unreachable(13), 95), "dst.example", out, ReverseDns.numeric());
        assertEquals("""
                multipath to dst.example (198.18.5.2) from 198.18.1.1, udp (tracecap, probes told apart by udp-checksum), MDA at 95% confidence
                 1  198.18.1.2  0.100/0.100/0.100 ms  1 flow
                 2  198.18.11.2  0.200/0.260/0.320 ms  2 flows  <- 198.18.1.2
                    198.18.12.2  0.300/0.305/0.310 ms  2 flows  <- 198.18.1.2
                    *  1 flow  <- 198.18.1.2
                 3  198.18.5.2  0.400/0.450/0.500 ms !X  2 flows  <- 198.18.11.2, 198.18.12.2
                per-packet load balancing at TTL 2 (one flow answered by several routers)
                5 nodes (1 silent), 5 links, 4 flows, 8 probes
                """, out.toString());
    }

    @Test
    void textOfAReplayAndItsStopLines() throws IOException {
        StringBuilder out = new StringBuilder();
        GraphText.write(graph(StopReason.interrupted(), null), null, out, ReverseDns.numeric());
        String text = out.toString();
        assertTrue(text.startsWith("multipath to 198.18.5.2 (198.18.5.2) from 198.18.1.1, udp (tracecap, probes"
                + " told apart by udp-checksum)\n"), text);
        assertTrue(text.endsWith("probes\n(interrupted)\n"), text);
        StringBuilder gap = new StringBuilder();
        GraphText.writeNodes(graph(StopReason.gapLimit(), 99), gap, ReverseDns.numeric());
        assertTrue(gap.toString().endsWith("(gap limit: no router answered at the last TTLs probed)\n"), gap.toString());
    }

    @Test
    void dot() throws IOException {
        StringBuilder out = new StringBuilder();
        GraphDot.write(List.of(graph(StopReason.reached(), 95)), out);
        String dot = out.toString();
        assertTrue(dot.startsWith("digraph \"tracecap\" {\n"), dot);
        assertTrue(dot.contains("  n0 [label=\"198.18.1.2\\nTTL 1, 0.100 ms\"];\n"), dot);
        assertTrue(dot.contains("  n3 [label=\"*\\nTTL 2\", style=dashed];\n"), dot);
        assertTrue(dot.contains("  n4 [label=\"198.18.5.2\\nTTL 3, 0.450 ms !X\", peripheries=2];\n"), dot);
        assertTrue(dot.contains("  { rank=same; n1; n2; n3; }\n"), dot);
        assertTrue(dot.contains("  source -> n0;\n"), dot);
        assertTrue(dot.contains("  n0 -> n1 [label=\"2\"];\n"), dot);
        assertTrue(dot.endsWith("}\n"), dot);
        assertEquals(dot.chars().filter(c -> c == '{').count(), dot.chars().filter(c -> c == '}').count());
    }

    @Test
    void jsonDocumentWithGraphsIsValidHopJson() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Graph g = graph(StopReason.unreachable(13), 99);
        try (JsonDocumentWriter w = JsonDocumentWriter.open(bytes, true)) {
            w.finish(List.of(g), new ReportSummary(10, 0, 0, 0, 0, 0, new java.util.TreeMap<>(), new java.util.TreeMap<>()));
        }
        JsonNode doc = new ObjectMapper().readTree(bytes.toString(StandardCharsets.UTF_8));
        assertEquals(List.of(), HopJsonSchema.load().validate(doc, "#"));
        JsonNode graph = doc.get("graphs").get(0);
        assertEquals(List.of("source", "destination", "method", "start_time", "end_time", "stop", "confidence",
                "probes", "flows", "nodes", "links", "per_packet_ttls"), fieldNames(graph));
        assertEquals(99, graph.get("confidence").asInt());
        assertEquals(13, graph.at("/stop/code").asInt());
        JsonNode silent = graph.get("nodes").get(3);
        assertTrue(silent.get("silent").asBoolean());
        assertTrue(silent.get("address") == null && silent.get("rtt_ms") == null);
        assertEquals("!X", graph.get("nodes").get(4).get("annotation").asText());
        assertEquals(0.26, graph.get("nodes").get(1).at("/rtt_ms/avg").asDouble());
        assertEquals(2, graph.at("/per_packet_ttls/0").asInt());
        List<String> order = fieldNames(doc);
        assertEquals(List.of("version", "tool", "traces", "graphs", "summary"), order);
    }

    @Test
    void documentWithoutGraphsHasNoGraphsMember() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonDocumentWriter w = JsonDocumentWriter.open(bytes, false)) {
            w.finish(List.of(), null);
        }
        assertEquals("{\"version\":1,\"tool\":\"tracecap\",\"traces\":[]}\n", bytes.toString(StandardCharsets.UTF_8));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
