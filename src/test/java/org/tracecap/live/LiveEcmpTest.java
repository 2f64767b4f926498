package org.tracecap.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ECMP diamond: r1 spreads flows over r2a and r2b by L4 hash, so classic probes (one destination port
 * each) of one TTL take both branches. Each hop-2 probe must be attributed to the router that really
 * expired it: a per-port iptables counter in r2a and r2b (PREROUTING sees a TTL-1 packet before the router
 * answers it with Time Exceeded) says which one that was.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LiveEcmpTest {
    static final int BASE_PORT = 33434;
    static final int Q = 10;

    @TempDir
    Path dir;

    @Test
    void eachHop2ProbeIsAttributedToTheBranchRouterThatExpiredIt() throws Exception {
        try (LiveNet net = LiveNet.ecmp(1)) {
            // Hop 2's probes are numbers Q..2Q-1: destination ports BASE+Q..BASE+2Q-1.
            for (String router : List.of("r2a", "r2b")) {
                for (int port = BASE_PORT + Q; port < BASE_PORT + 2 * Q; port++) {
                    net.iptables(router, "-t", "mangle", "-A", "PREROUTING", "-p", "udp", "--dport",
                            Integer.toString(port), "-m", "ttl", "--ttl-eq", "1");
                }
            }
            Path json = dir.resolve("trace.json");
            Tracecap.Result r = Tracecap.ok(net.client(), "trace", "-n", "-w", Tracecap.WAIT, "-q", Integer.toString(Q), "-m", "8",
                    "-p", Integer.toString(BASE_PORT), "-o", json.toString(), LiveNet.SERVER);
            JsonNode trace = Tracecap.onlyTrace(json);
            Map<Integer, String> expiredAt = new HashMap<>();
            expiredAt.putAll(expiredPorts(net, "r2a", LiveNet.R2A));
            for (Map.Entry<Integer, String> e : expiredPorts(net, "r2b", LiveNet.R2B).entrySet()) {
                String before = expiredAt.put(e.getKey(), e.getValue());
                assertEquals(null, before, "port " + e.getKey() + " expired at both r2a and r2b");
            }

            List<List<String>> hops = Tracecap.responders(trace);
            assertEquals(5, hops.size(), r::toString);
            assertEquals(List.of(LiveNet.hop(1)), hops.get(0).stream().distinct().toList(), r::toString);
            assertEquals(List.of("198.18.3.2"), hops.get(2).stream().distinct().toList(), r::toString);
            assertEquals(List.of(LiveNet.hop(4)), hops.get(3).stream().distinct().toList(), r::toString);
            assertEquals(List.of(LiveNet.SERVER), hops.get(4).stream().distinct().toList(), r::toString);
            List<String> seen = new ArrayList<>();
            for (JsonNode p : trace.path("hops").get(1).path("probes")) {
                int port = p.path("destination_port").asInt();
                assertTrue(p.path("answered").asBoolean(), p::toString);
                assertEquals(expiredAt.get(port), p.path("responder").asText(),
                        () -> "probe to port " + port + " went through " + expiredAt.get(port) + ": " + p);
                seen.add(p.path("responder").asText());
            }
            assertEquals(Q, expiredAt.size(), "every hop-2 probe counted once: " + expiredAt);
            assertTrue(seen.contains(LiveNet.R2A) && seen.contains(LiveNet.R2B),
                    () -> Q + " flows all hashed to one branch (chance 2^-" + (Q - 1) + "): " + seen);
        }
    }

    /** Ports whose TTL-1 probe {@code router}'s counter saw, mapped to the router's hop-2 address. */
    private static Map<Integer, String> expiredPorts(LiveNet net, String router, String address) {
        String listing = net.node(router).run("iptables", "-w", "-t", "mangle", "-L", "PREROUTING", "-n", "-v",
                "-x");
        Map<Integer, String> ports = new HashMap<>();
        for (String line : listing.lines().toList()) {
            String[] w = line.strip().split("\\s+");
            int dpt = line.indexOf("dpt:");
            if (w.length > 2 && w[0].matches("\\d+") && dpt >= 0) {
                int port = Integer.parseInt(line.substring(dpt + 4).split("\\s+")[0]);
                long packets = Long.parseLong(w[0]);
                assertTrue(packets <= 1, () -> router + " saw port " + port + " expire " + packets + " times");
                if (packets == 1) {
                    ports.put(port, address);
                }
            }
        }
        return ports;
    }
}
