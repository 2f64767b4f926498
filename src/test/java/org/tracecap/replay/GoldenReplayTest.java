package org.tracecap.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tracecap.capture.CapturedFrames;
import org.tracecap.graph.Graph;
import org.tracecap.graph.GraphBuilder;
import org.tracecap.model.Hop;
import org.tracecap.model.Method;
import org.tracecap.model.ProbeResult;
import org.tracecap.model.StopReason;
import org.tracecap.model.Trace;
import org.tracecap.packet.IcmpType;
import org.tracecap.packet.Icmpv6Type;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.Ipv4Address;
import org.tracecap.report.GraphText;
import org.tracecap.report.ReverseDns;

/**
 * Golden tests: every capture in {@code captures/} replayed and compared with what the tool that made it
 * printed in the {@code .txt} beside it (and dublin-traceroute's {@code .json}): the same traces in the same
 * order, the same hops, the same responder for each probe, the same stars and the same annotations.
 *
 * <p>RTTs cannot be equal: the tools time from user space, the capture from the interface. A capture RTT
 * must be positive and no larger than the tool's (printed to 0.001 ms; mtr to 0.1 ms), which catches unit
 * mistakes and wrong attributions to an earlier probe.
 */
class GoldenReplayTest {
    private static final String CLIENT = "198.18.1.1";
    /** The client's IPv6 address in the dual-stack topologies (captures named *6-*: chain6, dual6...). */
    private static final String CLIENT6 = "2001:db8:1::1";
    /** The prober of docker-*: a namespace behind the client's bridge and NAT (captures/README.md). */
    private static final String CONTAINER = "198.19.17.2";
    private static final double PRINT_SLACK_MS = 0.0005;
    private static final double MTR_SLACK_MS = 0.05;

    static Stream<String> captures() {
        return CapturedFrames.bundled().stream().map(p -> p.getFileName().toString());
    }

    @Test
    void everyBundledCaptureIsCovered() throws IOException {
        List<String> all = captures().toList();
        assertTrue(all.size() >= 28, "captures found: " + all);
        for (String name : all) {
            assertTrue(Files.exists(txtFor(name)), "no tool output beside " + name);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void replayMatchesTheToolsOwnOutput(String name) throws IOException {
        Replays.Result replay = Replays.replay(name);
        List<Trace> traces = replay.traces();
        String dump = name + "\n" + Replays.dump(traces);
        Path txt = txtFor(name);
        if (name.contains("-tracelb")) {
            compareTracelb(ToolOutputs.tracelbLinks(txt), GraphBuilder.fromTraces(traces), dump);
        } else if (name.contains("-multipath")) {
            compareMultipath(Files.readString(txt), GraphBuilder.fromTraces(traces), dump);
        } else if (name.contains("-traceroute-")) {
            compareTraceroute(ToolOutputs.traceroute(txt), traces, dump);
        } else if (name.contains("-scamper-")) {
            compareTraceroute(ToolOutputs.scamper(txt), traces, dump);
        } else if (name.contains("-mtr-")) {
            compareMtr(ToolOutputs.mtr(txt), traces, dump);
        } else if (name.contains("-dublin")) {
            compareDublin(ToolOutputs.dublinText(txt), ToolOutputs.dublinJson(txt.resolveSibling(
                    name.replaceAll("\\.pcap(ng)?$", ".json"))), traces, dump);
        } else {
            fail("no parser for the tool output of " + name);
        }
        for (Trace t : traces) {
            assertEquals(expectedMethod(name), t.method(), dump);
            String client = t.source().isIpv6() ? CLIENT6 : name.startsWith("docker-") ? CONTAINER : CLIENT;
            assertEquals(client, String.valueOf(t.source()), dump);
            assertTrue(t.startTimeNanos() <= t.endTimeNanos(), dump);
        }
        ReplaySummary s = replay.summary();
        long kept = traces.stream().flatMap(t -> t.hops().stream()).mapToLong(h -> h.probes().size()).sum();
        assertEquals(kept, s.probesFound(), dump);
        assertEquals(traces.size(), s.traces(), dump);
        assertEquals(0, s.repliesUnattributed(), dump);
        assertEquals(0, s.malformedTotal(), dump);
        assertEquals(Map.of(), s.warnings(), dump);
        long answered = traces.stream().flatMap(t -> t.hops().stream())
                .flatMap(h -> h.probes().stream()).filter(ProbeResult::answered).count();
        // Every reply in these captures answers a probe of a trace: one shown, or one left out past the stop;
        // a reply to a datagram set aside as no probe (a reverse-DNS query answered Port Unreachable) is set
        // aside too, not counted as a reply.
        assertTrue(s.repliesAttributed() >= answered, dump);
        assertTrue(s.repliesAttributed() <= answered + s.probesPastStop(), dump);
    }

    @Test
    void multiCaptureGivesThreeTracesInOrder() {
        List<Trace> traces = Replays.replay("multi-traceroute-udp.pcap").traces();
        assertEquals(List.of("198.18.5.2", "198.18.3.2", "198.18.5.2"),
                traces.stream().map(t -> String.valueOf(t.destination())).toList());
        assertTrue(traces.get(0).endTimeNanos() < traces.get(1).startTimeNanos());
        assertTrue(traces.get(1).endTimeNanos() < traces.get(2).startTimeNanos());
        // Runs 1 and 3 use the same destination ports, 33434 + probe index: what tells them apart is the restart.
        assertEquals(ports(traces.get(0)), ports(traces.get(2)));
        assertEquals(33434, ports(traces.get(0)).get(0));
        assertEquals(15, ports(traces.get(0)).size());
        assertEquals(9, ports(traces.get(1)).size());
    }

    @Test
    void dublinFlowsAreSeparateTracesOnTheirOwnBranch() {
        List<Trace> traces = Replays.replay("ecmp-dublin.pcap").traces();
        assertEquals(2, traces.size());
        assertEquals("198.18.12.2", String.valueOf(traces.get(0).hops().get(1).probes().get(0).responder()));
        assertEquals("198.18.2.2", String.valueOf(traces.get(1).hops().get(1).probes().get(0).responder()));
        for (Trace t : traces) {
            Set<Integer> ports = new LinkedHashSet<>(ports(t));
            assertEquals(1, ports.size(), "one flow per trace");
        }
    }

    /**
     * The captures of issue 12 items 5 and 6 (captures/README.md): copies folded, datagrams and replies set
     * aside, and nothing else, as counted from tcpdump's own listing of each capture.
     */
    @Test
    void copiesAreFoldedAndWhatIsNeitherProbeNorReplyIsSetAside() {
        // on r1: the 16 probes but the 3 at TTL 1 (they expire there) and the 16 replies but r1's own 3, twice
        ReplaySummary router = Replays.replay("routercap-traceroute-udp.pcap").summary();
        assertEquals(13 + 13, router.copiesFolded());
        assertEquals(15, router.probesFound());
        assertEquals(1, router.probesPastStop());
        assertEquals(Map.of(), router.setAside());
        // on a bridge and its port: all 16 probes and 16 replies twice
        ReplaySummary bridge = Replays.replay("bridge-traceroute-udp.pcap").summary();
        assertEquals(16 + 16, bridge.copiesFolded());
        assertEquals(15, bridge.probesFound());
        assertEquals(1, bridge.probesPastStop());
        // two PTR queries (glibc tries again) for each of the 5 hops, each answered Port Unreachable
        ReplaySummary resolver = Replays.replay("resolver-traceroute-udp.pcap").summary();
        assertEquals(Map.of(Reconstructor.OUTSIDE_PATTERN, 10L, Reconstructor.REPLY_TO_SET_ASIDE, 10L),
                resolver.setAside());
        assertEquals(1, resolver.probesPastStop());
        assertEquals(16, resolver.repliesAttributed());
        assertEquals(0, resolver.copiesFolded());
        // Docker: 18 probes, on veth-ctr and docker0, then (but the 3 at TTL 1) out of to-r1 masqueraded; 18
        // replies, in on to-r1 masqueraded, then out of docker0 and veth-ctr (but the client's own 3 at TTL 1)
        ReplaySummary docker = Replays.replay("docker-traceroute-udp.pcap").summary();
        assertEquals(3 + 15 * 2 + 3 + 15 * 2, docker.copiesFolded());
        assertEquals(18, docker.probesFound());
        assertEquals(18, docker.repliesAttributed());
        assertEquals(Map.of(), docker.setAside());
        // one PTR query per hop, each answered 1.5 s late (NXDOMAIN), after the client's resolver gave up: the
        // client's kernel answers each late answer with Port Unreachable
        ReplaySummary late = Replays.replay("lateresolver-traceroute-udp.pcap").summary();
        assertEquals(Map.of(Reconstructor.OUTSIDE_PATTERN, 5L, Reconstructor.SENT_BY_PROBER, 5L), late.setAside());
        assertEquals(16, late.repliesAttributed());
        assertEquals(0, late.repliesUnattributed());
                // 12 SYNs at TTL 5 and above drew a SYN-ACK, and the client's kernel reset each
        ReplaySummary listening = Replays.replay("listening-traceroute-tcp.pcap").summary();
        assertEquals(Map.of(Reconstructor.SENT_BY_PROBER, 12L), listening.setAside());
        assertEquals(12 + 12, listening.repliesAttributed());
        assertEquals(0, listening.repliesUnattributed());
        for (String plain : List.of("straight-traceroute-udp.pcap", "straight-traceroute-tcp.pcap",
                "straight-traceroute-udp-any.pcap")) {
            ReplaySummary s = Replays.replay(plain).summary();
            assertEquals(0, s.copiesFolded(), plain);
            assertEquals(Map.of(), s.setAside(), plain);
        }
    }

    @Test
    void pcapngAndPcapOfTheSameRunGiveTheSameTraces() {
        assertEquals(Replays.replay("straight-traceroute-udp.pcap").traces(),
                Replays.replay("straight-traceroute-udp.pcapng").traces());
    }

    @Test
    void nanosecondCaptureKeepsNanoseconds() {
        List<Trace> traces = Replays.replay("straight-traceroute-icmp-nano.pcap").traces();
        boolean subMicro = traces.get(0).hops().stream().flatMap(h -> h.probes().stream())
                .anyMatch(p -> p.sendTimeNanos() % 1000 != 0 || (p.rttNanos() != null && p.rttNanos() % 1000 != 0));
        assertTrue(subMicro, "a nanosecond file has sub-microsecond digits somewhere");
    }

    private static List<Integer> ports(Trace t) {
        List<Integer> ports = new ArrayList<>();
        for (Hop h : t.hops()) {
            for (ProbeResult p : h.probes()) {
                ports.add(p.destinationPort());
            }
        }
        return ports;
    }

    private static Path txtFor(String capture) {
        return Replays.CAPTURES.resolve(capture.replaceAll("\\.pcap(ng)?$", ".txt"));
    }

    /** What the file name says about the tool and its method. */
    private static Method expectedMethod(String name) {
        if (name.contains("-traceroute-udp")) {
            return new Method("udp", "traceroute", "udp-destination-port");
        }
        if (name.contains("-traceroute-icmp")) {
            return new Method("icmp", "traceroute", "icmp-sequence");
        }
        if (name.contains("-traceroute-tcp")) {
            return new Method("tcp", "traceroute", "tcp-source-port");
        }
        if (name.contains("-mtr-udp")) {
            return new Method("udp", "mtr", "udp-destination-port");
        }
        if (name.contains("-mtr-icmp")) {
            return new Method("icmp", "mtr", "icmp-sequence");
        }
        if (name.contains("-scamper-tracelb")) {
            return new Method("udp", "scamper", "udp-checksum");
        }
        if (name.contains("-tracecap-multipath")) {
            return new Method("udp", "tracecap", "udp-checksum");
        }
        if (name.contains("-scamper-udp-paris")) {
            return new Method("udp", "scamper", "udp-checksum");
        }
        if (name.contains("-scamper-icmp-paris")) {
            return new Method("icmp", "scamper", "icmp-sequence");
        }
        if (name.contains("-dublin")) {
            return new Method("udp", "dublin", "ip-id");
        }
        throw new IllegalArgumentException("unknown tool in " + name);
    }

    /** scamper tracelb's links (address pairs) are the graph's, and it has no other node. */
    private static void compareTracelb(Set<List<String>> expected, List<Graph> graphs, String dump) {
        assertEquals(1, graphs.size(), dump);
        Graph g = graphs.get(0);
        Set<List<String>> links = new java.util.TreeSet<>(java.util.Comparator.comparing(Object::toString));
        for (Graph.Link l : g.links()) {
            Graph.Node from = g.nodes().get(l.from());
            Graph.Node to = g.nodes().get(l.to());
            assertTrue(!from.silent() && !to.silent(), "no silent node\n" + dump);
            links.add(List.of(String.valueOf(from.address()), String.valueOf(to.address())));
        }
        Set<List<String>> want = new java.util.TreeSet<>(java.util.Comparator.comparing(Object::toString));
        want.addAll(expected);
        assertEquals(want, links, "links\n" + dump);
        Set<String> nodes = new java.util.TreeSet<>();
        expected.forEach(nodes::addAll);
        Set<String> graphNodes = new java.util.TreeSet<>();
        // tracelb does not list the first hop's own link from the source: every node but the first is in a link
        g.nodes().forEach(n -> graphNodes.add(String.valueOf(n.address())));
        assertEquals(nodes, graphNodes, "nodes\n" + dump);
    }

    /**
     * tracecap --multipath's own lines (after its header) are the replayed graph's, RTTs aside: the live run
     * timed from its own capture, the replay from tcpdump's.
     */
    private static void compareMultipath(String printed, List<Graph> graphs, String dump) throws IOException {
        assertEquals(1, graphs.size(), dump);
        StringBuilder replayed = new StringBuilder();
        GraphText.writeNodes(graphs.get(0), replayed, ReverseDns.numeric());
        assertEquals(withoutRtts(printed.substring(printed.indexOf('\n') + 1)), withoutRtts(replayed.toString()),
                dump);
    }

    private static String withoutRtts(String text) {
        return text.replaceAll("  \\d+\\.\\d{3}/\\d+\\.\\d{3}/\\d+\\.\\d{3} ms", "");
    }

    private static void compareTraceroute(List<ToolOutputs.Trace> expected, List<Trace> actual, String dump) {
        assertEquals(expected.size(), actual.size(), "number of traces\n" + dump);
        for (int i = 0; i < expected.size(); i++) {
            ToolOutputs.Trace e = expected.get(i);
            Trace a = actual.get(i);
            assertEquals(e.destination(), String.valueOf(a.destination()), dump);
            if (e.source() != null) {
                assertEquals(e.source(), String.valueOf(a.source()), dump);
            }
            compareHops(e.hops(), a, dump);
            assertEquals(expectedStop(e.hops(), e.destination()), a.stop(), dump);
        }
    }

    private static void compareHops(List<ToolOutputs.Hop> expected, Trace a, String dump) {
        assertEquals(expected.size(), a.hops().size(), "number of hops\n" + dump);
        for (int h = 0; h < expected.size(); h++) {
            ToolOutputs.Hop eh = expected.get(h);
            Hop ah = a.hops().get(h);
            assertEquals(eh.ttl(), ah.ttl(), dump);
            assertEquals(eh.probes().size(), ah.probes().size(), "probes at hop " + eh.ttl() + "\n" + dump);
            for (int p = 0; p < eh.probes().size(); p++) {
                ToolOutputs.Probe ep = eh.probes().get(p);
                ProbeResult ap = ah.probes().get(p);
                String where = "hop " + eh.ttl() + " probe " + (p + 1) + "\n" + dump;
                assertEquals(eh.ttl(), ap.ttl(), where);
                if (ep.responder() == null) {
                    assertNull(ap.responder(), where);
                    assertNull(ap.rttNanos(), where);
                    assertNull(ap.annotation(), where);
                    continue;
                }
                assertNotNull(ap.responder(), where);
                assertEquals(ep.responder(), String.valueOf(ap.responder()), where);
                assertEquals(ep.annotation(), ap.annotation(), where);
                assertRtt(ap, ep.rttMillis() + PRINT_SLACK_MS, where);
            }
        }
    }

    private static void assertRtt(ProbeResult p, double atMostMillis, String where) {
        assertTrue(p.rttNanos() > 0, "RTT " + p.rttNanos() + " ns at " + where);
        assertTrue(p.rttMillis() <= atMostMillis, "RTT " + p.rttMillis() + " ms > " + atMostMillis + " at " + where);
    }

    /** What the last printed hop says: !X and friends give unreachable, the destination answering gives reached. */
    private static StopReason expectedStop(List<ToolOutputs.Hop> hops, String destination) {
        ToolOutputs.Hop last = hops.get(hops.size() - 1);
        for (ToolOutputs.Probe p : last.probes()) {
            if ("!X".equals(p.annotation())) {
                // the code of the reply's family: ICMP 3/13, ICMPv6 1/1 (the stop carries it as received)
                return StopReason.unreachable(destination.contains(":") ? Icmpv6Type.CODE_ADMIN_PROHIBITED
                        : IcmpType.CODE_ADMIN_PROHIBITED);
            }
        }
        for (ToolOutputs.Probe p : last.probes()) {
            if (destination.equals(p.responder())) {
                return StopReason.reached();
            }
        }
        throw new AssertionError("the tool output shows no stop: extend the test for it");
    }

    private static void compareMtr(List<ToolOutputs.MtrHop> expected, List<Trace> actual, String dump) {
        assertEquals(1, actual.size(), dump);
        Trace a = actual.get(0);
        assertEquals(expected.size(), a.hops().size(), "number of hops\n" + dump);
        for (int h = 0; h < expected.size(); h++) {
            ToolOutputs.MtrHop e = expected.get(h);
            Hop ah = a.hops().get(h);
            String where = "hop " + e.ttl() + "\n" + dump;
            assertEquals(e.ttl(), ah.ttl(), where);
            Set<String> responders = new LinkedHashSet<>();
            int lost = 0;
            for (ProbeResult p : ah.probes()) {
                if (p.answered()) {
                    responders.add(String.valueOf(p.responder()));
                    assertRtt(p, e.worst() + MTR_SLACK_MS, where);
                } else {
                    lost++;
                }
            }
            assertEquals(e.hosts(), new ArrayList<>(responders), "hosts in the order mtr lists them\n" + where);
            assertEquals(e.sent(), ah.probes().size(), "Snt\n" + where);
            assertEquals(e.lossPercent(), 100.0 * lost / ah.probes().size(), 0.05, "Loss%\n" + where);
        }
        ToolOutputs.MtrHop last = expected.get(expected.size() - 1);
        String destination = String.valueOf(a.destination());
        assertEquals(List.of(destination), last.hosts(), dump);
        boolean prohibited = a.hops().get(a.hops().size() - 1).probes().stream().allMatch(p -> "!X".equals(p.annotation()));
        assertEquals(prohibited ? StopReason.unreachable(IcmpType.CODE_ADMIN_PROHIBITED) : StopReason.reached(),
                a.stop(), dump);
        assertEquals(dump.contains("prohibited"), prohibited, dump);
    }

    private static void compareDublin(List<ToolOutputs.Trace> text, List<ToolOutputs.DublinProbe> json,
                                      List<Trace> actual, String dump) {
        assertEquals(text.size(), actual.size(), "one trace per flow\n" + dump);
        for (int i = 0; i < text.size(); i++) {
            ToolOutputs.Trace e = text.get(i);
            Trace a = actual.get(i);
            compareHops(e.hops().stream().map(h -> new ToolOutputs.Hop(h.ttl(), h.probes().stream()
                    .map(p -> new ToolOutputs.Probe(p.responder(), p.rttMillis(), "")).toList())).toList(), a, dump);
            for (int h = 0; h < e.hops().size(); h++) {
                ProbeResult p = a.hops().get(h).probes().get(0);
                assertEquals(e.flow(), p.destinationPort(), dump);
                assertEquals(e.hops().get(h).probes().get(0).annotation(), p.icmpType() + "/" + p.icmpCode(), dump);
            }
            assertEquals(StopReason.reached(), a.stop(), dump);
            List<ToolOutputs.DublinProbe> flowJson = json.stream().filter(j -> j.flow() == e.flow()).toList();
            assertEquals(a.hops().size(), flowJson.size(), "JSON hops of flow " + e.flow() + "\n" + dump);
            for (ToolOutputs.DublinProbe j : flowJson) {
                ProbeResult p = a.hops().get(j.ttl() - a.hops().get(0).ttl()).probes().get(0);
                String where = "flow " + j.flow() + " ttl " + j.ttl() + "\n" + dump;
                assertEquals(j.sourcePort(), p.sourcePort(), where);
                assertEquals(j.destinationPort(), p.destinationPort(), where);
                assertEquals(j.responder(), String.valueOf(p.responder()), where);
                assertEquals(j.replyTtl(), p.replyTtl(), where);
                assertEquals(j.icmpType(), p.icmpType(), where);
                assertEquals(j.icmpCode(), p.icmpCode(), where);
                // dublin stamps its send time in user space, a little before the frame reaches the capture
                long captureMicros = p.sendTimeNanos() / 1000;
                assertTrue(Math.abs(captureMicros - j.sentMicros()) < 1000,
                        "send time " + captureMicros + " vs dublin's " + j.sentMicros() + " at " + where);
            }
        }
    }
}
