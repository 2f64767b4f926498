package org.tracecap.trace;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.random.RandomGenerator;
import org.tracecap.graph.Graph;
import org.tracecap.graph.GraphBuilder;
import org.tracecap.match.Classified;
import org.tracecap.match.FrameClassifier;
import org.tracecap.match.IcmpReply;
import org.tracecap.match.ProbeTable;
import org.tracecap.match.QuotedProbe;
import org.tracecap.match.SentProbe;
import org.tracecap.match.TcpReply;
import org.tracecap.model.Hop;
import org.tracecap.model.ProbeResult;
import org.tracecap.model.StopReason;
import org.tracecap.model.Trace;
import org.tracecap.packet.Bytes;
import org.tracecap.packet.IcmpType;
import org.tracecap.packet.IpProtocol;
import org.tracecap.packet.LinkLayer;
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
 * every probe. Up to {@value #MAX_FLOWS} flows.
 *
 * <h2>Rules</h2>
 * A flow <em>reaches</em> a node at TTL {@code t}: the router that answered its (first answered) probe with
 * TTL {@code t}, or the TTL's silent node when neither its probe nor its one retry was answered.
 * A node is <em>final</em> when it is the destination or answered Destination Unreachable.
 * <ol>
 *   <li><b>Predecessors.</b> The predecessors of TTL {@code t} are the non-final nodes of TTL {@code t - 1}
 *       (for the first TTL: the source). A predecessor {@code v} is <em>the only one</em> when it is the
 *       source, or when TTL {@code t - 1} is complete (rule 6) and {@code v} is its one node.</li>
 *   <li><b>Stopping rule.</b> With {@code k} distinct routers (k ≥ 1) reached at {@code t} by the flows
 *       through {@code v} probed so far, {@code v} is done once {@code n(k)} such flows have been probed at
 *       {@code t} and none is in flight: n(1..16) = 6, 11, 16, 21, 27, 33, 38, 44, 51, 57, 63, 70, 76, 83, 90,
 *       96 at 95% confidence; 8, 15, 21, 28, 36, 43, 51, 58, 66, 74, 82, 90, 98, 106, 115, 123 at 99%
 *       (beyond 16, the last step again). The flows through the silent node of {@code t - 1} are probed at
 *       {@code t} as they are, without looking for more. Exceptions: at TTL 1 one flow (every frame goes
 *       to the one gateway MAC, so one router answers there); and one flow when all a predecessor's flows
 *       reached the destination (it answers whatever way a flow came; a longer path to it is not looked for,
 *       as in scamper's tracelb). When a TTL has several predecessors and none is known to reach two
 *       routers (paths side by side, or converging), {@code n(k)} flows in all suffice, k the routers of the
 *       TTL, spread evenly over the predecessors and at least one through each (MDA-Lite's hop-level rule,
 *       Vermeulen et al., IMC 2018); once one of them reaches two routers, the TTL goes back to the full
 *       rule for each predecessor.</li>
 *   <li><b>Flows.</b> A predecessor short of flows takes, in order: flows known to reach it at {@code t - 1}
 *       not yet probed at {@code t}; when it is the only one, new flows (they all cross it); else new flows
 *       sent at {@code t - 1} to find more that reach it (node control), at most {@value #NODE_CONTROL_LIMIT}
 *       per TTL. A predecessor that can get no more flows is done with what it has.</li>
 *   <li><b>Retries.</b> A probe not answered in time is sent again once (same flow, same TTL) before the flow
 *       counts as reaching the silent node.</li>
 *   <li><b>Per-packet load balancing.</b> When a TTL's predecessors are done and it has {@code k ≥ 2}
 *       routers, flows that reached its routers (one per router, in turn) are sent {@code m} more times, {@code m} the least with
 *       {@code (1/k)^m ≤ 1 − confidence} ({@link #perPacketResends}; a lost re-send is sent again): a per-flow
 *       balancer sends them all to the same router; any other answer marks the TTL as balanced per packet
 *       ({@link Graph#perPacketTtls()}).</li>
 *   <li><b>Completion.</b> TTL {@code t} is complete when TTL {@code t - 1} is, its predecessors are done,
 *       nothing sent at {@code t} (or for its node control) waits, and rule 5 is done. TTLs are worked on
 *       together: TTL {@code t + 1} starts as soon as some flow reaches a non-final node at {@code t}, with
 *       the flows known so far, so that the probes of a TTL whose routers must wait for rule 8 do not hold
 *       the others up.</li>
 *   <li><b>Stop.</b> Looking at complete TTLs in order: all of a TTL's nodes final: stop "reached" (or
 *       "unreachable" with the first router's code when the destination is not among them); the max TTL
 *       complete: "max-ttl"; {@value #GAP_LIMIT} TTLs in a row with only silent nodes (as scamper tracelb's
 *       gap limit): "gap-limit". {@link #stop()}: "interrupted", with probes in flight unanswered.
 *       A port failure: "incomplete" (the result holds the failure).</li>
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
    static final int[] PROBES_95 = {6, 11, 16, 21, 27, 33, 38, 44, 51, 57, 63, 70, 76, 83, 90, 96};
    static final int[] PROBES_99 = {8, 15, 21, 28, 36, 43, 51, 58, 66, 74, 82, 90, 98, 106, 115, 123};
    /** Flows per run: destination ports basePort..basePort + 1023 (fewer when that passes 65535). */
    public static final int MAX_FLOWS = 1024;
    static final int GAP_LIMIT = 3;
    static final int NODE_CONTROL_LIMIT = 256;
    private static final int RETRIES = 1;
    private static final long SILENT = 1L << 32;
    /** What the run reports as its method: UDP, probes told apart by their checksum. */
    public static final org.tracecap.model.Method METHOD = MultipathUdpIdentity.METHOD;

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
    private final MultipathUdpIdentity identity;
    private final int maxFlows;
    private final FrameClassifier classifier = new FrameClassifier();
    private final ProbeTable table = new ProbeTable(MultipathUdpIdentity.MAX_PROBES);
    private final List<Probe> probes = new ArrayList<>();
    private final TtlState[] ttls;
    private final Map<Integer, Bucket> buckets = new HashMap<>();
    private final SortedMap<String, Long> unattributed = new TreeMap<>();
    private final byte[] frame;
    private final long maxWaitNanos;

    private volatile boolean stopRequested;
    private boolean started;
    private int flowsUsed;
    private int inFlight;
    private long lastSendNanos = Long.MIN_VALUE;
    private long latestCaptureNanos = Long.MIN_VALUE;
    private long maxRttNanos;

    public MultipathTracer(TraceOptions options, int confidence, LinkFacts link, PacketPort port, Clock clock) {
        this(options, confidence, link, port, clock, new SplittableRandom());
    }

    /**
     * @param confidence 95 or 99 (rule 2)
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
        if (port.linkType() != LinkLayer.ETHERNET) {
            throw new IllegalArgumentException("probes are Ethernet frames, the port's link type is "
                    + LinkLayer.name(port.linkType()));
        }
        if (options.sourceAddress() != null && options.sourceAddress() != link.sourceAddress()) {
            throw new IllegalArgumentException("source address asked for differs from the link's");
        }
        if (options.packetLength() < ProbeEncoder.IPV4_HEADER + 8 + 2) {
            throw new IllegalArgumentException("multipath probes carry their number in the UDP checksum: the"
                    + " packet length must be at least 30, got " + options.packetLength());
        }
        int sourcePort = options.sourcePort() != null ? options.sourcePort()
                : random.nextInt(Tracer.SOURCE_PORT_LOW, Tracer.SOURCE_PORT_HIGH + 1);
        this.maxFlows = flowsFrom(options.basePort());
        this.identity = new MultipathUdpIdentity(options.basePort(), maxFlows, sourcePort, random.nextInt(0x10000));
        this.ttls = new TtlState[options.maxTtl() + 2];
        for (int t = 0; t < ttls.length; t++) {
            ttls[t] = new TtlState();
        }
        this.frame = new byte[ProbeEncoder.ETHERNET_HEADER + options.packetLength()];
        this.maxWaitNanos = options.waiting().maxNanos();
    }

    /** How many flows a run from {@code basePort} may use: {@value #MAX_FLOWS}, fewer near port 65535. */
    public static int flowsFrom(int basePort) {
        return Math.min(MAX_FLOWS, 0xffff - basePort + 1);
    }

    /** Probes needed to rule out one more next hop once {@code k} were seen (rule 2). */
    static int probesNeeded(int confidence, int k) {
        int[] table = confidence == 99 ? PROBES_99 : PROBES_95;
        if (k <= table.length) {
            return table[Math.max(1, k) - 1];
        }
        int step = table[table.length - 1] - table[table.length - 2];
        return table[table.length - 1] + (k - table.length) * step;
    }

    /**
     * Rule 5: how many times to re-send one flow at a TTL with {@code routers} routers, so that a balancer
     * spreading packets evenly over them is missed with a chance of at most 1 − confidence:
     * {@code ceil(log(1/(1 - c)) / log(routers))}.
     */
    static int perPacketResends(int confidence, int routers) {
        double miss = confidence == 99 ? 0.01 : 0.05;
        return (int) Math.ceil(Math.log(1 / miss) / Math.log(Math.max(2, routers)) - 1e-9);
    }

    /** The UDP source port of every probe. */
    public int sourcePort() {
        return identity.sourcePort();
    }

    /** The replies to the source not attributed to a probe of the run, by {@link Tracer}'s reasons. */
    public SortedMap<String, Long> unattributed() {
        return new TreeMap<>(unattributed);
    }

    /** Asks a running trace to stop (rule 7); safe from any thread, harmless after the end. */
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
            List<Want> plan = plan();
            stop = finished();
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
        return result(stop, failure, startClock);
    }

    // ---- planning (rules 1-6) --------------------------------------------------------------------------

    /** A probe to send: an existing flow, or a new one (flow -1), at a TTL. */
    private record Want(int flow, int ttl, boolean perPacket, boolean nodeControl) {
        Want(int flow, int ttl) {
            this(flow, ttl, false, false);
        }
    }

    /** What rules 1-5 want sent now, lowest TTL first; updates each TTL's completion. */
    private List<Want> plan() {
        List<Want> wants = new ArrayList<>();
        int first = options.firstTtl();
        for (TtlState s : ttls) {
            s.complete = false;
        }
        for (int t = first; t <= options.maxTtl(); t++) {
            if (t > first && !opens(t)) {
                break;
            }
            planTtl(t, wants);
        }
        return wants;
    }

    /** Whether TTL {@code t} (above the first) has a predecessor yet and is not past a gap-limit run of silence. */
    private boolean opens(int t) {
        if (!ttls[t - 1].anyNonFinal()) {
            return false;
        }
        int silent = 0;
        for (int u = t - 1; u >= options.firstTtl() && ttls[u].complete && ttls[u].onlySilent(); u--) {
            silent++;
        }
        return silent < GAP_LIMIT;
    }

    private void planTtl(int t, List<Want> wants) {
        TtlState s = ttls[t];
        boolean previousComplete = t == options.firstTtl() || ttls[t - 1].complete;
        // Rule 4: retries.
        for (FlowAtTtl f : s.flows.values()) {
            if (f.wantsRetry()) {
                wants.add(new Want(f.flow, t));
            }
        }
        boolean done;
        if (t == options.firstTtl()) {
            done = planOnlyOne(t, s, List.of(), wants);
        } else {
            Map<Long, List<Integer>> preds = ttls[t - 1].groups(true);
            if (previousComplete && preds.size() == 1 && ttls[t - 1].groups(false).size() == 1) {
                done = planOnlyOne(t, s, preds.values().iterator().next(), wants);
            } else {
                if (!s.meshed && diverges(s, preds)) {
                    s.meshed = true;
                }
                done = previousComplete & (s.meshed ? planEachPredecessor(t, s, preds, wants)
                        : planHop(t, s, preds, wants));
            }
        }
        if (t > options.firstTtl() && ttls[t - 1].nodeControlPending() > 0) {
            done = false;
        }
        for (FlowAtTtl f : s.flows.values()) {
            if (f.pending > 0 || f.wantsRetry()) {
                done = false;
            }
        }
        if (!done || s.flows.isEmpty()) {
            return;
        }
        // Rule 5.
        if (s.perPacketFlows == null) {
            s.perPacketFlows = perPacketSamples(s, clock.nowNanos());
        }
        int resends = perPacketResends(confidence, s.routers().size());
        // Re-sends lost (to a limit) are sent again, up to twice as many in all.
        int missing = Math.min(resends - s.perPacketAnswered - s.perPacketPending, 2 * resends - s.perPacketSends);
        if (!s.perPacketFlows.isEmpty() && missing > 0) {
            for (int i = 0; i < missing; i++) {
                int flow = s.perPacketFlows.get((s.perPacketSends + i) % s.perPacketFlows.size());
                wants.add(new Want(flow, t, true, false));
            }
            return;
        }
        if (s.perPacketPending > 0) {
            return;
        }
        s.complete = true;
    }

    /**
     * Rule 2 when every flow at {@code t} crosses one predecessor (the source, or TTL {@code t - 1}'s only
     * node): {@code n(k)} flows at {@code t}, first those known to cross it ({@code through}), then new ones.
     * At TTL 1 one flow is enough: every probe goes to the one gateway MAC, so one router answers there.
     * Returns whether the TTL's probing is done.
     */
    private boolean planOnlyOne(int t, TtlState s, List<Integer> through, List<Want> wants) {
        List<Integer> routers = s.routers();
        int need = t == 1 || onlyDestination(routers) ? 1 : probesNeeded(confidence, Math.max(1, routers.size()));
        boolean waiting = s.flows.values().stream().anyMatch(f -> !f.resolved());
        int have = s.flows.size();
        if (have >= need) {
            return !waiting;
        }
        int added = probeThrough(t, s, through, need - have, wants);
        int fresh = Math.min(need - have - added, maxFlows - flowsUsed);
        for (int i = 0; i < fresh; i++) {
            wants.add(new Want(-1, t));
        }
        added += fresh;
        return added == 0 && !waiting; // no flow left to be had: done with what there is
    }

    /**
     * Rule 2's exception: flows that reached the destination need no company. The destination answers every
     * flow that gets there, whichever way it came; another next hop would be a router on a longer path to it,
     * which the MDA does not look for (as scamper's tracelb).
     */
    private boolean onlyDestination(List<Integer> routers) {
        return routers.size() == 1 && routers.get(0) == link.destinationAddress();
    }

    /** Up to {@code count} of the flows {@code through} a predecessor not yet probed at {@code t}; how many. */
    private static int probeThrough(int t, TtlState s, List<Integer> through, int count, List<Want> wants) {
        int added = 0;
        for (int f : through) {
            if (added == count) {
                break;
            }
            if (!s.flows.containsKey(f)) {
                wants.add(new Want(f, t));
                added++;
            }
        }
        return added;
    }

    /** Whether some predecessor already reaches two routers or more at {@code t} (rule 2's full MDA then). */
    private static boolean diverges(TtlState s, Map<Long, List<Integer>> preds) {
        for (List<Integer> through : preds.values()) {
            java.util.Set<Integer> routers = new java.util.HashSet<>();
            for (int f : through) {
                FlowAtTtl here = s.flows.get(f);
                if (here != null && here.reached != null) {
                    routers.add(here.reached);
                }
            }
            if (routers.size() >= 2) {
                return true;
            }
        }
        return false;
    }

    /**
     * Rule 2 at a TTL with several predecessors none of which is known to reach two routers (paths that run
     * side by side or converge): {@code n(k)} flows at {@code t} in all, k the routers of {@code t}, and at
     * least one through each predecessor, spread evenly over them (MDA-Lite's hop-level rule, Vermeulen et
     * al., IMC 2018). Returns whether the TTL's probing is done.
     */
    private boolean planHop(int t, TtlState s, Map<Long, List<Integer>> preds, List<Want> wants) {
        List<Integer> routers = s.routers();
        int need = Math.max(onlyDestination(routers) ? 1 : probesNeeded(confidence, Math.max(1, routers.size())),
                preds.size());
        List<List<Integer>> candidates = new ArrayList<>();
        int[] have = new int[preds.size()];
        int total = 0;
        boolean waiting = false;
        int i = 0;
        for (List<Integer> through : preds.values()) {
            List<Integer> free = new ArrayList<>();
            for (int f : through) {
                FlowAtTtl here = s.flows.get(f);
                if (here == null) {
                    free.add(f);
                } else {
                    have[i]++;
                    waiting |= !here.resolved();
                }
            }
            total += have[i];
            candidates.add(free);
            i++;
        }
        boolean everyOne = true;
        for (int h : have) {
            everyOne &= h > 0;
        }
        if (total >= need && everyOne) {
            return !waiting;
        }
        // Round robin over the predecessors with the fewest flows at t.
        int added = 0;
        int short1 = 0;
        while (true) {
            int best = -1;
            for (int p = 0; p < have.length; p++) {
                if (!candidates.get(p).isEmpty() && (best < 0 || have[p] < have[best])) {
                    best = p;
                }
            }
            boolean stillShort = total + added < need;
            boolean someEmpty = false;
            for (int p = 0; p < have.length; p++) {
                someEmpty |= have[p] == 0;
            }
            if (!stillShort && !someEmpty) {
                break;
            }
            if (best < 0 || (!stillShort && have[best] > 0)) {
                // A predecessor with no flow left to try: find more by node control.
                short1 = stillShort ? need - total - added : 1;
                break;
            }
            wants.add(new Want(candidates.get(best).remove(0), t));
            have[best]++;
            added++;
        }
        boolean controlling = short1 > 0 && nodeControl(t, s, short1, 0, wants) > 0;
        return added == 0 && !controlling && !waiting;
    }

    /**
     * Rule 3's node control for TTL {@code t}: new flows sent at {@code t - 1}, some of which will cross the
     * predecessor short of flows; {@code wanted} flows beyond those already in flight for it and the
     * {@code alreadyWanted} of this pass, within {@value #NODE_CONTROL_LIMIT} per TTL and the flows left.
     * Returns how many node-control flows are wanted in this pass or in flight (0: none can be had).
     */
    private int nodeControl(int t, TtlState s, int wanted, int alreadyWanted, List<Want> wants) {
        int pending = ttls[t - 1].nodeControlPending();
        int left = Math.min(NODE_CONTROL_LIMIT - s.nodeControlSent - alreadyWanted,
                maxFlows - flowsUsed - alreadyWanted);
        int fresh = Math.max(0, Math.min(wanted - pending - alreadyWanted, left));
        for (int n = 0; n < fresh; n++) {
            wants.add(new Want(-1, t - 1, false, true));
        }
        return alreadyWanted + fresh + pending;
    }

    /**
     * Rule 2 at a TTL where a predecessor reaches two routers or more among several predecessors (the full
     * MDA, with node control): {@code n(k_v)} flows through each predecessor {@code v}. Returns whether the
     * TTL's probing is done.
     */
    private boolean planEachPredecessor(int t, TtlState s, Map<Long, List<Integer>> preds, List<Want> wants) {
        boolean done = true;
        int nodeControl = 0;
        for (Map.Entry<Long, List<Integer>> pred : preds.entrySet()) {
            long v = pred.getKey();
            List<Integer> through = pred.getValue();
            boolean waiting = false;
            java.util.Set<Integer> routers = new java.util.HashSet<>();
            int have = 0;
            for (int f : through) {
                FlowAtTtl here = s.flows.get(f);
                if (here == null) {
                    continue;
                }
                have++;
                if (here.reached != null) {
                    routers.add(here.reached);
                } else if (!here.silent) {
                    waiting = true;
                }
            }
            int need = onlyDestination(new ArrayList<>(routers)) ? 1
                    : probesNeeded(confidence, Math.max(1, routers.size()));
            if (v == SILENT) {
                need = Math.min(need, through.size());
            }
            if (have >= need) {
                done &= !waiting;
                continue;
            }
            int added = probeThrough(t, s, through, need - have, wants);
            boolean controlling = false;
            if (have + added < need && v != SILENT) {
                int underWay = nodeControl(t, s, need - have - added, nodeControl, wants);
                nodeControl = underWay - ttls[t - 1].nodeControlPending();
                controlling = underWay > 0;
            }
            // No more flows to be had (rule 3): v is done with what it has once they are answered.
            done &= added == 0 && !controlling && !waiting;
        }
        return done;
    }

    /** Rule 7, on the complete TTLs in order; null while the run goes on. */
    private StopReason finished() {
        int silentRun = 0;
        for (int t = options.firstTtl(); t <= options.maxTtl(); t++) {
            TtlState s = ttls[t];
            if (!s.complete) {
                return null;
            }
            if (!s.anyNonFinal()) {
                for (FlowAtTtl f : s.flows.values()) {
                    if (f.reached != null && f.reached == link.destinationAddress()) {
                        return StopReason.reached();
                    }
                }
                for (FlowAtTtl f : s.flows.values()) {
                    if (f.unreachableCode != null) {
                        return f.unreachableCode == IcmpType.CODE_PORT_UNREACHABLE ? StopReason.reached()
                                : StopReason.unreachable(f.unreachableCode);
                    }
                }
                return StopReason.reached();
            }
            silentRun = s.onlySilent() ? silentRun + 1 : 0;
            if (silentRun >= GAP_LIMIT) {
                return StopReason.gapLimit();
            }
        }
        return StopReason.maxTtl();
    }

    // ---- sending (rules 8 and 9) -----------------------------------------------------------------------

    /** Sends what the window, the interval and pacing allow; returns when a held probe may go (or MAX_VALUE). */
    private long sendWhatMayGo(List<Want> wants, long now) throws IOException {
        long held = Long.MAX_VALUE;
        for (Want w : wants) {
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
            if (w.flow < 0 && flowsUsed >= maxFlows) {
                continue;
            }
            TtlState s = ttls[w.ttl];
            FlowAtTtl known = w.flow < 0 ? null : s.flows.get(w.flow);
            // A re-send of rule 5 goes where its flow went, unless the balancer is per packet: then it may
            // meet an empty bucket elsewhere, and is sent again (rule 5).
            Integer target = known != null && known.reached != null ? known.reached : null;
            List<Integer> candidates = target != null ? List.of(target) : s.routers();
            long readyAt = now;
            List<Integer> blocking = new ArrayList<>();
            boolean shallow = false;
            for (int r : candidates) {
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
            boolean verify = false;
            if (readyAt > now) {
                if (!blocking.isEmpty() && !shallow && !s.limited && !s.verifyInFlight) {
                    verify = true;
                } else {
                    held = Math.min(held, readyAt);
                    continue;
                }
            }
            int flow = w.flow;
            if (flow < 0) {
                flow = flowsUsed++;
            }
            send(flow, w.ttl, target, w.perPacket, w.nodeControl, verify ? blocking : null);
            now = clock.nowNanos();
        }
        return held;
    }

    private void send(int flow, int ttl, Integer target, boolean perPacket, boolean nodeControl,
                      List<Integer> verifying) throws IOException {
        TtlState s = ttls[ttl];
        FlowAtTtl f = s.flows.computeIfAbsent(flow, x -> new FlowAtTtl(flow));
        int n = probes.size();
        Probe p = new Probe(flow, ttl, target, perPacket, verifying);
        probes.add(p);
        if (perPacket) {
            s.perPacketSends++;
            s.perPacketPending++;
        } else if (verifying == null) {
            f.attempts++;
        }
        if (nodeControl) {
            ttls[ttl + 1].nodeControlSent++;
            f.nodeControl = true;
        }
        f.probes.add(p);
        f.pending++;
        if (verifying != null) {
            s.verifyInFlight = true;
        }
        if (target != null) {
            bucket(target).pending++;
        } else {
            s.unknownPending++;
        }
        int dport = identity.destinationPort(flow);
        int ipId = identity.ipId(n);
        ProbeEncoder.UdpProbe udp = new ProbeEncoder.UdpProbe(link.gatewayMac(), link.sourceMac(),
                link.sourceAddress(), link.destinationAddress(), ttl, ipId, options.tos(), options.dontFragment(),
                options.packetLength(), identity.sourcePort(), dport, identity.udpChecksum(n), null);
        int length = ProbeEncoder.encode(udp, frame, 0);
        int checksum = Bytes.u16(frame, ProbeEncoder.ETHERNET_HEADER + ProbeEncoder.IPV4_HEADER + 6);
        long now = clock.nowNanos();
        p.sent = new SentProbe(now, link.sourceAddress(), link.destinationAddress(), IpProtocol.UDP, ttl, ipId,
                options.packetLength(), options.tos(), identity.sourcePort(), dport, 0, 0, checksum, 0);
        p.clockSendNanos = now;
        table.add(p.sent);
        lastSendNanos = now;
        inFlight++;
        port.send(frame, length);
    }

    private Bucket bucket(int router) {
        return buckets.computeIfAbsent(router, r -> new Bucket());
    }

    // ---- receiving -------------------------------------------------------------------------------------

    private void onFrame(long timeNanos, int linkType, byte[] bytes, int caplen, int wireLength) {
        latestCaptureNanos = Math.max(latestCaptureNanos, timeNanos);
        Classified c = classifier.classify(timeNanos, linkType, bytes, caplen, wireLength);
        if (c instanceof SentProbe s) {
            if (s.protocol() == IpProtocol.UDP && s.source() == link.sourceAddress()
                    && s.destination() == link.destinationAddress()) {
                int n = identity.sequenceOf(s);
                if (n >= 0 && n < probes.size() && probes.get(n).captureSendNanos == null) {
                    probes.get(n).captureSendNanos = s.timeNanos();
                }
            }
        } else if (c instanceof IcmpReply r) {
            reply(r);
        } else if (c instanceof TcpReply r && r.destination() == link.sourceAddress()) {
            unattributed(Tracer.NOT_OUR_QUOTE);
        }
    }

    private void reply(IcmpReply r) {
        QuotedProbe q = r.quote();
        if (r.destination() != link.sourceAddress()) {
            return;
        }
        if (q == null || q.protocol() != IpProtocol.UDP || q.destination() != link.destinationAddress()) {
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
        int n = identity.sequenceOf(s);
        Probe p = n < 0 || n >= probes.size() ? null : probes.get(n);
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
        TtlState s2 = ttls[p.ttl];
        s2.maxRttNanos = Math.max(s2.maxRttNanos, p.rttNanos());
        Bucket b = bucket(r.source());
        if (p.verifying != null && p.verifying.contains(r.source())) {
            // Rule 8: it answered although its bucket, as Linux keeps it, was empty: it does not limit.
            b.unlimited = true;
        }
        if (!b.unlimited) {
            b.tokens.take(r.timeNanos());
        }
        FlowAtTtl f = s2.flows.get(p.flow);
        if (!p.perPacket && f.reached == null) {
            f.reached = r.source();
            boolean fin = r.source() == link.destinationAddress() || r.type() == IcmpType.DEST_UNREACHABLE;
            f.isFinal = fin;
            if (r.type() == IcmpType.DEST_UNREACHABLE) {
                f.unreachableCode = r.code();
            }
        }
        settle(p, false);
    }

    /** A probe is answered or given up: the counts that held it are released. */
    private void settle(Probe p, boolean timedOut) {
        TtlState s = ttls[p.ttl];
        FlowAtTtl f = s.flows.get(p.flow);
        p.timedOut = timedOut;
        inFlight--;
        f.pending--;
        if (p.target != null) {
            bucket(p.target).pending--;
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
        if (timedOut && !p.perPacket && f.reached == null && f.pending == 0 && f.attempts > RETRIES) {
            f.silent = true;
        }
    }

    // ---- waiting ---------------------------------------------------------------------------------------

    private void expire(long now) {
        for (Probe p : probes) {
            if (!p.done() && now >= expiry(p)) {
                settle(p, true);
            }
        }
    }

    private long nextDeadline() {
        long next = Long.MAX_VALUE;
        for (Probe p : probes) {
            if (!p.done()) {
                next = Math.min(next, expiry(p));
            }
        }
        return next;
    }

    /** Rule 9. */
    private long expiry(Probe p) {
        TraceOptions.Wait w = options.waiting();
        long timeout = maxWaitNanos;
        long here = ttls[p.ttl].maxRttNanos;
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

    // ---- results ---------------------------------------------------------------------------------------

    private Result result(StopReason stop, IOException failure, long startClock) {
        Map<String, String> live = new LinkedHashMap<>();
        live.put("interface", link.interfaceName());
        live.put("source_mac", LinkFacts.formatMac(link.sourceMac()));
        live.put("gateway_mac", LinkFacts.formatMac(link.gatewayMac()));
        // flow -> TTL -> results, in send order
        SortedMap<Integer, SortedMap<Integer, List<ProbeResult>>> byFlow = new TreeMap<>();
        for (Probe p : probes) {
            byFlow.computeIfAbsent(p.flow, x -> new TreeMap<>()).computeIfAbsent(p.ttl, x -> new ArrayList<>())
                    .add(p.result());
        }
        List<Trace> traces = new ArrayList<>();
        for (Map.Entry<Integer, SortedMap<Integer, List<ProbeResult>>> e : byFlow.entrySet()) {
            List<Hop> hops = new ArrayList<>();
            long start = Long.MAX_VALUE;
            long end = Long.MIN_VALUE;
            StopReason flowStop = stop;
            for (Map.Entry<Integer, List<ProbeResult>> h : e.getValue().entrySet()) {
                hops.add(new Hop(h.getKey(), h.getValue()));
                for (ProbeResult r : h.getValue()) {
                    start = Math.min(start, r.sendTimeNanos());
                    end = Math.max(end, r.rttNanos() == null ? r.sendTimeNanos() : r.sendTimeNanos() + r.rttNanos());
                }
            }
            FlowAtTtl last = ttls[e.getValue().lastKey()].flows.get(e.getKey());
            if (last.isFinal) {
                flowStop = last.unreachableCode == null || last.unreachableCode == IcmpType.CODE_PORT_UNREACHABLE
                        ? StopReason.reached() : StopReason.unreachable(last.unreachableCode);
            }
            traces.add(new Trace(link.sourceAddress(), link.destinationAddress(), MultipathUdpIdentity.METHOD, start,
                    end, flowStop, hops, live));
        }
        Graph graph = GraphBuilder.build(link.sourceAddress(), link.destinationAddress(), MultipathUdpIdentity.METHOD,
                confidence, stop, traces);
        if (traces.isEmpty()) {
            graph = new Graph(graph.source(), graph.destination(), graph.method(), confidence, startClock, startClock,
                    stop, 0, List.of(), List.of(), List.of(), List.of());
        }
        return new Result(graph, traces, failure);
    }

    // ---- state -----------------------------------------------------------------------------------------

    /** One flow at one TTL: its probes and the node it reached. */
    private static final class FlowAtTtl {
        final int flow;
        final List<Probe> probes = new ArrayList<>();
        int attempts;
        int pending;
        Integer reached;
        Integer unreachableCode;
        boolean isFinal;
        boolean silent;
        boolean nodeControl;

        FlowAtTtl(int flow) {
            this.flow = flow;
        }

        boolean resolved() {
            return reached != null || silent;
        }

        /** Rules 4 and 8: unanswered, nothing in flight, and a send left (a lost pacing test is free). */
        boolean wantsRetry() {
            return reached == null && !silent && pending == 0 && attempts <= RETRIES && !probes.isEmpty();
        }
    }

    /** One TTL. */
    private final class TtlState {
        final Map<Integer, FlowAtTtl> flows = new TreeMap<>();
        int unknownPending;
        boolean verifyInFlight;
        boolean limited;
        /** Rule 5's flows once chosen (empty: the TTL needs no test). */
        List<Integer> perPacketFlows;
        int perPacketSends;
        int perPacketPending;
        int perPacketAnswered;
        int nodeControlSent;
        /** Rule 2: a predecessor reaches two routers or more here, so each gets its own n(k). */
        boolean meshed;
        long maxRttNanos;
        boolean complete;

        /** The routers flows reached here so far, in first-answer order. */
        List<Integer> routers() {
            List<Integer> out = new ArrayList<>();
            for (FlowAtTtl f : flows.values()) {
                if (f.reached != null && !out.contains(f.reached)) {
                    out.add(f.reached);
                }
            }
            return out;
        }

        /**
         * The resolved flows by the node they reached (key: unsigned address, or SILENT), optionally without
         * the final nodes.
         */
        Map<Long, List<Integer>> groups(boolean nonFinalOnly) {
            Map<Long, List<Integer>> out = new TreeMap<>();
            for (FlowAtTtl f : flows.values()) {
                if (!f.resolved() || (nonFinalOnly && f.isFinal)) {
                    continue;
                }
                long key = f.silent ? SILENT : f.reached & 0xffffffffL;
                out.computeIfAbsent(key, k -> new ArrayList<>()).add(f.flow);
            }
            return out;
        }

        boolean anyNonFinal() {
            for (FlowAtTtl f : flows.values()) {
                if (f.resolved() && !f.isFinal) {
                    return true;
                }
            }
            return false;
        }

        boolean onlySilent() {
            for (FlowAtTtl f : flows.values()) {
                if (!f.silent) {
                    return false;
                }
            }
            return !flows.isEmpty();
        }

        int nodeControlPending() {
            int n = 0;
            for (FlowAtTtl f : flows.values()) {
                if (f.nodeControl && !f.resolved()) {
                    n++;
                }
            }
            return n;
        }

    }

    /**
     * Rule 5's flows, when the TTL has two routers or more: for each router, the lowest flow that reached it,
     * the routers with the most tokens left (rule 8) first. The re-sends take them in turn, so that they
     * share the routers' buckets; each re-send, like a single flow's, finds another router with a chance of
     * {@code 1 - 1/k} under a per-packet balancer. Empty when the TTL has one router.
     */
    private List<Integer> perPacketSamples(TtlState s, long now) {
        List<Integer> routers = s.routers();
        if (routers.size() < 2) {
            return List.of();
        }
        Map<Integer, Integer> firstFlow = new LinkedHashMap<>();
        for (FlowAtTtl f : s.flows.values()) {
            if (f.reached != null) {
                firstFlow.putIfAbsent(f.reached, f.flow);
            }
        }
        List<Integer> byTokens = new ArrayList<>(firstFlow.keySet());
        byTokens.sort(java.util.Comparator.comparingLong((Integer r) -> {
            Bucket b = bucket(r);
            return b.unlimited ? Long.MAX_VALUE : b.tokens.tokensAt(now) - b.pending * Tracer.ICMP_TOKEN_NANOS;
        }).reversed());
        List<Integer> flows = new ArrayList<>();
        for (int r : byTokens) {
            flows.add(firstFlow.get(r));
        }
        return flows;
    }

    /** A router's bucket (rule 8), with the probes in flight that can only reach it. */
    private static final class Bucket {
        final TokenBucket tokens = new TokenBucket();
        int pending;
        boolean unlimited;
    }

    /** One probe. */
    private static final class Probe {
        final int flow;
        final int ttl;
        final Integer target;
        final boolean perPacket;
        final List<Integer> verifying;
        SentProbe sent;
        long clockSendNanos;
        Long captureSendNanos;
        IcmpReply reply;
        boolean timedOut;

        Probe(int flow, int ttl, Integer target, boolean perPacket, List<Integer> verifying) {
                        this.flow = flow;
            this.ttl = ttl;
            this.target = target;
            this.perPacket = perPacket;
            this.verifying = verifying;
        }

        boolean done() {
            return reply != null || timedOut;
        }

        long sendNanos() {
            return captureSendNanos != null ? captureSendNanos : clockSendNanos;
        }

        long rttNanos() {
            return reply == null ? 0 : Math.max(0, reply.timeNanos() - sendNanos());
        }

        ProbeResult result() {
            return ProbeResults.of(sent, sendNanos(), reply);
        }
    }
}
