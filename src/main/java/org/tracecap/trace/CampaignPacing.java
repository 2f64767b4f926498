package org.tracecap.trace;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The rate-limit model of a {@link CampaignTracer} (its rule 3): which router a probe will probably reach, and
 * that router's ICMP bucket as Linux keeps it (a burst of 6 errors to one source, then one per second:
 * inet_peer_xrlim_allow, see {@link Tracer} rule 4).
 *
 * <ol>
 *   <li><b>Which router.</b> A probe to destination {@code d} with TTL {@code t} is expected to reach: the
 *       destination itself when {@code d} has already answered at {@code t} or below; else the router that
 *       answered at {@code t} for the last destination traced in the same /24 as {@code d}, or the destinations' bucket
 *       at or above the lowest TTL a destination of that /24 answered at (a /24 is usually
 *       behind one last router); else, for Doubletree's backward probing (which goes back towards routers already
 *       seen), the router that last answered at {@code t} for any destination; else an unknown router of that
 *       TTL and /24. Destinations of one /24 share one
 *       bucket: their addresses are often one host's (loopbacks, virtual hosts), and a host keeps one bucket
 *       per source for all its addresses.</li>
 *   <li><b>Bucket.</b> A probe takes a token of its router's bucket when sent; a probe whose router has none
 *       waits for one (probes to other routers go meanwhile). A probe answered by another router than the one
 *       expected takes a token of the answering router's bucket too.</li>
 *   <li><b>Learning.</b> Some routers do not limit (icmp_ratelimit=0, or a higher limit). When every probe
 *       that could go waits for a bucket, one probe to a router not yet known to limit goes anyway while its
 *       bucket is half a second or more short: answered, the router is known not to limit and is no longer
 *       paced; unanswered, it is known to limit (and the probe is retried as any unanswered one).</li>
 * </ol>
 * Memory: the routers whose bucket is not full, those learned not to limit, and the last {@value #SUBNETS}
 * /24s' routers. Not thread-safe.
 */
final class CampaignPacing {
    static final int SUBNETS = 4096;
    private static final long DESTINATIONS = 1L << 40;
    private static final long UNKNOWN = 2L << 40;
    /** The key of ICMP Echo Requests to a destination: Echo Replies are not rate-limited (icmp_ratemask). */
    static final long ECHO = 3L << 40;
    private static final int PURGE_ABOVE = 4096;
    /** Where a /24's keys keep the lowest TTL a destination of it answered at. */
    private static final int DESTINATION_TTL = 256;

    /** What the model knows of one router's limit. */
    enum Limit { UNKNOWN, LIMITS, UNLIMITED }

    private static final class Router {
        final TokenBucket tokens = new TokenBucket();
        Limit limit = Limit.UNKNOWN;
        boolean verifying;
    }

    private final Map<Long, Router> routers = new HashMap<>();
    /** Per TTL: the router that last answered there, for any destination, 0 when none. */
    private final long[] byTtl = new long[256];
    /** Per /24 (the address with its last byte 0): the router key seen at each TTL, 0 when none. */
    private final Map<Integer, long[]> bySubnet = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, long[]> eldest) {
            return size() > SUBNETS;
        }
    };

    /** Rule 1: the router a probe to {@code destination} at {@code ttl} is expected to reach. */
    long expected(int destination, int ttl, int destinationTtl, boolean backward) {
        if (destinationTtl != 0 && ttl >= destinationTtl) {
            return destinations(destination);
        }
        long[] keys = bySubnet.get(destination & 0xffffff00);
        if (keys != null && keys[DESTINATION_TTL] != 0 && ttl >= keys[DESTINATION_TTL]) {
            return destinations(destination);
        }
        if (keys != null && keys[ttl] != 0) {
            return keys[ttl];
        }
        if (backward && byTtl[ttl] != 0) {
            return byTtl[ttl];
        }
        return UNKNOWN | ((long) ttl << 32) | (destination & 0xffffff00L);
    }

    /** Rule 1: {@code responder} answered a probe to {@code destination} at {@code ttl}. */
    void answered(int destination, int ttl, int responder) {
        long[] keys = bySubnet.computeIfAbsent(destination & 0xffffff00, k -> new long[DESTINATION_TTL + 1]);
        keys[ttl] = responder == destination ? destinations(destination) : responder & 0xffffffffL;
        if (responder == destination && (keys[DESTINATION_TTL] == 0 || ttl < keys[DESTINATION_TTL])) {
            keys[DESTINATION_TTL] = ttl;
        }
        if (responder != destination) {
            byTtl[ttl] = keys[ttl];
        }
    }

    /** Rule 2: when the router {@code key} has a token: {@code now}, later, or Long.MAX_VALUE. */
    long readyAt(long key, long now) {
        Router r = key == ECHO ? null : routers.get(key);
        if (r == null || r.limit == Limit.UNLIMITED) {
            return now;
        }
        return r.tokens.readyAt(1, now);
    }

    /**
     * Rule 3: whether a probe held by {@code key}'s bucket alone may go now to learn whether the router limits.
     */
    boolean mayVerify(long key, long now) {
        Router r = routers.get(key);
        return r != null && r.limit == Limit.UNKNOWN && !r.verifying
                && r.tokens.readyAt(1, now) - now >= Tracer.ICMP_TOKEN_NANOS / 2;
    }

    /** Rule 2: a probe to router {@code key} was sent at {@code now}; {@code verifying} as rule 3 says. */
    void sent(long key, long now, boolean verifying) {
        if (key == ECHO) {
            return;
        }
        if (routers.size() > PURGE_ABOVE) {
            purge(now);
        }
        Router r = routers.computeIfAbsent(key, k -> new Router());
        r.tokens.take(now);
        r.verifying |= verifying;
    }

    /** Rule 3: the verifying probe to router {@code key} was answered ({@code true}) or not. */
    void verified(long key, boolean answered) {
        Router r = routers.get(key);
        if (r != null && r.verifying) {
            r.verifying = false;
            r.limit = answered ? Limit.UNLIMITED : Limit.LIMITS;
        }
    }

    /** What the model knows of router {@code key}'s limit. */
    Limit limit(long key) {
        Router r = routers.get(key);
        return r == null ? Limit.UNKNOWN : r.limit;
    }

    /** The key of the bucket the destinations of {@code destination}'s /24 share. */
    static long destinations(int destination) {
        return DESTINATIONS | (destination & 0xffffff00L);
    }

    /** The key of router {@code address}. */
    static long router(int address) {
        return address & 0xffffffffL;
    }

    /** Forgets routers whose bucket is full again and which nothing was learned of: a new one is the same. */
    private void purge(long now) {
        for (Iterator<Router> i = routers.values().iterator(); i.hasNext(); ) {
            Router r = i.next();
            if (r.limit == Limit.UNKNOWN && !r.verifying && r.tokens.tokensAt(now) >= TokenBucket.CAP) {
                i.remove();
            }
        }
    }
}
