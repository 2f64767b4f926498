package org.tracecap.trace;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.random.RandomGenerator;
import org.tracecap.match.Classified;
import org.tracecap.match.FrameClassifier;
import org.tracecap.match.IcmpReply;
import org.tracecap.match.ProbeTable;
import org.tracecap.match.QuotedProbe;
import org.tracecap.match.SentProbe;
import org.tracecap.match.TcpReply;
import org.tracecap.model.Hop;
import org.tracecap.model.NatDetector;
import org.tracecap.model.ProbeResult;
import org.tracecap.model.StopReason;
import org.tracecap.model.Trace;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.Ipv4ProbeEncoder;
import org.tracecap.packet.IcmpMeaning;
import org.tracecap.packet.ProbeEncoder;

/**
 * Runs one live trace over a {@link PacketPort}: builds each probe frame, sends probes in parallel
 * windows, classifies every captured frame with the same {@link FrameClassifier} and {@link ProbeTable} as
 * replay, and settles hops in TTL order. Time comes from a {@link Clock} and waiting happens only inside
 * {@link PacketPort#receive}, so a simulated port with a manual clock runs a whole trace in virtual time.
 *
 * <p>Usage: {@code new Tracer(options, linkFacts, port, clock).run(hop -> print(hop))}. One run per
 * instance; {@link #stop()} may be called from any thread (a Ctrl-C hook).
 *
 * <h2>Scheduling rules</h2>
 * Probes are numbered 0, 1, 2... in TTL order: the {@code q} probes of the first TTL, then those of the
 * next TTL, and so on up to the max TTL (traceroute's order).
 * <ol>
 *   <li><b>Order.</b> Probes are sent in number order; a probe held back by rule 4 lets later probes go
 *       first.</li>
 *   <li><b>Window.</b> At most {@code -N} probes are in flight (sent, neither answered nor timed out), as
 *       traceroute's parallel mode.</li>
 *   <li><b>Interval.</b> Two sends are at least {@code -z} apart.</li>
 *   <li><b>ICMP rate limit.</b> Linux routers answer at most a burst of 6 ICMP errors to one source, then
 *       one per second (net.ipv4.icmp_ratelimit = 1000 ms, XRLIM_BURST_FACTOR 6 in inet_peer_xrlim_allow;
 *       Time Exceeded and Destination Unreachable are in icmp_ratemask). Probes of one TTL expire at one
 *       router, so the tracer keeps the same token bucket per TTL ({@link IcmpBudget}, shared by the flows
 *       of a {@link FlowTracer}): 6 tokens, one more per second, one taken per probe sent. A probe whose TTL
 *       has no token waits for one instead of being sent into the limit;
 *       with the default 3 probes per hop this never delays anything. Probes are never resent: when a
 *       router still drops answers (its bucket is shared with other traffic, or its limit is tighter), those
 *       probes time out by rule 5 and show as {@code *}, answered ones keep their replies. Limit of the
 *       model: probes sent past the destination before it is known (the window of rule 2) also spend the
 *       destination's tokens; the destination's own TTL is probed first so one trace still gets its answers,
 *       but two traces at once to one destination may find its bucket empty and report stars there.</li>
 *   <li><b>Wait.</b> A probe times out {@code MAX} seconds after it was sent; once a probe of its hop has
 *       been answered, {@code HERE × (rtt + 1 ms)} of the first such probe (in number order) if shorter;
 *       else, once a later-numbered probe has been answered, {@code NEAR × (rtt + 1 ms)} of the nearest
 *       such probe if shorter (traceroute 2.1's get_timeout, DEF_WAIT_PREC = 1 ms). Deadlines shrink as replies arrive.
 *       A probe that timed out stays unanswered: a later reply is ignored, as traceroute does.
 *       Timeouts are judged on capture time: a probe past its deadline is given up once a frame captured
 *       after the deadline has arrived, else only {@link PacketPort#deliveryLagNanos} later, so that a
 *       reply captured in time but still queued (a slow or still-warming reader) is not lost.</li>
 *   <li><b>Settling.</b> A hop is settled when all its probes were sent and each is answered or timed out.
 *       Hop {@code t} goes to the {@link HopListener} as soon as it and every lower hop are settled, so the
 *       listener sees hops in TTL order, each once. Each is marked {@link Hop#nat()} by a
 *       {@link NatDetector} when its quoted UDP checksums show a NAT between it and the hop before.</li>
 *   <li><b>Ownership.</b> Captured frames of both directions arrive. An outgoing frame of the identity's protocol
 *       ({@link ProbeIdentity#protocol}: UDP, ICMP Echo Request or TCP SYN) from the source to the destination
 *       whose fields the {@link ProbeIdentity} recognises is this trace's own probe: its capture time becomes
 *       the probe's send time. An ICMP error to the source quoting a probe of that protocol to the
 *       destination is attributed by the {@link ProbeTable}, then kept only if {@link ProbeIdentity#owns}
 *       confirms the quote carries this trace's identity, so that two traces in one network namespace never
 *       take each other's replies. The destination's own answer, an Echo Reply (same identifier and sequence) or a
 *       SYN-ACK or RST (ports swapped, acknowledgment = sequence + 1), is paired with its probe by the table.
 *       The quote's source address is not required to be ours: a NAT that
 *       rewrites it without translating ICMP quotes back (a stateless rewrite) leaves its own address there,
 *       and the table's NAT rules and the identity still find the probe.</li>
 *   <li><b>Times.</b> A probe's send time is its outgoing frame's capture time, or the clock's time just
 *       before sending when that frame is never seen; RTT = reply capture time − send time. Deadlines
 *       count from the clock's send time.</li>
 * </ol>
 *
 * <h2>Stop rules</h2>
 * <ol>
 *   <li><b>Reached.</b> A reply from the destination address (of any type), or a Port Unreachable from
 *       anywhere, marks its probe's TTL {@code d} as final: no probe above {@code d} is sent, probes above
 *       it still in flight are forgotten, hops above it are not reported, and the trace ends once hops up
 *       to {@code d} are settled. Stop reason "reached".</li>
 *   <li><b>Unreachable.</b> A Destination Unreachable other than Port Unreachable (from a router or the
 *       destination: {@code !N !H !X ...}) marks its TTL final the same way; when the final hop holds one,
 *       the stop reason is "unreachable" with the code of the first such probe. The lowest final TTL wins
 *       (a final TTL can only come down, and never below a hop already reported).</li>
 *   <li><b>Max TTL.</b> Without a final TTL the trace ends when every hop up to the max TTL is settled.</li>
 *   <li><b>Interrupted.</b> {@link #stop()} wakes the port; no probe is sent after it (even when the
 *       listener calls it), and the run returns at once with what was learned: every hop up to the highest
 *       TTL sent so far, in-flight probes unanswered, unsent probes left out. Hops not yet given to the
 *       listener are given then, in order. A stop that comes once the trace has ended by rules 1-3 changes
 *       nothing.</li>
 *   <li><b>Port failed.</b> When the port fails to send or receive (the interface went down: Linux's send
 *       fails with ENETDOWN), no probe is sent after it and the run throws {@link PortFailedException}
 *       holding the trace so far, as for rule 4 but with stop reason "incomplete".</li>
 * </ol>
 * The run waits only in {@link PacketPort#receive}, until the earliest of the next probe deadline, the
 * next moment a held-back probe may be sent (rules 3 and 4), or a frame: no fixed sleeps.
 *
 * <h2>Unattributed replies</h2>
 * Every ICMP message or TCP reply addressed to the source that does not end up as the answer of a probe in
 * the trace's hops is counted under the first reason that applies ({@link #unattributed()}), checked in this
 * order (frames to other addresses are not counted):
 * <ol>
 *   <li>{@value #NOT_OUR_QUOTE}: no quote and no probe it answers (an Echo Reply or TCP segment from another
 *       host, or answering no probe of ours), or a quote of another protocol or to another destination;</li>
 *   <li>{@value #NO_SUCH_PROBE}: the {@link ProbeTable} holds no probe of this trace the quote could be (no probe
 *       to the quoted destination port sent before the reply was captured);</li>
 *   <li>{@value #QUOTED_TTL_ABOVE}: the quoted TTL is above the probe's (a router quotes what arrived, and
 *       TTLs only go down);</li>
 *   <li>the {@link ProbeIdentity} turns the quote away ({@link ProbeIdentity#owns}), named by the first field
 *       that differs from the probe the table chose: {@value #SOURCE_PORT} (the quoted source address is
 *       ours but the port is not, or a source rewritten on the way with a port the method does not accept),
 *       {@value #IP_ID}, {@value #CHECKSUM}, else {@value #NOT_OUR_IDENTITY};</li>
 *   <li>the probe is ours but no longer waits: {@value #DUPLICATE} (already answered), {@value #TIMED_OUT}
 *       (rule 5), {@value #PAST_LAST_HOP} (above the final TTL, stop rules 1-2; also counted for a reply
 *       taken by a probe before the final TTL came down below it).</li>
 * </ol>
 *
 * <p>Not thread-safe apart from {@link #stop()}.
 */
public final class Tracer {
    /** Linux's per-source ICMP burst (XRLIM_BURST_FACTOR) and refill period (net.ipv4.icmp_ratelimit). */
    static final int ICMP_BURST = 6;
    static final long ICMP_TOKEN_NANOS = 1_000_000_000L;
    /** Added to a wait for a router's token: Linux counts tokens in jiffies (a tick of 1 to 10 ms, which may
     * lag a little on a tickless kernel), so a probe sent on the exact nanosecond can find the bucket a tick
     * short and get no answer. */
    static final long TOKEN_SLACK_NANOS = 10_000_000L;
    /** traceroute's DEF_WAIT_PREC: 1 ms added to an RTT before it is multiplied by HERE or NEAR. */
    static final long WAIT_PRECISION_NANOS = 1_000_000L;
    /** Source ports picked per trace: above Linux's default ephemeral range (ip_local_port_range 32768-60999),
     * so no local socket receives the ICMP errors our probes provoke. */
    static final int SOURCE_PORT_LOW = 61000;
    static final int SOURCE_PORT_HIGH = 65535;

    /** Reasons a reply to the source is not attributed (see "Unattributed replies"); stable, in the JSON. */
    public static final String NOT_OUR_QUOTE = "not a quote of our probes";
    public static final String NO_SUCH_PROBE = "no such probe";
    public static final String QUOTED_TTL_ABOVE = "quoted TTL above the probe's";
    public static final String SOURCE_PORT = "quoted source port not ours";
    public static final String IP_ID = "IP ID not the probe's";
    public static final String CHECKSUM = "checksum differs from the probe's";
    public static final String NOT_OUR_IDENTITY = "not this trace's identity";
    public static final String DUPLICATE = "probe already answered";
    public static final String TIMED_OUT = "after the probe timed out";
    public static final String PAST_LAST_HOP = "probe past the last hop";

    private final TraceOptions options;
    private final LinkFacts link;
    private final PacketPort port;
    private final Clock clock;
    private final ProbeIdentity identity;
    private final int sourcePort;
    private final FrameClassifier classifier = new FrameClassifier();
    private final ProbeTable table;
    private final TracerProbe[] probes;
    private final IcmpBudget budget;
    private final NatDetector nat = new NatDetector();
    private final byte[] frame;
    private final List<Hop> emitted = new ArrayList<>();
    private final SortedMap<String, Long> unattributed = new TreeMap<>();
    private final long maxWaitNanos;

    private volatile boolean stopRequested;
    private boolean started;
    private int inFlight;
    private int firstUnsent;
    private long lastSendNanos = Long.MIN_VALUE;
    /** The latest capture time of a frame received: the capture has been seen up to here. */
    private long latestCaptureNanos = Long.MIN_VALUE;
    /** Lowest final TTL (stop rules 1 and 2), or 0 while none. */
    private int finalTtl;

    /** A tracer with a random per-trace source port (unless the options fix one) and IP ID base. */
    public Tracer(TraceOptions options, LinkFacts link, PacketPort port, Clock clock) {
        this(options, link, port, clock, new SplittableRandom());
    }

    /**
     * @param random picks the source port (when the options leave it open) and the IP ID base
     * @throws IllegalArgumentException when the port is not Ethernet or the options ask for a source address
     *                                  other than the link's
     */
    public Tracer(TraceOptions options, LinkFacts link, PacketPort port, Clock clock, RandomGenerator random) {
        this(options, link, port, clock, random, null);
    }

    /**
     * As above, with the rate-limit budget (rule 4) left by traces run before this one from the same source
     * over the same TTLs, or null for a fresh one.
     */
    Tracer(TraceOptions options, LinkFacts link, PacketPort port, Clock clock, RandomGenerator random,
           IcmpBudget budget) {
        this.options = Objects.requireNonNull(options, "options");
        this.link = Objects.requireNonNull(link, "link");
        this.port = Objects.requireNonNull(port, "port");
        this.clock = Objects.requireNonNull(clock, "clock");
        link.checkPort(port.linkType());
        if (options.sourceAddress() != null && !options.sourceAddress().equals(link.sourceAddress())) {
            throw new IllegalArgumentException("source address asked for differs from the link's");
        }
        if (!link.sourceAddress().isIpv4() || !link.destinationAddress().isIpv4()) {
            // The probes are IPv4 frames (ProbeEncoder); IPv6 probing comes with its own encoder.
            throw new IllegalArgumentException("live tracing is IPv4 only for now: " + link.destinationAddress());
        }
        // A -U trace sends each probe from its own port, from the one picked up.
        int ports = options.protocol().sourcePorts(options.method(), options.probeCount());
        this.sourcePort = options.sourcePort() != null ? options.sourcePort()
                : random.nextInt(SOURCE_PORT_LOW, SOURCE_PORT_HIGH + 2 - ports);
        this.identity = options.method().identity(options, sourcePort, random.nextInt(0x10000));
        int count = options.probeCount();
        this.table = new ProbeTable(count);
        this.probes = new TracerProbe[count];
        for (int n = 0; n < count; n++) {
            probes[n] = new TracerProbe(n, options.firstTtl() + n / options.probesPerHop());
        }
        int hops = options.maxTtl() - options.firstTtl() + 1;
        this.budget = budget != null ? budget : new IcmpBudget(hops);
        if (this.budget.hops() != hops) {
            throw new IllegalArgumentException("an ICMP budget of " + this.budget.hops() + " TTLs for "
                    + hops);
        }
        this.frame = new byte[ProbeEncoder.ETHERNET_HEADER
                + Math.max(options.packetLength(), Ipv4ProbeEncoder.SYN_TOTAL_LENGTH)];
        this.maxWaitNanos = options.waiting().maxNanos();
    }

    /** The source port of this trace's (first) probe; for ICMP, the Echo identifier. */
    public int sourcePort() {
        return sourcePort;
    }

    /**
     * The replies to the source this trace did not attribute to a probe of its hops, by reason (see the class's
     * "Unattributed replies"); a copy, meant to be read once {@link #run} has returned or thrown.
     */
    public SortedMap<String, Long> unattributed() {
        return new TreeMap<>(unattributed);
    }

    private void unattributed(String reason) {
        unattributed.merge(reason, 1L, Long::sum);
    }

    /** Asks a running trace to stop (stop rule 4); safe from any thread, harmless after the end. */
    public void stop() {
        stopRequested = true;
        port.wakeup();
    }

    /**
     * Runs the trace to its end (see the class's rules) and returns it; each hop of the result is given to
     * {@code listener} once, in TTL order, before this returns.
     *
     * @throws PortFailedException when the port fails to send or receive (rule 5), with the trace so far
     * @throws IllegalStateException on a second call
     */
    public Trace run(HopListener listener) throws IOException {
        Objects.requireNonNull(listener, "listener");
        if (started) {
            throw new IllegalStateException("a Tracer runs once");
        }
        started = true;
        long startClock = clock.nowNanos();
        boolean interrupted = false;
        while (true) {
            long now = clock.nowNanos();
            expire(now);
            emitSettled(listener);
            if (emitted.size() > lastReportedTtl() - options.firstTtl()) {
                break;
            }
            if (stopRequested) {
                interrupted = true;
                break;
            }
            try {
                long sendAgain = sendWhatMayGo(now);
                long next = Math.min(sendAgain, nextDeadline());
                long wait = next == Long.MAX_VALUE ? maxWaitNanos : next - clock.nowNanos();
                if (wait > 0 && !stopRequested) {
                    port.receive(this::onFrame, wait);
                }
            } catch (IOException e) {
                // Rule 5: the port failed (the interface went down...): keep what was learned.
                emitRemaining(listener);
                throw new PortFailedException(e, List.of(result(StopReason.incomplete(), startClock)));
            }
        }
        if (interrupted) {
            emitRemaining(listener);
        }
        return result(interrupted, startClock);
    }

    // ---- sending -------------------------------------------------------------------------------------

    /** Sends what rules 1-4 allow now; returns when a held-back probe may go, or Long.MAX_VALUE. */
    private long sendWhatMayGo(long now) throws IOException {
        long heldUntil = Long.MAX_VALUE;
        int limit = (lastReportedTtl() - options.firstTtl() + 1) * options.probesPerHop();
        while (firstUnsent < limit && probes[firstUnsent].sent != null) {
            firstUnsent++;
        }
        for (int n = firstUnsent; n < limit && inFlight < options.simultaneous(); n++) {
            TracerProbe p = probes[n];
            if (p.sent != null) {
                continue;
            }
            long interval = options.sendIntervalNanos();
            if (interval > 0 && lastSendNanos != Long.MIN_VALUE && now - lastSendNanos < interval) {
                heldUntil = Math.min(heldUntil, lastSendNanos + interval);
                break;
            }
            long tokenAt = tokenReadyAt(p.ttl, now);
            if (tokenAt > now) {
                heldUntil = Math.min(heldUntil, tokenAt);
                continue;
            }
            send(p);
            now = clock.nowNanos();
        }
        return heldUntil;
    }

    private void send(TracerProbe p) throws IOException {
        ProbeIdentity.Envelope envelope = new ProbeIdentity.Envelope(link.gatewayMac(), link.sourceMac(),
                link.sourceAddress(), link.destinationAddress(), p.ttl, options.tos(), options.dontFragment(),
                options.packetLength());
        long now = clock.nowNanos();
        p.sent = identity.write(p.number, envelope, frame, now);
        int length = envelope.linkHeader() + p.sent.totalLength();
        p.clockSendNanos = now;
        table.add(p.sent);
        lastSendNanos = now;
        inFlight++;
        port.send(frame, length);
        // The router takes its token when the frame arrives, after `now` by however long the send took (a
        // first, cold send takes milliseconds): counting ours from after the send keeps our bucket from
        // refilling before the router's.
        takeToken(p.ttl, clock.nowNanos());
    }

    /** Rule 4: when the router at this TTL has a token again, as Linux's inet_peer_xrlim_allow counts. */
    private long tokenReadyAt(int ttl, long now) {
        return budget.bucket(ttl - options.firstTtl()).readyAt(1, now);
    }

    private void takeToken(int ttl, long now) {
        budget.bucket(ttl - options.firstTtl()).take(now);
    }

    // ---- receiving -----------------------------------------------------------------------------------

    private void onFrame(long timeNanos, int linkType, byte[] bytes, int caplen, int wireLength) {
        latestCaptureNanos = Math.max(latestCaptureNanos, timeNanos);
        Classified c = classifier.classify(timeNanos, linkType, bytes, caplen, wireLength);
        if (c instanceof SentProbe s) {
            ownProbe(s);
        } else if (c instanceof IcmpReply r) {
            reply(r);
        } else if (c instanceof TcpReply r && r.destination().equals(link.sourceAddress())) {
            tcpReply(r);
        }
    }

    /** Rules 7 and 8: our own probe seen by the capture gives its send time. */
    private void ownProbe(SentProbe s) {
        if (s.protocol() != identity.protocol() || !s.source().equals(link.sourceAddress())
                || !s.destination().equals(link.destinationAddress())) {
            return;
        }
        int n = identity.sequenceOf(s);
        if (n >= 0 && probes[n].sent != null && probes[n].captureSendNanos == null) {
            probes[n].captureSendNanos = s.timeNanos();
        }
    }

    private void reply(IcmpReply r) {
        QuotedProbe q = r.quote();
        // The quoted source is not checked: a NAT on the path may have rewritten it (ownership, rule 7).
        if (!r.destination().equals(link.sourceAddress())) {
            return;
        }
        if (q == null) {
            // An Echo Reply: the table pairs it with the Echo Request of its identifier and sequence.
            SentProbe s = r.source().equals(link.destinationAddress()) ? table.attribute(r) : null;
            if (s == null) {
                unattributed(NOT_OUR_QUOTE);
            } else {
                answer(s, r, r.source());
            }
            return;
        }
        if (q.protocol() != identity.protocol() || !q.destination().equals(link.destinationAddress())) {
            unattributed(NOT_OUR_QUOTE);
            return;
        }
        SentProbe s = table.attribute(r);
        if (s == null) {
            unattributed(NO_SUCH_PROBE);
            return;
        }
        // A router quotes the probe as it arrived: its TTL can only have gone down on the way. A quote
        // with a higher TTL than we sent is forged (or from another prober) and never ours.
        if (q.ttl() > s.ttl()) {
            unattributed(QUOTED_TTL_ABOVE);
            return;
        }
        if (!identity.owns(q, s)) {
            unattributed(rejection(q, s));
            return;
        }
        answer(s, r, r.source());
        if (r.isDestinationUnreachable()) {
            TracerProbe p = probes[identity.sequenceOf(s)];
            if (p.reply == r) {
                markFinal(p.ttl);
            }
        }
    }

    /** A SYN-ACK or RST: the table pairs it with the SYN it acknowledges (ports swapped, ack = sequence + 1). */
    private void tcpReply(TcpReply r) {
        SentProbe s = r.source().equals(link.destinationAddress()) ? table.attribute(r) : null;
        if (s == null) {
            unattributed(NOT_OUR_QUOTE);
            return;
        }
        answer(s, r, r.source());
    }

    /** Gives probe {@code s} its answer {@code r} from {@code responder}, unless it no longer waits (stop rule 1). */
    private void answer(SentProbe s, Classified r, IpAddress responder) {
        int n = identity.sequenceOf(s);
        TracerProbe p = n < 0 ? null : probes[n];
        if (p == null || p.sent != s) {
            unattributed(NO_SUCH_PROBE);
            return;
        }
        if (p.done()) {
            unattributed(p.reply != null ? DUPLICATE : p.forgotten ? PAST_LAST_HOP : TIMED_OUT);
            return;
        }
        p.reply = r;
        inFlight--;
        if (responder.equals(link.destinationAddress())) {
            markFinal(p.ttl);
        }
    }

    /**
     * Why the identity turned a quote away: the first of its identity fields that differs from the probe the
     * table chose (the source port counts first only when the quoted source address is ours: a NAT may have
     * rewritten both).
     */
    private static String rejection(QuotedProbe q, SentProbe s) {
        boolean ourSource = q.source().equals(s.source());
        if (ourSource && q.sourcePort() != s.sourcePort()) {
            return SOURCE_PORT;
        }
        if (q.ipId() != s.ipId()) {
            return IP_ID;
        }
        if (q.checksum() != s.checksum()) {
            return CHECKSUM;
        }
        if (q.sourcePort() != s.sourcePort()) {
            return SOURCE_PORT;
        }
        return NOT_OUR_IDENTITY;
    }

    /** Stop rules 1 and 2: nothing above {@code ttl} is sent or reported. */
    private void markFinal(int ttl) {
        if (finalTtl != 0 && finalTtl <= ttl) {
            return;
        }
        int previous = finalTtl;
        finalTtl = ttl;
        for (TracerProbe p : probes) {
            if (p.ttl > ttl && p.sent != null && !p.done()) {
                p.forgotten = true;
                inFlight--;
            } else if (p.ttl > ttl && p.reply != null && (previous == 0 || p.ttl <= previous)) {
                // Answered, but now above the last hop: its reply is not in the trace after all.
                unattributed(PAST_LAST_HOP);
            }
        }
    }

    // ---- waiting and settling --------------------------------------------------------------------------

    private void expire(long now) {
        TracerProbe.computeDeadlines(probes, options, maxWaitNanos);
        for (TracerProbe p : probes) {
            if (p.sent != null && !p.done() && now >= expiry(p)) {
                p.timedOut = true;
                inFlight--;
            }
        }
    }

    private long nextDeadline() {
        TracerProbe.computeDeadlines(probes, options, maxWaitNanos);
        long next = Long.MAX_VALUE;
        for (TracerProbe p : probes) {
            if (p.sent != null && !p.done()) {
                next = Math.min(next, expiry(p));
            }
        }
        return next;
    }

    /**
     * When a probe past its deadline is given up (rule 5, judged on capture time): at the deadline once a
     * frame captured at or after it has arrived, else once the port's delivery lag has passed too, so that
     * a reply captured in time but still on its way is not lost.
     */
    private long expiry(TracerProbe p) {
        return latestCaptureNanos >= p.deadlineNanos ? p.deadlineNanos : p.deadlineNanos + Math.max(0, port.deliveryLagNanos());
    }

    /** The highest TTL that can still be reported: the final TTL, else the max TTL. */
    private int lastReportedTtl() {
        return finalTtl != 0 ? finalTtl : options.maxTtl();
    }

    /** Rule 6. */
    private void emitSettled(HopListener listener) {
        int q = options.probesPerHop();
        while (emitted.size() <= lastReportedTtl() - options.firstTtl()) {
            int first = emitted.size() * q;
            for (int n = first; n < first + q; n++) {
                if (probes[n].sent == null || !probes[n].done()) {
                    return;
                }
            }
            emit(listener, first, first + q);
        }
    }

    /** Stop rule 4: hops up to the highest TTL sent, without the probes not sent. */
    private void emitRemaining(HopListener listener) {
        int q = options.probesPerHop();
        int highest = 0;
        for (TracerProbe p : probes) {
            if (p.sent != null && p.ttl <= lastReportedTtl()) {
                highest = Math.max(highest, p.ttl);
            }
        }
        while (options.firstTtl() + emitted.size() <= highest) {
            int first = emitted.size() * q;
            emit(listener, first, first + q);
        }
    }

    private void emit(HopListener listener, int from, int to) {
        List<ProbeResult> results = new ArrayList<>(to - from);
        for (int n = from; n < to; n++) {
            if (probes[n].sent != null) {
                results.add(result(probes[n]));
            }
        }
        Hop hop = nat.mark(new Hop(probes[from].ttl, results));
        emitted.add(hop);
        listener.hopSettled(hop);
    }

    // ---- results -------------------------------------------------------------------------------------

    private ProbeResult result(TracerProbe p) {
        return ProbeResults.of(p.sent, p.sendNanos(), p.reply);
    }

    private Trace result(boolean interrupted, long startClock) {
        return result(stopReason(interrupted), startClock);
    }

    private Trace result(StopReason stop, long startClock) {
        long start = Long.MAX_VALUE;
        long end = Long.MIN_VALUE;
        for (Hop hop : emitted) {
            for (ProbeResult r : hop.probes()) {
                start = Math.min(start, r.sendTimeNanos());
                end = Math.max(end, r.rttNanos() == null ? r.sendTimeNanos() : r.sendTimeNanos() + r.rttNanos());
            }
        }
        if (start == Long.MAX_VALUE) {
            start = startClock;
            end = startClock;
        }
        Map<String, String> live = link.live();
        return new Trace(link.sourceAddress(), link.destinationAddress(), identity.method(), start, end,
                stop, emitted, live);
    }

    private StopReason stopReason(boolean interrupted) {
        if (interrupted) {
            return StopReason.interrupted();
        }
        if (finalTtl == 0) {
            return StopReason.maxTtl();
        }
        Hop last = emitted.get(emitted.size() - 1);
        for (ProbeResult r : last.probes()) {
            // what the type and code mean is the reply's family's (IcmpMeaning)
            if (r.icmpType() != null && r.icmpCode() != null
                    && IcmpMeaning.isDestinationUnreachable(r.responder().family(), r.icmpType())
                    && !IcmpMeaning.isPortUnreachable(r.responder().family(), r.icmpType(), r.icmpCode())) {
                return StopReason.unreachable(r.icmpCode());
            }
        }
        return StopReason.reached();
    }
}
