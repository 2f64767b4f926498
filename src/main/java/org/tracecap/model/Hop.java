package org.tracecap.model;

import java.util.List;

/**
 * Every probe sent with one TTL, in the order they were sent.
 *
 * @param ttl    the TTL
 * @param probes the probes, in send order
 * @param nat    whether the UDP checksum quoted at this hop changed from the one quoted at the hop before (or,
 *               at the first answered hop, from the one sent): a NAT rewrote the probes' source between the
 *               previous answering hop and this one (dublin-traceroute's NAT detection, {@link NatDetector})
 * @param learnedFrom null when this trace's own probes measured the hop; else the destination (as printed) of the
 *                    campaign trace whose probes measured it, and which this trace's path shares up to a later
 *                    hop (Doubletree's backward stop, {@code org.tracecap.trace.CampaignTracer})
 */
public record Hop(int ttl, List<ProbeResult> probes, boolean nat, String learnedFrom) {
    public Hop {
        probes = List.copyOf(probes);
    }

    /** A hop measured by its own trace's probes. */
    public Hop(int ttl, List<ProbeResult> probes, boolean nat) {
        this(ttl, probes, nat, null);
    }

    /** A hop with no NAT seen. */
    public Hop(int ttl, List<ProbeResult> probes) {
        this(ttl, probes, false);
    }
}
