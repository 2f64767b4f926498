package org.tracecap.graph;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.tracecap.model.Hop;
import org.tracecap.model.Method;
import org.tracecap.model.ProbeResult;
import org.tracecap.model.StopReason;
import org.tracecap.model.Trace;
import org.tracecap.packet.IpAddress;

/**
 * Builds {@link Graph}s from traces: the same rules for a live {@code --multipath} run (whose traces are its
 * flows) and for the traces a replay reconstructs, so a saved run replays to the same graph.
 *
 * <ol>
 *   <li><b>Flows.</b> A probe's flow is what a per-flow load balancer hashes besides the addresses: its
 *       protocol and ports (UDP, TCP), or its Echo identifier (ICMP). Flows are numbered 0 up in the order
 *       of their protocol, then ports or identifier, so the numbering does not depend on how probes were
 *       grouped into traces.</li>
 *   <li><b>Nodes.</b> At TTL {@code t} a flow reaches the routers that answered its probes with that TTL;
 *       when none of them was answered, it reaches the TTL's silent node ({@code *}). One node per
 *       (TTL, responder), and at most one silent node per TTL.</li>
 *   <li><b>Links.</b> A flow probed at {@code t} and at {@code t + 1} links each node it reached at
 *       {@code t} to each it reached at {@code t + 1}. A flow probed at {@code t + 1} but not at {@code t}
 *       crossed the one node of TTL {@code t} when there is exactly one (every flow goes through it: the
 *       MDA probes such a hop's successors with fresh flows), and links from it; otherwise it links from
 *       nothing.</li>
 *   <li><b>Per-packet load balancing.</b> A TTL where one flow was answered by two routers or more is
 *       listed in {@link Graph#perPacketTtls()}: a per-flow balancer never does that (or the route changed
 *       while probing).</li>
 * </ol>
 */
public final class GraphBuilder {
    private static final Comparator<FlowKey> FLOW_ORDER = Comparator.comparing(FlowKey::protocol)
            .thenComparing(FlowKey::sourcePort, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(FlowKey::destinationPort, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(FlowKey::icmpId, Comparator.nullsFirst(Comparator.naturalOrder()));
    /** Node key of the silent node (null): sorts after every address. */
    private static final IpAddress SILENT = null;
    private static final Comparator<IpAddress> NODE_ORDER = Comparator.nullsLast(Comparator.naturalOrder());

    private GraphBuilder() {
    }

    private record FlowKey(String protocol, Integer sourcePort, Integer destinationPort, Integer icmpId) {
        static FlowKey of(String protocol, ProbeResult p) {
            if (p.sourcePort() != null || p.destinationPort() != null) {
                return new FlowKey(protocol, p.sourcePort(), p.destinationPort(), null);
            }
            return new FlowKey(protocol, null, null, p.icmpId());
        }
    }

    /**
     * One graph per (source, destination) pair of {@code traces}, in the order each pair first appears. Each
     * graph's stop is "reached" when any of its traces reached the destination, else the stop of its first
     * unreachable trace, else that of its last trace; its confidence is null.
     */
    public static List<Graph> fromTraces(List<Trace> traces) {
        Map<List<IpAddress>, List<Trace>> byPair = new LinkedHashMap<>();
        for (Trace t : traces) {
            List<IpAddress> pair = List.of(t.source(), t.destination());
            byPair.computeIfAbsent(pair, k -> new ArrayList<>()).add(t);
        }
        List<Graph> graphs = new ArrayList<>();
        for (List<Trace> group : byPair.values()) {
            Trace first = group.get(0);
            graphs.add(build(first.source(), first.destination(), first.method(), null, stopOf(group), group));
        }
        return graphs;
    }

    private static StopReason stopOf(List<Trace> traces) {
        StopReason unreachable = null;
        for (Trace t : traces) {
            if (t.stop() != null && StopReason.REACHED.equals(t.stop().kind())) {
                return t.stop();
            }
            if (unreachable == null && t.stop() != null && StopReason.UNREACHABLE.equals(t.stop().kind())) {
                unreachable = t.stop();
            }
        }
        return unreachable != null ? unreachable : traces.get(traces.size() - 1).stop();
    }

    /** The graph of every probe of {@code traces} (all from {@code source} to {@code destination}). */
    public static Graph build(IpAddress source, IpAddress destination, Method method, Integer confidence,
            StopReason stop,
                              List<Trace> traces) {
        Objects.requireNonNull(method, "method");
        // flow -> TTL -> the probes of that flow at that TTL
        SortedMap<FlowKey, SortedMap<Integer, List<ProbeResult>>> byFlow = new TreeMap<>(FLOW_ORDER);
        long start = Long.MAX_VALUE;
        long end = Long.MIN_VALUE;
        int probes = 0;
        for (Trace t : traces) {
            for (Hop h : t.hops()) {
                for (ProbeResult p : h.probes()) {
                    byFlow.computeIfAbsent(FlowKey.of(t.method().protocol(), p), k -> new TreeMap<>())
                            .computeIfAbsent(p.ttl(), k -> new ArrayList<>()).add(p);
                    probes++;
                    start = Math.min(start, p.sendTimeNanos());
                    end = Math.max(end, p.rttNanos() == null ? p.sendTimeNanos() : p.sendTimeNanos() + p.rttNanos());
                }
            }
        }
        if (probes == 0) {
            start = traces.isEmpty() ? 0 : traces.get(0).startTimeNanos();
            end = traces.isEmpty() ? 0 : traces.get(traces.size() - 1).endTimeNanos();
        }
        List<Graph.Flow> flows = new ArrayList<>();
        // (TTL, node key) -> what reached it; node key = the address, or SILENT
        SortedMap<Integer, SortedMap<IpAddress, NodeStats>> nodes = new TreeMap<>();
        // flow id -> TTL -> node keys it reached
        List<SortedMap<Integer, SortedSet<IpAddress>>> reached = new ArrayList<>();
        SortedSet<Integer> perPacket = new TreeSet<>();
        for (Map.Entry<FlowKey, SortedMap<Integer, List<ProbeResult>>> e : byFlow.entrySet()) {
            int id = flows.size();
            FlowKey k = e.getKey();
            flows.add(new Graph.Flow(id, k.protocol(), k.sourcePort(), k.destinationPort(), k.icmpId()));
            SortedMap<Integer, SortedSet<IpAddress>> path = new TreeMap<>();
            reached.add(path);
            for (Map.Entry<Integer, List<ProbeResult>> atTtl : e.getValue().entrySet()) {
                int ttl = atTtl.getKey();
                SortedMap<IpAddress, NodeStats> here = nodes.computeIfAbsent(ttl, x -> new TreeMap<>(NODE_ORDER));
                SortedSet<IpAddress> keys = new TreeSet<>(NODE_ORDER);
                for (ProbeResult p : atTtl.getValue()) {
                    if (p.answered()) {
                        IpAddress key = p.responder();
                        keys.add(key);
                        here.computeIfAbsent(key, x -> new NodeStats()).answer(id, p);
                    }
                }
                if (keys.isEmpty()) {
                    keys.add(SILENT);
                    NodeStats silent = here.computeIfAbsent(SILENT, x -> new NodeStats());
                    silent.flows.add(id);
                    silent.probes += atTtl.getValue().size();
                }
                if (keys.size() > 1) {
                    perPacket.add(ttl);
                }
                path.put(ttl, keys);
            }
        }
        // Number the nodes: TTL order, then address, the silent node last.
        List<Graph.Node> nodeList = new ArrayList<>();
        Map<Integer, Map<IpAddress, Integer>> ids = new TreeMap<>();
        for (Map.Entry<Integer, SortedMap<IpAddress, NodeStats>> atTtl : nodes.entrySet()) {
            Map<IpAddress, Integer> here = new LinkedHashMap<>();
            ids.put(atTtl.getKey(), here);
            for (Map.Entry<IpAddress, NodeStats> n : atTtl.getValue().entrySet()) {
                int id = nodeList.size();
                here.put(n.getKey(), id);
                nodeList.add(n.getValue().node(id, atTtl.getKey(), n.getKey()));
            }
        }
        // Links: rule 3.
        SortedMap<Long, SortedSet<Integer>> links = new TreeMap<>();
        for (int flow = 0; flow < reached.size(); flow++) {
            for (Map.Entry<Integer, SortedSet<IpAddress>> atTtl : reached.get(flow).entrySet()) {
                int ttl = atTtl.getKey();
                Map<IpAddress, Integer> before = ids.get(ttl - 1);
                if (before == null) {
                    continue;
                }
                SortedSet<IpAddress> from = reached.get(flow).get(ttl - 1);
                if (from == null) {
                    if (before.size() != 1) {
                        continue;
                    }
                    from = new TreeSet<>(NODE_ORDER);
                    from.addAll(before.keySet());
                }
                for (IpAddress a : from) {
                    for (IpAddress b : atTtl.getValue()) {
                        long link = ((long) before.get(a) << 32) | ids.get(ttl).get(b);
                        links.computeIfAbsent(link, x -> new TreeSet<>()).add(flow);
                    }
                }
            }
        }
        List<Graph.Link> linkList = new ArrayList<>();
        for (Map.Entry<Long, SortedSet<Integer>> l : links.entrySet()) {
            linkList.add(new Graph.Link((int) (l.getKey() >>> 32), (int) (long) l.getKey(),
                    new ArrayList<>(l.getValue())));
        }
        return new Graph(source, destination, method, confidence, start, end, stop, probes, flows, nodeList,
                linkList, new ArrayList<>(perPacket));
    }

    /** What is known of one node while the graph is built. */
    private static final class NodeStats {
        final SortedSet<Integer> flows = new TreeSet<>();
        int probes;
        long rttMin = Long.MAX_VALUE;
        long rttMax = Long.MIN_VALUE;
        long rttSum;
        int rtts;
        String annotation = "";

        void answer(int flow, ProbeResult p) {
            flows.add(flow);
            probes++;
            if (p.rttNanos() != null) {
                long rtt = p.rttNanos();
                rttMin = Math.min(rttMin, rtt);
                rttMax = Math.max(rttMax, rtt);
                rttSum += rtt;
                rtts++;
            }
            if (annotation.isEmpty() && p.annotation() != null) {
                annotation = p.annotation();
            }
        }

        Graph.Node node(int id, int ttl, IpAddress key) {
            if (key == SILENT) {
                return new Graph.Node(id, ttl, null, new ArrayList<>(flows), probes, null, null, null, "");
            }
            boolean timed = rtts > 0;
            return new Graph.Node(id, ttl, key, new ArrayList<>(flows), probes, timed ? rttMin : null,
                    timed ? rttSum / rtts : null, timed ? rttMax : null, annotation);
        }
    }
}
