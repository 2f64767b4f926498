package org.tracecap.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tracecap.testnet.Hops;
import org.tracecap.testnet.Namespace;
import org.tracecap.testnet.NetnsTopology;

/**
 * Faults on the path of a live trace, made with iptables and {@code ip link} in the routers of a fresh
 * {@link Chain} per test: replies duplicated (TEE), replies lost at random (statistic), a router that reboots
 * while the trace runs, the client's own interface going down. In every case each probe has at most one
 * result, every responder is the right one for its hop, and the outcome is clear.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FaultLiveTest {
    static final ObjectMapper JSON = new ObjectMapper();
    /**
     * {@code -w} for exact hop lists: a probe is waited for up to 3 s, HERE and NEAR off (factor 0). With
     * replies in ~50 us, even 30 times an RTT is under 2 ms, shorter than a capture thread descheduled on two
     * loaded cores; these tests are about attribution, not about when to give up.
     */
    static final String WAIT = "3,0,0";
    /** {@code -w} where stars are expected (loss, outages): 1 s each, HERE and NEAR off. */
    static final String SHORT_WAIT = "1,0,0";
    static final String STAR = Hops.STAR;

    @TempDir
    Path dir;

    @Test
    void duplicatedRepliesAreTakenOnceAndCounted() throws Exception {
        try (Chain net = Chain.create()) {
            // r2 sends a copy of every ICMP message it forwards or makes towards the client to r1 as well
            // (TEE clones the packet and routes the clone via the gateway): replies of hops 2..4 arrive twice.
            net.r2.run("iptables", "-w", "-t", "mangle", "-A", "POSTROUTING", "-o", "to-r1", "-p", "icmp", "-d",
                    Chain.CLIENT, "-j", "TEE", "--gateway", "198.18.2.1");
            Path json = dir.resolve("dup.json");
            CliResult r = net.client.call(() -> CliResult.inProcess("trace", "-n", "-w", WAIT, "-o",
                    json.toString(), Chain.SERVER)).assertNoStackTrace();
            assertEquals(0, r.status(), r::toString);
            JsonNode doc = JSON.readTree(json.toFile());
            JsonNode trace = doc.path("traces").get(0);
            assertEquals(Chain.allAnswered(3), Hops.responders(trace), r::toString);
            ownProbesOnly(trace);
            long teed = Chain.packets(net.r2, "mangle", "POSTROUTING");
            assertTrue(teed >= 9, () -> "r2 duplicated " + teed + " replies\n" + r);
            // Each duplicate finds its probe already answered: not attributed again, counted unattributed.
            long unattributed = doc.path("summary").path("replies_unattributed").asLong();
            assertTrue(unattributed >= 9, () -> "duplicates counted unattributed: " + doc.path("summary"));
            assertEquals(12, doc.path("summary").path("replies_attributed").asLong(), doc.path("summary")::toString);
            System.out.println("fault duplication: r2 duplicated " + teed + " replies, attributed "
                    + doc.path("summary").path("replies_attributed") + ", unattributed " + unattributed);
        }
    }

    @Test
    void lostRepliesGiveStarsNeverAWrongResponder() throws Exception {
        try (Chain net = Chain.create()) {
            // r1 drops half of the ICMP going back to the client, its own Time Exceeded included (POSTROUTING
            // sees forwarded and locally made packets).
            net.r1.run("iptables", "-w", "-t", "mangle", "-A", "POSTROUTING", "-o", "to-client", "-p", "icmp",
                    "-m", "statistic", "--mode", "random", "--probability", "0.5", "-j", "DROP");
            Path json = dir.resolve("loss.json");
            // -m 7: when all three answers of the server's hop are lost the trace goes on past it; the server
            // answers every TTL above 4 too. MAX wait 1 s keeps the stars short.
            CliResult r = net.client.call(() -> CliResult.inProcess("trace", "-n", "-m", "7", "-w", SHORT_WAIT,
                    "-o", json.toString(), Chain.SERVER)).assertNoStackTrace();
            assertEquals(0, r.status(), r::toString);
            JsonNode trace = JSON.readTree(json.toFile()).path("traces").get(0);
            List<List<String>> hops = Hops.responders(trace);
            int stars = 0;
            int answered = 0;
            for (int k = 1; k <= hops.size(); k++) {
                String expected = Chain.hop(Math.min(k, 4));
                for (String responder : hops.get(k - 1)) {
                    if (responder.equals(STAR)) {
                        stars++;
                    } else {
                        answered++;
                        assertEquals(expected, responder, () -> "hop " + hops + "\n" + r);
                    }
                }
            }
            ownProbesOnly(trace);
            long dropped = Chain.packets(net.r1, "mangle", "POSTROUTING");
            String counts = stars + " stars, " + answered + " answered, " + dropped + " dropped\n" + r;
            assertTrue(stars > 0 && answered > 0 && dropped > 0, counts);
            String stop = trace.path("stop").path("reason").asText();
            System.out.println("fault loss: r1 dropped " + dropped + " replies; " + answered + " answered, " + stars
                    + " stars, stop " + stop + ", hops " + hops);
            assertTrue(stop.equals("reached") || stop.equals("max-ttl"), stop);
            if (stop.equals("reached")) {
                assertTrue(hops.get(hops.size() - 1).contains(Chain.SERVER), hops::toString);
            }
        }
    }

    @Test
    void aRouterRebootingMidTraceGivesStarsAndKeepsTheHopsLearned() throws Exception {
        try (Chain net = Chain.create()) {
            Path json = dir.resolve("reboot.json");
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                // r1 and r3 keep r2's MAC through the outage (a permanent entry survives carrier loss): otherwise
                // an outage made longer than 3 s by a loaded machine ends r1's ARP for r2 with Host Unreachable
                // from r1 at hop 2 (right, but not what this test is about).
                net.r1.run("ip", "neigh", "replace", "198.18.2.2", "lladdr", net.r2.mac("to-r1"), "dev", "to-r2",
                        "nud", "permanent");
                net.r3.run("ip", "neigh", "replace", "198.18.3.1", "lladdr", net.r2.mac("to-r3"), "dev", "to-r2",
                        "nud", "permanent");
                // -z 250 ms: the 12 probes of hops 1-4 (and those past a starred server hop) go over ~3-4 s.
                Future<CliResult> run = pool.submit(() -> net.client.call(() -> CliResult.inProcess("trace", "-n",
                        "-z", "250", "-m", "8", "-w", SHORT_WAIT, "-o", json.toString(), Chain.SERVER)));
                Thread.sleep(1000);
                long down = System.currentTimeMillis();
                // r2 "reboots": both its links down for 1.2 s, then up with its routes back (the kernel removed
                // them with the links), as its boot would do.
                net.r2.run("ip", "link", "set", "to-r1", "down");
                net.r2.run("ip", "link", "set", "to-r3", "down");
                Thread.sleep(1200);
                net.r2.run("ip", "link", "set", "to-r1", "up");
                net.r2.run("ip", "link", "set", "to-r3", "up");
                net.routesOfR2();
                long up = System.currentTimeMillis();
                CliResult r = run.get(40, TimeUnit.SECONDS).assertNoStackTrace();
                assertEquals(0, r.status(), r::toString);
                JsonNode trace = JSON.readTree(json.toFile()).path("traces").get(0);
                List<List<String>> hops = Hops.responders(trace);
                assertEquals(List.of(Chain.hop(1), Chain.hop(1), Chain.hop(1)), hops.get(0), r::toString);
                int stars = 0;
                for (int k = 2; k <= hops.size(); k++) {
                    for (String responder : hops.get(k - 1)) {
                        if (responder.equals(STAR)) {
                            stars++;
                        } else {
                            assertEquals(Chain.hop(Math.min(k, 4)), responder, () -> hops + "\n" + r);
                        }
                    }
                }
                List<Long> sent = new ArrayList<>();
                for (JsonNode hop : trace.path("hops")) {
                    for (JsonNode p : hop.path("probes")) {
                        sent.add(java.time.Instant.parse(p.path("send_time").asText()).toEpochMilli() - down);
                    }
                }
                System.out.println("fault reboot: r2 down for " + (up - down) + " ms; probes sent at " + sent
                        + " ms from its going down; hops " + hops);
                assertTrue(stars > 0, () -> "the outage shows as stars: " + hops + "\n" + r);
                assertEquals("reached", trace.path("stop").path("reason").asText(), r::toString);
                ownProbesOnly(trace);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void theClientInterfaceGoingDownEndsWithOneLineAndKeepsTheHopsLearned() throws Exception {
        try (Chain net = Chain.create()) {
            Path json = dir.resolve("down.json");
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<CliResult> run = pool.submit(() -> net.client.call(() -> CliResult.inProcess("trace", "-n",
                        "-z", "250", "-w", SHORT_WAIT, "-o", json.toString(), Chain.SERVER)));
                // Hop 1 (three probes, 0.5 s) is answered before the interface goes down at 1.2 s.
                Thread.sleep(1200);
                net.client.run("ip", "link", "set", "to-r1", "down");
                CliResult r = run.get(40, TimeUnit.SECONDS).assertNoStackTrace();
                net.client.run("ip", "link", "set", "to-r1", "up");
                System.out.println("fault interface down: exit " + r.status() + ", stderr " + r.errLines());
                assertEquals(2, r.status(), r::toString);
                List<String> errors = r.errLines().stream().filter(l -> !l.contains("probes sent")).toList();
                assertEquals(1, errors.size(), r::toString);
                assertTrue(errors.get(0).startsWith("tracecap: ") && errors.get(0).contains("Network is down"),
                        r::toString);
                assertTrue(r.out().contains(" 1  " + Chain.hop(1)), () -> "hop 1 printed\n" + r);
                assertTrue(Files.exists(json), () -> "-o written with what was learned\n" + r);
                JsonNode trace = JSON.readTree(json.toFile()).path("traces").get(0);
                List<List<String>> hops = Hops.responders(trace);
                assertEquals(List.of(Chain.hop(1), Chain.hop(1), Chain.hop(1)), hops.get(0), r::toString);
                assertEquals("incomplete", trace.path("stop").path("reason").asText(), r::toString);
                for (int k = 2; k <= hops.size(); k++) {
                    for (String responder : hops.get(k - 1)) {
                        assertTrue(responder.equals(STAR) || responder.equals(Chain.hop(Math.min(k, 4))),
                                () -> hops + "\n" + r);
                    }
                }
                ownProbesOnly(trace);
            } finally {
                pool.shutdownNow();
            }
        }
    }


    /**
     * Every probe has the trace's one source port, and every answered probe's reply quotes that probe: its IP
     * ID, the TTL left when it expired and UDP checksum (which covers the ports, so the quoted ports are the
     * probe's). The JSON has no quoted source port field: the checksum stands for it.
     */
    static void ownProbesOnly(JsonNode trace) {
        int port = trace.path("hops").get(0).path("probes").get(0).path("source_port").asInt();
        for (JsonNode hop : trace.path("hops")) {
            for (JsonNode p : hop.path("probes")) {
                assertEquals(port, p.path("source_port").asInt(), p::toString);
                if (p.path("answered").asBoolean()) {
                    assertEquals(p.path("ip_id").asInt(), p.path("quoted_ip_id").asInt(), p::toString);
                    // Routers quote TTL 1; the server (hop 4) quotes what is left of a higher TTL.
                    int ttl = hop.path("ttl").asInt();
                    assertEquals(ttl - Math.min(ttl, 4) + 1, p.path("quoted_ttl").asInt(), p::toString);
                    assertEquals(p.path("udp_checksum").asInt(), p.path("quoted_udp_checksum").asInt(),
                            p::toString);
                }
            }
        }
    }

    /**
     * client -- r1 -- r2 -- r3 -- server, fresh per test, addresses from 198.18.0.0/15: link k (1..4) is
     * 198.18.k.0/24, its client-side end .1, its far end .2; hop k answers from 198.18.k.2 and the server is
     * 198.18.4.2. Interfaces are named to-PEER. IPv6 and rp_filter off, and no ICMP rate limit on any node
     * (icmp_ratelimit=0), so that hop lists are exact.
     */
    static final class Chain implements AutoCloseable {
        static final String CLIENT = "198.18.1.1";
        static final String SERVER = "198.18.4.2";

        final NetnsTopology net;
        final Namespace client;
        final Namespace r1;
        final Namespace r2;
        final Namespace r3;
        final Namespace server;

        private Chain(NetnsTopology net) {
            this.net = net;
            client = node("client", false);
            r1 = node("r1", true);
            r2 = node("r2", true);
            r3 = node("r3", true);
            server = node("server", false);
            net.link(client, "to-r1", "198.18.1.1/24", r1, "to-client", "198.18.1.2/24");
            net.link(r1, "to-r2", "198.18.2.1/24", r2, "to-r1", "198.18.2.2/24");
            net.link(r2, "to-r3", "198.18.3.1/24", r3, "to-r2", "198.18.3.2/24");
            net.link(r3, "to-server", "198.18.4.1/24", server, "to-r3", "198.18.4.2/24");
            client.run("ip", "route", "add", "198.18.0.0/15", "via", "198.18.1.2");
            r1.run("ip", "route", "add", "198.18.0.0/15", "via", "198.18.2.2");
            routesOfR2();
            r3.run("ip", "route", "add", "198.18.0.0/15", "via", "198.18.3.1");
            server.run("ip", "route", "add", "198.18.0.0/15", "via", "198.18.4.1");
        }

        static Chain create() {
            NetnsTopology net = NetnsTopology.create();
            try {
                return new Chain(net);
            } catch (RuntimeException | Error e) {
                net.close();
                throw e;
            }
        }

        /** r2's routes (removed by the kernel when its links go down). */
        void routesOfR2() {
            r2.run("ip", "route", "replace", "198.18.1.0/24", "via", "198.18.2.1");
            r2.run("ip", "route", "replace", "198.18.4.0/24", "via", "198.18.3.2");
        }

        /** The address hop {@code k} (1..4) answers from. */
        static String hop(int k) {
            return "198.18." + k + ".2";
        }

        /** Every hop answered {@code q} times by its router, then the server. */
        static List<List<String>> allAnswered(int q) {
            List<List<String>> hops = new ArrayList<>();
            for (int k = 1; k <= 4; k++) {
                hops.add(java.util.Collections.nCopies(q, hop(k)));
            }
            return hops;
        }

        /** Packets counted by the rules of {@code chain} in {@code table} of {@code ns}. */
        static long packets(Namespace ns, String table, String chain) throws IOException {
            long total = 0;
            for (String line : ns.run("iptables", "-w", "-t", table, "-L", chain, "-v", "-n", "-x").lines()
                    .skip(2).toList()) {
                String[] words = line.strip().split("\\s+");
                if (words.length > 0 && words[0].matches("\\d+")) {
                    total += Long.parseLong(words[0]);
                }
            }
            return total;
        }

        private Namespace node(String role, boolean router) {
            Namespace ns = router ? net.router(role) : net.host(role);
            ns.run("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1",
                    "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0",
                    "net.ipv4.icmp_ratelimit=0", "net.ipv4.icmp_msgs_per_sec=100000",
                    "net.ipv4.icmp_msgs_burst=100000");
            return ns;
        }

        @Override
        public void close() {
            net.close();
        }
    }
}
