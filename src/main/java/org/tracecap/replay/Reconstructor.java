package org.tracecap.replay;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.tracecap.match.Classified;
import org.tracecap.match.FrameClassifier;
import org.tracecap.match.FrameSink;
import org.tracecap.match.IcmpReply;
import org.tracecap.match.KeyTable;
import org.tracecap.match.ProbeTable;
import org.tracecap.match.SentProbe;
import org.tracecap.match.TcpReply;
import org.tracecap.model.NatDetector;
import org.tracecap.model.StopReason;
import org.tracecap.model.Trace;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.IpProtocol;

/**
 * Rebuilds the traceroutes in a capture, whichever tool made them, from the frames in capture order.
 * Each frame is classified ({@link FrameClassifier}); probe candidates go to a bounded {@link ProbeTable}
 * and to a run; replies are attributed by the table and recorded on their probe. Times are capture times.
 *
 * <ol>
 *   <li>A candidate flow is (source, destination, protocol), plus the Echo identifier for ICMP (traceroute
 *       -I, mtr and scamper keep one identifier per run). Its probes, in capture order, form runs.</li>
 *   <li>A run is a trace when it shows at least 3 distinct TTLs, or one of its probes got a Time Exceeded,
 *       or it shows 2 TTLs and got some reply. A flow at one TTL (DNS, a ping, a TCP connection, even when
 *       answered by the destination) is other traffic: it yields no trace, and only its latest 64 probes
 *       are kept.</li>
 *   <li>A probe whose TTL is lower than the highest TTL of the current run starts a new run (back-to-back
 *       runs to one destination) when: more than {@link #RESTART_GAP_NANOS} passed since the run's last
 *       probe; or its identity (the field that changes from probe to probe: UDP destination port, ICMP
 *       sequence, UDP checksum, IP ID, TCP source port) repeats one of the run (traceroute restarts at port
 *       33434, sequence 1); or the run so far only climbed TTLs and its identities do not count up by 1..64
 *       (traceroute -T's random source ports). mtr cycles TTL 1..n round after round with ever increasing
 *       ports or sequence numbers: that is one run.</li>
 *   <li>The same packet captured more than once (a capture on two interfaces, {@code tcpdump -i any} on a host
 *       with a bridge, a VPN or Docker's veth and bridge, a capture on a router that shows each packet coming
 *       in and going out) is one packet: a probe candidate or a reply seen again with the same identity and the
 *       same TTL or one less (a router forwarded it) within {@link CopyFilter#WINDOW_NANOS} of its first copy
 *       is a copy, and the first copy (its time, its TTL) is the packet; so is one that a source NAT on the way
 *       rewrote (Docker's MASQUERADE, a home router's capture), what a NAT leaves alone being the same. Copies are counted
 *       ({@link ReplaySummary#copiesFolded()}) and go no further. {@link CopyFilter} lists the identities and
 *       why the window is what it is; a probe sent again after the window, or at a higher TTL, is a probe.</li>
 *   <li>A UDP/TCP run made of two or more fixed 5-tuples each probed at two or more TTLs (dublin-traceroute's
 *       flows) gives one trace per 5-tuple, in order of their first probe: each flow is its own path.</li>
 *   <li>A trace stops at the lowest TTL where a probe got a final reply: Port Unreachable or any other
 *       Destination Unreachable, Echo Reply, TCP SYN-ACK/RST, or any reply from the destination. Probes
 *       above that TTL (sent in parallel before the answer was known) are left out of the trace, so the
 *       hops are what the tool printed, and counted in {@link ReplaySummary#probesPastStop()}. Hops run from the lowest TTL probed to the highest kept,
 *       one per TTL, each with its probes in send order (a TTL nobody answered has its probes unanswered;
 *       a TTL never probed inside that range has an empty hop).</li>
 *   <li>Stop reason: reached when a final reply at the stop TTL is not a Destination Unreachable other than
 *       port unreachable; unreachable with the code of the first such error otherwise (!X, !H...). No final
 *       reply: max-ttl when the tool is known to have moved on (a new run started, or no probe or reply for
 *       {@link #DEFAULT_INACTIVITY_NANOS}, or the capture went on for {@link #RESTART_GAP_NANOS} after the
 *       run's last activity); incomplete when the capture ended before that, or was cut
 *       ({@code finish(true)}).</li>
 *   <li>Method: the protocol, the field that told the probes apart, and the tool whose probe signature every
 *       probe fits ({@link ToolRecognizer}'s numbered rules), else "unknown".</li>
 *   <li>Bounded memory: a run with no probe or reply for the inactivity time is closed and emitted; a run
 *       replaced by a new one waits {@link #REPLY_GRACE_NANOS} for late replies; a run longer than
 *       {@link #MAX_RUN_PROBES} probes is cut; the probe table forgets its oldest probes past its capacity,
 *       and probes sent more than the inactivity time ago (a reply that late answers nothing: no tool waits
 *       that long, and its run, unless it kept sending, is closed).
 *       Traces are emitted in start-time order: a closed trace waits while an open trace that started
 *       earlier can still be emitted (at most {@link #MAX_WAITING_TRACES} wait).</li>
 *   <li>Only what fits a run's pattern is a probe of it: once a run is a trace (rule 2), a datagram of its flow
 *       whose TTL is more than one above every TTL of the run and whose identity is not the next step of the
 *       run's counting identities (or that jumps so in a run whose identities do not count up) is set aside
 *       ({@link #OUTSIDE_PATTERN}): traceroute's reverse-DNS queries to a resolver that is also its destination
 *       (UDP to port 53 at TTL 64). It is still filed for attribution, so that a reply to it (Port Unreachable
 *       from a destination with no DNS server) is attributed to it and not to a probe; such a reply is set
 *       aside too ({@link #REPLY_TO_SET_ASIDE}), not counted as a reply.</li>
 *   <li>Only what goes back to a prober is a reply: an ICMP error quoting UDP or TCP, or a TCP SYN-ACK or RST,
 *       sent by a host that is probing the reply's destination (a run of that flow is a trace) is that
 *       prober's own kernel answering something it received (a late DNS answer, the SYN-ACK that traceroute -T
 *       drew: Linux resets it), not a reply: set aside ({@link #SENT_BY_PROBER}). A reply's destination is the
 *       source of the probes it answers. (Two hosts tracing each other at once with the same protocol in one
 *       capture would see each other's replies set aside.)</li>
 * </ol>
 *
 * <p>Counters ({@link ReplaySummary}): every frame is read; traces and their probes are counted as they
 * are closed, with the probes left out past each trace's stop; an ICMP error, Echo Reply, TCP SYN-ACK or
 * RST is attributed or unattributed by the probe table (an attributed reply may answer a probe left out
 * past the stop, or one of traffic that formed no trace); malformed frames are counted by reason, and
 * replies whose RFC 4884 extensions were dropped by the classifier's warning; copies folded (rule 4) and
 * frames set aside by rules 10 and 11 are counted apart and are neither probes nor replies. Not thread-safe.
 */
public final class Reconstructor implements FrameSink {
    public static final int DEFAULT_TABLE_CAPACITY = 1 << 16;
    public static final long DEFAULT_INACTIVITY_NANOS = 60_000_000_000L;
    /** Longer than traceroute's default wait of 5 s for a reply, and mtr's 1 s interval. */
    public static final long RESTART_GAP_NANOS = 10_000_000_000L;
    public static final long REPLY_GRACE_NANOS = 10_000_000_000L;
    public static final int MAX_RUN_PROBES = 1 << 16;
    public static final int MAX_WAITING_TRACES = 4096;
    private static final long SWEEP_INTERVAL_NANOS = 1_000_000_000L;
    /** {@link ReplaySummary#setAside()} reason of rule 10. */
    public static final String OUTSIDE_PATTERN = "outside its run's TTLs and identities (not a probe)";
    /** {@link ReplaySummary#setAside()} reason of rule 11. */
    public static final String SENT_BY_PROBER = "sent by the prober (not a reply)";
    /** {@link ReplaySummary#setAside()} reason of rule 10: the answer to a datagram that rule set aside. */
    public static final String REPLY_TO_SET_ASIDE = "reply to a datagram set aside (not a probe)";
    /** How many set-aside datagrams are remembered for {@link #REPLY_TO_SET_ASIDE}. */
    private static final int SET_ASIDE_REMEMBERED = 1024;

    private final Consumer<Trace> onTrace;
    private final FrameClassifier classifier;
    private final ProbeTable table;
    private final long inactivityNanos;
    private final KeyTable<Flow> flows = new KeyTable<>();
    private final Flow lookup = new Flow();
    /** The flows a sweep found empty, removed from {@link #flows} once it has gone through them. */
    private final List<Flow> emptied = new ArrayList<>();
    private final PriorityQueue<Waiting> waiting = new PriorityQueue<>();
    private final SortedMap<String, Long> malformed = new TreeMap<>();
    /** Frames ignored by the classifier, by reason (a HashMap: the reasons are the classifier's constants). */
    private final Map<String, long[]> ignored = new java.util.HashMap<>();
    private final CopyFilter copies = new CopyFilter();
    private long outsidePattern;
    private long sentByProber;
    private long repliesToSetAside;
    /**
     * The datagrams rule 10 set aside lately, by identity (the probe table hands back the very record filed):
     * a reply attributed to one of them is set aside too. Only set-aside datagrams are kept, at most
     * {@link #SET_ASIDE_REMEMBERED} (then forgotten all at once: a reply to one forgotten counts as a reply).
     */
    private final Map<SentProbe, Boolean> setAsideProbes = new IdentityHashMap<>();
    private long packetsRead;
    private long traces;
    private long probesFound;
    private long probesPastStop;
    private long repliesAttributed;
    private long repliesUnattributed;
    private long now = Long.MIN_VALUE;
    private long nextSweep = Long.MIN_VALUE;
    private long closedTraces;

    public Reconstructor(Consumer<Trace> onTrace) {
        this(onTrace, DEFAULT_TABLE_CAPACITY, DEFAULT_INACTIVITY_NANOS);
    }

    /**
     * @param tableCapacity   probes the probe table remembers for attribution
     * @param inactivityNanos capture time without probe or reply after which a run is closed and emitted
     */
    public Reconstructor(Consumer<Trace> onTrace, int tableCapacity, long inactivityNanos) {
        this(onTrace, tableCapacity, inactivityNanos, new FrameClassifier());
    }

    /**
     * {@code classifier} classifies the frames given to {@link #frame}, and its warnings are the summary's;
     * {@link ThreadedReconstructor} classifies on the reading thread with it and hands the results to
     * {@link #classified}.
     */
    Reconstructor(Consumer<Trace> onTrace, int tableCapacity, long inactivityNanos, FrameClassifier classifier) {
        this.onTrace = Objects.requireNonNull(onTrace, "onTrace");
        this.classifier = Objects.requireNonNull(classifier, "classifier");
        if (inactivityNanos <= 0) {
            throw new IllegalArgumentException("inactivity " + inactivityNanos + " ns");
        }
        this.table = new ProbeTable(tableCapacity);
        this.inactivityNanos = inactivityNanos;
    }

    @Override
    public void frame(long timeNanos, int linkType, byte[] frame, int capturedLength, int wireLength) {
        classified(timeNanos, classifier.classify(timeNanos, linkType, frame, capturedLength, wireLength));
    }

    /** One frame, captured at {@code timeNanos}, as the classifier of this reconstructor classified it. */
    void classified(long timeNanos, Classified c) {
        packetsRead++;
        if (timeNanos > now) {
            now = timeNanos;
        }
        if (c instanceof SentProbe p) {
            if (!copies.isCopy(p)) {
                probe(p);
            }
        } else if (c instanceof IcmpReply r) {
            if (!copies.isCopy(r)) {
                if (r.quote() != null && isProbing(r.source(), r.destination(), r.quote().protocol())) {
                    sentByProber++;
                } else {
                    reply(table.attribute(r), r, r.timeNanos());
                }
            }
        } else if (c instanceof TcpReply r) {
            if (!copies.isCopy(r)) {
                if (isProbing(r.source(), r.destination(), IpProtocol.TCP)) {
                    sentByProber++;
                } else {
                    reply(table.attribute(r), r, r.timeNanos());
                }
            }
        } else if (c instanceof Classified.Malformed m) {
            malformed.merge(m.reason(), 1L, Long::sum);
        } else if (c instanceof Classified.Ignored i) {
            // counted in place: an ignored frame allocates nothing once its reason has been seen
            long[] n = ignored.get(i.reason());
            if (n == null) {
                n = new long[1];
                ignored.put(i.reason(), n);
            }
            n[0]++;
        }
        if (now >= nextSweep) {
            if (nextSweep != Long.MIN_VALUE) {
                sweep();
            }
            nextSweep = now + SWEEP_INTERVAL_NANOS;
        }
    }

    /**
     * Closes every run still open, emits every trace not yet emitted (in start-time order) and returns the
     * counters. {@code captureIncomplete}: the capture was cut short (truncated file), so a trace that shows
     * no stop is incomplete rather than max-ttl.
     */
    public ReplaySummary finish(boolean captureIncomplete) {
        for (int i = 0, slots = flows.slots(); i < slots; i++) {
            Flow flow = flows.slot(i);
            if (flow == null) {
                continue;
            }
            if (flow.closing != null) {
                for (Run run : flow.closing) {
                    close(run, StopReason.maxTtl());
                }
            }
            if (flow.current != null) {
                boolean movedOn = !captureIncomplete && flow.current.lastActivity() + RESTART_GAP_NANOS <= now;
                close(flow.current, movedOn ? StopReason.maxTtl() : StopReason.incomplete());
            }
        }
        flows.clear();
        emitWaiting(Long.MAX_VALUE);
        return summary();
    }

    /** The counters so far. */
    public ReplaySummary summary() {
        SortedMap<String, Long> setAside = new TreeMap<>();
        if (outsidePattern > 0) {
            setAside.put(OUTSIDE_PATTERN, outsidePattern);
        }
        if (sentByProber > 0) {
            setAside.put(SENT_BY_PROBER, sentByProber);
        }
        if (repliesToSetAside > 0) {
            setAside.put(REPLY_TO_SET_ASIDE, repliesToSetAside);
        }
        SortedMap<String, Long> ignoredByReason = new TreeMap<>();
        ignored.forEach((reason, n) -> ignoredByReason.put(reason, n[0]));
        return new ReplaySummary(packetsRead, traces, probesFound, probesPastStop, repliesAttributed,
                repliesUnattributed, malformed, classifier.warnings(), copies.copies(), setAside, ignoredByReason);
    }

    private void probe(SentProbe p) {
        Flow flow = flows.get(lookup.set(p));
        if (flow == null) {
            flow = new Flow().set(p);
            flows.add(flow);
        }
        Run run = flow.current;
        if (run != null) {
            if (run.outsidePattern(p)) {
                // rule 10: not a probe of the run; filed for attribution all the same, so that a reply to it
                // is taken for what it is (a reply to other traffic) rather than for a reply to a probe
                outsidePattern++;
                table.add(p);
                if (setAsideProbes.size() >= SET_ASIDE_REMEMBERED) {
                    setAsideProbes.clear();
                }
                setAsideProbes.put(p, Boolean.TRUE);
                return;
            }
            if (run.size() >= MAX_RUN_PROBES || run.startsNewRun(p, RESTART_GAP_NANOS)) {
                if (flow.closing == null) {
                    flow.closing = new ArrayList<>(2);
                }
                flow.closing.add(run);
                run = null;
            }
        }
        if (run == null) {
            run = new Run(p.protocol());
            flow.current = run;
        }
        run.add(p);
        table.add(p);
    }

    private void reply(SentProbe p, Classified reply, long time) {
        if (p == null) {
            repliesUnattributed++;
            return;
        }
        if (!setAsideProbes.isEmpty() && setAsideProbes.containsKey(p)) {
            repliesToSetAside++;
            return;
        }
        repliesAttributed++;
        Flow flow = flows.get(lookup.set(p));
        if (flow == null) {
            return;
        }
        if (flow.current != null && flow.current.attach(p, reply, time)) {
            return;
        }
        if (flow.closing != null) {
            for (Run run : flow.closing) {
                if (run.attach(p, reply, time)) {
                    return;
                }
            }
        }
    }

    /**
     * Rule 11: whether {@code source} is probing {@code destination} with {@code protocol} (UDP or TCP): a run of
     * that flow, current or taking late replies, is a trace. An ICMP error or TCP segment it sends there is its
     * own kernel's answer to something it received, not a reply to a probe.
     */
    private boolean isProbing(IpAddress source, IpAddress destination, int protocol) {
        if (protocol != IpProtocol.UDP && protocol != IpProtocol.TCP) {
            return false;
        }
        Flow flow = flows.get(lookup.set(source, destination, protocol));
        if (flow == null) {
            return false;
        }
        if (flow.current != null && flow.current.confirmed()) {
            return true;
        }
        if (flow.closing != null) {
            for (int i = 0, n = flow.closing.size(); i < n; i++) {
                if (flow.closing.get(i).confirmed()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Closes runs idle for the inactivity time, and closing runs past their grace; emits what may go. */
    private void sweep() {
        long horizon = now - inactivityNanos;
        if (horizon < now) { // no wrap-around for a time near Long.MIN_VALUE
            table.forgetSentBefore(horizon);
        }
        long openStart = Long.MAX_VALUE;
        for (int i = 0, slots = flows.slots(); i < slots; i++) {
            Flow flow = flows.slot(i);
            if (flow == null) {
                continue;
            }
            if (flow.closing != null) {
                for (Iterator<Run> r = flow.closing.iterator(); r.hasNext(); ) {
                    Run run = r.next();
                    if (run.lastActivity() + Math.min(REPLY_GRACE_NANOS, inactivityNanos) <= now) {
                        r.remove();
                        close(run, StopReason.maxTtl());
                    } else if (run.confirmed()) {
                        openStart = Math.min(openStart, run.startTime());
                    }
                }
                if (flow.closing.isEmpty()) {
                    flow.closing = null;
                }
            }
            Run run = flow.current;
            if (run != null) {
                if (run.lastActivity() + inactivityNanos <= now) {
                    flow.current = null;
                    close(run, StopReason.maxTtl());
                } else if (run.confirmed()) {
                    openStart = Math.min(openStart, run.startTime());
                }
            }
            if (flow.current == null && flow.closing == null) {
                emptied.add(flow);
            }
        }
        for (int i = 0, size = emptied.size(); i < size; i++) {
            flows.remove(emptied.get(i));
        }
        emptied.clear();
        emitWaiting(openStart);
    }

    private void close(Run run, StopReason unfinished) {
        if (!run.confirmed()) {
            return;
        }
        for (TraceAssembler.Assembled a : TraceAssembler.assemble(run, unfinished)) {
            traces++;
            probesFound += a.probes();
            probesPastStop += a.pastStop();
            waiting.add(new Waiting(a.trace(), closedTraces++));
        }
    }

    private void emitWaiting(long openStart) {
        while (!waiting.isEmpty()
                && (waiting.peek().trace.startTimeNanos() < openStart || waiting.size() > MAX_WAITING_TRACES)) {
            onTrace.accept(NatDetector.mark(waiting.poll().trace));
        }
    }

    /** A trace waiting for the open traces that started before it; ties keep the order they were closed. */
    private record Waiting(Trace trace, long order) implements Comparable<Waiting> {
        @Override
        public int compareTo(Waiting o) {
            int c = Long.compare(trace.startTimeNanos(), o.trace.startTimeNanos());
            return c != 0 ? c : Long.compare(order, o.order);
        }
    }

    /**
     * A candidate flow, its own key (source, destination, protocol, Echo identifier for ICMP; set only on a
     * lookup instance or before it is filed), and its runs: the current one, and those replaced but still
     * taking late replies.
     */
    private static final class Flow extends KeyTable.Keyed {
        Run current;
        List<Run> closing;

        Flow set(SentProbe p) {
            key(p.source(), p.destination(), p.protocol(), IpProtocol.isIcmp(p.protocol()) ? p.icmpId() : 0, 0);
            return this;
        }

        /** The key of a UDP or TCP flow. */
        Flow set(IpAddress source, IpAddress destination, int protocol) {
            key(source, destination, protocol, 0, 0);
            return this;
        }
    }
}
