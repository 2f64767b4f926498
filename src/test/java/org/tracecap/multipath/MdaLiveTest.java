package org.tracecap.multipath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tracecap.report.HopJsonSchema;

/**
 * {@code tracecap trace --multipath} on real Linux routers: ECMP diamonds of {@link MultipathNet}, every
 * branch and link found and no link that is not there.
 *
 * <p>The MDA is probabilistic: at 99% confidence a run misses a next hop of a router with a chance of at most
 * 1%, the branches of the diamond being found by flows whose hash the kernel picks (its seed is random per
 * network namespace). A run may therefore miss a branch; such a run is repeated once on a fresh topology (a
 * new hash seed), so the test fails for that reason with a chance of about 1 in 10^4. A link or node that is
 * not in the topology fails it at once.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MdaLiveTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The graph a diamond of {@code width} has: TTL -> addresses, and links "a>b". */
    record Truth(TreeMap<Integer, Set<String>> nodes, Set<String> links) {
        static Truth diamond(int width) {
            TreeMap<Integer, Set<String>> nodes = new TreeMap<>();
            Set<String> links = new TreeSet<>();
            nodes.put(1, Set.of("198.18.1.2"));
            Set<String> branches = new TreeSet<>();
            for (int i = 1; i <= width; i++) {
                branches.add(MultipathNet.branch(i));
                links.add("198.18.1.2>" + MultipathNet.branch(i));
                links.add(MultipathNet.branch(i) + ">198.18.21.2");
            }
            nodes.put(2, branches);
            nodes.put(3, Set.of("198.18.21.2"));
            nodes.put(4, Set.of(MultipathNet.DIAMOND_SERVER));
            links.add("198.18.21.2>" + MultipathNet.DIAMOND_SERVER);
            return new Truth(nodes, links);
        }
    }

    /** What one run found. */
    record Found(TreeMap<Integer, Set<String>> nodes, Set<String> links, JsonNode graph, String stdout) {
        static Found of(JsonNode doc, String stdout) {
            JsonNode g = doc.get("graphs").get(0);
            TreeMap<Integer, Set<String>> nodes = new TreeMap<>();
            List<String> names = new ArrayList<>();
            for (JsonNode n : g.get("nodes")) {
                String name = n.has("address") ? n.get("address").asText() : "*";
                names.add(name);
                nodes.computeIfAbsent(n.get("ttl").asInt(), k -> new TreeSet<>()).add(name);
            }
            Set<String> links = new TreeSet<>();
            for (JsonNode l : g.get("links")) {
                links.add(names.get(l.get("from").asInt()) + ">" + names.get(l.get("to").asInt()));
            }
            return new Found(nodes, links, g, stdout);
        }

        boolean complete(Truth t) {
            return nodes.equals(t.nodes()) && links.equals(t.links());
        }
    }

    static Found multipath(MultipathNet net, Path dir, String... extra) throws Exception {
        Path json = dir.resolve("graph-" + System.nanoTime() + ".json");
        List<String> args = new ArrayList<>(List.of("trace", "--multipath", "-n", "-o", json.toString()));
        args.addAll(List.of(extra));
        args.add(net.server());
        MethodCliLiveTest.Run r = MethodCliLiveTest.cli(net, args.toArray(new String[0]));
        assertEquals(0, r.exit(), r::toString);
        JsonNode doc = JSON.readTree(json.toFile());
        assertEquals(List.of(), HopJsonSchema.load().validate(doc, "#"), json.toString());
        return Found.of(doc, r.out());
    }

    /** Runs on fresh diamonds until one finds every branch (at most twice); never a link too many. */
    static Found mapDiamond(int width, Path dir, String... extra) throws Exception {
        Truth truth = Truth.diamond(width);
        Found found = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            try (MultipathNet net = MultipathNet.diamond(width)) {
                found = multipath(net, dir, extra);
            }
            assertTrue(truth.links().containsAll(found.links()), "no false link: " + found.links());
            for (var e : found.nodes().entrySet()) {
                assertTrue(truth.nodes().getOrDefault(e.getKey(), Set.of()).containsAll(e.getValue()),
                        "no false node at TTL " + e.getKey() + ": " + found.nodes());
            }
            if (found.complete(truth)) {
                break;
            }
        }
        assertEquals(truth.nodes(), found.nodes(), found.stdout());
        assertEquals(truth.links(), found.links(), found.stdout());
        return found;
    }

    @Test
    void diamondOfWidthTwo(@TempDir Path dir) throws Exception {
        Found f = mapDiamond(2, dir, "--confidence", "99");
        assertEquals("reached", f.graph().at("/stop/reason").asText());
        assertEquals(99, f.graph().get("confidence").asInt());
        assertEquals(0, f.graph().get("per_packet_ttls").size());
        assertTrue(f.stdout().startsWith("multipath to " + MultipathNet.DIAMOND_SERVER + " ("), f.stdout());
        assertTrue(f.stdout().contains("<- 198.18.11.2, 198.18.12.2\n"), f.stdout());
    }

    @Test
    void diamondOfWidthFour(@TempDir Path dir) throws Exception {
        Found f = mapDiamond(4, dir, "--confidence", "99");
        // at least n(4) flows were probed at TTL 2 before stopping
        int atTtl2 = 0;
        for (JsonNode n : f.graph().get("nodes")) {
            if (n.get("ttl").asInt() == 2) {
                atTtl2 += n.get("flows").size();
            }
        }
        assertTrue(atTtl2 >= 28, "flows at TTL 2: " + atTtl2); // n(4) = 28 at 99%: a 5th branch ruled out
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
            // The header differs (the replay knows no confidence); every node line, RTTs included, is the same.
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
