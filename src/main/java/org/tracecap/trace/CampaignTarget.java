package org.tracecap.trace;

import java.util.ArrayList;
import java.util.List;
import org.tracecap.match.Classified;
import org.tracecap.match.IcmpReply;
import org.tracecap.match.TcpReply;
import org.tracecap.match.ProbeTable;
import org.tracecap.match.SentProbe;
import org.tracecap.model.Hop;
import org.tracecap.model.ProbeResult;
import org.tracecap.model.StopReason;
import org.tracecap.model.Trace;
import org.tracecap.packet.IcmpType;
import org.tracecap.packet.IpAddress;

/**
 * One destination of a {@link CampaignTracer} while it is traced: its probes, Doubletree's two directions
 * ({@link Lane}s: forward from the start TTL, backward below it), the hops settled so far, and the trace they make.
 * The rules are the campaign tracer's; this class keeps the state. Not thread-safe.
 */
final class CampaignTarget {
    final IpAddress address;
    final String name;
    final ProbeIdentity identity;
    /** The ICMP Echo identity of the destination's own answers when its UDP answers are limited (rule 7), or null. */
    final ProbeIdentity echo;
    final ProbeTable table;
    final Probe[] probes;
    private final TraceOptions options;
    /** Per TTL index: the hop is settled (answered, or every attempt timed out). */
    private final boolean[] settled;
    /** Per TTL index: the first responder, or null. */
    private final IpAddress[] responder;
    final Lane forward = new Lane(true);
    final Lane backward = new Lane(false);
    /** The start TTL, 0 until the first probe is planned. */
    int startTtl;
    /** The lowest TTL the destination answered at (or a Destination Unreachable came from), 0 while none. */
    int finalTtl;
    /** Hops below this TTL are taken from {@link #borrowed}'s chain (backward stop), else 0. */
    int borrowedBelow;
    DoubletreeStopSet.PathNode borrowed;
    /** The destination's distance estimated from its first answer's IP TTL, 0 while none. */
    int estimate;
    /** The path length this destination counts for in the start TTL's median, 0 while none. */
    int lengthCounted;
    /** Forward TTLs in a row without an answer. */
    int gap;
    boolean gapStop;
    /** Probes sent so far: the next probe's number (the identity numbers a destination's probes in send order). */
    int sent;
    /** Probes sent and neither answered, timed out nor forgotten. */
    int inFlight;
    /** The highest TTL whose node is filed in the stop set, and that node (the prefix so far). */
    int filedUpTo;
    DoubletreeStopSet.PathNode filedNode;

    CampaignTarget(IpAddress address, String name, ProbeIdentity identity, ProbeIdentity echo,
            TraceOptions options) {
        this.address = address;
        this.name = name;
        this.identity = identity;
        this.echo = echo;
        this.options = options;
        int hops = options.maxTtl() - options.firstTtl() + 1;
        this.probes = new Probe[options.probeCount()];
        this.table = new ProbeTable(options.probeCount());
        this.settled = new boolean[hops];
        this.responder = new IpAddress[hops];
        this.filedUpTo = options.firstTtl() - 1;
    }

    /** One direction of Doubletree's probing: the TTL it probes now and the attempt there. */
    final class Lane {
        final boolean forward;
        int ttl;
        int attempt;
        boolean done;
        boolean queued;
        /** The lane asks the destination with ICMP Echo (rule 7). */
        boolean echo;

        Lane(boolean forward) {
            this.forward = forward;
        }

        CampaignTarget target() {
            return CampaignTarget.this;
        }


    }

    /** One probe sent and what became of it. */
    static final class Probe {
        final Lane lane;
        final int ttl;
        final long routerKey;
        final boolean verifying;
        SentProbe sent;
        long clockSendNanos;
        long deadlineNanos;
        Long captureSendNanos;
        Classified reply;
        boolean timedOut;
        boolean forgotten;

        Probe(Lane lane, int ttl, long routerKey, boolean verifying) {
            this.lane = lane;
            this.ttl = ttl;
            this.routerKey = routerKey;
            this.verifying = verifying;
        }

        boolean done() {
            return reply != null || timedOut || forgotten;
        }

        long sendNanos() {
            return captureSendNanos != null ? captureSendNanos : clockSendNanos;
        }
    }

    /** The identity of this destination's probes of IP protocol {@code protocol}, or null. */
    ProbeIdentity identityOf(int protocol) {
        if (protocol == identity.protocol()) {
            return identity;
        }
        return echo != null && protocol == echo.protocol() ? echo : null;
    }

    int index(int ttl) {
        return ttl - options.firstTtl();
    }

    boolean settled(int ttl) {
        return settled[index(ttl)];
    }

    IpAddress responder(int ttl) {
        return responder[index(ttl)];
    }

    void settle(int ttl, IpAddress from) {
        settled[index(ttl)] = true;
        if (responder[index(ttl)] == null) {
            responder[index(ttl)] = from;
        }
    }

    /** Both directions are done and no probe waits: the trace can be written. */
    boolean finished() {
        return forward.done && backward.done && inFlight == 0;
    }

    /** The highest TTL the trace reports: the final TTL, else the highest settled forward TTL. */
    int lastTtl() {
        if (finalTtl != 0) {
            return finalTtl;
        }
        int last = options.firstTtl() - 1;
        for (int t = options.firstTtl(); t <= options.maxTtl(); t++) {
            if (settled(t)) {
                last = t;
            }
        }
        return last;
    }

    /** This trace's own hop at {@code ttl}: every probe sent with that TTL, in send order. */
    Hop ownHop(int ttl) {
        List<ProbeResult> results = new ArrayList<>(options.probesPerHop());
        for (int n = 0; n < sent; n++) {
            Probe p = probes[n];
            if (p.ttl == ttl) {
                results.add(ProbeResults.of(p.sent, p.sendNanos(), p.reply));
            }
        }
        return new Hop(ttl, results);
    }

    /** The responders of this trace's own hop at {@code ttl}, other than the destination. */
    List<IpAddress> routers(int ttl) {
        List<IpAddress> out = new ArrayList<>(1);
        for (int n = 0; n < sent; n++) {
            Probe p = probes[n];
            IpAddress from = p.reply instanceof IcmpReply r ? r.source()
                    : p.reply instanceof TcpReply r ? r.source() : null;
            if (p.ttl == ttl && from != null && !from.equals(address) && !out.contains(from)) {
                out.add(from);
            }
        }
        return out;
    }

    /**
     * The trace: every hop from the first TTL to {@link #lastTtl()}, those below the backward stop taken from
     * the trace that measured them.
     */
    Trace trace(LinkFacts link, boolean interrupted) {
        int last = lastTtl();
        List<Hop> hops = new ArrayList<>();
        DoubletreeStopSet.PathNode[] below = new DoubletreeStopSet.PathNode[Math.max(0, index(borrowedBelow))];
        for (DoubletreeStopSet.PathNode n = borrowed; n != null; n = n.below()) {
            below[index(n.hop().ttl())] = n;
        }
        long start = Long.MAX_VALUE;
        long end = Long.MIN_VALUE;
        for (int t = options.firstTtl(); t <= last; t++) {
            if (t < borrowedBelow) {
                DoubletreeStopSet.PathNode n = below[index(t)];
                hops.add(new Hop(t, n.hop().probes(), n.hop().nat(), n.measuredBy()));
                continue;
            }
            Hop own = ownHop(t);
            hops.add(own);
            for (ProbeResult r : own.probes()) {
                start = Math.min(start, r.sendTimeNanos());
                end = Math.max(end, r.rttNanos() == null ? r.sendTimeNanos() : r.sendTimeNanos() + r.rttNanos());
            }
        }
        if (start == Long.MAX_VALUE) {
            start = end = 0;
        }
        return new Trace(link.sourceAddress(), address, identity.method(), start, end, stopReason(hops, interrupted),
                hops, link.live());
    }

    private StopReason stopReason(List<Hop> hops, boolean interrupted) {
        if (interrupted) {
            return StopReason.interrupted();
        }
        if (finalTtl == 0) {
            return gapStop ? StopReason.gapLimit() : StopReason.maxTtl();
        }
        for (ProbeResult r : hops.get(hops.size() - 1).probes()) {
            if (r.icmpType() != null && r.icmpType() == IcmpType.DEST_UNREACHABLE
                    && r.icmpCode() != IcmpType.CODE_PORT_UNREACHABLE) {
                return StopReason.unreachable(r.icmpCode());
            }
        }
        return StopReason.reached();
    }
}
