package org.tracecap.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tracecap.trace.TracerTest.DST;
import static org.tracecap.trace.TracerTest.R1;
import static org.tracecap.trace.TracerTest.R2;
import static org.tracecap.trace.TracerTest.R3;
import static org.tracecap.trace.TracerTest.R4;
import static org.tracecap.trace.TracerTest.R5;
import static org.tracecap.trace.TracerTest.R6;
import static org.tracecap.trace.TracerTest.R7;
import static org.tracecap.trace.TracerTest.R8;
import static org.tracecap.trace.TracerTest.T0;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
import org.tracecap.trace.SimulatedNetwork.DestinationMode;

/** {@code --method paris}: its identity, and one path per flow through simulated ECMP stages. */
class ParisTest {
    static final int NAT = Ipv4Address.parse("198.18.100.1");

    final ParisUdpIdentity id = new ParisUdpIdentity(33434, 90, 62000, 0xfffe);

    static SentProbe sent(int sport, int ipId, int checksum) {
        return new SentProbe(0, IpAddress.ipv4(1), IpAddress.ipv4(2), IpProtocol.UDP, 1, ipId, 60, 0, sport, 33434, 0,
                0, checksum, 0);
    }

    static QuotedProbe quote(int source, int sport, int dport, int ipId, int checksum) {
        return new QuotedProbe(IpAddress.ipv4(source), IpAddress.ipv4(2), IpProtocol.UDP, 1, ipId, 60, 0, sport,
                dport, 0, 0, checksum, 0, 60);
    }

    @Test
    void everyProbeHasTheSameFlowAndItsNumberInChecksumAndIpId() {
        assertEquals(new ProbeIdentity.ProbeFields(62000, 33434, 0xfffe, 1), id.fields(0));
        assertEquals(new ProbeIdentity.ProbeFields(62000, 33434, 1, 4), id.fields(3), "IP ID wraps at 2^16");
        assertEquals(new ProbeIdentity.ProbeFields(62000, 33434, (0xfffe + 89) & 0xffff, 90), id.fields(89));
        assertThrows(IllegalArgumentException.class, () -> id.fields(90));
        assertThrows(IllegalArgumentException.class, () -> id.fields(-1));
        assertEquals(new Method("udp", "tracecap", "udp-checksum"), id.method());
    }

    @Test
    void recognisesItsOwnProbesByBothFields() {
        assertEquals(3, id.sequenceOf(sent(62000, 1, 4)));
        assertEquals(-1, id.sequenceOf(sent(62000, 2, 4)), "checksum and IP ID disagree");
        assertEquals(-1, id.sequenceOf(sent(62001, 1, 4)), "another trace's source port");
        assertEquals(-1, id.sequenceOf(sent(62000, (0xfffe + 90) & 0xffff, 91)), "past the last probe");
    }

    @Test
    void ownsQuotesWhenEitherFieldSurvived() {
        SentProbe ours = sent(62000, 1, 4);
        assertTrue(id.owns(quote(1, 62000, 33434, 1, 4), ours));
        assertFalse(id.owns(quote(1, 62000, 33434, 1, 0x9999), ours), "our source, another checksum: forged");
        assertTrue(id.owns(quote(NAT, 62000, 33434, 1, 0x9999), ours), "checksum rewritten by a NAT");
        assertFalse(id.owns(quote(NAT, 62000, 33434, 0x4242, 0x9999), ours), "behind a NAT, neither field");
        assertTrue(id.owns(quote(1, 62000, 33434, 0x4242, 4), ours), "IP ID renumbered on the way");
        assertFalse(id.owns(quote(1, 62000, 33434, 0x4242, 0x9999), ours), "neither field is ours");
        assertFalse(id.owns(quote(1, 62000, 33434, 2, 5), ours), "probe 4's quote is not probe 3's");
        assertFalse(id.owns(quote(1, 62001, 33434, 1, 4), ours), "another trace's source port");
        assertTrue(id.owns(quote(NAT, 1024, 33434, 1, 0x9999), ours), "source address and port rewritten by NAT");
        assertFalse(id.owns(quote(1, 62000, 33435, 1, 4), ours), "another destination port");
    }

    @Test
    void optionsNeedRoomForTheChecksumBytes() {
        assertThrows(IllegalArgumentException.class,
                () -> TraceOptions.builder().method(ProbeMethod.PARIS).packetLength(29).build());
        assertEquals(30, TraceOptions.builder().method(ProbeMethod.PARIS).packetLength(30).build().packetLength());
        // Every probe goes to the base port: the classic port range limit does not apply.
        assertEquals(65535, TraceOptions.builder().method(ProbeMethod.PARIS).basePort(65535).build().basePort());
        assertThrows(IllegalArgumentException.class,
                () -> TraceOptions.builder().method(ProbeMethod.PARIS).flows(2).build());
        assertEquals(ProbeMethod.PARIS, ProbeMethod.fromOptionName("paris"));
        assertEquals(ProbeMethod.UDP, ProbeMethod.fromOptionName("classic"));
        assertEquals(ProbeMethod.DUBLIN, ProbeMethod.fromOptionName("dublin"));
        assertEquals("classic", ProbeMethod.UDP.optionName());
        assertThrows(IllegalArgumentException.class, () -> ProbeMethod.fromOptionName("tcp"));
    }

    static SimulatedNetwork diamond(ManualClock clock) {
        return SimulatedNetwork.builder(clock).router(R1, 1000).ecmp(1000, R2, R3).ecmp(1000, R4, R5, R6, R7)
                .router(R8, 1000).destination(DST, DestinationMode.PORT_UNREACHABLE, 1000).build();
    }

    static TraceOptions paris(int sourcePort) {
        return TraceOptions.builder().method(ProbeMethod.PARIS).probesPerHop(6).sourcePort(sourcePort).build();
    }

    static List<Set<Integer>> respondersPerHop(Trace t) {
        List<Set<Integer>> out = new ArrayList<>();
        for (Hop h : t.hops()) {
            Set<Integer> s = new HashSet<>();
            for (ProbeResult p : h.probes()) {
                if (p.answered()) {
                    s.add(p.responder().ipv4());
                }
            }
            out.add(s);
        }
        return out;
    }

    @Test
    void everyProbeOfAParisTraceTakesOneBranch() throws IOException {
        Set<Integer> hop2Seen = new HashSet<>();
        Set<Integer> hop3Seen = new HashSet<>();
        for (int sport = 62000; sport < 62016; sport++) {
            SimulatedNetwork net = diamond(new ManualClock(T0));
            Trace t = TracerTest.run(net, paris(sport)).trace();
            assertEquals(StopReason.reached(), t.stop());
            assertEquals(new Method("udp", "tracecap", "udp-checksum"), t.method());
            TracerTest.assertAttributedAsSent(net, t);
            List<Set<Integer>> hops = respondersPerHop(t);
            assertEquals(5, hops.size());
            for (int h = 0; h < hops.size(); h++) {
                assertEquals(1, hops.get(h).size(), "sport " + sport + " hop " + (h + 1) + ": " + hops.get(h));
                assertEquals(6, t.hops().get(h).probes().stream().filter(ProbeResult::answered).count());
            }
            Set<Integer> ports = new HashSet<>();
            Set<Integer> checksums = new HashSet<>();
            for (Hop h : t.hops()) {
                for (ProbeResult p : h.probes()) {
                    ports.add(p.destinationPort());
                    assertEquals(sport, p.sourcePort());
                    assertEquals(60, p.size());
                    assertTrue(checksums.add(p.udpChecksum()), "checksum " + p.udpChecksum() + " twice");
                    assertEquals(p.udpChecksum(), p.quotedUdpChecksum());
                }
            }
            assertEquals(Set.of(33434), ports);
            hop2Seen.addAll(hops.get(1));
            hop3Seen.addAll(hops.get(2));
        }
        // Different flows (source ports) hash onto every branch.
        assertEquals(Set.of(R2, R3), hop2Seen);
        assertEquals(Set.of(R4, R5, R6, R7), hop3Seen);
    }

    @Test
    void classicOnTheSameDiamondShowsSeveralRoutersPerHop() throws IOException {
        SimulatedNetwork net = diamond(new ManualClock(T0));
        Trace t = TracerTest.run(net, TraceOptions.builder().probesPerHop(6).sourcePort(62000).build()).trace();
        List<Set<Integer>> hops = respondersPerHop(t);
        assertTrue(hops.get(1).size() > 1, "classic hop 2: " + hops.get(1));
        assertTrue(hops.get(2).size() > 1, "classic hop 3: " + hops.get(2));
    }

    @Test
    void parisRepliesAreStillAttributedBehindANatThatRewritesTheChecksum() throws IOException {
        SimulatedNetwork net = SimulatedNetwork.builder(new ManualClock(T0)).router(R1, 1000)
                .natRouter(R2, NAT, 1000).router(R3, 1000).destination(DST, DestinationMode.PORT_UNREACHABLE, 1000)
                .build();
        Trace t = TracerTest.run(net, paris(62000)).trace();
        assertEquals(StopReason.reached(), t.stop());
        TracerTest.assertAttributedAsSent(net, t);
        assertEquals(List.of(Set.of(R1), Set.of(R2), Set.of(R3), Set.of(DST)), respondersPerHop(t));
        for (ProbeResult p : t.hops().get(2).probes()) {
            assertTrue(p.answered());
            assertFalse(p.udpChecksum().equals(p.quotedUdpChecksum()), "the NAT rewrote the quoted checksum");
            assertEquals(p.ipId(), p.quotedIpId());
        }
    }
}
