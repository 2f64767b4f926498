package org.tracecap.trace;

import java.util.Arrays;

/**
 * The tracer's picture of the ICMP rate limit of the router at each TTL (scheduling rule 4 of
 * {@link Tracer}): per TTL from the first to the max (index 0 for the first TTL), the credit in nanoseconds
 * (Linux's inet_peer_xrlim_allow: a burst of {@link Tracer#ICMP_BURST} errors to one source, then one per
 * {@link Tracer#ICMP_TOKEN_NANOS}) and when it was last counted. Traces run one after another from one source
 * with the same TTL range (the flows of a {@link FlowTracer}) share one budget, since the routers count their
 * probes together.
 *
 * <p>Once a trace has found the destination at some TTL, every probe with that TTL or more reaches the
 * destination: {@link #destinationAt} makes those TTLs share one bucket, the destination's, drained by what
 * each of them spent. The next flow then sends no more probes past the destination than it will answer,
 * and its own probe at the destination's TTL (sent first, in number order) gets its answer. Not thread-safe.
 */
final class IcmpBudget {
    private static final long CAP = Tracer.ICMP_BURST * Tracer.ICMP_TOKEN_NANOS;

    final long[] tokenNanos;
    final long[] tokenTime;
    /** Index from which every TTL is the destination's bucket, or the length while unknown. */
    private int destination;

    /** A full bucket for each of {@code hops} TTLs, never used. */
    IcmpBudget(int hops) {
        tokenNanos = new long[hops];
        tokenTime = new long[hops];
        Arrays.fill(tokenNanos, CAP);
        Arrays.fill(tokenTime, Long.MIN_VALUE);
        destination = hops;
    }

    /** The bucket of TTL index {@code i}. */
    int index(int i) {
        return Math.min(i, destination);
    }

    /**
     * The destination answered at TTL index {@code i} (or lower than it was known to): from now on TTL
     * indexes {@code i} and up share one bucket, holding what is left once each of them has taken its spending.
     */
    void destinationAt(int i, long now) {
        if (i < 0 || i >= destination) {
            return;
        }
        long spent = 0;
        for (int j = i; j < tokenNanos.length; j++) {
            if (tokenTime[j] != Long.MIN_VALUE) {
                long tokens = Math.min(CAP, tokenNanos[j] + Math.max(0, now - tokenTime[j]));
                spent += CAP - tokens;
            }
        }
        tokenNanos[i] = Math.max(0, CAP - spent);
        tokenTime[i] = now;
        destination = i;
    }
}
