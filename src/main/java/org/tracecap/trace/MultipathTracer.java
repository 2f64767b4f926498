package org.tracecap.trace;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.random.RandomGenerator;
import org.tracecap.graph.Graph;
import org.tracecap.match.Classified;
import org.tracecap.match.FrameClassifier;
import org.tracecap.match.IcmpReply;
import org.tracecap.match.ProbeTable;
import org.tracecap.match.QuotedProbe;
import org.tracecap.match.SentProbe;
import org.tracecap.match.TcpReply;
import org.tracecap.model.StopReason;
import org.tracecap.model.Trace;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.Ipv4ProbeEncoder;
import org.tracecap.packet.ProbeEncoder;

/**
 * Maps every path to a destination with the Multipath Detection Algorithm (MDA: Augustin, Friedman, Teixeira,
 * E2EMON 2007; stopping rule of Veitch et al., INFOCOM 2009), as scamper's {@code tracelb} and Paris
 * traceroute's {@code -n}: at each TTL, for each router of the TTL before, it finds every next hop a flow
 * through that router can take, sending probes of new flows until the stopping rule says no further next
 * hop is likely. The result is a {@link Graph} and one {@link Trace} per flow (its probes, by TTL).
 *
 * <p>Usage: {@code new MultipathTracer(options, 95, link, port, clock).run()}; one run per instance;
 * {@link #stop()} from any thread.
 *
 * <h2>Probes</h2>
 * Flow {@code f} is the UDP 5-tuple from one source port (the options', or one picked above Linux's
 * ephemeral range) to destination port {@code basePort + f}; a per-flow load balancer (Linux with
 * fib_multipath_hash_policy=1) sends all of a flow's probes one way. Probe {@code n} carries UDP checksum
 * {@code n + 1} and IP ID {@code ipIdBase + n} ({@link MultipathUdpIdentity}); TOS and length are the same for
 * every probe. Up to {@value #MAX_FLOWS} flows. With {@link ProbeProtocol#TCP} ({@code -T}) flow {@code f} is
 * the SYN from source port {@code sourcePort + f} to {@code basePort}, probe {@code n} told apart by its
 * sequence number and IP ID ({@link MultipathTcpIdentity}); the destination's SYN-ACK or RST, paired with its
 * SYN by the {@link ProbeTable}, marks the flow's node final as a Port Unreachable does. With
 * {@link ProbeProtocol#ICMP} ({@code -I}) flow {@code f} is an Echo identifier with its own held checksum,
 * probe {@code n} told apart by sequence number and IP ID ({@link MultipathIcmpIdentity}); the Echo Reply ends
 * a flow.
 *
 * <h2>Rules</h2>
 * The rules are numbered as one list, each with the code that keeps it: 1 to 7 (predecessors, the stopping
 * rule, flows, retries, per-packet load balancing, completion, stop) are {@link MdaPlanner}'s, over each TTL's
 * {@link MdaTtlState}, with the stopping rule's numbers in {@link MdaStoppingRule}; 8 (pacing) is
 * {@link MdaPacing}'s; 9 and 10 are this class's. {@link MdaResults} makes the result.
 * <ol start="9">
 *   <li><b>Window and wait.</b> At most {@code -N} probes are in flight, {@code -z} apart. A probe is given
 *       up {@code MAX} seconds after it was sent, or {@code HERE × (rtt + 1 ms)} once its TTL has an answer
 *       (the largest RTT there), else {@code NEAR × (rtt + 1 ms)} of the largest RTT answered anywhere,
 *       judged on capture time as in {@link Tracer} rule 5.</li>
 *   <li><b>Ownership.</b> As {@link Tracer} rule 7 and its "unattributed replies" reasons.</li>
 * </ol>
 *
 * <p>Not thread-safe apart from {@link #stop()}.
 */
public final class MultipathTracer {
    /** Flows per run: destination ports basePort..basePort + 1023 (fewer when that passes 65535), or TCP source ports. */
    public static final int MAX_FLOWS = 1024;
    /** What a UDP run reports as its method: probes told apart by their checksum. */
    public static final org.tracecap.model.Method METHOD = MultipathUdpIdentity.METHOD;
    /** What an ICMP run ({@code -I}) reports: probes told apart by their Echo sequence number. */
    public static final org.tracecap.model.Method ICMP_METHOD = MultipathIcmpIdentity.METHOD;
    /** What a TCP run ({@code -T}) reports: probes told apart by their sequence number. */
    public static final org.tracecap.model.Method TCP_METHOD = MultipathTcpIdentity.METHOD;

    /** What a run gives: the graph, each flow's trace, and the port's failure if it failed (else null). */
    public record Result(Graph graph, List<Trace> flows, IOException failure) {
        public Result {
            flows = List.copyOf(flows);
        }
    }

    private final TraceOptions options;
    private final int confidence;
    private final LinkFacts link;
    private final PacketPort port;
    private final Clock clock;
    private final MultipathIdentity identity;
    private final int sourcePort;
    private final FrameClassifier classifier = new FrameClassifier();
    private final ProbeTable table;
    private final List<MdaProbe> probes = new ArrayList<>();
    private final MdaPacing pacing = new MdaPacing();
    private final MdaPlanner planner;
    private final SortedMap<String, Long> unattributed = new TreeMap<>();
    private final byte[] frame;
    private final long maxWaitNanos;

    private volatile boolean stopRequested;
    private boolean started;
    private int inFlight;
    private long lastSendNanos = Long.MIN_VALUE;
    private long latestCaptureNanos = Long.MIN_VALUE;
    private long maxRttNanos;

    public MultipathTracer(TraceOptions options, int confidence, LinkFacts link, PacketPort port, Clock clock) {
        this(options, confidence, link, port, clock, new SplittableRandom());
    }

    /**
     * @param confidence 95 or 99 ({@link MdaPlanner} rule 2)
     * @param random     picks the source port (when the options leave it open) and the IP ID base
     * @throws IllegalArgumentException a confidence other than 95 or 99, a port that is not Ethernet, a source
     *                                  address other than the link's, or a packet length under 30 (two payload
     *                                  bytes set the checksum)
     */
    public MultipathTracer(TraceOptions options, int confidence, LinkFacts link, PacketPort port, Clock clock,
                           RandomGenerator random) {
        this.options = Objects.requireNonNull(options, "options");
        this.link = Objects.requireNonNull(link, "link");
        this.port = Objects.requireNonNull(port, "port");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (confidence != 95 && confidence != 99) {
            throw new IllegalArgumentException("confidence must be 95 or 99, got " + confidence);
        }
        this.confidence = confidence;
        link.checkPort(port.linkType());
        if (options.sourceAddress() != null && !options.sourceAddress().equals(link.sourceAddress())) {
            throw new IllegalArgumentException("source address asked for differs from the link's");
        }
        if (!link.sourceAddress().isIpv4() || !link.destinationAddress().isIpv4()) {
            // The probes are IPv4 frames (ProbeEncoder); IPv6 probing comes with its own encoder.
            throw new IllegalArgumentException("live tracing is IPv4 only for now: " + link.destinationAddress());
        }
        ProbeProtocol protocol = options.protocol();
        if (options.packetLength() < protocol.minLength(ProbeMethod.PARIS)) {
            throw new IllegalArgumentException("multipath probes hold a checksum through two data bytes: the"
                    + " packet length must be at least " + protocol.minLength(ProbeMethod.PARIS) + ", got "
                    + options.packetLength());
        }
        // UDP flows are destination ports from -p; TCP flows source ports from the one picked (scamper's tcp);
        // ICMP flows identifier/checksum pairs from it (scamper's icmp-echo).
        int maxFlows = protocol.multipathFlows(options.basePort());
        int sourcePorts = protocol.multipathSourcePorts(maxFlows);
        this.sourcePort = options.sourcePort() != null ? options.sourcePort()
                : random.nextInt(Tracer.SOURCE_PORT_LOW, Tracer.SOURCE_PORT_HIGH + 2 - sourcePorts);
        int ipIdBase = random.nextInt(0x10000);
        this.identity = protocol.multipathIdentity(options, maxFlows, sourcePort, ipIdBase, random.nextLong());
        this.table = new ProbeTable(identity.maxProbes());
        this.planner = new MdaPlanner(options, confidence, link.destinationAddress(), maxFlows, pacing, clock);
        this.frame = new byte[ProbeEncoder.ETHERNET_HEADER
                + Math.max(options.packetLength(), Ipv4ProbeEncoder.SYN_TOTAL_LENGTH)];
        this.maxWaitNanos = options.waiting().maxNanos();
    }

    /** How many flows a run from {@code basePort} may use: {@value #MAX_FLOWS}, fewer near port 65535. */
    public static int flowsFrom(int basePort) {
        return Math.min(MAX_FLOWS, 0xffff - basePort + 1);
    }

    /** The source port of every probe (UDP), of flow 0's probes (TCP). */
    public int sourcePort() {
        return sourcePort;
    }

    /** What the run reports as its method. */
    public org.tracecap.model.Method method() {
        return identity.method();
    }

    /** The replies to the source not attributed to a probe of the run, by {@link Tracer}'s reasons. */
    public SortedMap<String, Long> unattributed() {
        return new TreeMap<>(unattributed);
    }

    /** Asks a running trace to stop ({@link MdaPlanner} rule 7); safe from any thread, harmless after the end. */
    public void stop() {
        stopRequested = true;
        port.wakeup();
    }

    /**
     * Runs the MDA to its end (the class's rules).
     *
     * @throws IllegalStateException on a second call
     */
    public Result run() {
        if (started) {
            throw new IllegalStateException("a MultipathTracer runs once");
        }
        started = true;
        long startClock = clock.nowNanos();
        StopReason stop;
        IOException failure = null;
        while (true) {
            long now = clock.nowNanos();
            expire(now);
            List<MdaPlanner.Want> plan = planner.plan();
            stop = planner.finished();
            if (stop != null) {
                break;
            }
            if (stopRequested) {
                stop = StopReason.interrupted();
                break;
            }
            try {
                long held = sendWhatMayGo(plan, now);
                if (inFlight == 0 && held == Long.MAX_VALUE) {
                    // Nothing in flight and nothing that time alone lets go: the probe budget is spent.
                    stop = StopReason.incomplete();
                    break;
                }
                long next = Math.min(held, nextDeadline());
                long wait = next == Long.MAX_VALUE ? maxWaitNanos : next - clock.nowNanos();
                if (wait > 0 && !stopRequested) {
                    port.receive(this::onFrame, wait);
                }
            } catch (IOException e) {
                failure = e;
                stop = StopReason.incomplete();
                break;
            }
        }
        return MdaResults.build(link, identity.method(), confidence, stop, failure, startClock, probes, planner::ttl);
    }

    // ---- sending (rules 8 and 9) -----------------------------------------------------------------------

    /** Sends what the window, the interval and pacing allow; returns when a held probe may go (or MAX_VALUE). */
    private long sendWhatMayGo(List<MdaPlanner.Want> wants, long now) throws IOException {
        long held = Long.MAX_VALUE;
        for (MdaPlanner.Want w : wants) {
            if (inFlight >= options.simultaneous() || stopRequested) {
                break;
            }
            if (probes.size() >= MultipathUdpIdentity.MAX_PROBES) {
                break;
            }
            long interval = options.sendIntervalNanos();
            if (interval > 0 && lastSendNanos != Long.MIN_VALUE && now - lastSendNanos < interval) {
                held = Math.min(held, lastSendNanos + interval);
                break;
            }
            if (w.flow() < 0 && !planner.freshFlowLeft()) {
                continue;
            }
            MdaTtlState s = planner.ttl(w.ttl());
            MdaFlowAtTtl known = w.flow() < 0 ? null : s.flows.get(w.flow());
            // A re-send of rule 5 goes where its flow went, unless the balancer is per packet: then it may
            // meet an empty bucket elsewhere, and is sent again (rule 5).
            IpAddress target = known != null && known.reached != null ? known.reached : null;
            List<IpAddress> candidates = target != null ? List.of(target) : s.routers();
            MdaPacing.Hold hold = pacing.hold(s, target, candidates, now);
            if (hold.readyAt() > now && hold.verifying() == null) {
                held = Math.min(held, hold.readyAt());
                continue;
            }
            int flow = w.flow();
            if (flow < 0) {
                flow = planner.newFlow();
            }
            send(flow, w.ttl(), target, w.perPacket(), w.nodeControl(), hold.verifying());
            now = clock.nowNanos();
        }
        return held;
    }

    private void send(int flow, int ttl, IpAddress target, boolean perPacket, boolean nodeControl,
                      List<IpAddress> verifying) throws IOException {
        MdaTtlState s = planner.ttl(ttl);
        MdaFlowAtTtl f = s.flows.computeIfAbsent(flow, x -> new MdaFlowAtTtl(flow));
        int n = probes.size();
        MdaProbe p = new MdaProbe(flow, ttl, target, perPacket, verifying);
        probes.add(p);
        if (perPacket) {
            s.perPacketSends++;
            s.perPacketPending++;
        } else if (verifying == null) {
            f.attempts++;
        }
        if (nodeControl) {
            planner.ttl(ttl + 1).nodeControlSent++;
            f.nodeControl = true;
        }
        f.probes.add(p);
        f.pending++;
        if (verifying != null) {
            s.verifyInFlight = true;
        }
        if (target != null) {
            pacing.sent(target);
        } else {
            s.unknownPending++;
        }
        ProbeIdentity.Envelope envelope = new ProbeIdentity.Envelope(link.gatewayMac(), link.sourceMac(),
                link.sourceAddress(), link.destinationAddress(), ttl, options.tos(), options.dontFragment(),
                options.packetLength());
        long now = clock.nowNanos();
        p.sent = identity.write(n, flow, envelope, frame, now);
        int length = envelope.linkHeader() + p.sent.totalLength();
        p.clockSendNanos = now;
        table.add(p.sent);
        lastSendNanos = now;
        inFlight++;
        port.send(frame, length);
    }

    // ---- receiving -------------------------------------------------------------------------------------

    private void onFrame(long timeNanos, int linkType, byte[] bytes, int caplen, int wireLength) {
        latestCaptureNanos = Math.max(latestCaptureNanos, timeNanos);
        Classified c = classifier.classify(timeNanos, linkType, bytes, caplen, wireLength);
        if (c instanceof SentProbe s) {
            if (s.protocol() == identity.protocol() && s.source().equals(link.sourceAddress())
                    && s.destination().equals(link.destinationAddress())) {
                int n = identity.sequenceOf(s);
                if (n >= 0 && n < probes.size() && probes.get(n).captureSendNanos == null) {
                    probes.get(n).captureSendNanos = s.timeNanos();
                }
            }
        } else if (c instanceof IcmpReply r) {
            reply(r);
        } else if (c instanceof TcpReply r && r.destination().equals(link.sourceAddress())) {
            // A SYN-ACK or RST from the destination: the table pairs it with its SYN (ack = sequence + 1).
            SentProbe s = r.source().equals(link.destinationAddress()) ? table.attribute(r) : null;
            if (s == null) {
                unattributed(Tracer.NOT_OUR_QUOTE);
            } else {
                answer(s, r, r.source(), null);
            }
        }
    }

    private void reply(IcmpReply r) {
        QuotedProbe q = r.quote();
        if (!r.destination().equals(link.sourceAddress())) {
            return;
        }
        if (q == null) {
            // An Echo Reply from the destination: the table pairs it with its request (identifier, sequence).
            SentProbe s = r.source().equals(link.destinationAddress()) ? table.attribute(r) : null;
            if (s == null) {
                unattributed(Tracer.NOT_OUR_QUOTE);
            } else {
                answer(s, r, r.source(), r);
            }
            return;
        }
        if (q.protocol() != identity.protocol() || !q.destination().equals(link.destinationAddress())) {
            unattributed(Tracer.NOT_OUR_QUOTE);
            return;
        }
        SentProbe s = table.attribute(r);
        if (s == null) {
            unattributed(Tracer.NO_SUCH_PROBE);
            return;
        }
        if (q.ttl() > s.ttl()) {
            unattributed(Tracer.QUOTED_TTL_ABOVE);
            return;
        }
        if (!identity.owns(q, s)) {
            unattributed(q.ipId() != s.ipId() ? Tracer.IP_ID : q.checksum() != s.checksum() ? Tracer.CHECKSUM
                    : q.sourcePort() != s.sourcePort() ? Tracer.SOURCE_PORT : Tracer.NOT_OUR_IDENTITY);
            return;
        }
        answer(s, r, r.source(), r);
    }

    /** Gives probe {@code s} its answer {@code r} from {@code source}; {@code icmp} is {@code r} when ICMP, else null. */
    private void answer(SentProbe s, Classified r, IpAddress source, IcmpReply icmp) {
        int n = identity.sequenceOf(s);
        MdaProbe p = n < 0 || n >= probes.size() ? null : probes.get(n);
        if (p == null || p.sent != s) {
            unattributed(Tracer.NO_SUCH_PROBE);
            return;
        }
        if (p.done()) {
            unattributed(p.reply != null ? Tracer.DUPLICATE : Tracer.TIMED_OUT);
            return;
        }
        p.reply = r;
        maxRttNanos = Math.max(maxRttNanos, p.rttNanos());
        MdaTtlState s2 = planner.ttl(p.ttl);
        s2.maxRttNanos = Math.max(s2.maxRttNanos, p.rttNanos());
        pacing.answered(source, p.verifying, ProbeResults.timeNanos(r));
        MdaFlowAtTtl f = s2.flows.get(p.flow);
        if (!p.perPacket && f.reached == null) {
            f.reached = source;
            boolean unreachable = icmp != null && icmp.isDestinationUnreachable();
            f.isFinal = unreachable || source.equals(link.destinationAddress());
            if (unreachable) {
                f.unreachableCode = icmp.code();
                f.portUnreachable = icmp.isPortUnreachable();
            }
        }
        settle(p, false);
    }

    /** A probe is answered or given up: the counts that held it are released. */
    private void settle(MdaProbe p, boolean timedOut) {
        MdaTtlState s = planner.ttl(p.ttl);
        MdaFlowAtTtl f = s.flows.get(p.flow);
        p.timedOut = timedOut;
        inFlight--;
        f.pending--;
        if (p.target != null) {
            pacing.settled(p.target);
        } else {
            s.unknownPending--;
        }
        if (p.verifying != null) {
            s.verifyInFlight = false;
            if (timedOut) {
                s.limited = true; // rule 8: a limiting router (or a lost answer): pace this TTL
            }
        }
        if (p.perPacket) {
            s.perPacketPending--;
            if (!timedOut) {
                s.perPacketAnswered++;
            }
        }
        if (timedOut && !p.perPacket && f.reached == null && f.pending == 0 && f.attempts > MdaFlowAtTtl.RETRIES) {
            f.silent = true;
        }
    }

    // ---- waiting ---------------------------------------------------------------------------------------

    private void expire(long now) {
        for (MdaProbe p : probes) {
            if (!p.done() && now >= expiry(p)) {
                settle(p, true);
            }
        }
    }

    private long nextDeadline() {
        long next = Long.MAX_VALUE;
        for (MdaProbe p : probes) {
            if (!p.done()) {
                next = Math.min(next, expiry(p));
            }
        }
        return next;
    }

    /** Rule 9. */
    private long expiry(MdaProbe p) {
        TraceOptions.Wait w = options.waiting();
        long timeout = maxWaitNanos;
        long here = planner.ttl(p.ttl).maxRttNanos;
        if (w.here() > 0 && here > 0) {
            timeout = Math.min(timeout, scaled(here, w.here()));
        } else if (w.near() > 0 && maxRttNanos > 0) {
            timeout = Math.min(timeout, scaled(maxRttNanos, w.near()));
        }
        long deadline = p.clockSendNanos + timeout;
        return latestCaptureNanos >= deadline ? deadline : deadline + Math.max(0, port.deliveryLagNanos());
    }

    private static long scaled(long rttNanos, double factor) {
        double v = (rttNanos + Tracer.WAIT_PRECISION_NANOS) * factor;
        return v >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) v;
    }

    private void unattributed(String reason) {
        unattributed.merge(reason, 1L, Long::sum);
    }
}
