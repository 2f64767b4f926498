package org.tracecap.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tracecap.testnet.Hops;
import org.tracecap.testnet.NetnsTopology;

/**
 * Two tracecap traces and a Debian {@code traceroute -n} at once in one client namespace, to the same target
 * with the same destination ports (33434 up, everyone's default): each tracecap captures every probe and
 * reply of the other two, and must keep only its own replies; traceroute (an ordinary socket) must still
 * complete.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConcurrentPeersLiveTest {
    private static final Pattern HOP_LINE = Pattern.compile("^\\s*(\\d+)\\s+(.*)$");
    private static final Pattern ADDRESS = Pattern.compile("\\b(\\d{1,3}(?:\\.\\d{1,3}){3})\\b");

    @TempDir
    Path dir;

    @Test
    void twoTracecapsAndTracerouteAtOnceEachKeepOnlyTheirOwnReplies() throws Exception {
        Assumptions.assumeTrue(new java.io.File("/usr/sbin/traceroute").canExecute()
                || new java.io.File("/usr/bin/traceroute").canExecute(), "traceroute (Debian package) not installed");
        // The chain turns ICMP rate limits off in every router (net.ipv4.icmp_ratelimit=0): Linux answers at
        // most a burst of 6 then 1 per second per destination, and three tracers sending 9 probes each to one
        // hop at once would starve each other into stars that say nothing about attribution.
        try (FaultLiveTest.Chain net = FaultLiveTest.Chain.create()) {
            Path a = dir.resolve("a.json");
            Path b = dir.resolve("b.json");
            CyclicBarrier start = new CyclicBarrier(3);
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                // -z 20 ms: each run lasts ~0.3 s or more, so the three overlap.
                Future<CliResult> ra = pool.submit(() -> net.client.call(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    return CliResult.inProcess("trace", "-n", "-w", FaultLiveTest.WAIT, "-z", "20", "-o",
                            a.toString(), FaultLiveTest.Chain.SERVER);
                }));
                Future<CliResult> rb = pool.submit(() -> net.client.call(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    return CliResult.inProcess("trace", "-n", "-w", FaultLiveTest.WAIT, "-z", "20", "-o",
                            b.toString(), FaultLiveTest.Chain.SERVER);
                }));
                Future<NetnsTopology.Result> rt = pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    return net.client.exec(Duration.ofSeconds(30), "traceroute", "-n", "-w", FaultLiveTest.WAIT,
                            "-z", "20", FaultLiveTest.Chain.SERVER);
                });
                CliResult resultA = ra.get(40, TimeUnit.SECONDS).assertNoStackTrace();
                CliResult resultB = rb.get(40, TimeUnit.SECONDS).assertNoStackTrace();
                NetnsTopology.Result traceroute = rt.get(40, TimeUnit.SECONDS);
                assertEquals(0, resultA.status(), resultA::toString);
                assertEquals(0, resultB.status(), resultB::toString);
                assertEquals(0, traceroute.exit(), traceroute::toString);

                JsonNode ta = FaultLiveTest.JSON.readTree(a.toFile()).path("traces").get(0);
                JsonNode tb = FaultLiveTest.JSON.readTree(b.toFile()).path("traces").get(0);
                assertEquals(FaultLiveTest.Chain.allAnswered(3), Hops.responders(ta), resultA::toString);
                assertEquals(FaultLiveTest.Chain.allAnswered(3), Hops.responders(tb), resultB::toString);
                FaultLiveTest.ownProbesOnly(ta);
                FaultLiveTest.ownProbesOnly(tb);
                int portA = ta.path("hops").get(0).path("probes").get(0).path("source_port").asInt();
                int portB = tb.path("hops").get(0).path("probes").get(0).path("source_port").asInt();
                assertNotEquals(portA, portB, "each trace picks its own source port");
                assertTrue(overlap(ta, tb), () -> "the traces did not run at once: " + ta.path("start_time") + ".."
                        + ta.path("end_time") + " and " + tb.path("start_time") + ".." + tb.path("end_time"));

                List<List<String>> expected = FaultLiveTest.Chain.allAnswered(1);
                assertEquals(expected, distinctResponders(traceroute.stdout()), traceroute::toString);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** Per hop line of traceroute's table, the distinct addresses on it (stars left out). */
    static List<List<String>> distinctResponders(String table) {
        List<List<String>> hops = new ArrayList<>();
        for (String line : table.lines().toList()) {
            Matcher m = HOP_LINE.matcher(line);
            if (!m.matches() || line.startsWith("traceroute")) {
                continue;
            }
            int ttl = Integer.parseInt(m.group(1));
            while (hops.size() < ttl) {
                hops.add(new ArrayList<>());
            }
            Matcher address = ADDRESS.matcher(m.group(2));
            while (address.find()) {
                if (!hops.get(ttl - 1).contains(address.group(1))) {
                    hops.get(ttl - 1).add(address.group(1));
                }
            }
        }
        return hops;
    }

    private static boolean overlap(JsonNode a, JsonNode b) {
        Instant as = Instant.parse(a.path("start_time").asText());
        Instant ae = Instant.parse(a.path("end_time").asText());
        Instant bs = Instant.parse(b.path("start_time").asText());
        Instant be = Instant.parse(b.path("end_time").asText());
        return as.isBefore(be) && bs.isBefore(ae);
    }
}
