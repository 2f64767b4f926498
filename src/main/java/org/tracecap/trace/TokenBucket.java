package org.tracecap.trace;

/**
 * One router's ICMP rate limit towards our source as Linux keeps it (inet_peer_xrlim_allow): a credit in
 * nanoseconds, at most a burst of {@link Tracer#ICMP_BURST} errors' worth, one error costing
 * {@link Tracer#ICMP_TOKEN_NANOS}, refilled with time. Not thread-safe.
 */
final class TokenBucket {
    static final long CAP = Tracer.ICMP_BURST * Tracer.ICMP_TOKEN_NANOS;

    /** The credit when last counted (a full bucket before the first count). */
    long tokenNanos = CAP;
    /** When it was last counted, or Long.MIN_VALUE: never. */
    long tokenTime = Long.MIN_VALUE;

    /** The credit at {@code now}. */
    long tokensAt(long now) {
        if (tokenTime == Long.MIN_VALUE) {
            return tokenNanos;
        }
        return Math.min(CAP, tokenNanos + Math.max(0, now - tokenTime));
    }

    /** One error sent at {@code now}. */
    void take(long now) {
        tokenNanos = Math.max(0, tokensAt(now) - Tracer.ICMP_TOKEN_NANOS);
        tokenTime = now;
    }

    /**
     * When {@code needed} errors' worth of credit is there: {@code now}, a later time (with
     * {@link Tracer#TOKEN_SLACK_NANOS} for the router's coarser clock), or Long.MAX_VALUE when more than a
     * full bucket is asked for.
     */
    long readyAt(int needed, long now) {
        if (needed > Tracer.ICMP_BURST) {
            return Long.MAX_VALUE;
        }
        long want = needed * Tracer.ICMP_TOKEN_NANOS;
        long have = tokensAt(now);
        return have >= want ? now : now + (want - have) + Tracer.TOKEN_SLACK_NANOS;
    }
}
