package org.tracecap.report;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.tracecap.graph.Graph;
import org.tracecap.model.Method;
import org.tracecap.model.StopReason;
import org.tracecap.packet.IpAddress;

/**
 * A {@link Graph} as text, in traceroute's columns:
 *
 * <ol>
 *   <li>a header {@code multipath to HOST (DST) from SRC, METHOD}, then {@code , MDA at C% confidence} for a
 *       live run;</li>
 *   <li>per TTL, one line per node: the TTL ({@code "%2d "}, blank on the TTL's later lines), the responder
 *       ({@code ADDR} or {@code NAME (ADDR)}, {@code *} for the flows no router answered), its RTTs as
 *       {@code min/avg/max ms}, its annotation ({@code !H}...), how many flows reached it, and
 *       {@code <- PRED, ...}: the nodes of the TTL before that link to it;</li>
 *   <li>{@code per-packet load balancing at TTL t, ...} when a flow was answered by two routers at a TTL;</li>
 *   <li>{@code N nodes, L links, F flows, P probes}, and a stop line when the graph did not end on its own
 *       ({@code (interrupted)}, {@code (incomplete...)}, or {@code (gap limit: ...)}).</li>
 * </ol>
 */
public final class GraphText {
    private GraphText() {
    }

    /** The whole graph; {@code host} is what to call the destination in the header (null: its name). */
    public static void write(Graph graph, String host, Appendable out, ReverseDns names) throws IOException {
        prefetch(graph, names);
        writeHeader(host != null ? host : names.name(graph.destination()), graph.destination(), graph.source(),
                graph.method(), graph.confidence(), out);
        writeNodes(graph, out, names);
    }

    /**
     * The header line: {@code multipath to HOST (DST) from SRC, METHOD}, then {@code , MDA at C% confidence}
     * unless {@code confidence} is null.
     */
    public static void writeHeader(String host, IpAddress destination, IpAddress source, Method method,
            Integer confidence,
                                   Appendable out) throws IOException {
        out.append("multipath to ").append(host).append(" (").append(destination.toString())
                .append(") from ").append(source.toString()).append(", ").append(method.describe());
        if (confidence != null) {
            out.append(", MDA at ").append(Integer.toString(confidence)).append("% confidence");
        }
        out.append('\n');
    }

    private static void prefetch(Graph graph, ReverseDns names) {
        if (names.resolves()) {
            Set<IpAddress> all = new LinkedHashSet<>();
            all.add(graph.destination());
            for (Graph.Node n : graph.nodes()) {
                if (!n.silent()) {
                    all.add(n.address());
                }
            }
            names.prefetch(all);
        }
    }

    /** Everything after the header: the node lines, the per-packet line, the counts and the stop line. */
    public static void writeNodes(Graph graph, Appendable out, ReverseDns names) throws IOException {
        prefetch(graph, names);
        List<List<Integer>> predecessors = new ArrayList<>();
        for (int i = 0; i < graph.nodes().size(); i++) {
            predecessors.add(new ArrayList<>());
        }
        for (Graph.Link l : graph.links()) {
            predecessors.get(l.to()).add(l.from());
        }
        int ttl = -1;
        for (Graph.Node n : graph.nodes()) {
            StringBuilder line = new StringBuilder(80);
            if (n.ttl() != ttl) {
                if (n.ttl() < 10) {
                    line.append(' ');
                }
                line.append(n.ttl()).append(' ');
                ttl = n.ttl();
            } else {
                line.append("   ");
            }
            if (n.silent()) {
                line.append(" *");
            } else {
                line.append(' ').append(TextReport.responder(n.address(), names));
                if (n.rttMinNanos() != null) {
                    line.append("  ").append(TextReport.millis3(n.rttMinNanos())).append('/')
                            .append(TextReport.millis3(n.rttAvgNanos())).append('/')
                            .append(TextReport.millis3(n.rttMaxNanos())).append(" ms");
                }
                if (!n.annotation().isEmpty()) {
                    line.append(' ').append(n.annotation());
                }
            }
            line.append("  ").append(n.flows().size()).append(n.flows().size() == 1 ? " flow" : " flows");
            List<Integer> from = predecessors.get(n.id());
            if (!from.isEmpty()) {
                line.append("  <-");
                for (int i = 0; i < from.size(); i++) {
                    Graph.Node p = graph.nodes().get(from.get(i));
                    line.append(i == 0 ? " " : ", ").append(p.silent() ? "*" : p.address().toString());
                }
            }
            out.append(line).append('\n');
        }
        if (!graph.perPacketTtls().isEmpty()) {
            out.append("per-packet load balancing at TTL");
            for (int i = 0; i < graph.perPacketTtls().size(); i++) {
                out.append(i == 0 ? " " : ", ").append(Integer.toString(graph.perPacketTtls().get(i)));
            }
            out.append(" (one flow answered by several routers)\n");
        }
        long silentNodes = graph.nodes().stream().filter(Graph.Node::silent).count();
        out.append(Integer.toString(graph.nodes().size())).append(graph.nodes().size() == 1 ? " node" : " nodes");
        if (silentNodes > 0) {
            out.append(" (").append(Long.toString(silentNodes)).append(" silent)");
        }
        out.append(", ").append(Integer.toString(graph.links().size()))
                .append(graph.links().size() == 1 ? " link, " : " links, ")
                .append(Integer.toString(graph.flows().size())).append(graph.flows().size() == 1 ? " flow, " : " flows, ")
                .append(Integer.toString(graph.probes())).append(graph.probes() == 1 ? " probe\n" : " probes\n");
        if (graph.stop() != null && StopReason.GAP_LIMIT.equals(graph.stop().kind())) {
            out.append("(gap limit: no router answered at the last TTLs probed)\n");
        } else {
            TextReport.writeStop(graph.stop(), out);
        }
    }
}
