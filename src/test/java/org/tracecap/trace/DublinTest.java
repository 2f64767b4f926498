package org.tracecap.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tracecap.trace.TracerTest.DST;
import static org.tracecap.trace.TracerTest.LINK;
import static org.tracecap.trace.TracerTest.MS;
import static org.tracecap.trace.TracerTest.R1;
import static org.tracecap.trace.TracerTest.R2;
import static org.tracecap.trace.TracerTest.R3;
import static org.tracecap.trace.TracerTest.R4;
import static org.tracecap.trace.TracerTest.R5;
import static org.tracecap.trace.TracerTest.R6;
import static org.tracecap.trace.TracerTest.R7;
import static org.tracecap.trace.TracerTest.T0;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tracecap.match.QuotedProbe;
import org.tracecap.match.SentProbe;
import org.tracecap.model.Hop;
import org.tracecap.model.Method;
import org.tracecap.model.ProbeResult;
import org.tracecap.model.StopReason;
import org.tracecap.model.Trace;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.IpProtocol;
import org.tracecap.packet.Ipv4Address;
import org.tracecap.packet.ProbeEncoder;
import org.tracecap.trace.SimulatedNetwork.DestinationMode;

/** {@code --method dublin}: flows on one path each, the IP ID as identity, NAT found by quoted checksums. */
class DublinTest {
    static final int NAT = Ipv4Address.parse("198.18.100.1");

    record FlowRun(List<Trace> traces, List<String> events, long elapsed) {
    }

    static FlowRun run(SimulatedNetwork net, TraceOptions options) throws IOException {
        ManualClock clock = net.clock();
        long start = clock.nowNanos();
        List<String> events = new ArrayList<>();
        try (PacketPort port = net.port()) {
            FlowTracer ft = new FlowTracer(options, LINK, port, clock, new SplittableRandom(3));
            List<Trace> traces = ft.run(new FlowTracer.FlowListener() {
                @Override
                public void flowStarted(int flow, int sourcePort, int destinationPort) {
                    events.add("start " + flow + " " + destinationPort);
                }

                @Override
                public void hopSettled(int flow, Hop hop) {
                    events.add("hop " + flow + " " + hop.ttl());
                }

                @Override
                public void flowEnded(int flow, Trace trace) {
                    events.add("end " + flow);
                }
            });
            return new FlowRun(traces, events, clock.nowNanos() - start);
        }
    }

    static TraceOptions dublin(int flows) {
        return TraceOptions.builder().method(ProbeMethod.DUBLIN).flows(flows).probesPerHop(1).build();
    }

    @Test
    void identityIsTheIpIdAndTheFlowsPorts() {
        DublinUdpIdentity id = new DublinUdpIdentity(33435, 30, 62000, 0xfffe);
        assertEquals(new ProbeIdentity.ProbeFields(62000, 33435, 0xfffe, ProbeEncoder.NATURAL_CHECKSUM), id.fields(0));
        assertEquals(new ProbeIdentity.ProbeFields(62000, 33435, 3, ProbeEncoder.NATURAL_CHECKSUM), id.fields(5));
        assertThrows(IllegalArgumentException.class, () -> id.fields(30));
        assertEquals(new Method("udp", "tracecap", "ip-id"), id.method());
        SentProbe p5 = new SentProbe(0, IpAddress.ipv4(1), IpAddress.ipv4(2), IpProtocol.UDP, 6, 3, 60, 0, 62000,
                33435, 0, 0, 0x4321, 0);
        assertEquals(5, id.sequenceOf(p5));
        assertEquals(-1, id.sequenceOf(new SentProbe(0, IpAddress.ipv4(1), IpAddress.ipv4(2), IpProtocol.UDP, 6, 3,
                60, 0, 62000, 33436, 0, 0,
                0x4321, 0)), "another flow");
        assertEquals(-1, id.sequenceOf(new SentProbe(0, IpAddress.ipv4(1), IpAddress.ipv4(2), IpProtocol.UDP, 6,
                0xfffd, 60, 0, 62000, 33435, 0, 0,
                0x4321, 0)), "before probe 0");
        assertTrue(id.owns(new QuotedProbe(IpAddress.ipv4(1), IpAddress.ipv4(2), IpProtocol.UDP, 1, 3, 60, 0, 62000,
                33435, 0, 0, 0x4321, 0, 28), p5));
        assertFalse(id.owns(new QuotedProbe(IpAddress.ipv4(1), IpAddress.ipv4(2), IpProtocol.UDP, 1, 3, 60, 0, 62000,
                33435, 0, 0, 0x9999, 0, 28), p5),
                "our source, another checksum: forged");
        assertTrue(id.owns(new QuotedProbe(IpAddress.ipv4(NAT), IpAddress.ipv4(2), IpProtocol.UDP, 1, 3, 60, 0, 62000,
                33435, 0, 0, 0x9999, 0, 28),
                p5), "checksum rewritten by a NAT");
        assertTrue(id.owns(new QuotedProbe(IpAddress.ipv4(NAT), IpAddress.ipv4(2), IpProtocol.UDP, 1, 3, 60, 0, 1024,
                33435, 0, 0, 0x9999, 0, 28),
                p5), "source and port rewritten by a NAT");
        assertFalse(id.owns(new QuotedProbe(IpAddress.ipv4(1), IpAddress.ipv4(2), IpProtocol.UDP, 1, 3, 60, 0, 1024,
                33435, 0, 0, 0x4321, 0, 28),
                p5), "our address, another source port");
        assertFalse(id.owns(new QuotedProbe(IpAddress.ipv4(1), IpAddress.ipv4(2), IpProtocol.UDP, 1, 4, 60, 0, 62000,
                33435, 0, 0, 0x4321, 0, 28),
                p5), "probe 6's IP ID");
    }

    @Test
    void optionsTakeFlowsForDublinOnly() {
        assertEquals(1, TraceOptions.defaults().flows());
        assertEquals(20, TraceOptions.builder().method(ProbeMethod.DUBLIN).flows(20).build().flows());
        assertThrows(IllegalArgumentException.class, () -> TraceOptions.builder().flows(2).build());
        assertThrows(IllegalArgumentException.class,
                () -> TraceOptions.builder().method(ProbeMethod.DUBLIN).flows(65).build());
        assertThrows(IllegalArgumentException.class,
                () -> TraceOptions.builder().method(ProbeMethod.DUBLIN).flows(3).basePort(65534).build());
        TraceOptions many = TraceOptions.builder().method(ProbeMethod.DUBLIN).flows(2).build();
        assertThrows(IllegalArgumentException.class, () -> new Tracer(many, LINK,
                SimulatedNetwork.builder(new ManualClock(T0)).destination(DST, DestinationMode.PORT_UNREACHABLE, 1)
                        .build().port(), new ManualClock(T0)), "a Tracer traces one flow");
    }

    @Test
    void sourcePortAndMethodAreKnownBeforeTheRun() {
        ManualClock clock = new ManualClock(T0);
        PacketPort port = SimulatedNetwork.builder(clock).destination(DST, DestinationMode.PORT_UNREACHABLE, 1).build()
                .port();
        FlowTracer ft = new FlowTracer(TraceOptions.builder().method(ProbeMethod.DUBLIN).flows(4).sourcePort(61234)
                .build(), LINK, port, clock);
        assertEquals(61234, ft.sourcePort());
        assertEquals(4, ft.flows());
        assertEquals(new Method("udp", "tracecap", "ip-id"), ft.method());
        FlowTracer paris = new FlowTracer(TraceOptions.builder().method(ProbeMethod.PARIS).build(), LINK, port, clock,
                new SplittableRandom(1));
        assertTrue(paris.sourcePort() >= 61000 && paris.sourcePort() <= 65535);
        assertEquals(new Method("udp", "tracecap", "udp-checksum"), paris.method());
    }

    @Test
    void eachFlowIsItsOwnTraceOnOnePath() throws IOException {
        SimulatedNetwork net = SimulatedNetwork.builder(new ManualClock(T0)).router(R1, 1000).ecmp(1000, R2, R3)
                .ecmp(1000, R4, R5, R6, R7).destination(DST, DestinationMode.PORT_UNREACHABLE, 1000).build();
        FlowRun r = run(net, TraceOptions.builder().method(ProbeMethod.DUBLIN).flows(8).probesPerHop(2).build());
        assertEquals(8, r.traces().size());
        Set<Integer> hop2 = new HashSet<>();
        Set<Integer> hop3 = new HashSet<>();
        int sourcePort = r.traces().get(0).hops().get(0).probes().get(0).sourcePort();
        for (int f = 0; f < 8; f++) {
            Trace t = r.traces().get(f);
            assertEquals(StopReason.reached(), t.stop());
            assertEquals(new Method("udp", "tracecap", "ip-id"), t.method());
            TracerTest.assertAttributedAsSent(net, t);
            assertEquals(4, t.hops().size());
            Set<Integer> checksums = new HashSet<>();
            for (Hop h : t.hops()) {
                assertFalse(h.nat(), "no NAT on this path");
                Set<Integer> responders = new HashSet<>();
                for (ProbeResult p : h.probes()) {
                    assertTrue(p.answered(), "flow " + f + " ttl " + h.ttl());
                    responders.add(p.responder().ipv4());
                    assertEquals(33434 + f, p.destinationPort());
                    assertEquals(sourcePort, p.sourcePort());
                    checksums.add(p.udpChecksum());
                }
                assertEquals(1, responders.size(), "flow " + f + " ttl " + h.ttl() + ": " + responders);
            }
            assertEquals(1, checksums.size(), "one fixed flow, one checksum");
            hop2.addAll(ParisTest.respondersPerHop(t).get(1));
            hop3.addAll(ParisTest.respondersPerHop(t).get(2));
        }
        assertEquals(Set.of(R2, R3), hop2, "8 flows cover both branches of the first stage");
        assertTrue(hop3.size() >= 3, "and most of the second: " + hop3);
        assertEquals("start 0 33434", r.events().get(0));
        assertEquals("hop 0 1", r.events().get(1));
        assertEquals("end 7", r.events().get(r.events().size() - 1));
    }

    @Test
    void theNatHopIsFlaggedInEveryFlow() throws IOException {
        SimulatedNetwork net = SimulatedNetwork.builder(new ManualClock(T0)).router(R1, 1000)
                .natRouter(R2, NAT, 1000).router(R3, 1000).router(R4, 1000)
                .destination(DST, DestinationMode.PORT_UNREACHABLE, 1000).build();
        FlowRun r = run(net, dublin(3));
        assertEquals(3, r.traces().size());
        for (Trace t : r.traces()) {
            TracerTest.assertAttributedAsSent(net, t);
            List<Boolean> nat = new ArrayList<>();
            for (Hop h : t.hops()) {
                nat.add(h.nat());
            }
            // R2 rewrites what it forwards: R3 is the first to quote the new source and checksum.
            assertEquals(List.of(false, false, true, false, false), nat);
            ProbeResult atR3 = t.hops().get(2).probes().get(0);
            assertEquals(IpAddress.ipv4(R3), atR3.responder());
            assertTrue(!atR3.udpChecksum().equals(atR3.quotedUdpChecksum()));
        }
    }

    @Test
    void classicAndParisTracesFlagTheNatToo() throws IOException {
        for (ProbeMethod m : List.of(ProbeMethod.UDP, ProbeMethod.PARIS)) {
            SimulatedNetwork net = SimulatedNetwork.builder(new ManualClock(T0)).natRouter(R1, NAT, 1000)
                    .router(R2, 1000).destination(DST, DestinationMode.PORT_UNREACHABLE, 1000).build();
            Trace t = TracerTest.run(net, TraceOptions.builder().method(m).build()).trace();
            assertEquals(StopReason.reached(), t.stop(), m.name());
            TracerTest.assertAttributedAsSent(net, t);
            assertEquals(List.of(false, true, false), t.hops().stream().map(Hop::nat).toList(), m.name());
        }
    }

    @Test
    void flowsShareTheRoutersRateLimitInsteadOfLosingAnswers() throws IOException {
        SimulatedNetwork net = TracerTest.straight(new ManualClock(T0), DestinationMode.PORT_UNREACHABLE).build();
        // 4 flows x 3 probes = 12 per router: 6 at once, then one per second; the destination also answers
        // the few probes each flow's window sends past it before its answer is known.
        FlowRun r = run(net, TraceOptions.builder().method(ProbeMethod.DUBLIN).flows(4).build());
        for (Trace t : r.traces()) {
            for (Hop h : t.hops()) {
                for (ProbeResult p : h.probes()) {
                    assertTrue(p.answered(), "ttl " + h.ttl() + " port " + p.destinationPort());
                }
            }
        }
        assertTrue(r.elapsed() >= 5_000 * MS && r.elapsed() < 10_000 * MS, "took " + r.elapsed() / MS + " ms");
    }

    @Test
    void stopEndsTheRunningFlowAndStartsNoOther() throws IOException {
        SimulatedNetwork net = TracerTest.straight(new ManualClock(T0), DestinationMode.SILENT).build();
        try (PacketPort port = net.port()) {
            FlowTracer[] ft = new FlowTracer[1];
            ft[0] = new FlowTracer(dublin(5), LINK, port, net.clock(), new SplittableRandom(1));
            List<Trace> traces = ft[0].run(new FlowTracer.FlowListener() {
                @Override
                public void flowStarted(int flow, int sourcePort, int destinationPort) {
                }

                @Override
                public void hopSettled(int flow, Hop hop) {
                    if (flow == 1 && hop.ttl() == 2) {
                        ft[0].stop();
                    }
                }

                @Override
                public void flowEnded(int flow, Trace trace) {
                }
            });
            assertEquals(2, traces.size());
            assertEquals(StopReason.maxTtl(), traces.get(0).stop());
            assertEquals(StopReason.interrupted(), traces.get(1).stop());
        }
    }
}
