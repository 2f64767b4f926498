package org.tracecap.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tracecap.trace.MultipathTracerTest.a;
import static org.tracecap.trace.TracerTest.DST;
import static org.tracecap.trace.TracerTest.LINK;
import static org.tracecap.trace.TracerTest.R1;
import static org.tracecap.trace.TracerTest.R2;
import static org.tracecap.trace.TracerTest.R3;
import static org.tracecap.trace.TracerTest.R4;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.tracecap.graph.Graph;
import org.tracecap.model.Hop;
import org.tracecap.model.ProbeResult;
import org.tracecap.model.StopReason;
import org.tracecap.model.Trace;

/**
 * The MDA with TCP SYN probes ({@code --multipath -T}: flows are source ports, the destination answers RST) and
 * ICMP Echo probes ({@code --multipath -I}: flows are identifier/checksum pairs, the destination answers).
 */
class MultipathMethodsTest {
    static TraceOptions tcp() {
        return TraceOptions.builder().protocol(ProbeProtocol.TCP).basePort(80).sourcePort(61000).build();
    }

    @Test
    void sourcePortFlowsFindBothBranchesOfTheDiamond() {
        MultipathTracerTest.Run r = MultipathTracerTest.run(MultipathTracerTest.diamondOfTwo(), tcp(), 95, 7);
        Graph g = r.graph();
        assertEquals(StopReason.reached(), g.stop());
        assertEquals("tcp-sequence", g.method().probeIdentity());
        assertEquals(Map.of(1, Set.of(a(R1)), 2, Set.of(a(R2), a(R3)), 3, Set.of(a(R4)), 4, Set.of(a(DST))),
                MultipathTracerTest.nodes(g));
        Set<Integer> sourcePorts = new HashSet<>();
        Set<Long> ipIds = new HashSet<>();
        for (Trace flow : r.result().flows()) {
            for (Hop h : flow.hops()) {
                for (ProbeResult p : h.probes()) {
                    sourcePorts.add(p.sourcePort());
                    assertEquals(80, p.destinationPort());
                    assertTrue(ipIds.add((long) p.ipId()), "IP IDs differ probe to probe");
                    if (org.tracecap.packet.IpAddress.ipv4(DST).equals(p.responder())) {
                        assertEquals(0x14, p.tcpFlags(), "the closed port's RST-ACK");
                    }
                }
            }
        }
        assertEquals(r.result().flows().size(), sourcePorts.size(), "one source port per flow");
        assertTrue(sourcePorts.stream().allMatch(p -> p >= 61000 && p < 61000 + MultipathTracer.MAX_FLOWS));
    }

    @Test
    void icmpFlowsAreIdentifiersWithAHeldChecksumAndTheEchoReplyEndsThem() {
        TraceOptions icmp = TraceOptions.builder().protocol(ProbeProtocol.ICMP).basePort(1).sourcePort(61000).build();
        MultipathTracerTest.Run r = MultipathTracerTest.run(MultipathTracerTest.diamondOfTwo(), icmp, 95, 7);
        Graph g = r.graph();
        assertEquals(StopReason.reached(), g.stop());
        assertEquals("icmp", g.method().protocol());
        // The simulator hashes as Linux does: addresses and ports, none for ICMP, so one branch only.
        Set<String> hop2 = MultipathTracerTest.nodes(g).get(2);
        assertEquals(1, hop2.size(), hop2::toString);
        assertEquals(Set.of(a(DST)), MultipathTracerTest.nodes(g).get(4));
        Set<Integer> identifiers = new HashSet<>();
        for (Trace flow : r.result().flows()) {
            Set<Integer> ids = new HashSet<>();
            for (Hop h : flow.hops()) {
                for (ProbeResult p : h.probes()) {
                    ids.add(p.icmpId());
                    if (org.tracecap.packet.IpAddress.ipv4(DST).equals(p.responder())) {
                        assertEquals(0, p.icmpType(), "an Echo Reply");
                    }
                }
            }
            assertEquals(1, ids.size(), "one identifier per flow");
            identifiers.addAll(ids);
        }
        assertEquals(r.result().flows().size(), identifiers.size());
    }

    @Test
    void udpToOnePortIsRefused() {
        SimulatedNetwork net = MultipathTracerTest.diamondOfTwo();
        try (PacketPort port = net.port()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MultipathTracer(
                    TraceOptions.builder().protocol(ProbeProtocol.UDP_PORT).basePort(53).build(), 95, LINK, port,
                    net.clock()));
            assertTrue(e.getMessage().contains("not UDP to one port"), e.getMessage());
        }
    }
}
