package org.tracecap.trace;


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
 *
 * <p>The same buckets pace an IPv6 trace: Linux limits ICMPv6 errors per destination with the same inet_peer
 * token bucket (icmpv6_xrlim_allow, burst 6) refilled every {@code net.ipv6.icmp.ratelimit} (1000 ms) shifted
 * right by (128 - the route's prefix length) / 32, so at most one per 1000 ms (a /128 route) and more often for
 * shorter prefixes (250 ms for a /64): one token a second under-spends it, never over-spends.
 */
final class IcmpBudget {
    private final TokenBucket[] buckets;
    /** Index from which every TTL is the destination's bucket, or the length while unknown. */
    private int destination;

    /** A full bucket for each of {@code hops} TTLs, never used. */
    IcmpBudget(int hops) {
        buckets = new TokenBucket[hops];
        for (int i = 0; i < hops; i++) {
            buckets[i] = new TokenBucket();
        }
        destination = hops;
    }

    /** How many TTLs the budget covers. */
    int hops() {
        return buckets.length;
    }

    /** The bucket that TTL index {@code i} spends from. */
    TokenBucket bucket(int i) {
        return buckets[index(i)];
    }

    /** The bucket of TTL index {@code i}. */
    private int index(int i) {
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
        for (int j = i; j < buckets.length; j++) {
            if (buckets[j].tokenTime != Long.MIN_VALUE) {
                spent += TokenBucket.CAP - buckets[j].tokensAt(now);
            }
        }
        buckets[i].tokenNanos = Math.max(0, TokenBucket.CAP - spent);
        buckets[i].tokenTime = now;
        destination = i;
    }
}
