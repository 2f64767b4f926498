package org.tracecap.trace;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tracecap.packet.IpAddress;

/**
 * Rule 8 of a {@link MultipathTracer} run (rules 1-7 are {@link MdaPlanner}'s): the ICMP rate-limit bucket
 * of every router that has answered, and when a probe may go without meeting an empty one.
 *
 * <ol start="8">
 *   <li><b>Pacing.</b> Linux routers answer a source with a burst of 6 ICMP errors, then one per second
 *       (inet_peer_xrlim_allow; see {@link Tracer} rule 4). The tracer keeps that bucket for every router
 *       that has answered, taking a token for each answer. A probe that can only reach router {@code R}
 *       (a retry or re-send of a flow known to reach {@code R}) waits until {@code R} has a token left over
 *       its probes in flight; a probe of a new flow at {@code t}, which may reach any router of {@code t},
 *       waits until each of them has one left over every such probe in flight (at most 6 in flight while
 *       {@code t} has no router yet). Meanwhile other TTLs' probes go (rule 6). A router may not limit at
 *       all (icmp_ratelimit=0): when a probe is held only by the bucket of routers not yet known to
 *       limit, one such probe per TTL is sent anyway; a router that answers it with an empty bucket is known
 *       not to limit and no longer paced; when it goes unanswered the TTL is paced from then on, and its flow
 *       is sent again (not counted as rule 4's retry) once there is a token.</li>
 * </ol>
 */
final class MdaPacing {
    private final Map<IpAddress, Bucket> buckets = new HashMap<>();

    /**
     * What rule 8 says of a probe that may reach {@code candidates}: when it may go, or ({@code verifying} not
     * null) that it goes now anyway to find out whether these routers, short of tokens, limit at all.
     */
    record Hold(long readyAt, List<IpAddress> verifying) {
    }

    /**
     * Rule 8 for a probe at TTL {@code s} that can only reach {@code target}, or (null) any of {@code candidates},
     * the TTL's routers so far.
     */
    Hold hold(MdaTtlState s, IpAddress target, List<IpAddress> candidates, long now) {
        long readyAt = now;
        List<IpAddress> blocking = new ArrayList<>();
        boolean shallow = false;
        for (IpAddress r : candidates) {
            Bucket b = bucket(r);
            if (b.unlimited) {
                continue;
            }
            int needed = b.pending + (target != null ? 0 : s.unknownPending) + 1;
            long at = b.tokens.readyAt(needed, now);
            if (at > now) {
                readyAt = Math.max(readyAt, at);
                if (b.tokens.readyAt(b.pending + 1, now) - now >= Tracer.ICMP_TOKEN_NANOS / 2) {
                    // Its own bucket is half a second or more short, even if no probe of a new flow in
                    // flight reaches it: an answer now would prove it does not limit (our model lags the
                    // router's bucket by a round trip at most).
                    blocking.add(r);
                } else {
                    shallow = true;
                }
            }
        }
        if (candidates.isEmpty() && s.unknownPending >= Tracer.ICMP_BURST) {
            readyAt = Long.MAX_VALUE;
        }
        boolean verify = readyAt > now && !blocking.isEmpty() && !shallow && !s.limited && !s.verifyInFlight;
        return new Hold(readyAt, verify ? blocking : null);
    }

    /** A probe that can only reach {@code router} is sent. */
    void sent(IpAddress router) {
        bucket(router).pending++;
    }

    /** A probe that could only reach {@code router} is answered or given up. */
    void settled(IpAddress router) {
        bucket(router).pending--;
    }

    /**
     * {@code router} answered at capture time {@code timeNanos} a probe sent as rule 8's test of the routers
     * {@code verifying} (or null for any other probe).
     */
    void answered(IpAddress router, List<IpAddress> verifying, long timeNanos) {
        Bucket b = bucket(router);
        if (verifying != null && verifying.contains(router)) {
            // Rule 8: it answered although its bucket, as Linux keeps it, was empty: it does not limit.
            b.unlimited = true;
        }
        if (!b.unlimited) {
            b.tokens.take(timeNanos);
        }
    }

    /** The tokens {@code router} has left over its probes in flight, in refill nanoseconds (MAX_VALUE: no limit). */
    long spareTokens(IpAddress router, long now) {
        Bucket b = bucket(router);
        return b.unlimited ? Long.MAX_VALUE : b.tokens.tokensAt(now) - b.pending * Tracer.ICMP_TOKEN_NANOS;
    }

    private Bucket bucket(IpAddress router) {
        return buckets.computeIfAbsent(router, r -> new Bucket());
    }

    /** A router's bucket (rule 8), with the probes in flight that can only reach it. */
    private static final class Bucket {
        final TokenBucket tokens = new TokenBucket();
        int pending;
        boolean unlimited;
    }
}
