package org.tracecap.trace;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.random.RandomGenerator;
import org.tracecap.model.Hop;
import org.tracecap.model.Method;
import org.tracecap.model.StopReason;
import org.tracecap.model.Trace;

/**
 * Runs every flow the options ask for, one {@link Tracer} after another over one {@link PacketPort}, and
 * gives one {@link Trace} per flow: dublin-traceroute's flows with {@link ProbeMethod#DUBLIN} and
 * {@code flows > 1}, else the one trace of the other methods.
 *
 * <ol>
 *   <li>Flow {@code f} (0-based) is a fixed 5-tuple: the same source port for every flow (the options', or one
 *       picked at random above Linux's ephemeral range as {@link Tracer} does) and destination port
 *       {@code basePort + f}, as dublin-traceroute varies the destination port. A per-flow load balancer
 *       sends each flow down one path, and different flows may take different paths.</li>
 *   <li>Flows run one at a time, in order, each to its own end by the tracer's rules; each has its own
 *       random IP ID base, so its probes and replies are told from the others'.</li>
 *   <li>The flows share one ICMP rate-limit budget ({@link IcmpBudget}): a router counts the Time Exceeded it
 *       sends us whatever the flow, so a later flow waits for tokens instead of losing answers to the
 *       limit. With the default 3 probes per hop, two flows fit in a router's burst of 6; more flows cost
 *       about one second per 3 extra probes at each TTL (dublin-traceroute sends 1 probe per flow and
 *       TTL: {@code -q 1}). Once a flow has reached the destination at TTL {@code d}, later flows count every
 *       probe at {@code d} or above against the destination's one bucket
 *       ({@link IcmpBudget#destinationAt}), so that the probes the window sends past the destination do not
 *       spend the answer to the flow's own probe at {@code d}.</li>
 *   <li>{@link #stop()} stops the running flow (its trace ends "interrupted") and no later flow starts.</li>
 * </ol>
 */
public final class FlowTracer {
    /** What a {@link FlowTracer} has done, as it does it; called on the thread of {@link #run}. */
    public interface FlowListener {
        /** Flow {@code flow} starts, probing from {@code sourcePort} to {@code destinationPort}. */
        void flowStarted(int flow, int sourcePort, int destinationPort);

        /** A hop of flow {@code flow} is settled (in TTL order, as {@link HopListener}). */
        void hopSettled(int flow, Hop hop);

        /** Flow {@code flow} ended with {@code trace}. */
        void flowEnded(int flow, Trace trace);
    }

    private final TraceOptions options;
    private final LinkFacts link;
    private final PacketPort port;
    private final Clock clock;
    private final RandomGenerator random;
    private final int sourcePort;
    private final IcmpBudget budget;
    /** Flow 0's tracer, made by the constructor so that its checks of the options and link come first. */
    private final Tracer first;
    private final Object lock = new Object();
    private volatile boolean stopRequested;
    private Tracer current;
    /** Every flow's tracer started so far, for {@link #unattributed()}. */
    private final List<Tracer> ran = new ArrayList<>();
    private boolean started;

    public FlowTracer(TraceOptions options, LinkFacts link, PacketPort port, Clock clock) {
        this(options, link, port, clock, new SplittableRandom());
    }

    /**
     * @param random picks the source port (when the options leave it open) and each flow's IP ID base
     * @throws IllegalArgumentException as {@link Tracer}'s constructor: the port is not Ethernet, or the
     *                                  options ask for a source address other than the link's
     */
    public FlowTracer(TraceOptions options, LinkFacts link, PacketPort port, Clock clock, RandomGenerator random) {
        this.options = Objects.requireNonNull(options, "options");
        this.link = Objects.requireNonNull(link, "link");
        this.port = Objects.requireNonNull(port, "port");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.sourcePort = options.sourcePort() != null ? options.sourcePort()
                : random.nextInt(Tracer.SOURCE_PORT_LOW, Tracer.SOURCE_PORT_HIGH + 1);
        this.budget = new IcmpBudget(options.maxTtl() - options.firstTtl() + 1);
        this.first = new Tracer(flowOptions(0), link, port, clock, random, budget);
    }

    /** Flow {@code f}'s options: one flow, to {@code basePort + f}, from the common source port. */
    private TraceOptions flowOptions(int f) {
        return options.toBuilder().basePort(options.basePort() + f).flows(1).sourcePort(sourcePort).build();
    }

    /** The UDP source port of every flow's probes. */
    public int sourcePort() {
        return sourcePort;
    }

    /** How many flows {@link #run} traces (the options' {@code flows}). */
    public int flows() {
        return options.flows();
    }

    /** The method every flow's trace reports, for a header printed before the first flow starts. */
    public Method method() {
        TraceOptions flow0 = flowOptions(0);
        return flow0.method().identity(flow0, sourcePort, 0).method();
    }

    /**
     * Runs the flows (see the class's rules) and returns their traces in flow order: all of them, or those
     * run until a {@link #stop()}.
     *
     * @throws PortFailedException when the port fails, with the traces so far (the last one cut short)
     * @throws IllegalStateException on a second call
     */
    public List<Trace> run(FlowListener listener) throws IOException {
        Objects.requireNonNull(listener, "listener");
        if (started) {
            throw new IllegalStateException("a FlowTracer runs once");
        }
        started = true;
        List<Trace> traces = new ArrayList<>();
        for (int f = 0; f < options.flows() && !stopRequested; f++) {
            TraceOptions flowOptions = flowOptions(f);
            Tracer tracer = f == 0 ? first : new Tracer(flowOptions, link, port, clock, random, budget);
            synchronized (lock) {
                if (stopRequested) {
                    break;
                }
                current = tracer;
            }
            ran.add(tracer);
            int flow = f;
            listener.flowStarted(flow, sourcePort, flowOptions.basePort());
            Trace trace;
            try {
                trace = tracer.run(hop -> listener.hopSettled(flow, hop));
            } catch (PortFailedException e) {
                // No later flow starts: hand back every flow so far, this one cut short.
                traces.addAll(e.traces());
                listener.flowEnded(flow, e.traces().get(0));
                throw new PortFailedException((IOException) e.getCause(), traces);
            }
            traces.add(trace);
            if (trace.stop().equals(StopReason.reached()) && !trace.hops().isEmpty()) {
                budget.destinationAt(trace.hops().get(trace.hops().size() - 1).ttl() - options.firstTtl(),
                        clock.nowNanos());
            }
            listener.flowEnded(flow, trace);
        }
        return traces;
    }

    /**
     * The replies to the source that no flow attributed to a probe of its hops, by reason
     * ({@link Tracer#unattributed()} summed over the flows run); read once {@link #run} has returned or thrown.
     * A flow sees only the frames captured while it runs, so a late reply to an earlier flow counts under the
     * flow running when it arrives (usually {@value Tracer#NO_SUCH_PROBE}: another destination port).
     */
    public SortedMap<String, Long> unattributed() {
        SortedMap<String, Long> sum = new TreeMap<>();
        for (Tracer t : ran) {
            t.unattributed().forEach((reason, n) -> sum.merge(reason, n, Long::sum));
        }
        return sum;
    }

    /** Stops the running flow and every later one; safe from any thread, harmless after the end. */
    public void stop() {
        Tracer t;
        synchronized (lock) {
            stopRequested = true;
            t = current;
        }
        if (t != null) {
            t.stop();
        }
    }
}
