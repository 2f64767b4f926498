package org.tracecap.multipath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tracecap.report.HopJsonSchema;

/**
 * {@code tracecap trace --multipath} on real Linux routers ({@link MultipathNet}): on ECMP diamonds of width 2
 * and 4 and a diamond behind a diamond it finds every node and link of the ground truth and nothing else, and
 * scamper's {@code tracelb} finds the same graph on the same topology; on a per-packet balancer it says so;
 * with the kernel's ICMP rate limits on, pacing loses no answer.
 *
 * <p>The MDA is probabilistic: at 99% confidence a run may miss a next hop of a router with a chance of about
 * 1% (the branches are found by flows whose hash the kernel picks). Every run must stay within the ground
 * truth; one of up to {@value #ATTEMPTS} runs (new random source port, so new flows, each time) must find all of
 * it: the test fails for bad luck with a chance of about 10^-6.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class MdaLiveTest {
    static final int ATTEMPTS = 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One run of the command line: its hop JSON document (validated by the schema) and the run. */
    record Mda(JsonNode doc, ClientRun run) {
        JsonNode graph() {
            return doc.get("graphs").get(0);
        }

        MultipathGraph found() {
            return MultipathGraph.fromTracecapJson(graph());
        }
    }

    static Mda mda(MultipathNet net, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("trace", "--multipath", "-n", "--json"));
        args.addAll(List.of(extra));
        args.add(net.server());
        ClientRun r = ClientRun.tracecap(net, args.toArray(new String[0]));
        assertEquals(0, r.exit(), r::toString);
        JsonNode doc = JSON.readTree(r.stdout());
        assertEquals(List.of(), HopJsonSchema.load().validate(doc, "#"), r.stdout());
        // The summary's probes are what left the client.
        assertTrue(r.stderr().startsWith("tracecap: " + r.packetsSent() + " probes sent"), r.stderr());
        assertEquals(r.packetsSent(), doc.at("/graphs/0/probes").asInt(), r.stderr());
        return new Mda(doc, r);
    }

    /** Runs until one finds the ground truth (at most {@value #ATTEMPTS}); never anything outside it. */
    static Mda findsTheGroundTruth(MultipathNet net, String... extra) throws Exception {
        List<String> runs = new ArrayList<>();
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Mda m = mda(net, extra);
            MultipathGraph found = m.found();
            runs.add(found + ", " + m.run().packetsSent() + " probes, " + m.run().wall().toMillis() + " ms");
            assertTrue(found.within(net.truth()), () -> "found what is not there: " + found + "\ntruth "
                    + net.truth() + "\n" + m.run().stdout());
            if (found.equals(net.truth())) {
                System.out.println("tracecap --multipath to " + net.server() + ": " + runs);
                return m;
            }
        }
        fail("no run of " + ATTEMPTS + " found the ground truth " + net.truth() + ":\n" + String.join("\n", runs));
        return null;
    }

    /** tracecap and scamper tracelb on one topology: both find its ground truth, so the same graph. */
    static void sameAsScamper(MultipathNet net) throws Exception {
        Mda m = findsTheGroundTruth(net, "--confidence", "99");
        assertEquals("reached", m.graph().at("/stop/reason").asText());
        assertEquals(0, m.graph().get("per_packet_ttls").size(), m.run().stdout());
        ScamperTracelb.Result scamper = ScamperTracelbLiveTest.findsTheGroundTruth(net);
        assertEquals(scamper.graph(), m.found());
    }

    @Test
    void diamondOfWidthTwo() throws Exception {
        try (MultipathNet net = MultipathNet.diamond(2)) {
            sameAsScamper(net);
        }
    }

    @Test
    void diamondOfWidthFour() throws Exception {
        try (MultipathNet net = MultipathNet.diamond(4)) {
            sameAsScamper(net);
        }
    }

    @Test
    void diamondBehindADiamond() throws Exception {
        try (MultipathNet net = MultipathNet.nested()) {
            sameAsScamper(net);
        }
    }

    /** One flow answered by both branches at TTL 2: flagged there and nowhere else. */
    @Test
    void perPacketBalancerIsFlagged() throws Exception {
        try (MultipathNet net = MultipathNet.perPacket()) {
            List<String> seen = new ArrayList<>();
            for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
                Mda m = mda(net, "--confidence", "99");
                JsonNode ttls = m.graph().get("per_packet_ttls");
                seen.add(ttls.toString());
                assertTrue(m.found().within(net.truth()), m.run().stdout());
                assertTrue(ttls.size() <= 1 && (ttls.size() == 0 || ttls.get(0).asInt() == 2), ttls.toString());
                if (ttls.size() == 1) {
                    return;
                }
            }
            fail("per-packet balancing never flagged: " + seen);
        }
    }

    /**
     * Linux's limits on (a burst of 6 ICMP errors, then one per second): r3 must answer n(1) flows and each
     * branch some 8 at 99%; pacing waits for tokens instead of losing answers. At most one probe per TTL is
     * lost, the test of whether its routers limit at all, and it is sent again.
     */
    @Test
    void rateLimitedRoutersLoseNoAnswer() throws Exception {
        try (MultipathNet net = MultipathNet.diamond(2, true)) {
            Mda m = findsTheGroundTruth(net, "--confidence", "99");
            int unanswered = 0;
            for (JsonNode trace : m.doc().get("traces")) {
                for (JsonNode hop : trace.get("hops")) {
                    for (JsonNode probe : hop.get("probes")) {
                        unanswered += probe.get("answered").asBoolean() ? 0 : 1;
                    }
                }
            }
            assertTrue(unanswered <= 4, unanswered + " probes unanswered\n" + m.run().stdout());
            for (JsonNode n : m.graph().get("nodes")) {
                assertTrue(n.has("address"), "no silent node: " + m.run().stdout());
            }
        }
    }

    @Test
    void savedRunReplaysToTheSameGraph(@TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("run.pcap");
        Path dot = dir.resolve("run.dot");
        try (MultipathNet net = MultipathNet.diamond(2)) {
            MethodCliLiveTest.Run live = MethodCliLiveTest.cli(net, "trace", "--multipath", "-n", "--save-pcap",
                    pcap.toString(), "--dot", dot.toString(), net.server());
            assertEquals(0, live.exit(), live::toString);
            MethodCliLiveTest.Run replay = MethodCliLiveTest.inProcess("replay", "--multipath", "-n", pcap.toString());
            assertEquals(0, replay.exit(), replay::toString);
            List<String> liveLines = live.out().lines().toList();
            List<String> replayLines = replay.out().lines().toList();
            // The header differs (a replay knows no confidence); every node line, RTTs included, is the same.
            assertEquals(liveLines.subList(1, liveLines.size()), replayLines.subList(1, replayLines.size()));
            assertTrue(replayLines.get(0).contains("udp (tracecap, probes told apart by udp-checksum)"),
                    replayLines.get(0));
            String graphviz = Files.readString(dot);
            assertTrue(graphviz.startsWith("digraph") && graphviz.contains("198.18.21.2"), graphviz);
            assertTrue(live.err().matches("tracecap: (\\d+) probes sent, \\1 replies attributed, 0 unattributed, .*\\n"),
                    live.err());
        }
    }
}
