package org.tracecap.trace;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.IntFunction;
import org.tracecap.graph.Graph;
import org.tracecap.graph.GraphBuilder;
import org.tracecap.model.Hop;
import org.tracecap.model.ProbeResult;
import org.tracecap.model.StopReason;
import org.tracecap.model.Trace;

/**
 * The result of a {@link MultipathTracer} run from its probes: one {@link Trace} per flow (its probes by TTL,
 * stopped where its last TTL's node was final, else with the run's stop) and the {@link Graph} built from them.
 */
final class MdaResults {
    private MdaResults() {
    }

    /** Flow {@code f}'s state at TTL {@code t} is {@code ttls.apply(t).flows.get(f)}. */
    static MultipathTracer.Result build(LinkFacts link, org.tracecap.model.Method method, int confidence, StopReason stop, IOException failure,
            long startClock, List<MdaProbe> probes, IntFunction<MdaTtlState> ttls) {
        Map<String, String> live = link.live();
        // flow -> TTL -> results, in send order
        SortedMap<Integer, SortedMap<Integer, List<ProbeResult>>> byFlow = new TreeMap<>();
        for (MdaProbe p : probes) {
            byFlow.computeIfAbsent(p.flow, x -> new TreeMap<>()).computeIfAbsent(p.ttl, x -> new ArrayList<>())
                    .add(p.result());
        }
        List<Trace> traces = new ArrayList<>();
        for (Map.Entry<Integer, SortedMap<Integer, List<ProbeResult>>> e : byFlow.entrySet()) {
            List<Hop> hops = new ArrayList<>();
            long start = Long.MAX_VALUE;
            long end = Long.MIN_VALUE;
            StopReason flowStop = stop;
            for (Map.Entry<Integer, List<ProbeResult>> h : e.getValue().entrySet()) {
                hops.add(new Hop(h.getKey(), h.getValue()));
                for (ProbeResult r : h.getValue()) {
                    start = Math.min(start, r.sendTimeNanos());
                    end = Math.max(end, r.rttNanos() == null ? r.sendTimeNanos() : r.sendTimeNanos() + r.rttNanos());
                }
            }
            MdaFlowAtTtl last = ttls.apply(e.getValue().lastKey()).flows.get(e.getKey());
            if (last.isFinal) {
                flowStop = last.unreachableCode == null || last.portUnreachable
                        ? StopReason.reached() : StopReason.unreachable(last.unreachableCode);
            }
            traces.add(new Trace(link.sourceAddress(), link.destinationAddress(), method, start,
                    end, flowStop, hops, live));
        }
        Graph graph = GraphBuilder.build(link.sourceAddress(), link.destinationAddress(), method,
                confidence, stop, traces);
        if (traces.isEmpty()) {
            graph = new Graph(graph.source(), graph.destination(), graph.method(), confidence, startClock, startClock,
                    stop, 0, List.of(), List.of(), List.of(), List.of());
        }
        return new MultipathTracer.Result(graph, traces, failure);
    }
}
