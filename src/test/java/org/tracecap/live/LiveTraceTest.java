package org.tracecap.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tracecap.live.Tracecap.STAR;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tracecap trace} on real Linux routers (issue 3's live cases), each test on a fresh chain
 * client - r1 - r2 - r3 - r4 - server ({@link LiveNet}), tracecap run in-process inside the client namespace.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LiveTraceTest {
    @TempDir
    Path dir;

    @Test
    void straightPathGivesEveryRouterAndTheServer() throws Exception {
        try (LiveNet net = LiveNet.chain()) {
            Path json = dir.resolve("trace.json");
            Tracecap.Result r = Tracecap.ok(net.client(), "trace", "-n", "-w", Tracecap.WAIT, "-o", json.toString(),
                    LiveNet.SERVER);
            JsonNode trace = Tracecap.onlyTrace(json);
            assertEquals(Tracecap.allAnswered(LiveNet.chainHops(), 3), Tracecap.responders(trace), r::toString);
            assertEquals("reached", trace.path("stop").path("reason").asText());
            assertFalse(trace.path("stop").has("code"));
            assertEquals(LiveNet.CLIENT, trace.path("source").asText());
            assertEquals(LiveNet.SERVER, trace.path("destination").asText());
            assertEquals("udp", trace.path("method").path("protocol").asText());
            assertEquals(List.of(List.of(LiveNet.hop(1)), List.of(LiveNet.hop(2)), List.of(LiveNet.hop(3)),
                    List.of(LiveNet.hop(4)), List.of(LiveNet.SERVER)), Tracecap.tableResponders(r.out()),
                    "the text table on stdout:\n" + r.out());
        }
    }

    /** --json on stdout: the hop JSON document with the live facts and real RTTs. */
    @Test
    void jsonOutputCarriesTheLiveFactsAndPositiveRtts() throws Exception {
        try (LiveNet net = LiveNet.chain()) {
            Tracecap.Result r = Tracecap.ok(net.client(), "trace", "-n", "-w", Tracecap.WAIT, "--json",
                    LiveNet.SERVER);
            JsonNode doc = Tracecap.parse(r.out());
            assertEquals("tracecap", doc.path("tool").asText());
            JsonNode trace = doc.path("traces").get(0);
            JsonNode live = trace.path("live");
            assertEquals(LiveNet.CLIENT_INTERFACE, live.path("interface").asText(), live::toString);
            assertEquals(LiveNet.CLIENT_MAC, live.path("source_mac").asText(), live::toString);
            assertEquals(LiveNet.GATEWAY_MAC, live.path("gateway_mac").asText(), live::toString);
            assertEquals("tracecap", trace.path("method").path("tool").asText());
            int answered = 0;
            for (JsonNode hop : trace.path("hops")) {
                for (JsonNode p : hop.path("probes")) {
                    assertTrue(p.path("answered").asBoolean(), p::toString);
                    assertTrue(p.path("rtt_ms").asDouble() > 0, p::toString);
                    assertTrue(p.path("rtt_ms").asDouble() < 1000, p::toString);
                    assertEquals(1, p.path("quoted_ttl").asInt(), () -> "the probe expires where it is quoted: " + p);
                    assertEquals(p.path("ip_id").asInt(), p.path("quoted_ip_id").asInt(), p::toString);
                    answered++;
                }
            }
            assertEquals(15, answered);
            assertTrue(trace.path("start_time").asText().endsWith("Z"));
        }
    }

    /** r2 drops its own Time Exceeded: hop 2 is stars, the rest exact, and the stars cost less than MAX. */
    @Test
    void silentHopIsStarsAndCostsLessThanTheMaxWait() throws Exception {
        try (LiveNet net = LiveNet.chain()) {
            net.iptables("r2", "-A", "OUTPUT", "-p", "icmp", "--icmp-type", "time-exceeded", "-j", "DROP");
            Path json = dir.resolve("trace.json");
            Tracecap.Result r = Tracecap.ok(net.client(), "trace", "-n", "-w", Tracecap.WAIT, "-o", json.toString(),
                    LiveNet.SERVER);
            JsonNode trace = Tracecap.onlyTrace(json);
            List<List<String>> expected = new ArrayList<>(Tracecap.allAnswered(LiveNet.chainHops(), 3));
            expected.set(1, Collections.nCopies(3, STAR));
            assertEquals(expected, Tracecap.responders(trace), r::toString);
            assertEquals("reached", trace.path("stop").path("reason").asText());
            // Rule 5: once hop 3 answered (RTT well under 1 ms), hop 2's probes wait NEAR (100 here) x
            // (that RTT + 1 ms), not MAX (5 s); the whole run, setup included, stays far below MAX.
            assertTrue(r.wallSeconds() < 5, () -> "a silent hop held the trace for MAX or longer: " + r);
            assertTrue(r.out().lines().anyMatch(l -> l.matches("\\s*2\\s+\\*\\s+\\*\\s+\\*\\s*")), r::toString);
        }
    }

    /** The server rejects with admin-prohibited: hop 5 is the server with !X, stop unreachable code 13. */
    @Test
    void destinationRejectingWithAdminProhibitedStopsUnreachable() throws Exception {
        try (LiveNet net = LiveNet.chain()) {
            net.iptables("server", "-A", "INPUT", "-p", "udp", "-j", "REJECT", "--reject-with",
                    "icmp-admin-prohibited");
            Path json = dir.resolve("trace.json");
            Tracecap.Result r = Tracecap.ok(net.client(), "trace", "-n", "-w", Tracecap.WAIT, "-o", json.toString(),
                    LiveNet.SERVER);
            JsonNode trace = Tracecap.onlyTrace(json);
            assertEquals(Tracecap.allAnswered(LiveNet.chainHops(), 3), Tracecap.responders(trace), r::toString);
            for (JsonNode p : trace.path("hops").get(4).path("probes")) {
                assertEquals(3, p.path("icmp").path("type").asInt(), p::toString);
                assertEquals(13, p.path("icmp").path("code").asInt(), p::toString);
                assertEquals("!X", p.path("annotation").asText(), p::toString);
            }
            assertEquals("unreachable", trace.path("stop").path("reason").asText());
            assertEquals(13, trace.path("stop").path("code").asInt());
            String hop5 = r.out().lines().filter(l -> l.matches("\\s*5\\s+.*")).findFirst().orElse("");
            assertTrue(hop5.contains(LiveNet.SERVER) && hop5.contains("!X"), r::toString);
        }
    }

    /** The server drops everything: hops 1-4 exact, stars from 5 to the max TTL, bounded by one MAX wait. */
    @Test
    void silentDestinationIsStarsToTheMaxTtl() throws Exception {
        try (LiveNet net = LiveNet.chain()) {
            net.iptables("server", "-A", "INPUT", "-j", "DROP");
            Path json = dir.resolve("trace.json");
            Tracecap.Result r = Tracecap.ok(net.client(), "trace", "-n", "-m", "8", "-w", "1", "-o",
                    json.toString(), LiveNet.SERVER);
            JsonNode trace = Tracecap.onlyTrace(json);
            List<List<String>> expected = new ArrayList<>(Tracecap.allAnswered(LiveNet.chainHops().subList(0, 4), 3));
            for (int ttl = 5; ttl <= 8; ttl++) {
                expected.add(Collections.nCopies(3, STAR));
            }
            assertEquals(expected, Tracecap.responders(trace), r::toString);
            assertEquals("max-ttl", trace.path("stop").path("reason").asText());
            // 24 probes, 16 in flight: the 12 unanswered ones all go out in the first ~ms and each waits
            // MAX = 1 s (no later hop answers, so no NEAR); allow a second wave and setup on a busy machine.
            assertTrue(r.wallSeconds() >= 1, r::toString);
            assertTrue(r.wallSeconds() < 4, () -> "longer than two MAX waits: " + r);
        }
    }

    /**
     * Linux's default ICMP rate limit (burst 6, then one per second per source) left on: 8 probes per hop
     * would lose 2 answers per router if sent at once; the tracer holds them until the router has a token,
     * so every probe is answered, and the run takes the two extra seconds that costs. (HERE and NEAR are
     * off so that only the rate limit, not a short wait, could cost an answer.)
     */
    @Test
    void routersKernelRateLimitIsWaitedForNotProbedInto() throws Exception {
        try (LiveNet net = LiveNet.chain(true)) {
            Path json = dir.resolve("trace.json");
            Tracecap.Result r = Tracecap.ok(net.client(), "trace", "-n", "-q", "8", "-m", "3", "-N", "32", "-w", "5,0,0", "-o",
                    json.toString(), LiveNet.SERVER);
            JsonNode trace = Tracecap.onlyTrace(json);
            assertEquals(Tracecap.allAnswered(LiveNet.chainHops().subList(0, 3), 8), Tracecap.responders(trace),
                    r::toString);
            assertEquals("max-ttl", trace.path("stop").path("reason").asText());
            assertTrue(r.wallSeconds() >= 1.9, () -> "the 8th probe of a hop needs the router's 2nd new token: " + r);
        }
    }

    /** --save-pcap writes every frame sent and received; replaying the file gives the same responders. */
    @Test
    void savedCaptureReplaysToTheSameHops() throws Exception {
        try (LiveNet net = LiveNet.chain()) {
            net.iptables("r2", "-A", "OUTPUT", "-p", "icmp", "--icmp-type", "time-exceeded", "-j", "DROP");
            Path pcap = dir.resolve("live.pcap");
            Path json = dir.resolve("live.json");
            Tracecap.Result live = Tracecap.ok(net.client(), "trace", "-n", "-w", Tracecap.WAIT, "--save-pcap", pcap.toString(), "-o",
                    json.toString(), LiveNet.SERVER);
            assertTrue(Files.size(pcap) > 24, "a capture with frames");
            JsonNode liveTrace = Tracecap.onlyTrace(json);

            Path replayed = dir.resolve("replay.json");
            Tracecap.Result replay = Tracecap.runHere("replay", "-n", "-o", replayed.toString(), pcap.toString());
            assertEquals(0, replay.exit(), replay::toString);
            JsonNode replayTrace = Tracecap.onlyTrace(replayed);
            assertEquals(Tracecap.responders(liveTrace), Tracecap.responders(replayTrace),
                    () -> "live:\n" + live.out() + "\nreplay:\n" + replay.out());
            assertEquals(liveTrace.path("stop"), replayTrace.path("stop"));
            assertEquals(ttls(liveTrace), ttls(replayTrace));
            assertEquals(liveTrace.path("method"), replayTrace.path("method"),
                    "replay recognises tracecap's own probes: same protocol, tool and probe identity");
            // The same probes: ports and IP IDs, probe by probe.
            for (int h = 0; h < liveTrace.path("hops").size(); h++) {
                JsonNode a = liveTrace.path("hops").get(h).path("probes");
                JsonNode b = replayTrace.path("hops").get(h).path("probes");
                for (int i = 0; i < a.size(); i++) {
                    assertEquals(a.get(i).path("destination_port"), b.get(i).path("destination_port"));
                    assertEquals(a.get(i).path("ip_id"), b.get(i).path("ip_id"));
                    assertEquals(a.get(i).path("rtt_ms"), b.get(i).path("rtt_ms"), "RTTs from the same timestamps");
                }
            }
        }
    }

    /** The client's only route is 198.18.0.0/15: a host outside it is a setup error, exit 2, one line. */
    @Test
    void noRouteIsASetupError() throws Exception {
        try (LiveNet net = LiveNet.chain()) {
            Tracecap.Result r = Tracecap.run(net.client(), "trace", "-n", "192.0.2.1");
            assertEquals(2, r.exit(), r::toString);
            assertEquals("", r.out(), r::toString);
            assertTrue(r.err().contains("192.0.2.1"), r::toString);
            assertFalse(r.err().contains("Exception"), r::toString);
        }
    }

    private static List<Integer> ttls(JsonNode trace) {
        List<Integer> ttls = new ArrayList<>();
        trace.path("hops").forEach(h -> ttls.add(h.path("ttl").asInt()));
        return ttls;
    }
}
