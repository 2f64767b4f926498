package org.tracecap.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.tracecap.match.FrameSink;
import org.tracecap.model.Hop;
import org.tracecap.model.ProbeResult;
import org.tracecap.model.Trace;
import org.tracecap.packet.Checksum;
import org.tracecap.packet.IcmpErrorEncoder;
import org.tracecap.packet.IcmpType;
import org.tracecap.packet.Ipv4Address;
import org.tracecap.packet.ProbeEncoder;
import org.tracecap.trace.SimulatedNetwork.DestinationMode;

/**
 * Every reason {@link Tracer} counts an unattributed reply under, on {@link SimulatedNetwork} with forged and
 * repeated replies injected by {@link ForgingPort}: each forgery lands under its reason, the counts are exact,
 * and the hops are the network's.
 */
class UnattributedReasonsTest {
    static final long T0 = TracerTest.T0;
    static final long MS = TracerTest.MS;
    static final int SRC = TracerTest.SRC;
    static final int DST = TracerTest.DST;
    static final int R1 = TracerTest.R1;
    static final int R2 = TracerTest.R2;
    static final int FORGER = Ipv4Address.parse("198.18.7.7");
    static final int IP = ProbeEncoder.ETHERNET_HEADER;

    /** A forged reply: sent {@code delayNanos} after probe {@code probe}, made from that probe's frame. */
    record Forgery(int probe, long delayNanos, UnaryOperator<byte[]> make) {
    }

    /**
     * A simulated port that also delivers forgeries, each made from the frame of the probe it imitates and
     * delivered at that probe's send time plus a delay, and delivers every real reply from {@code duplicated}
     * twice (0: none).
     */
    static final class ForgingPort extends ForwardingPacketPort {
        private final ManualClock clock;
        private final List<Forgery> forgeries;
        private final int duplicated;
        private final PriorityQueue<Due> due = new PriorityQueue<>();
        private int probesSent;
        private long sequence;

        private record Due(long time, long sequence, byte[] frame) implements Comparable<Due> {
            @Override
            public int compareTo(Due o) {
                int c = Long.compare(time, o.time);
                return c != 0 ? c : Long.compare(sequence, o.sequence);
            }
        }

        ForgingPort(SimulatedNetwork net, List<Forgery> forgeries, int duplicated) {
            super(net.port());
            this.clock = net.clock();
            this.forgeries = forgeries;
            this.duplicated = duplicated;
        }

        @Override
        public void send(byte[] frame, int length) throws IOException {
            byte[] probe = Arrays.copyOf(frame, length);
            for (Forgery f : forgeries) {
                if (f.probe() == probesSent) {
                    due.add(new Due(clock.nowNanos() + f.delayNanos(), sequence++, f.make().apply(probe)));
                }
            }
            probesSent++;
            super.send(frame, length);
        }

        @Override
        public int receive(FrameSink sink, long timeoutNanos) throws IOException {
            long now = clock.nowNanos();
            if (!due.isEmpty() && due.peek().time() <= now) {
                int n = 0;
                while (!due.isEmpty() && due.peek().time() <= now) {
                    byte[] f = due.poll().frame();
                    sink.frame(now, linkType(), f, f.length, f.length);
                    n++;
                }
                return n;
            }
            long wait = due.isEmpty() ? timeoutNanos : Math.min(timeoutNanos, due.peek().time() - now);
            return super.receive((time, link, bytes, caplen, wire) -> {
                sink.frame(time, link, bytes, caplen, wire);
                if (duplicated != 0 && org.tracecap.packet.Bytes.s32(bytes, IP + 12) == duplicated
                        && bytes[IP + 9] == 1) {
                    sink.frame(time, link, bytes, caplen, wire);
                }
            }, wait);
        }
    }

    // ---- forgeries: a router's answer to the probe, with one field changed --------------------------------

    /** The probe's datagram as a router at its TTL quotes it: TTL 1 (or {@code ttl}), header checksum fixed. */
    static byte[] quote(byte[] probeFrame, int ttl) {
        byte[] d = Arrays.copyOfRange(probeFrame, IP, probeFrame.length);
        d[8] = (byte) ttl;
        return d;
    }

    static byte[] fixed(byte[] d) {
        d[10] = 0;
        d[11] = 0;
        int sum = Checksum.compute(d, 0, ProbeEncoder.IPV4_HEADER);
        d[10] = (byte) (sum >>> 8);
        d[11] = (byte) sum;
        return d;
    }

    static void put16(byte[] d, int at, int v) {
        d[at] = (byte) (v >>> 8);
        d[at + 1] = (byte) v;
    }

    static int u16(byte[] d, int at) {
        return ((d[at] & 0xff) << 8) | (d[at + 1] & 0xff);
    }

    static byte[] timeExceeded(int from, byte[] quote) {
        return IcmpErrorEncoder.timeExceeded(from, SRC, quote, 0, quote.length)
                .ethernet(SimulatedNetwork.PROBER_MAC, SimulatedNetwork.GATEWAY_MAC).toBytes();
    }

    /** A Time Exceeded from the forger quoting the probe with {@code change} made to the quoted datagram. */
    static UnaryOperator<byte[]> changed(java.util.function.Consumer<byte[]> change) {
        return probe -> {
            byte[] d = quote(probe, 1);
            change.accept(d);
            return timeExceeded(FORGER, fixed(d));
        };
    }

    static List<List<Integer>> responders(Trace t) {
        List<List<Integer>> out = new ArrayList<>();
        for (Hop hop : t.hops()) {
            out.add(TracerTest.responders(hop));
        }
        return out;
    }

    record Result(Trace trace, SortedMap<String, Long> unattributed) {
    }

    static Result run(SimulatedNetwork net, TraceOptions options, List<Forgery> forgeries, int duplicated)
            throws IOException {
        try (ForgingPort port = new ForgingPort(net, forgeries, duplicated)) {
            Tracer tracer = new Tracer(options, TracerTest.LINK, port, net.clock(), new SplittableRandom(5));
            Trace t = tracer.run(hop -> { });
            return new Result(t, tracer.unattributed());
        }
    }

    @Test
    void eachForgeryDuplicateAndReplyPastTheLastHopIsCountedUnderItsReason() throws IOException {
        ManualClock clock = new ManualClock(T0);
        SimulatedNetwork net = SimulatedNetwork.builder(clock).router(R1, 1000).router(R2, 1000)
                .destination(DST, DestinationMode.PORT_UNREACHABLE, 1000).icmpRateLimit(false).build();
        long early = 100_000; // 0.1 ms after the probe: before R1's real answer (2 ms)
        List<Forgery> forgeries = List.of(
                new Forgery(0, early, changed(d -> put16(d, 16, u16(d, 16) + 1))), // another destination
                new Forgery(0, early, probe -> IcmpErrorEncoder.echoReply(FORGER, SRC, 1, 1, new byte[8], 0, 8)
                        .ethernet(SimulatedNetwork.PROBER_MAC, SimulatedNetwork.GATEWAY_MAC).toBytes()),
                new Forgery(0, early, changed(d -> put16(d, 22, u16(d, 22) + 100))), // a port never used
                new Forgery(0, early, changed(d -> d[8] = 64)), // a TTL above the probe's 1
                new Forgery(0, early, changed(d -> put16(d, 20, u16(d, 20) + 1))), // another source port
                new Forgery(0, early, changed(d -> put16(d, 4, u16(d, 4) + 0x8000))), // an IP ID never used
                new Forgery(0, early, changed(d -> put16(d, 26, u16(d, 26) + 1))), // a checksum never used
                // The destination's Port Unreachable for probe 9 (TTL 4), early: taken, so the trace would end
                // at TTL 4, until the real answers at TTL 3 bring the last hop down below it.
                new Forgery(9, early, probe -> {
                    byte[] d = fixed(quote(probe, 1));
                    return IcmpErrorEncoder.destinationUnreachable(DST, SRC, IcmpType.CODE_PORT_UNREACHABLE, d, 0,
                            d.length).ethernet(SimulatedNetwork.PROBER_MAC, SimulatedNetwork.GATEWAY_MAC).toBytes();
                }));
        // HERE and NEAR off: the early answer to probe 9 would otherwise cut the wait of probes 10 and 11.
        TraceOptions options = TraceOptions.builder().maxTtl(5).sourcePort(62000)
                .waiting(new TraceOptions.Wait(5, 0, 0)).build();
        Result r = run(net, options, forgeries, R1);

        assertEquals(List.of(List.of(R1, R1, R1), List.of(R2, R2, R2), List.of(DST, DST, DST)),
                responders(r.trace()));
        Map<String, Long> expected = new TreeMap<>(Map.of(
                Tracer.NOT_OUR_QUOTE, 2L, // another destination, the Echo Reply
                Tracer.NO_SUCH_PROBE, 1L,
                Tracer.QUOTED_TTL_ABOVE, 1L,
                Tracer.SOURCE_PORT, 1L,
                Tracer.IP_ID, 1L,
                Tracer.CHECKSUM, 1L,
                // R1's three answers delivered twice; the destination's real answer to probe 9
                Tracer.DUPLICATE, 4L,
                // probe 9 answered, then above the last hop; the real answers to 10-14 (TTLs 4-5)
                Tracer.PAST_LAST_HOP, 6L));
        assertEquals(expected, r.unattributed());
    }

    @Test
    void aReplyAfterItsProbeTimedOutIsCountedLate() throws IOException {
        ManualClock clock = new ManualClock(T0);
        SimulatedNetwork net = SimulatedNetwork.builder(clock).router(R1, 1000).silentRouter(R2, 1000)
                .destination(DST, DestinationMode.PORT_UNREACHABLE, 1000).build();
        // Probes 0.5 s apart, MAX wait 1 s: probe 3 (TTL 2) times out at 2.5 s while the trace goes on; R2's
        // answer, sent late, arrives at 2.7 s.
        TraceOptions options = TraceOptions.builder().maxTtl(5).sourcePort(62000).sendIntervalNanos(500 * MS)
                .waiting(new TraceOptions.Wait(1, 0, 0)).build();
        List<Forgery> late = List.of(new Forgery(3, 1200 * MS, probe -> timeExceeded(R2, fixed(quote(probe, 1)))));
        Result r = run(net, options, late, 0);

        assertEquals(List.of(List.of(R1, R1, R1), Arrays.asList(null, null, null), List.of(DST, DST, DST)),
                responders(r.trace()));
        assertEquals(Map.of(Tracer.TIMED_OUT, 1L), r.unattributed());
    }

    @Test
    void aFlowTracerSumsItsFlows() throws IOException {
        ManualClock clock = new ManualClock(T0);
        SimulatedNetwork net = SimulatedNetwork.builder(clock).router(R1, 1000).router(R2, 1000)
                .destination(DST, DestinationMode.PORT_UNREACHABLE, 1000).icmpRateLimit(false).build();
        TraceOptions options = TraceOptions.builder().method(ProbeMethod.DUBLIN).flows(2).probesPerHop(1)
                .maxTtl(5).build();
        try (PacketPort port = net.port()) {
            FlowTracer ft = new FlowTracer(options, TracerTest.LINK, port, clock, new SplittableRandom(3));
            List<Trace> traces = ft.run(new FlowTracer.FlowListener() {
                @Override
                public void flowStarted(int flow, int sourcePort, int destinationPort) {
                }

                @Override
                public void hopSettled(int flow, Hop hop) {
                }

                @Override
                public void flowEnded(int flow, Trace trace) {
                }
            });
            assertEquals(2, traces.size());
            for (Trace t : traces) {
                assertEquals(List.of(List.of(R1), List.of(R2), List.of(DST)), responders(t));
                for (Hop hop : t.hops()) {
                    for (ProbeResult p : hop.probes()) {
                        assertEquals(true, p.answered());
                    }
                }
            }
            // Each flow's probes at TTLs 4 and 5 went out before the destination answered at TTL 3.
            assertEquals(Map.of(Tracer.PAST_LAST_HOP, 4L), ft.unattributed());
        }
    }
}
