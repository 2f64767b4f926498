package org.tracecap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tracecap.testnet.Namespace;
import org.tracecap.testnet.NetnsTopology;

/**
 * {@code tracecap trace} end to end on real Linux routers in network namespaces (root; see
 * {@link NetnsTopology}): client 198.18.1.1 -- r1 -- r2 -- server 198.18.3.2, link k being 198.18.k.0/24 with
 * its .1 on the client side. The live suite (org.tracecap.live) covers the other topologies.
 */
class TraceLiveTest {
    private static final String SERVER = "198.18.3.2";
    private static final String CLIENT_MAC = "02:00:c6:12:01:01";
    private static final String R1_MAC = "02:00:c6:12:01:02";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The chain; the namespaces go when the topology is closed. */
    private static Namespace[] chain(NetnsTopology net) {
        Namespace client = net.host("client");
        Namespace r1 = net.router("r1");
        Namespace r2 = net.router("r2");
        Namespace server = net.host("server");
        for (Namespace ns : List.of(client, r1, r2, server)) {
            ns.run("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
        }
        net.link(client, "to-r1", "198.18.1.1/24", CLIENT_MAC, r1, "to-client", "198.18.1.2/24", R1_MAC);
        net.link(r1, "to-r2", "198.18.2.1/24", "02:00:c6:12:02:01", r2, "to-r1", "198.18.2.2/24",
                "02:00:c6:12:02:02");
        net.link(r2, "to-server", "198.18.3.1/24", "02:00:c6:12:03:01", server, "to-r2", "198.18.3.2/24",
                "02:00:c6:12:03:02");
        client.run("ip", "route", "add", "198.18.0.0/15", "via", "198.18.1.2");
        r1.run("ip", "route", "add", "198.18.3.0/24", "via", "198.18.2.2");
        r2.run("ip", "route", "add", "198.18.1.0/24", "via", "198.18.2.1");
        server.run("ip", "route", "add", "198.18.0.0/15", "via", "198.18.3.1");
        return new Namespace[] {client, r1, r2, server};
    }

    @Test
    @Timeout(120)
    void straightPathThroughMainRun(@TempDir Path dir) throws Exception {
        try (NetnsTopology net = NetnsTopology.create()) {
            Namespace client = chain(net)[0];
            Path json = dir.resolve("trace.json");
            CliRun run = client.call(() -> CliRun.of("trace", "-n", "-o", json.toString(), SERVER));

            assertEquals(0, run.status(), run.err());
            List<String> lines = run.outLines();
            assertEquals("traceroute to 198.18.3.2 (198.18.3.2) from 198.18.1.1, udp (tracecap, probes told apart"
                    + " by udp-destination-port), 30 hops max, 60 byte packets", lines.get(0), run.out());
            assertEquals(4, lines.size(), run.out());
            List<String> expected = List.of("198.18.1.2", "198.18.2.2", SERVER);
            for (int k = 1; k <= 3; k++) {
                // " 1  198.18.1.2  0.052 ms  0.011 ms  0.010 ms": the address once, three RTTs.
                String hop = lines.get(k);
                assertTrue(hop.matches(" " + k + "  " + expected.get(k - 1).replace(".", "\\.")
                        + "(  \\d+\\.\\d{3} ms){3}"), hop);
            }
            assertEquals(1, run.errLines().size(), run.err());
            assertTrue(run.errLines().get(0).matches("tracecap: \\d+ probes sent( \\(\\+\\d+ past the last hop,"
                    + " not shown\\))?, 9 replies attributed, \\d+ unattributed( \\([^)]+=\\d+\\))?, \\d+ frames"
                    + " captured, 0 malformed, 0 dropped"), run.err());

            // The unattributed replies by reason (a live trace writes them) add up to the total.
            JsonNode summary = JSON.readTree(json.toFile()).path("summary");
            long byReason = 0;
            for (JsonNode n : summary.path("unattributed")) {
                byReason += n.asLong();
            }
            assertTrue(summary.path("unattributed").isObject(), summary.toString());
            assertEquals(summary.path("replies_unattributed").asLong(), byReason, summary.toString());

            JsonNode trace = JSON.readTree(json.toFile()).path("traces").get(0);
            assertEquals("reached", trace.path("stop").path("reason").asText());
            assertEquals("198.18.1.1", trace.path("source").asText());
            assertEquals("to-r1", trace.path("live").path("interface").asText());
            assertEquals(CLIENT_MAC, trace.path("live").path("source_mac").asText());
            assertEquals(R1_MAC, trace.path("live").path("gateway_mac").asText());
            List<List<String>> responders = new ArrayList<>();
            for (JsonNode hop : trace.path("hops")) {
                List<String> probes = new ArrayList<>();
                hop.path("probes").forEach(p -> probes.add(p.path("responder").asText("*")));
                responders.add(probes);
            }
            assertEquals(expected.stream().map(a -> List.of(a, a, a)).toList(), responders);
        }
    }

    /**
     * SIGINT to a real tracecap process while it waits on a silent destination: the hops learned are printed,
     * then {@code (interrupted)}, the JSON is complete with stop reason "interrupted", the capture file is kept
     * and replays to the same hops, and the exit status is 130 (128 + SIGINT).
     */
    @Test
    @Timeout(120)
    void ctrlCPrintsAndWritesWhatWasLearned(@TempDir Path dir) throws Exception {
        try (NetnsTopology net = NetnsTopology.create()) {
            Namespace[] nodes = chain(net);
            nodes[3].run("iptables", "-w", "-A", "INPUT", "-p", "udp", "-j", "DROP");
            Path json = dir.resolve("interrupted.json");
            Path pcap = dir.resolve("interrupted.pcap");
            Process p = new ProcessBuilder(nodes[0].javaCommand(Main.class, "trace", "-n", "-o", json.toString(),
                    "--save-pcap", pcap.toString(), SERVER)).redirectError(dir.resolve("err.txt").toFile()).start();
            List<String> lines = new ArrayList<>();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    lines.add(line);
                    if (line.startsWith(" 2  ")) {
                        // Hop 3 waits 5 s for replies that never come: interrupt it now.
                        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
                    }
                }
            }
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "tracecap ended after SIGINT");
            String err = Files.readString(dir.resolve("err.txt"));
            assertEquals(130, p.exitValue(), err);
            assertEquals("(interrupted)", lines.get(lines.size() - 1), String.join("\n", lines));
            assertTrue(lines.get(1).startsWith(" 1  198.18.1.2  "), lines.toString());
            assertTrue(lines.get(2).startsWith(" 2  198.18.2.2  "), lines.toString());
            assertTrue(err.startsWith("tracecap: "), err);

            JsonNode trace = JSON.readTree(json.toFile()).path("traces").get(0);
            assertEquals("interrupted", trace.path("stop").path("reason").asText());
            assertEquals("198.18.1.2", trace.path("hops").get(0).path("probes").get(0).path("responder").asText());

            CliRun replay = CliRun.of("replay", "-n", pcap.toString());
            assertEquals(0, replay.status(), replay.err());
            assertTrue(replay.out().contains("\n 1  198.18.1.2  "), replay.out());
            assertTrue(replay.out().contains("\n 2  198.18.2.2  "), replay.out());
        }
    }
}
