package org.tracecap.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tracecap.testnet.Hops;
import org.tracecap.testnet.RouterNet;

/**
 * A campaign on a fan with the kernel's ICMP rate limits on (net.ipv4.icmp_ratelimit 1000 ms, a burst of 6 per
 * source): client -- r1 -- r2 -- {leaf1..leaf4}, each leaf holding {@value #PER_LEAF} target addresses on its
 * loopback (198.19.10K.1..), so every target answers from its leaf's one bucket and every trace needs r2.
 *
 * <pre>
 * 198.18.1 client-r1, 198.18.2 r1-r2, 198.18.1K r2-leafK (K = 1..4); targets 198.19.10K.I/32 on leafK's lo.
 * </pre>
 */
class CampaignLiveTest {
    static final int LEAVES = 4;
    static final int PER_LEAF = 9;

    /** The fan, rate limits on; returns the targets, in leaf order. */
    static RouterNet fan(List<String> targets) {
        return fan(targets, LEAVES, PER_LEAF);
    }

    /** A fan of {@code leaves} leaves with {@code perLeaf} targets each, rate limits on. */
    static RouterNet fan(List<String> targets, int leaves, int perLeaf) {
        return RouterNet.build(n -> {
            n.add("client", false, true);
            n.add("r1", true, true);
            n.add("r2", true, true);
            n.link("client", "r1", 1);
            n.link("r1", "r2", 2);
            n.route("client", "198.18.0.0/15", "198.18.1.2");
            n.route("r1", "198.18.0.0/15", "198.18.2.2");
            n.route("r2", "198.18.1.0/24", "198.18.2.1");
            for (int k = 1; k <= leaves; k++) {
                String leaf = "leaf" + k;
                n.add(leaf, true, true);
                n.link("r2", leaf, 10 + k);
                n.route(leaf, "198.18.0.0/15", "198.18." + (10 + k) + ".1");
                n.route("r2", "198.19." + (100 + k) + ".0/24", "198.18." + (10 + k) + ".2");
                for (int i = 1; i <= perLeaf; i++) {
                    String target = "198.19." + (100 + k) + "." + i;
                    n.node(leaf).run("ip", "address", "add", target + "/32", "dev", "lo");
                    targets.add(target);
                }
            }
        });
    }

    @Test
    @Timeout(180)
    void everyTargetOfTheFanIsTracedRightWithTheKernelsRateLimitsOn(@TempDir Path dir) throws Exception {
        List<String> targets = new ArrayList<>();
        try (RouterNet net = fan(targets)) {
            Path file = dir.resolve("targets.txt");
            List<String> lines = new ArrayList<>(List.of("# the fan's leaves", ""));
            lines.addAll(targets);
            lines.add("not-a-valid..name");
            Files.write(file, lines);
            Path pcap = dir.resolve("campaign.pcap");
            Tracecap.Result r = Tracecap.run(net.node("client"), "trace", "-n", "--method", "paris", "--json",
                    "--targets", file.toString(), "--save-pcap", pcap.toString());
            assertEquals(0, r.exit(), r::toString);
            assertTrue(r.err().contains(file + ":" + (targets.size() + 3) + ": "), r.err());
            Map<String, JsonNode> byTarget = new HashMap<>();
            for (String line : r.out().lines().toList()) {
                JsonNode trace = Tracecap.parse(line);
                byTarget.put(trace.path("destination").asText(), trace);
            }
            assertEquals(targets.size(), byTarget.size(), r::toString);
            int learned = 0;
            for (String target : targets) {
                JsonNode trace = byTarget.get(target);
                assertEquals("reached", trace.path("stop").path("reason").asText(), target);
                List<List<String>> hops = Hops.responders(trace);
                List<String> truth = List.of("198.18.1.2", "198.18.2.2", target);
                assertEquals(truth.size(), hops.size(), () -> target + ": " + hops);
                for (int h = 0; h < truth.size(); h++) {
                    String expected = truth.get(h);
                    List<String> seen = hops.get(h).stream().filter(s -> !s.equals(Hops.STAR)).distinct().toList();
                    assertEquals(List.of(expected), seen, target + " hop " + (h + 1));
                }
                if (trace.path("hops").get(0).has("learned_from")) {
                    learned++;
                }
            }
            // The first traces, probing backward at once before any of them had filed its path, measure hop 1 too.
            assertTrue(learned >= targets.size() * 3 / 4, learned + " traces learned hop 1 from another");
            assertTrue(r.wallSeconds() < 120, r.wallSeconds() + " s");
            // The saved capture of the whole campaign replays into the same traces: each target's own hops (the
            // hops learned from another trace are that trace's probes, replayed there).
            Tracecap.Result replay = Tracecap.runHere("replay", "-n", "--json", "--jsonl", pcap.toString());
            assertEquals(0, replay.exit(), replay::toString);
            Map<String, Map<Integer, List<String>>> replayed = new HashMap<>();
            for (String line : replay.out().lines().toList()) {
                JsonNode trace = Tracecap.parse(line);
                replayed.put(trace.path("destination").asText(), ownHops(trace));
            }
            for (String target : targets) {
                Map<Integer, List<String>> own = ownHops(byTarget.get(target));
                own.values().removeIf(List::isEmpty);
                Map<Integer, List<String>> again = replayed.get(target);
                assertTrue(again != null, target + " replayed: " + replay);
                again.values().removeIf(List::isEmpty);
                assertEquals(own, again, target + " replayed");
            }
        }
    }

    @Test
    @Timeout(120)
    void aDestinationWhosePortUnreachablesAreLimitedAnswersAnEcho(@TempDir Path dir) throws Exception {
        List<String> targets = new ArrayList<>();
        try (RouterNet net = fan(targets, 1, 9)) {
            // The leaf answers 6 Port Unreachables, then one every 100 s: the last targets' are limited away.
            net.node("leaf1").run("sysctl", "-q", "-w", "net.ipv4.icmp_ratelimit=100000");
            Path file = dir.resolve("targets.txt");
            Files.write(file, targets);
            Tracecap.Result r = Tracecap.run(net.node("client"), "trace", "-n", "--json", "-w", "2",
                    "--targets", file.toString());
            assertEquals(0, r.exit(), r::toString);
            int byEcho = 0;
            for (String line : r.out().lines().toList()) {
                JsonNode trace = Tracecap.parse(line);
                String target = trace.path("destination").asText();
                assertEquals("reached", trace.path("stop").path("reason").asText(), line);
                JsonNode last = trace.path("hops").get(trace.path("hops").size() - 1);
                assertEquals(3, last.path("ttl").asInt(), line);
                for (JsonNode p : last.path("probes")) {
                    if (p.path("answered").asBoolean()) {
                        assertEquals(target, p.path("responder").asText(), line);
                        if ("echo-reply".equals(p.path("icmp").path("type_name").asText())) {
                            byEcho++;
                        }
                    }
                }
            }
            assertEquals(targets.size(), r.out().lines().count(), r::toString);
            assertTrue(byEcho >= 1, "some destinations answered an Echo: " + r);
        }
    }

    /** Per TTL, the probes' responders of the hops the trace measured itself ({@link Hops#STAR} unanswered). */
    private static Map<Integer, List<String>> ownHops(JsonNode trace) {
        Map<Integer, List<String>> hops = new java.util.TreeMap<>();
        boolean udp = "udp".equals(trace.path("method").path("protocol").asText());
        for (JsonNode hop : trace.path("hops")) {
            if (!hop.has("learned_from")) {
                List<String> responders = new ArrayList<>();
                for (JsonNode p : hop.path("probes")) {
                    if (udp && p.has("icmp_id")) {
                        // the Echo Request a UDP campaign asks a rate-limited destination with (rule 7): a
                        // replay shows it as a ping of its own, not in the UDP trace
                        continue;
                    }
                    responders.add(p.path("answered").asBoolean() ? p.path("responder").asText() : Hops.STAR);
                }
                hops.put(hop.path("ttl").asInt(), responders);
            }
        }
        return hops;
    }
}
