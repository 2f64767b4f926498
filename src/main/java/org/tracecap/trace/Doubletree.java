package org.tracecap.trace;

import java.util.function.Consumer;
import org.tracecap.packet.IpAddress;

/**
 * Doubletree's side of a {@link CampaignTracer} (its rules 1, 2 and 7): the start TTL learned from the paths
 * traced so far, each destination's two lanes moving on as their probes are answered or time out, the final
 * TTL, and the local stop set ({@link DoubletreeStopSet}) filled with each destination's hops once the path
 * below them is known. The tracer sends and receives; this class says what each lane probes next. Not
 * thread-safe.
 */
final class Doubletree {
    static final int DEFAULT_START_TTL = 6;

    private final TraceOptions options;
    private final CampaignSettings settings;
    private final Consumer<CampaignTarget.Lane> queue;
    private final Consumer<CampaignTarget.Lane> unqueue;
    private final Consumer<CampaignTarget> finished;
    private final DoubletreeStopSet stopSet = new DoubletreeStopSet();
    /** Per TTL: how many destinations' path lengths are that long (estimated or final). */
    private final int[] pathLengths = new int[256];
    private int pathsKnown;
    /** The start TTL rule 1 gives now, 0 when it must be worked out again. */
    private int startTtl;

    /**
     * @param queue    puts a lane on the tracer's list of lanes with a probe to send
     * @param unqueue  takes a lane off that list
     * @param finished hears of a destination whose probing may be over
     */
    Doubletree(TraceOptions options, CampaignSettings settings, Consumer<CampaignTarget.Lane> queue,
            Consumer<CampaignTarget.Lane> unqueue, Consumer<CampaignTarget> finished) {
        this.options = options;
        this.settings = settings;
        this.queue = queue;
        this.unqueue = unqueue;
        this.finished = finished;
    }

    int stopSetSize() {
        return stopSet.size();
    }

    /** A destination's trace ended: its final TTL replaces its estimated path length (rule 1). */
    void finished(CampaignTarget t) {
        if (t.finalTtl != 0 && t.finalTtl != t.lengthCounted) {
            pathLength(t, t.finalTtl);
        }
    }

    /** Rule 1: the start TTL, chosen when a destination's first probe is planned. */
    int startTtl() {
        if (startTtl != 0) {
            return startTtl;
        }
        int ttl = DEFAULT_START_TTL;
        if (settings.startTtl() != null) {
            ttl = settings.startTtl();
        } else if (pathsKnown > 0) {
            int seen = 0;
            for (int t = 0; t < pathLengths.length; t++) {
                seen += pathLengths[t];
                if (2 * seen >= pathsKnown) {
                    ttl = t;
                    break;
                }
            }
        }
        startTtl = Math.max(options.firstTtl(), Math.min(options.maxTtl(), ttl));
        return startTtl;
    }

    /**
     * Rule 1: a destination's path length, for the median: first estimated from its first answer's IP TTL
     * (counted down from the next of 64, 128, 255 at or above it, the usual initial TTLs, hence one reply
     * later), then replaced by its final TTL when its trace ends.
     */
    void pathLength(CampaignTarget t, int length) {
        if (t.lengthCounted != 0) {
            pathLengths[t.lengthCounted]--;
            pathsKnown--;
        }
        pathLengths[length]++;
        pathsKnown++;
        t.lengthCounted = length;
        startTtl = 0;
    }

    static int hopsBack(int replyTtl) {
        int initial = replyTtl <= 64 ? 64 : replyTtl <= 128 ? 128 : 255;
        return initial - replyTtl + 1;
    }

    /**
     * Rule 1: a destination's first probe goes: its start TTL is chosen; the lane to send is the backward one
     * (returned), the forward one queued once it is sent, or the forward one when the start TTL is the first.
     */
    CampaignTarget.Lane begin(CampaignTarget t) {
        t.startTtl = startTtl();
        t.forward.ttl = t.startTtl;
        t.backward.ttl = t.startTtl - 1;
        if (t.startTtl > options.firstTtl()) {
            return t.backward;
        }
        t.backward.done = true;
        return t.forward;
    }

    /** Rule 2, then rule 1: retry the TTL, or settle it and move the lane on. */
    void probeDone(CampaignTarget.Probe p, IpAddress responder) {
        CampaignTarget.Lane lane = p.lane;
        CampaignTarget t = lane.target();
        if (!lane.done && lane.ttl == p.ttl) {
            boolean beyond = t.finalTtl != 0 && p.ttl > t.finalTtl;
            if (responder == null && !beyond && lane.attempt + 1 < options.probesPerHop()) {
                lane.attempt++;
                // Rule 7: the destination's answer was due (its bucket was the one expected) and none came.
                lane.echo |= t.echo != null && (lane.forward
                        || p.routerKey == CampaignPacing.destinations(t.address.ipv4()));
                queue.accept(lane);
            } else {
                t.settle(p.ttl, responder);
                advance(lane, responder, beyond);
            }
        }
        file(t);
        if (t.finished()) {
            finished.accept(t);
        }
    }

    void advance(CampaignTarget.Lane lane, IpAddress responder, boolean beyond) {
        CampaignTarget t = lane.target();
        lane.attempt = 0;
        lane.echo = false;
        if (lane.forward) {
            t.gap = responder == null ? t.gap + 1 : 0;
            if (beyond || t.finalTtl != 0 || lane.ttl >= options.maxTtl()) {
                lane.done = true;
            } else if (t.gap >= settings.gapLimit()) {
                lane.done = true;
                t.gapStop = true;
            } else {
                lane.ttl++;
                queue.accept(lane);
            }
            return;
        }
        if (responder != null && !responder.equals(t.address)) {
            DoubletreeStopSet.PathNode known = stopSet.find(responder, lane.ttl);
            if (known != null && lane.ttl > options.firstTtl()) {
                t.borrowedBelow = lane.ttl;
                t.borrowed = known.below();
                lane.done = true;
                return;
            }
        }
        if (lane.ttl <= options.firstTtl()) {
            lane.done = true;
        } else {
            lane.ttl--;
            queue.accept(lane);
        }
    }

    /** Stop rules 1-2 of {@link Tracer}: nothing above {@code ttl} is sent or reported. */
    void markFinal(CampaignTarget t, int ttl) {
        if (t.finalTtl != 0 && t.finalTtl <= ttl) {
            return;
        }
        t.finalTtl = ttl;
        for (int n = 0; n < t.sent; n++) {
            CampaignTarget.Probe p = t.probes[n];
            if (p.ttl > ttl && !p.done()) {
                p.forgotten = true;
                t.inFlight--;
            }
        }
        if (t.forward.ttl > ttl && !t.forward.done) {
            t.forward.done = true;
            if (t.forward.queued) {
                t.forward.queued = false;
                unqueue.accept(t.forward);
            }
        }
    }

    /**
     * Files the hops of {@code t} whose whole prefix is known (once backward probing is over) in the stop set,
     * lowest first.
     */
    void file(CampaignTarget t) {
        if (!t.backward.done) {
            return;
        }
        if (t.filedNode == null && t.borrowedBelow > 0) {
            t.filedNode = t.borrowed;
            t.filedUpTo = t.borrowedBelow - 1;
        }
        int last = t.finalTtl != 0 ? t.finalTtl - 1 : options.maxTtl();
        while (t.filedUpTo < last && t.settled(t.filedUpTo + 1)) {
            int ttl = ++t.filedUpTo;
            t.filedNode = new DoubletreeStopSet.PathNode(t.ownHop(ttl), t.name, t.filedNode);
            stopSet.add(t.filedNode, t.routers(ttl));
        }
    }
}
