package org.tracecap.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.tracecap.model.Hop;
import org.tracecap.model.ProbeResult;
import org.tracecap.model.StopReason;
import org.tracecap.model.Trace;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.Ipv4Address;

/** {@link CampaignTracer} against a simulated fan of rate-limited routers, in virtual time. */
class CampaignTracerTest {
    private static final long START = 1_700_000_000_000_000_000L;
    private static final IpAddress SOURCE = IpAddress.parse("198.18.1.1");
    private static final int R1 = Ipv4Address.parse("198.18.1.2");
    private static final int R2 = Ipv4Address.parse("198.18.2.2");

    /** A shared chain r1, r2, then {@code leaves} leaf routers with {@code perLeaf} loopback destinations each. */
    private static final class Fan {
        final ManualClock clock = new ManualClock(START);
        final SimulatedFan net = new SimulatedFan(clock);
        final List<IpAddress> targets = new ArrayList<>();
        final SimulatedFan.Node r1;
        final SimulatedFan.Node r2;
        final List<SimulatedFan.Node> leaves = new ArrayList<>();

        Fan(int leaves, int perLeaf, boolean leavesLimit) {
            this(leaves, perLeaf, true, leavesLimit);
        }

        Fan(int leaves, int perLeaf, boolean chainLimits, boolean leavesLimit) {
            r1 = net.node(R1, chainLimits);
            r2 = net.node(R2, chainLimits);
            for (int k = 0; k < leaves; k++) {
                SimulatedFan.Node leaf = net.node(Ipv4Address.parse("198.18.3." + (k + 2)), leavesLimit);
                this.leaves.add(leaf);
                for (int i = 0; i < perLeaf; i++) {
                    int d = Ipv4Address.parse("198.19." + (100 + k) + "." + (i + 1));
                    net.destination(d, r1, r2, leaf);
                    targets.add(IpAddress.ipv4(d));
                }
            }
        }

        CampaignTracer tracer(CampaignSettings settings, long seed) {
            return new CampaignTracer(TraceOptions.builder().method(ProbeMethod.PARIS).build(),
                    new LinkFacts("sim0", SimulatedFan.PROBER_MAC, SimulatedFan.GATEWAY_MAC, SOURCE, SOURCE),
                    net.port(), clock, settings, new SplittableRandom(seed));
        }
    }

    private static CampaignSettings rate(int pps) {
        return new CampaignSettings(pps, 256, null, CampaignSettings.DEFAULT_GAP_LIMIT);
    }

    /** Every trace: reached, hops 1-3 answered by r1, r2, the destination, as the topology says. */
    private static void assertPathsRight(Fan fan, List<Trace> traces) {
        assertEquals(fan.targets.size(), traces.size());
        for (Trace t : traces) {
            assertEquals(StopReason.reached(), t.stop(), t.destination().toString());
            assertEquals(3, t.hops().size(), t.destination().toString());
            List<SimulatedFan.Node> path = fan.net.path(t.destination());
            for (Hop h : t.hops()) {
                IpAddress expected = h.ttl() == 3 ? t.destination() : IpAddress.ipv4(path.get(h.ttl() - 1).address);
                assertTrue(h.probes().stream().anyMatch(ProbeResult::answered), "hop " + h.ttl() + " answered");
                for (ProbeResult p : h.probes()) {
                    if (p.answered()) {
                        assertEquals(expected, p.responder(), "hop " + h.ttl() + " of " + t.destination());
                    }
                }
            }
        }
    }

    @Test
    void aFanIsTracedRightWithinTheRoutersLimits() throws IOException {
        Fan fan = new Fan(4, 9, true);
        CampaignTracer tracer = fan.tracer(rate(100), 1);
        List<Trace> traces = new ArrayList<>();
        assertFalse(tracer.run(fan.targets.iterator(), traces::add));
        assertPathsRight(fan, traces);
        // Doubletree: r1 is measured by few traces, the others learn it (and say from which trace).
        long learned = traces.stream().filter(t -> t.hops().get(0).learnedFrom() != null).count();
        assertTrue(learned >= fan.targets.size() - 3, learned + " traces learned hop 1");
        for (Trace t : traces) {
            Hop first = t.hops().get(0);
            if (first.learnedFrom() != null) {
                assertNotEquals(t.destination().toString(), first.learnedFrom());
                assertTrue(fan.targets.contains(IpAddress.parse(first.learnedFrom())));
            }
            assertNull(t.hops().get(2).learnedFrom(), "the destination's hop is always the trace's own");
        }
        assertTrue(fan.r1.answered <= 6, "r1 answered " + fan.r1.answered);
        // No probe met an empty bucket: the pacing kept every router within its limit.
        for (SimulatedFan.Node n : List.of(fan.r1, fan.r2, fan.leaves.get(0), fan.leaves.get(3))) {
            assertTrue(n.limited <= 2, n.limited + " probes dropped by " + Ipv4Address.format(n.address));
        }
        // About 2 probes a target (the destination and the hop before it), and the time r2's bucket imposes.
        assertTrue(tracer.probesSent() <= 2 * fan.targets.size() + 12, tracer.probesSent() + " probes");
        long seconds = (fan.clock.nowNanos() - START) / 1_000_000_000L;
        assertTrue(seconds >= fan.targets.size() - 6 - 3 && seconds <= fan.targets.size() + 5, seconds + " s");
    }

    @Test
    void routersThatDoNotLimitAreLearnedAndNotPaced() throws IOException {
        Fan open = new Fan(2, 40, false, false);
        CampaignTracer tracer = open.tracer(rate(100), 2);
        List<Trace> traces = new ArrayList<>();
        tracer.run(open.targets.iterator(), traces::add);
        assertPathsRight(open, traces);
        // Paced as Linux routers, r2 alone would take 80 answers at one a second; learned unlimited, the rate
        // (100 probes a second, about 2 a target) is the only bound.
        long seconds = (open.clock.nowNanos() - START) / 1_000_000_000L;
        assertTrue(seconds <= 10, seconds + " s");
        assertTrue(tracer.probesSent() <= 2 * open.targets.size() + 20, tracer.probesSent() + " probes");
    }

    @Test
    void theRateCapsProbesPerSecondAndTheOrderIsRandom() throws IOException {
        List<List<Integer>> orders = new ArrayList<>();
        for (long seed : new long[] {3, 4}) {
            Fan fan = new Fan(4, 6, false, false);
            List<Long> sends = new ArrayList<>();
            List<Integer> order = new ArrayList<>();
            PacketPort inner = fan.net.port();
            PacketPort counting = new ForwardingPacketPort(inner) {
                @Override
                public void send(byte[] frame, int length) throws IOException {
                    sends.add(fan.clock.nowNanos());
                    order.add((frame[14 + 19] & 0xff) << 16 | (frame[14 + 18] & 0xff) << 8 | (frame[14 + 8] & 0xff));
                    super.send(frame, length);
                }
            };
            CampaignTracer tracer = new CampaignTracer(TraceOptions.builder().method(ProbeMethod.PARIS).build(),
                    new LinkFacts("sim0", SimulatedFan.PROBER_MAC, SimulatedFan.GATEWAY_MAC, SOURCE, SOURCE), counting,
                    fan.clock, rate(20), new SplittableRandom(seed));
            List<Trace> traces = new ArrayList<>();
            tracer.run(fan.targets.iterator(), traces::add);
            assertEquals(fan.targets.size(), traces.size());
            for (int i = 1; i < sends.size(); i++) {
                assertTrue(sends.get(i) - sends.get(i - 1) >= 50_000_000L, "20 pps: 50 ms apart");
            }
            orders.add(order);
        }
        assertNotEquals(orders.get(0), orders.get(1), "the (target, TTL) order is random");
    }

    @Test
    void targetsAreReadAsTheCampaignGoesAndCtrlCStopsAtOnce() throws IOException {
        Fan fan = new Fan(4, 30, true);
        AtomicInteger read = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger mostInFlight = new AtomicInteger();
        Iterator<IpAddress> all = fan.targets.iterator();
        Iterator<IpAddress> counted = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return all.hasNext();
            }

            @Override
            public IpAddress next() {
                mostInFlight.accumulateAndGet(read.incrementAndGet() - done.get(), Math::max);
                return all.next();
            }
        };
        CampaignTracer tracer = fan.tracer(new CampaignSettings(100, 8, null, 5), 5);
        List<Trace> traces = new ArrayList<>();
        boolean interrupted = tracer.run(counted, t -> {
            traces.add(t);
            done.incrementAndGet();
            if (traces.size() == 40) {
                tracer.stop();
            }
        });
        assertTrue(interrupted);
        assertEquals(40, traces.size(), "nothing written after the stop");
        assertTrue(mostInFlight.get() <= 8, mostInFlight.get() + " targets in flight");
        assertTrue(read.get() < fan.targets.size(), "the rest of the list was never read");
        assertTrue(tracer.unfinished() <= 8);
        long sent = tracer.probesSent();
        assertEquals(sent, fan.net.probes);
    }

    @Test
    void aForcedStartTtlAboveThePathFindsTheDestinationBackward() throws IOException {
        Fan fan = new Fan(2, 5, false);
        CampaignTracer tracer = fan.tracer(new CampaignSettings(100, 16, 8, 5), 6);
        List<Trace> traces = new ArrayList<>();
        tracer.run(fan.targets.iterator(), traces::add);
        assertPathsRight(fan, traces);
    }

    @Test
    void aSilentDestinationEndsAtTheGapLimit() throws IOException {
        ManualClock clock = new ManualClock(START);
        SimulatedFan net = new SimulatedFan(clock);
        SimulatedFan.Node r1 = net.node(R1, true);
        SimulatedFan.Node quiet = net.node(Ipv4Address.parse("198.18.9.9"), true, true);
        int d = Ipv4Address.parse("198.19.1.1");
        SimulatedFan.Node[] path = new SimulatedFan.Node[12];
        path[0] = r1;
        java.util.Arrays.fill(path, 1, 12, quiet);
        net.destination(d, path);
        CampaignTracer tracer = new CampaignTracer(TraceOptions.builder().waiting(new TraceOptions.Wait(1, 0, 0))
                .build(), new LinkFacts("sim0", SimulatedFan.PROBER_MAC, SimulatedFan.GATEWAY_MAC, SOURCE, SOURCE),
                net.port(), clock, new CampaignSettings(100, 4, 2, 3), new SplittableRandom(7));
        List<Trace> traces = new ArrayList<>();
        tracer.run(List.of(IpAddress.ipv4(d)).iterator(), traces::add);
        Trace t = traces.get(0);
        assertEquals(StopReason.gapLimit(), t.stop());
        assertEquals(4, t.hops().size(), "hop 1 and three silent TTLs");
        assertEquals(3, t.hops().get(3).probes().size(), "-q 3 attempts at a silent hop");
        assertEquals(IpAddress.ipv4(R1), t.hops().get(0).probes().get(0).responder());
    }

    @Test
    void aDestinationWhosePortUnreachablesAreSpentIsAskedWithAnEcho() throws IOException {
        Fan fan = new Fan(2, 4, true);
        for (SimulatedFan.Node leaf : fan.leaves) {
            leaf.tokens = 0; // every Port Unreachable of the leaves' addresses is limited away
            leaf.refills = false;
        }
        CampaignTracer tracer = fan.tracer(rate(100), 8);
        List<Trace> traces = new ArrayList<>();
        tracer.run(fan.targets.iterator(), traces::add);
        assertEquals(fan.targets.size(), traces.size());
        for (Trace t : traces) {
            assertEquals(StopReason.reached(), t.stop(), t.destination().toString());
            Hop last = t.hops().get(t.hops().size() - 1);
            assertEquals(3, last.ttl(), t.destination() + ": " + t.hops());
            ProbeResult answer = last.probes().stream().filter(ProbeResult::answered).findFirst().orElseThrow();
            assertEquals(t.destination(), answer.responder());
            assertEquals(0, (int) answer.icmpType(), "the Echo Reply answered");
            assertFalse(last.probes().get(0).answered(), "the UDP probe first, unanswered");
        }
    }
}
