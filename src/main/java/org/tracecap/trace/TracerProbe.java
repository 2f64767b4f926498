package org.tracecap.trace;

import org.tracecap.match.Classified;
import org.tracecap.match.SentProbe;

/**
 * One probe slot of a {@link Tracer} and what happened to it: sent (when, by the clock and by the capture),
 * answered ({@link org.tracecap.match.IcmpReply} or {@link org.tracecap.match.TcpReply}), timed out or forgotten
 * above the final TTL; and the tracer's rule 5, the deadlines of the probes in flight.
 */
final class TracerProbe {
    final int number;
    final int ttl;
    SentProbe sent;
    long clockSendNanos;
    long deadlineNanos;
    Long captureSendNanos;
    /** The {@link org.tracecap.match.IcmpReply} or {@link org.tracecap.match.TcpReply} attributed to it, or null. */
    Classified reply;
    boolean timedOut;
    boolean forgotten;

    TracerProbe(int number, int ttl) {
        this.number = number;
        this.ttl = ttl;
    }

    boolean done() {
        return reply != null || timedOut || forgotten;
    }

    long sendNanos() {
        return captureSendNanos != null ? captureSendNanos : clockSendNanos;
    }

    /** The reply's RTT, or 0 when unanswered (or, oddly, not positive: traceroute skips those too). */
    long rttNanos() {
        return reply == null ? 0 : Math.max(0, ProbeResults.timeNanos(reply) - sendNanos());
    }

    /**
     * Rule 5, as traceroute's get_timeout, for every probe in flight in one backward pass: HERE takes the
     * first answered probe of the hop in number order, NEAR the answered probe with the next higher number.
     */
    static void computeDeadlines(TracerProbe[] probes, TraceOptions options, long maxWaitNanos) {
        TraceOptions.Wait w = options.waiting();
        int q = options.probesPerHop();
        long nearRtt = 0;
        for (int first = probes.length - q; first >= 0; first -= q) {
            long hereRtt = 0;
            for (int n = first; n < first + q && hereRtt == 0; n++) {
                hereRtt = probes[n].rttNanos();
            }
            for (int n = first + q - 1; n >= first; n--) {
                TracerProbe p = probes[n];
                if (p.sent != null && !p.done()) {
                    long timeout = maxWaitNanos;
                    if (w.here() > 0 && hereRtt > 0) {
                        timeout = Math.min(timeout, scaled(hereRtt, w.here()));
                    } else if (w.near() > 0 && nearRtt > 0) {
                        timeout = Math.min(timeout, scaled(nearRtt, w.near()));
                    }
                    p.deadlineNanos = p.clockSendNanos + timeout;
                }
                long rtt = p.rttNanos();
                if (rtt > 0) {
                    nearRtt = rtt;
                }
            }
        }
    }

    private static long scaled(long rttNanos, double factor) {
        double v = (rttNanos + Tracer.WAIT_PRECISION_NANOS) * factor;
        return v >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) v;
    }
}
