package org.tracecap.report;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tracecap.graph.Graph;
import org.tracecap.packet.IpAddress;

/**
 * Graphs in Graphviz's DOT language ({@code --dot FILE}; {@code dot -Tsvg FILE > graph.svg}): one digraph per
 * graph, the source on top, one rank per TTL, each node labelled with its address (or {@code *}, dashed),
 * TTL and mean RTT, each link with the number of flows that crossed it. The source links to the nodes of
 * the lowest TTL.
 */
public final class GraphDot {
    private GraphDot() {
    }

    public static void write(List<Graph> graphs, Appendable out) throws IOException {
        int g = 0;
        for (Graph graph : graphs) {
            write(graph, g++, out);
        }
    }

    private static void write(Graph graph, int index, Appendable out) throws IOException {
        String src = graph.source().toString();
        String dst = graph.destination().toString();
        out.append("digraph \"tracecap").append(index == 0 ? "" : " " + index).append("\" {\n");
        out.append("  label=\"multipath from ").append(src).append(" to ").append(dst).append("\";\n");
        out.append("  labelloc=t;\n  rankdir=TB;\n  node [shape=box, fontname=\"monospace\"];\n");
        out.append("  source [label=\"").append(src).append("\\n(source)\", shape=ellipse];\n");
        Map<Integer, List<Graph.Node>> byTtl = new TreeMap<>();
        for (Graph.Node n : graph.nodes()) {
            byTtl.computeIfAbsent(n.ttl(), k -> new ArrayList<>()).add(n);
            out.append("  n").append(Integer.toString(n.id())).append(" [label=\"");
            if (n.silent()) {
                out.append("*\\nTTL ").append(Integer.toString(n.ttl())).append("\", style=dashed];\n");
                continue;
            }
            out.append(n.address().toString()).append("\\nTTL ").append(Integer.toString(n.ttl()));
            if (n.rttAvgNanos() != null) {
                out.append(", ").append(TextReport.millis3(n.rttAvgNanos())).append(" ms");
            }
            if (!n.annotation().isEmpty()) {
                out.append(' ').append(n.annotation());
            }
            out.append('"');
            if (n.address().equals(graph.destination())) {
                out.append(", peripheries=2");
            }
            out.append("];\n");
        }
        for (List<Graph.Node> rank : byTtl.values()) {
            out.append("  { rank=same;");
            for (Graph.Node n : rank) {
                out.append(" n").append(Integer.toString(n.id())).append(';');
            }
            out.append(" }\n");
        }
        if (!byTtl.isEmpty()) {
            for (Graph.Node n : byTtl.values().iterator().next()) {
                out.append("  source -> n").append(Integer.toString(n.id())).append(";\n");
            }
        }
        for (Graph.Link l : graph.links()) {
            out.append("  n").append(Integer.toString(l.from())).append(" -> n").append(Integer.toString(l.to()))
                    .append(" [label=\"").append(Integer.toString(l.flows().size())).append("\"];\n");
        }
        out.append("}\n");
    }
}
