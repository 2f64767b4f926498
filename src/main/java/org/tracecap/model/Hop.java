package org.tracecap.model;

import java.util.List;

/** Every probe sent with one TTL, in the order they were sent. */
public record Hop(int ttl, List<ProbeResult> probes) {
    public Hop {
        probes = List.copyOf(probes);
    }
}
