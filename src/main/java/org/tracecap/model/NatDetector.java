package org.tracecap.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds a NAT on the path as dublin-traceroute does: by comparing the UDP checksum each hop quotes with the one
 * sent and with the one the previous hop quoted. A NAT that rewrites the probes' source address (or port)
 * must fix their UDP checksum, which covers the pseudo-header (RFC 768; RFC 3022 4.1); when the ICMP errors
 * of the routers past it are not translated back (a stateless rewrite; or a NAT that restores the quoted
 * addresses but not the quoted checksum), their quotes show the new checksum, and the first hop that does is
 * the first past the NAT.
 *
 * <p>For each answered probe the change is the one's complement difference quoted − sent (RFC 1624: the same
 * rewrite shifts every checksum by the same amount, whatever the probe's own checksum, so Paris' and the
 * classic method's per-probe checksums compare too). A hop's change is the one most of its answered probes
 * show. Feed hops in TTL order to {@link #mark}: a hop is marked {@link Hop#nat()} when its change differs
 * from the last answered hop's (0 before the first). Hops with no answered quote change nothing. Not
 * thread-safe.
 *
 * <p>Transmit checksum offload: a probe captured on the sending host may hold a partial checksum
 * ({@link ProbeResult#udpChecksumPartial()}). Its sent checksum is then the one worked out from the captured
 * datagram; a quote equal to the partial one as captured shows no change (a virtual link never completed it,
 * so the routers got it as captured); and when the real one is unknown (the datagram was cut by the snap
 * length) any other quote tells nothing: the probe changes nothing.
 */
public final class NatDetector {
    private int last;

    /** {@code hop}, marked as NAT when its quotes' checksum change differs from the hops' before it. */
    public Hop mark(Hop hop) {
        int change = change(hop.probes());
        if (change == NONE || change == last) {
            return hop.nat() ? new Hop(hop.ttl(), hop.probes()) : hop;
        }
        last = change;
        return new Hop(hop.ttl(), hop.probes(), true);
    }

    /**
     * The change most of the probes show (the first to reach the most votes), {@link #NONE} when no probe
     * has both checksums. Mostly every probe of a hop shows the same change: then no vote is counted.
     */
    private static int change(List<ProbeResult> probes) {
        int size = probes.size();
        int first = NONE;
        int from = 0;
        for (; from < size; from++) {
            ProbeResult p = probes.get(from);
            int d = change(p);
            if (d != NONE) {
                if (first == NONE) {
                    first = d;
                } else if (d != first) {
                    break;
                }
            }
        }
        if (from == size) {
            return first;
        }
        // Two changes or more: count the votes, in two small arrays.
        int[] changes = new int[size];
        int[] votes = new int[size];
        int distinct = 0;
        int change = NONE;
        int best = 0;
        for (ProbeResult p : probes) {
            int d = change(p);
            if (d == NONE) {
                continue;
            }
            int k = 0;
            while (k < distinct && changes[k] != d) {
                k++;
            }
            if (k == distinct) {
                changes[distinct++] = d;
            }
            int v = ++votes[k];
            if (v > best) {
                best = v;
                change = d;
            }
        }
        return change;
    }

    /** One probe's change, quoted − sent; {@link #NONE} when it has no quote or its sent checksum is unknown. */
    private static int change(ProbeResult p) {
        if (!p.has(ProbeResult.HAS_QUOTED_UDP_CHECKSUM)) {
            return NONE;
        }
        int quoted = p.quotedUdpChecksumOr(0);
        if (p.udpChecksumPartial() && quoted == p.capturedUdpChecksumOr(0)) {
            return 0;
        }
        return p.has(ProbeResult.HAS_UDP_CHECKSUM) ? difference(quoted, p.udpChecksumOr(0)) : NONE;
    }

    /** No change seen yet in a hop: differences are 0..0xfffe. */
    private static final int NONE = -1;

    /**
     * {@code trace} with its hops marked in TTL order by a fresh detector: the same instance when no hop's
     * mark changes (replay marks every reconstructed trace this way; a live tracer marks hops as they settle).
     */
    public static Trace mark(Trace trace) {
        NatDetector d = new NatDetector();
        List<Hop> hops = null;
        for (int i = 0; i < trace.hops().size(); i++) {
            Hop h = trace.hops().get(i);
            Hop marked = d.mark(h);
            if (marked != h && hops == null) {
                hops = new ArrayList<>(trace.hops().subList(0, i));
            }
            if (hops != null) {
                hops.add(marked);
            }
        }
        return hops == null ? trace : new Trace(trace.source(), trace.destination(), trace.method(),
                trace.startTimeNanos(), trace.endTimeNanos(), trace.stop(), hops, trace.live());
    }

    /** a − b in one's complement arithmetic, with 0x0000 and 0xffff (both zero) as 0. */
    static int difference(int a, int b) {
        return Math.floorMod((a & 0xffff) % 0xffff - (b & 0xffff) % 0xffff, 0xffff);
    }
}
