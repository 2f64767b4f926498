package org.tracecap.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two traces at once in one client namespace, each with its own capture on the same interface and the same
 * destination ports (default -p): each sees every frame of the other, and must keep only its own replies.
 * One traces the server (5 hops), the other r3's far address 198.18.4.1 (3 hops, r3 answering Port
 * Unreachable at hop 3): a reply taken from the other trace would show as a wrong responder, and any
 * reply attributed to a probe of another trace would quote another IP ID.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LiveConcurrentTest {
    static final String R3_FAR = "198.18.4.1";

    @TempDir
    Path dir;

    @Test
    void twoTracesAtOnceEachKeepOnlyTheirOwnReplies() throws Exception {
        try (LiveNet net = LiveNet.chain()) {
            Path a = dir.resolve("a.json");
            Path b = dir.resolve("b.json");
            CyclicBarrier start = new CyclicBarrier(2);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                // -z 20 ms: each trace lasts ~0.3 s, so the two overlap for sure.
                Future<Tracecap.Result> ra = pool.submit(() -> net.client().call(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    return Tracecap.runHere("trace", "-n", "-w", Tracecap.WAIT, "-z", "20", "-o", a.toString(), LiveNet.SERVER);
                }));
                Future<Tracecap.Result> rb = pool.submit(() -> net.client().call(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    return Tracecap.runHere("trace", "-n", "-w", Tracecap.WAIT, "-z", "20", "-o", b.toString(), R3_FAR);
                }));
                Tracecap.Result resultA = ra.get(30, TimeUnit.SECONDS);
                Tracecap.Result resultB = rb.get(30, TimeUnit.SECONDS);
                assertEquals(0, resultA.exit(), resultA::toString);
                assertEquals(0, resultB.exit(), resultB::toString);

                JsonNode ta = Tracecap.onlyTrace(a);
                JsonNode tb = Tracecap.onlyTrace(b);
                assertEquals(Tracecap.allAnswered(LiveNet.chainHops(), 3), Tracecap.responders(ta),
                        resultA::toString);
                assertEquals(Tracecap.allAnswered(List.of(LiveNet.hop(1), LiveNet.hop(2), R3_FAR), 3),
                        Tracecap.responders(tb), resultB::toString);
                ownRepliesOnly(ta);
                ownRepliesOnly(tb);
                int portA = ta.path("hops").get(0).path("probes").get(0).path("source_port").asInt();
                int portB = tb.path("hops").get(0).path("probes").get(0).path("source_port").asInt();
                assertNotEquals(portA, portB, "each trace picks its own source port");
                assertTrue(overlap(ta, tb), () -> "the traces did not run at once: " + ta.path("start_time")
                        + ".." + ta.path("end_time") + " and " + tb.path("start_time") + ".." + tb.path("end_time"));
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** Every answered probe's reply quotes that probe: its IP ID, TTL 1, and the trace's source port. */
    private static void ownRepliesOnly(JsonNode trace) {
        for (JsonNode hop : trace.path("hops")) {
            for (JsonNode p : hop.path("probes")) {
                assertEquals(p.path("ip_id").asInt(), p.path("quoted_ip_id").asInt(), p::toString);
                assertEquals(1, p.path("quoted_ttl").asInt(), p::toString);
                assertEquals(p.path("udp_checksum").asInt(), p.path("quoted_udp_checksum").asInt(), p::toString);
            }
        }
    }

    private static boolean overlap(JsonNode a, JsonNode b) {
        Instant as = Instant.parse(a.path("start_time").asText());
        Instant ae = Instant.parse(a.path("end_time").asText());
        Instant bs = Instant.parse(b.path("start_time").asText());
        Instant be = Instant.parse(b.path("end_time").asText());
        return as.isBefore(be) && bs.isBefore(ae);
    }
}
