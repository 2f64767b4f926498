package org.tracecap.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
 */
public final class NatDetector {
    private int last;

    /** {@code hop}, marked as NAT when its quotes' checksum change differs from the hops' before it. */
    public Hop mark(Hop hop) {
        Map<Integer, Integer> votes = new HashMap<>();
        Integer change = null;
        int best = 0;
        for (ProbeResult p : hop.probes()) {
            if (p.udpChecksum() == null || p.quotedUdpChecksum() == null) {
                continue;
            }
            int d = difference(p.quotedUdpChecksum(), p.udpChecksum());
            int v = votes.merge(d, 1, Integer::sum);
            if (v > best) {
                best = v;
                change = d;
            }
        }
        if (change == null || change == last) {
            return hop.nat() ? new Hop(hop.ttl(), hop.probes()) : hop;
        }
        last = change;
        return new Hop(hop.ttl(), hop.probes(), true);
    }

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
