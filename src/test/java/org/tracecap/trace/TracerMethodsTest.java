package org.tracecap.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.tracecap.trace.TracerTest.DST;
import static org.tracecap.trace.TracerTest.R1;
import static org.tracecap.trace.TracerTest.R2;
import static org.tracecap.trace.TracerTest.R3;
import static org.tracecap.trace.TracerTest.R4;
import static org.tracecap.trace.TracerTest.R5;
import static org.tracecap.trace.TracerTest.R6;
import static org.tracecap.trace.TracerTest.T0;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.tracecap.model.Hop;
import org.tracecap.model.ProbeResult;
import org.tracecap.model.StopReason;
import org.tracecap.model.Trace;
import org.tracecap.packet.IcmpType;
import org.tracecap.packet.IpAddress;
import org.tracecap.trace.SimulatedNetwork.DestinationMode;

/**
 * The tracer with -I, -T and -U against {@link SimulatedNetwork}, whose routers quote Echo Requests and SYNs in
 * Time Exceeded and whose destination answers as Linux does: Echo Reply, RST from a closed port, SYN-ACK from
 * an open one, Port Unreachable for UDP.
 */
class TracerMethodsTest {
    static TraceOptions options(ProbeProtocol protocol, ProbeMethod method) {
        return TraceOptions.builder().protocol(protocol).method(method).basePort(protocol.defaultPort())
                .build();
    }

    static Trace trace(DestinationMode mode, ProbeProtocol protocol) throws IOException {
        SimulatedNetwork net = TracerTest.straight(new ManualClock(T0), mode).build();
        Trace t = TracerTest.run(net, options(protocol, ProbeMethod.UDP)).trace();
        assertAttributedAsSent(net, t);
        return t;
    }

    /** Every probe answered exactly when the network delivered its reply, by that node (by IP ID: ICMP has no ports). */
    static void assertAttributedAsSent(SimulatedNetwork net, Trace t) {
        java.util.Map<Integer, SimulatedNetwork.Outcome> byIpId = new java.util.HashMap<>();
        for (SimulatedNetwork.Outcome o : net.outcomes()) {
            byIpId.put(o.ipId(), o);
        }
        for (Hop hop : t.hops()) {
            for (ProbeResult p : hop.probes()) {
                Integer expected = byIpId.get(p.ipId()).responder();
                assertEquals(expected == null ? null : IpAddress.ipv4(expected), p.responder(), () -> "ttl " + p.ttl());
            }
        }
    }

    static ProbeResult last(Trace t) {
        Hop hop = t.hops().get(t.hops().size() - 1);
        return hop.probes().get(hop.probes().size() - 1);
    }

    @Test
    void icmpEchoEndsWithTheDestinationsEchoReply() throws IOException {
        Trace t = trace(DestinationMode.PORT_UNREACHABLE, ProbeProtocol.ICMP);
        assertEquals(StopReason.reached(), t.stop());
        assertEquals("icmp", t.method().protocol());
        assertEquals(List.of(R1, R2, R3, R4, DST), firstResponders(t));
        for (ProbeResult p : t.hops().get(4).probes()) {
            assertEquals(IcmpType.ECHO_REPLY, p.icmpType());
            assertEquals(IpAddress.ipv4(DST), p.responder());
        }
        Set<Integer> ids = new HashSet<>();
        int sequence = 1;
        for (Hop hop : t.hops()) {
            for (ProbeResult p : hop.probes()) {
                ids.add(p.icmpId());
                assertEquals(sequence++, p.icmpSequence(), "traceroute -I: sequence 1, 2, 3...");
                assertNull(p.sourcePort());
            }
        }
        assertEquals(1, ids.size(), "one identifier per trace");
    }

    @Test
    void tcpEndsWithRstFromAClosedPortAndSynAckFromAnOpenOne() throws IOException {
        Trace closed = trace(DestinationMode.PORT_UNREACHABLE, ProbeProtocol.TCP);
        assertEquals(StopReason.reached(), closed.stop());
        assertEquals("tcp-sequence", closed.method().probeIdentity());
        assertEquals(List.of(R1, R2, R3, R4, DST), firstResponders(closed));
        assertEquals(0x14, last(closed).tcpFlags(), "RST-ACK");
        assertNull(last(closed).icmpType());
        assertEquals(80, last(closed).destinationPort());
        Trace open = trace(DestinationMode.TCP_OPEN, ProbeProtocol.TCP);
        assertEquals(StopReason.reached(), open.stop());
        assertEquals(0x12, last(open).tcpFlags(), "SYN-ACK");
    }

    @Test
    void udpToOnePortReachesWithPortUnreachable() throws IOException {
        Trace t = trace(DestinationMode.PORT_UNREACHABLE, ProbeProtocol.UDP_PORT);
        assertEquals(StopReason.reached(), t.stop());
        assertEquals(List.of(R1, R2, R3, R4, DST), firstResponders(t));
        for (Hop hop : t.hops()) {
            for (ProbeResult p : hop.probes()) {
                assertEquals(53, p.destinationPort());
            }
        }
    }

    @Test
    void adminProhibitedStopsAnIcmpTraceUnreachable() throws IOException {
        Trace t = trace(DestinationMode.ADMIN_PROHIBITED, ProbeProtocol.ICMP);
        assertEquals(StopReason.unreachable(IcmpType.CODE_ADMIN_PROHIBITED), t.stop());
    }

    @Test
    void echoAndSynProbesOfOneTraceTakeOnePathThroughEcmp() throws IOException {
        for (ProbeProtocol protocol : List.of(ProbeProtocol.ICMP, ProbeProtocol.TCP)) {
            for (ProbeMethod method : List.of(ProbeMethod.UDP, ProbeMethod.PARIS)) {
                ManualClock clock = new ManualClock(T0);
                SimulatedNetwork net = SimulatedNetwork.builder(clock).router(R1, 1000).ecmp(1000, R2, R3)
                        .ecmp(1000, R4, R5).router(R6, 1000).destination(DST, DestinationMode.PORT_UNREACHABLE, 1000)
                        .build();
                TraceOptions o = options(protocol, method).toBuilder().probesPerHop(6).build();
                Trace t = TracerTest.run(net, o).trace();
                assertEquals(StopReason.reached(), t.stop(), protocol + " " + method);
                for (Hop hop : t.hops()) {
                    assertEquals(1, new HashSet<>(TracerTest.responders(hop)).size(),
                            () -> protocol + " " + method + ": one router per hop, got " + t.hops());
                }
            }
        }
    }

    private static List<Integer> firstResponders(Trace t) {
        return t.hops().stream().map(h -> h.probes().get(0).responder().ipv4()).toList();
    }
}
