package org.tracecap.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.tracecap.trace.TracerTest.DST;
import static org.tracecap.trace.TracerTest.LINK;
import static org.tracecap.trace.TracerTest.R1;
import static org.tracecap.trace.TracerTest.R2;
import static org.tracecap.trace.TracerTest.R3;
import static org.tracecap.trace.TracerTest.R4;
import static org.tracecap.trace.TracerTest.R5;
import static org.tracecap.trace.TracerTest.T0;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tracecap.match.FrameSink;
import org.tracecap.model.Hop;
import org.tracecap.model.Method;
import org.tracecap.model.ProbeResult;
import org.tracecap.model.Trace;
import org.tracecap.packet.IpAddress;
import org.tracecap.replay.Reconstructor;
import org.tracecap.testnet.Hops;
import org.tracecap.trace.SimulatedNetwork.DestinationMode;

/**
 * What a live Paris or Dublin trace captured replays into the same traces ({@code --save-pcap} then
 * {@code tracecap replay}): the replay recognises the method by its changing field and splits Dublin's flows.
 */
class DublinReplayTest {

    /** Every frame a port delivers, kept as a capture would. */
    record Frame(long time, int linkType, byte[] bytes) {
    }

    static final class RecordingPort extends ForwardingPacketPort {
        final List<Frame> frames = new ArrayList<>();

        RecordingPort(PacketPort inner) {
            super(inner);
        }

        @Override
        public int receive(FrameSink sink, long timeoutNanos) throws IOException {
            return super.receive((t, link, bytes, caplen, wire) -> {
                frames.add(new Frame(t, link, Arrays.copyOf(bytes, caplen)));
                sink.frame(t, link, bytes, caplen, wire);
            }, timeoutNanos);
        }
    }

    static List<Trace> replay(List<Frame> frames) {
        List<Trace> out = new ArrayList<>();
        Reconstructor r = new Reconstructor(out::add);
        for (Frame f : frames) {
            r.frame(f.time(), f.linkType(), f.bytes(), f.bytes().length, f.bytes().length);
        }
        r.finish(false);
        return out;
    }

    static List<List<Integer>> responders(Trace t) {
        List<List<Integer>> out = new ArrayList<>();
        for (Hop h : t.hops()) {
            out.add(h.probes().stream().map(p -> p.responder() == null ? null : p.responder().ipv4()).toList());
        }
        return out;
    }

    static SimulatedNetwork diamond() {
        return SimulatedNetwork.builder(new ManualClock(T0)).router(R1, 1000).ecmp(1000, R2, R3).ecmp(1000, R4, R5)
                .destination(DST, DestinationMode.PORT_UNREACHABLE, 1000).build();
    }

    @Test
    void aDublinRunReplaysIntoOneTracePerFlow() throws IOException {
        SimulatedNetwork net = diamond();
        try (RecordingPort port = new RecordingPort(net.port())) {
            TraceOptions options = TraceOptions.builder().method(ProbeMethod.DUBLIN).flows(3).probesPerHop(1)
                    .maxTtl(8).build();
            List<Trace> live = new FlowTracer(options, LINK, port, net.clock(), new SplittableRandom(5))
                    .run(Hops.SILENT_FLOWS);
            List<Trace> replayed = replay(port.frames);
            assertEquals(live.size(), replayed.size(), replayed::toString);
            for (int f = 0; f < live.size(); f++) {
                assertEquals(responders(live.get(f)), responders(replayed.get(f)), "flow " + f);
                // recognised as tracecap's own (ToolRecognizer rule 10), as the live run named itself
                assertEquals(new Method("udp", "tracecap", "ip-id"), replayed.get(f).method());
                assertEquals(live.get(f).method(), replayed.get(f).method());
            }
        }
    }

    @Test
    void aClassicRunReplaysNamedTracecap() throws IOException {
        SimulatedNetwork net = diamond();
        try (RecordingPort port = new RecordingPort(net.port())) {
            Trace live = new Tracer(TraceOptions.builder().maxTtl(8).build(), LINK, port, net.clock(),
                    new SplittableRandom(7)).run(hop -> { });
            List<Trace> replayed = replay(port.frames);
            assertEquals(1, replayed.size(), replayed::toString);
            assertEquals(responders(live), responders(replayed.get(0)));
            // ToolRecognizer rule 2: one source port, port and IP ID both base + n, zero payload
            assertEquals(new Method("udp", "tracecap", "udp-destination-port"), replayed.get(0).method());
        }
    }

    @Test
    void aParisRunReplaysIntoTheSameHops() throws IOException {
        SimulatedNetwork net = diamond();
        try (RecordingPort port = new RecordingPort(net.port())) {
            Trace live = new Tracer(TraceOptions.builder().method(ProbeMethod.PARIS).maxTtl(8).build(), LINK, port,
                    net.clock(), new SplittableRandom(5)).run(hop -> { });
            List<Trace> replayed = replay(port.frames);
            assertEquals(1, replayed.size(), replayed::toString);
            assertEquals(responders(live), responders(replayed.get(0)));
            // ToolRecognizer rule 9: checksum n + 1, IP ID base + n
            assertEquals(new Method("udp", "tracecap", "udp-checksum"), replayed.get(0).method());
        }
    }

    /** Behind a stateless NAT (hop 2), the replayed flows mark the hop past it as the live run did. */
    @Test
    void aDublinRunBehindANatReplaysWithTheNatHopMarked() throws IOException {
        int natSource = org.tracecap.packet.Ipv4Address.parse("198.18.99.1");
        SimulatedNetwork net = SimulatedNetwork.builder(new ManualClock(T0)).router(R1, 1000)
                .natRouter(R2, natSource, 1000).router(R3, 1000)
                .destination(DST, DestinationMode.PORT_UNREACHABLE, 1000).build();
        try (RecordingPort port = new RecordingPort(net.port())) {
            TraceOptions options = TraceOptions.builder().method(ProbeMethod.DUBLIN).flows(2).probesPerHop(1)
                    .maxTtl(8).build();
            List<Trace> live = new FlowTracer(options, LINK, port, net.clock(), new SplittableRandom(5))
                    .run(Hops.SILENT_FLOWS);
            List<Trace> replayed = replay(port.frames);
            assertEquals(2, replayed.size(), replayed::toString);
            for (int f = 0; f < live.size(); f++) {
                List<Boolean> liveNat = live.get(f).hops().stream().map(Hop::nat).toList();
                assertEquals(List.of(false, false, true, false), liveNat, "flow " + f);
                assertEquals(liveNat, replayed.get(f).hops().stream().map(Hop::nat).toList(), "flow " + f);
            }
        }
    }
}
