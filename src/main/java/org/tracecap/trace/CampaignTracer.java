package org.tracecap.trace;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.tracecap.match.Classified;
import org.tracecap.match.FrameClassifier;
import org.tracecap.match.IcmpReply;
import org.tracecap.match.QuotedProbe;
import org.tracecap.match.SentProbe;
import org.tracecap.match.TcpReply;
import org.tracecap.model.Trace;
import org.tracecap.packet.IcmpType;
import org.tracecap.packet.IpProtocol;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.ProbeEncoder;

/**
 * Traces many destinations at once over one {@link PacketPort} (one sending handle, one capture): a campaign,
 * as scamper runs one on a target list. Destinations come from a {@link CampaignTargetSource} read as the
 * campaign goes (at most {@link CampaignSettings#targetsInFlight} traced at a time, so memory follows them, not
 * the list); each finished trace goes to a callback at once, in the order they finish.
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li><b>Doubletree</b> (Donnet et al., SIGMETRICS 2005; {@link Doubletree}). A destination's probing starts at
 *       a start TTL {@code h}: {@link CampaignSettings#startTtl} if given, else the median length of the paths
 *       traced so far ({@value Doubletree#DEFAULT_START_TTL} before any): starting where destinations usually
 *       are costs one answer from the destination and one from the router before it, which most often ends the
 *       backward probing (below). Two {@link CampaignTarget.Lane lanes} then probe one TTL at a time each:
 *       <i>backward</i> from {@code h - 1} (the destination's first probe; the router before the destination
 *       is the one shared with other destinations, whose bucket is the scarcer) down to the first TTL, stopping
 *       at the first hop whose responder this vantage point has already seen at that TTL (the local stop set,
 *       {@link DoubletreeStopSet}): the hops below are that trace's, and are reported as learned from it
 *       ({@link org.tracecap.model.Hop#learnedFrom}); <i>forward</i> from {@code h} (queued once the first
 *       probe is sent) up until the destination answers (or a Destination Unreachable comes), the max TTL, or
 *       {@link CampaignSettings#gapLimit} TTLs in a row without an answer (scamper's gap limit). With one
 *       vantage point there is no global stop set: forward probing ends at the destination. A destination
 *       answering the backward lane lowers the final TTL as in {@link Tracer}'s stop rule 1.</li>
 *   <li><b>Attempts.</b> A TTL is probed until answered, at most {@code -q} times (scamper's attempts): one
 *       answer per hop is what a campaign needs, and each answer is a token of a rate-limited router. A probe
 *       is unanswered {@code -w MAX} after it was sent (HERE and NEAR are not used: one probe per hop), judged
 *       on capture time as {@link Tracer} rule 5 does.</li>
 *   <li><b>Rate.</b> At most {@link CampaignSettings#ratePps} probes a second for the whole campaign, evenly
 *       spaced; each goes to the router {@link CampaignPacing} expects only when that router's ICMP bucket has
 *       a token (its rules 1-3: learned per router, routers that do not limit learned too).</li>
 *   <li><b>Order.</b> Every lane of every destination in flight with a probe to send is a candidate; each send
 *       takes the first candidate whose router has a token, scanning from a random one (as yarrp randomises
 *       its (target, TTL) order), so that no router sees a burst from one destination's trace; a destination
 *       already begun goes before one not begun, so that destinations finish rather than pile up waiting for a
 *       scarce router (and each one's probes stay close together in the capture).</li>
 *   <li><b>Ownership.</b> One capture sees every reply: a probe or a quote is filed by its destination address
 *       under the destination in flight (an Echo Reply or a TCP reply by its source), then attributed by that
 *       destination's {@link org.tracecap.match.ProbeTable} and {@link ProbeIdentity} exactly as {@link Tracer}
 *       rule 7 says (each destination its own source port or identifier). A destination's probes are numbered
 *       in the order they are sent (not in TTL order, as one trace's are), so that its identities count up
 *       along the capture even when Doubletree goes back down the TTLs: a replay of the campaign's capture then
 *       keeps each destination's probes in one run. Replies for destinations no longer in flight are counted,
 *       not used.</li>
 *   <li><b>Interrupted.</b> {@link #stop()} wakes the port; the run returns at once: traces not finished are
 *       left out (counted by {@link #unfinished()}).</li>
 *   <li><b>Destination's answer.</b> With UDP probes, when a forward probe, or a probe expected to reach the
 *       destination (its bucket was the destination's, rule 3: at or above the destination's TTL as known, or
 *       as estimated from its first answer's IP TTL), goes unanswered, the next attempts at that TTL are ICMP
 *       Echo Requests ({@link IcmpEchoIdentity}, the destination's own identifier): Linux limits Port
 *       Unreachable (icmp_ratemask), not Echo Replies. The hop then holds the Echo probe and its reply, which
 *       says which answered (JSON: the probe's {@code icmp_id}, the reply's {@code echo-reply}).</li>
 * </ol>
 * The run waits only in {@link PacketPort#receive}, until the next send, deadline, or frame. Not thread-safe
 * apart from {@link #stop()} and the counters.
 */
public final class CampaignTracer {
    /** Reasons a reply is not used, beyond {@link Tracer}'s. */
    public static final String NOT_IN_FLIGHT = "destination not in flight";

    /** How long the run waits for a destination when none is in flight and the source has none ready yet. */
    static final long TARGET_POLL_NANOS = 10_000_000L;


    private final TraceOptions options;
    private final LinkFacts link;
    private final PacketPort port;
    private final Clock clock;
    private final RandomGenerator random;
    private final CampaignSettings settings;
    private final long sendIntervalNanos;
    private final long maxWaitNanos;
    private final FrameClassifier classifier = new FrameClassifier();
    private final CampaignPacing pacing = new CampaignPacing();
    private final Map<IpAddress, CampaignTarget> inFlight = new HashMap<>();
    private final List<CampaignTarget.Lane> ready = new ArrayList<>();
    private final PriorityQueue<CampaignTarget.Probe> deadlines =
            new PriorityQueue<>((a, b) -> Long.compare(a.deadlineNanos, b.deadlineNanos));
    private final List<CampaignTarget> finishing = new ArrayList<>();
    private final Doubletree doubletree;
    private final SortedMap<String, Long> unattributed = new TreeMap<>();
    private final byte[] frame;

    private volatile boolean stopRequested;
    private volatile long probesSent;
    private volatile long repliesUsed;
    private volatile long targetsDone;
    private volatile long targetsStarted;
    private long nextSendNanos = Long.MIN_VALUE;
    private long latestCaptureNanos = Long.MIN_VALUE;

    public CampaignTracer(TraceOptions options, LinkFacts link, PacketPort port, Clock clock,
            CampaignSettings settings) {
        this(options, link, port, clock, settings, new SplittableRandom());
    }

    /**
     * @param link the link facts of the campaign: its destination is not used (each target is one)
     * @throws IllegalArgumentException the port's link type is not the link's, or the method is dublin (one flow
     *                                  per target)
     */
    public CampaignTracer(TraceOptions options, LinkFacts link, PacketPort port, Clock clock, CampaignSettings settings,
            RandomGenerator random) {
        this.options = Objects.requireNonNull(options, "options");
        this.link = Objects.requireNonNull(link, "link");
        this.port = Objects.requireNonNull(port, "port");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.random = Objects.requireNonNull(random, "random");
        link.checkPort(port.linkType());
        if (options.method() == ProbeMethod.DUBLIN) {
            throw new IllegalArgumentException("a campaign traces one flow per destination: classic or paris");
        }
        this.sendIntervalNanos = 1_000_000_000L / settings.ratePps();
        this.maxWaitNanos = options.waiting().maxNanos();
        this.frame = new byte[ProbeEncoder.ETHERNET_HEADER + Math.max(options.packetLength(), 60)];
        this.doubletree = new Doubletree(options, settings, this::queue, ready::remove, finishing::add);
    }

    /** Stops the run from any thread (a Ctrl-C hook): it returns at once with the traces finished so far. */
    public void stop() {
        stopRequested = true;
        port.wakeup();
    }

    public long probesSent() {
        return probesSent;
    }

    public long repliesUsed() {
        return repliesUsed;
    }

    public long targetsDone() {
        return targetsDone;
    }

    public long targetsStarted() {
        return targetsStarted;
    }

    /** Destinations started but not finished when the run returned (after {@link #stop()}). */
    public int unfinished() {
        return inFlight.size();
    }

    /** Replies to the source not used by a trace, by reason ({@link Tracer}'s reasons and {@link #NOT_IN_FLIGHT}). */
    public SortedMap<String, Long> unattributed() {
        return new TreeMap<>(unattributed);
    }

    /** How many (interface, TTL) pairs Doubletree's local stop set holds. */
    public int stopSetSize() {
        return doubletree.stopSetSize();
    }

    /**
     * Traces every destination {@code targets} gives, handing each finished trace to {@code done}.
     *
     * @return whether the run was interrupted by {@link #stop()}
     * @throws IOException the port failed: the traces handed on so far stand
     */
    public boolean run(Iterator<IpAddress> targets, Consumer<Trace> done) throws IOException {
        return run(CampaignTargetSource.of(targets), done);
    }

    /** As {@link #run(Iterator, Consumer)}, the destinations given as they are ready. */
    public boolean run(CampaignTargetSource targets, Consumer<Trace> done) throws IOException {
        while (!stopRequested) {
            boolean exhausted = targets.exhausted();
            admit(targets);
            if (inFlight.isEmpty()) {
                if (exhausted) {
                    return false;
                }
                port.receive(this::onFrame, TARGET_POLL_NANOS);
                continue;
            }
            long now = clock.nowNanos();
            expire(now);
            finish(done);
            if (inFlight.isEmpty()) {
                continue;
            }
            long next = Math.min(sendWhatMayGo(), nextDeadline());
            long wait = next == Long.MAX_VALUE ? maxWaitNanos : next - clock.nowNanos();
            if (wait > 0 && !stopRequested) {
                port.receive(this::onFrame, wait);
            } else if (!stopRequested) {
                port.receive(this::onFrame, 0);
            }
            finish(done);
        }
        return true;
    }

    // ---- destinations -----------------------------------------------------------------------------------

    private void admit(CampaignTargetSource targets) {
        while (inFlight.size() < settings.targetsInFlight() && !stopRequested) {
            IpAddress address = targets.next();
            if (address == null) {
                return;
            }
            if (!address.isIpv4() || address.equals(link.sourceAddress()) || inFlight.containsKey(address)) {
                continue; // the same destination twice at once would share its replies: traced once
            }
            int sourcePort = options.sourcePort() != null ? options.sourcePort()
                    : random.nextInt(Tracer.SOURCE_PORT_LOW, Tracer.SOURCE_PORT_HIGH + 1);
            int ipIdBase = random.nextInt(0x10000);
            ProbeIdentity identity = options.method().identity(options, sourcePort, ipIdBase);
            // Rule 7: UDP campaigns ask a destination whose Port Unreachables are limited with ICMP Echo (its
            // own identifier; the probe numbers, shared with the UDP probes, keep the IP IDs apart).
            ProbeIdentity echo = identity.protocol() == IpProtocol.UDP
                    ? new IcmpEchoIdentity(random.nextInt(0x10000), 1, options.probeCount(), ipIdBase) : null;
            CampaignTarget t = new CampaignTarget(address, address.toString(), identity, echo, options);
            inFlight.put(address, t);
            targetsStarted++;
            queue(t.backward); // its start TTL is chosen when its first probe goes (rule 1)
        }
    }

    private void queue(CampaignTarget.Lane lane) {
        lane.queued = true;
        ready.add(lane);
    }

    /** Writes the finished destinations' traces and forgets them. */
    private void finish(Consumer<Trace> done) {
        for (CampaignTarget t : finishing) {
            if (t.finished() && inFlight.remove(t.address) == t) {
                doubletree.finished(t);
                targetsDone++;
                done.accept(t.trace(link, false));
            }
        }
        finishing.clear();
    }

    // ---- sending ----------------------------------------------------------------------------------------

    /** Rules 3 and 4: sends what may go now; returns when the next probe may, or Long.MAX_VALUE. */
    private long sendWhatMayGo() throws IOException {
        while (!ready.isEmpty() && !stopRequested) {
            long now = clock.nowNanos();
            if (nextSendNanos > now) {
                return nextSendNanos;
            }
            int n = ready.size();
            int start = random.nextInt(n);
            long heldUntil = Long.MAX_VALUE;
            int chosen = -1;
            int verify = -1;
            long chosenKey = 0;
            int fresh = -1;
            long freshKey = 0;
            for (int i = 0; i < n && chosen < 0; i++) {
                int at = (start + i) % n;
                CampaignTarget.Lane candidate = ready.get(at);
                long key = expectedRouter(candidate);
                long readyAt = pacing.readyAt(key, now);
                if (readyAt <= now) {
                    if (candidate.target().startTtl != 0) {
                        chosen = at;
                        chosenKey = key;
                    } else if (fresh < 0) {
                        fresh = at;
                        freshKey = key;
                    }
                } else {
                    heldUntil = Math.min(heldUntil, readyAt);
                    if (verify < 0 && pacing.mayVerify(key, now)) {
                        verify = at;
                    }
                }
            }
            if (chosen < 0 && fresh >= 0) {
                chosen = fresh;
                chosenKey = freshKey;
            }
            boolean verifying = chosen < 0 && verify >= 0;
            if (verifying) {
                chosen = verify;
                chosenKey = expectedRouter(ready.get(verify));
            }
            if (chosen < 0) {
                return heldUntil;
            }
            CampaignTarget.Lane lane = ready.get(chosen);
            ready.set(chosen, ready.get(n - 1));
            ready.remove(n - 1);
            lane.queued = false;
            CampaignTarget t = lane.target();
            if (t.startTtl == 0) {
                lane = doubletree.begin(t);
                send(lane, chosenKey, verifying);
                if (lane == t.backward) {
                    queue(t.forward);
                }
            } else {
                send(lane, chosenKey, verifying);
            }
            nextSendNanos = Math.max(nextSendNanos, now) + sendIntervalNanos;
        }
        return Long.MAX_VALUE;
    }

    private long expectedRouter(CampaignTarget.Lane lane) {
        CampaignTarget t = lane.target();
        int ttl = lane.ttl;
        if (lane.echo) {
            return CampaignPacing.ECHO;
        }
        if (t.startTtl == 0) {
            // Not begun: its first probe goes backward from the start TTL, or at the first TTL.
            ttl = Math.max(options.firstTtl(), doubletree.startTtl() - 1);
            return pacing.expected(t.address.ipv4(), ttl, t.finalTtl, ttl < doubletree.startTtl());
        }
        int destinationTtl = t.estimate == 0 ? t.finalTtl : t.finalTtl == 0 ? t.estimate : Math.min(t.finalTtl,
                t.estimate);
        return pacing.expected(t.address.ipv4(), ttl, destinationTtl, !lane.forward);
    }

    private void send(CampaignTarget.Lane lane, long routerKey, boolean verifying) throws IOException {
        CampaignTarget t = lane.target();
        int number = t.sent;
        CampaignTarget.Probe p = new CampaignTarget.Probe(lane, lane.ttl, routerKey, verifying);
        ProbeIdentity.Envelope envelope = new ProbeIdentity.Envelope(link.gatewayMac(), link.sourceMac(),
                link.sourceAddress(), t.address, p.ttl, options.tos(), options.dontFragment(), options.packetLength());
        long now = clock.nowNanos();
        p.sent = (lane.echo ? t.echo : t.identity).write(number, envelope, frame, now);
        int length = envelope.linkHeader() + p.sent.totalLength();
        p.clockSendNanos = now;
        p.deadlineNanos = now + maxWaitNanos;
        t.probes[number] = p;
        t.sent++;
        t.table.add(p.sent);
        t.inFlight++;
        deadlines.add(p);
        probesSent++;
        port.send(frame, length);
        pacing.sent(routerKey, clock.nowNanos(), verifying);
    }

    // ---- receiving ----------------------------------------------------------------------------------------

    private void onFrame(long timeNanos, int linkType, byte[] bytes, int caplen, int wireLength) {
        latestCaptureNanos = Math.max(latestCaptureNanos, timeNanos);
        Classified c = classifier.classify(timeNanos, linkType, bytes, caplen, wireLength);
        if (c instanceof SentProbe s) {
            CampaignTarget t = s.source().equals(link.sourceAddress()) ? inFlight.get(s.destination()) : null;
            ProbeIdentity id = t == null ? null : t.identityOf(s.protocol());
            int n = id == null ? -1 : id.sequenceOf(s);
            if (n >= 0 && t.probes[n] != null && t.probes[n].captureSendNanos == null) {
                t.probes[n].captureSendNanos = s.timeNanos();
            }
        } else if (c instanceof IcmpReply r && r.destination().equals(link.sourceAddress())) {
            reply(r);
        } else if (c instanceof TcpReply r && r.destination().equals(link.sourceAddress())) {
            // A SYN-ACK or RST (-T): the destination's table pairs it with the SYN it acknowledges.
            CampaignTarget t = inFlight.get(r.source());
            SentProbe s = t == null ? null : t.table.attribute(r);
            if (s == null) {
                unattributed(t == null ? NOT_IN_FLIGHT : Tracer.NOT_OUR_QUOTE);
            } else {
                answer(t, s, r, r.source());
            }
        }
    }

    /** Rule 5. */
    private void reply(IcmpReply r) {
        QuotedProbe q = r.quote();
        if (q == null) {
            // An Echo Reply (-I): the destination's table pairs it with the Echo Request of its id and sequence.
            CampaignTarget t = inFlight.get(r.source());
            SentProbe s = t == null ? null : t.table.attribute(r);
            if (s == null) {
                unattributed(t == null ? NOT_IN_FLIGHT : Tracer.NOT_OUR_QUOTE);
            } else {
                answer(t, s, r, r.source());
            }
            return;
        }
        CampaignTarget t = inFlight.get(q.destination());
        if (t == null) {
            unattributed(NOT_IN_FLIGHT);
            return;
        }
        ProbeIdentity id = t.identityOf(q.protocol());
        if (id == null) {
            unattributed(Tracer.NOT_OUR_QUOTE);
            return;
        }
        SentProbe s = t.table.attribute(r);
        if (s == null) {
            unattributed(Tracer.NO_SUCH_PROBE);
            return;
        }
        if (q.ttl() > s.ttl()) {
            unattributed(Tracer.QUOTED_TTL_ABOVE);
            return;
        }
        if (!id.owns(q, s)) {
            unattributed(Tracer.NOT_OUR_IDENTITY);
            return;
        }
        answer(t, s, r, r.source());
    }

    /** Gives probe {@code s} of {@code t} its answer {@code r} from {@code from}, unless it no longer waits. */
    private void answer(CampaignTarget t, SentProbe s, Classified r, IpAddress from) {
        ProbeIdentity id = t.identityOf(s.protocol());
        int n = id == null ? -1 : id.sequenceOf(s);
        CampaignTarget.Probe p = n < 0 ? null : t.probes[n];
        if (p == null || p.sent != s) {
            unattributed(Tracer.NO_SUCH_PROBE);
            return;
        }
        if (p.done()) {
            unattributed(p.reply != null ? Tracer.DUPLICATE : p.forgotten ? Tracer.PAST_LAST_HOP : Tracer.TIMED_OUT);
            return;
        }
        p.reply = r;
        t.inFlight--;
        repliesUsed++;
        if (p.verifying) {
            pacing.verified(p.routerKey, true);
        }
        boolean fromDestination = from.equals(t.address);
        int responder = from.isIpv4() ? from.ipv4() : 0;
        pacing.answered(t.address.ipv4(), p.ttl, fromDestination ? t.address.ipv4() : responder);
        long answeredBy = fromDestination ? CampaignPacing.destinations(t.address.ipv4())
                : CampaignPacing.router(responder);
        if (answeredBy != p.routerKey && p.routerKey != CampaignPacing.ECHO) {
            // Sent under another router's bucket (not known yet, or guessed wrong): the one that answered spent it.
            pacing.sent(answeredBy, p.clockSendNanos, false);
        }
        boolean unreachable = r instanceof IcmpReply i && i.type() == IcmpType.DEST_UNREACHABLE;
        if (fromDestination || unreachable) {
            int replyTtl = r instanceof IcmpReply i ? i.replyTtl() : r instanceof TcpReply tcp ? tcp.replyTtl() : 0;
            if (t.lengthCounted == 0 && fromDestination && replyTtl > 0) {
                t.estimate = Math.max(options.firstTtl(), Math.min(p.ttl, Doubletree.hopsBack(replyTtl)));
                doubletree.pathLength(t, t.estimate);
            }
            doubletree.markFinal(t, p.ttl);
        }
        doubletree.probeDone(p, from);
    }

    // ---- deadlines and Doubletree's lanes --------------------------------------------------------------

    private long nextDeadline() {
        while (!deadlines.isEmpty() && deadlines.peek().done()) {
            deadlines.poll();
        }
        return deadlines.isEmpty() ? Long.MAX_VALUE : expiry(deadlines.peek());
    }

    private long expiry(CampaignTarget.Probe p) {
        return latestCaptureNanos >= p.deadlineNanos ? p.deadlineNanos
                : p.deadlineNanos + Math.max(0, port.deliveryLagNanos());
    }

    private void expire(long now) {
        while (!deadlines.isEmpty()) {
            CampaignTarget.Probe p = deadlines.peek();
            if (!p.done() && now < expiry(p)) {
                return;
            }
            deadlines.poll();
            if (!p.done()) {
                p.timedOut = true;
                p.lane.target().inFlight--;
                if (p.verifying) {
                    pacing.verified(p.routerKey, false);
                }
                doubletree.probeDone(p, null);
            }
        }
    }

    private void unattributed(String reason) {
        unattributed.merge(reason, 1L, Long::sum);
    }
}
