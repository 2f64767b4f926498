package org.tracecap.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tracecap.model.Hop;
import org.tracecap.model.Method;
import org.tracecap.model.ProbeResult;
import org.tracecap.model.StopReason;
import org.tracecap.model.Trace;
import org.tracecap.packet.IpAddress;

/** One trace holding the given probes, grouped by TTL, for graph tests. */
public final class OneTrace {
    private OneTrace() {
    }

    public static Trace trace(int source, int destination, Method method, StopReason stop, List<ProbeResult> probes) {
        Map<Integer, List<ProbeResult>> byTtl = new TreeMap<>();
        for (ProbeResult p : probes) {
            byTtl.computeIfAbsent(p.ttl(), k -> new ArrayList<>()).add(p);
        }
        List<Hop> hops = new ArrayList<>();
        byTtl.forEach((ttl, ps) -> hops.add(new Hop(ttl, ps)));
        long start = probes.get(0).sendTimeNanos();
        return new Trace(IpAddress.ipv4(source), IpAddress.ipv4(destination), method, start, start, stop, hops,
                Map.of());
    }
}
