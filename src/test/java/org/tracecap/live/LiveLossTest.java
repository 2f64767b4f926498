package org.tracecap.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tracecap.capture.PcapFileSource;
import org.tracecap.match.Classified;
import org.tracecap.match.FrameClassifier;
import org.tracecap.match.IcmpReply;
import org.tracecap.testnet.Namespace;

/**
 * Random loss on a real router: r2 drops 30% of what it forwards ({@code iptables -m statistic}), probes to
 * hops 3 and beyond and their replies alike. A capture of what r2 actually sent towards the client is the
 * ground truth: a probe must be answered exactly when its reply left r2, and by the router at its TTL.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LiveLossTest {
    @TempDir
    Path dir;

    @Test
    void lossGivesStarsOnlyWhereSomethingWasLostAndNeverAWrongResponder() throws Exception {
        try (LiveNet net = LiveNet.chain()) {
            net.iptables("r2", "-A", "FORWARD", "-m", "statistic", "--mode", "random", "--probability", "0.3",
                    "-j", "DROP");
            Namespace r2 = net.node("r2");
            Path replies = dir.resolve("r2-out.pcap");
            Path tcpdumpErr = dir.resolve("tcpdump.err");
            // What r2 sends towards the client: its own Time Exceeded and the replies it forwarded.
            Process tcpdump = new ProcessBuilder("ip", "netns", "exec", r2.name(), "tcpdump", "-i", "to-r1",
                    "-Q", "out", "-n", "-U", "-w", replies.toString(), "icmp")
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(tcpdumpErr.toFile()).start();
            Path json = dir.resolve("trace.json");
            Tracecap.Result r;
            try {
                awaitListening(tcpdump, tcpdumpErr);
                // HERE and NEAR off: a star then always means "nothing came within 1 s", never "the answer
                // came a few ms late", so stars can be compared with the ground truth.
                r = Tracecap.ok(net.client(), "trace", "-n", "-q", "5", "-m", "10", "-w", "1,0,0", "-o",
                        json.toString(), LiveNet.SERVER);
            } finally {
                Thread.sleep(200);
                r2.exec(Duration.ofSeconds(5), "kill", "-INT", Long.toString(tcpdump.pid()));
                if (!tcpdump.waitFor(5, TimeUnit.SECONDS)) {
                    tcpdump.destroyForcibly();
                }
            }
            Set<Integer> forwarded = quotedDestinationPorts(replies);
            JsonNode trace = Tracecap.onlyTrace(json);
            List<String> hops = LiveNet.chainHops();
            int answered = 0;
            int stars = 0;
            for (JsonNode hop : trace.path("hops")) {
                int ttl = hop.path("ttl").asInt();
                for (JsonNode p : hop.path("probes")) {
                    int port = p.path("destination_port").asInt();
                    boolean replyLeftR2 = ttl == 1 || forwarded.contains(port);
                    assertEquals(replyLeftR2, p.path("answered").asBoolean(),
                            () -> "probe to port " + port + " at TTL " + ttl + ": " + p + "\n" + r);
                    if (p.path("answered").asBoolean()) {
                        answered++;
                        String expected = hops.get(Math.min(ttl, 5) - 1);
                        assertEquals(expected, p.path("responder").asText(), () -> "TTL " + ttl + ": " + p);
                        assertEquals(p.path("ip_id").asInt(), p.path("quoted_ip_id").asInt(), p::toString);
                    } else {
                        stars++;
                        assertTrue(ttl >= 3, () -> "r2 does not drop what it sends itself: " + p);
                    }
                }
            }
            assertTrue(answered >= 10, r::toString);
            assertTrue(stars >= 1, () -> "30% loss on ~30 probes and replies left no star: " + r);
            assertEquals("reached", trace.path("stop").path("reason").asText(), r::toString);
        }
    }

    /** Waits until tcpdump says it is listening (its capture is attached). */
    static void awaitListening(Process tcpdump, Path stderr) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < until) {
            if (Files.exists(stderr) && Files.readString(stderr).contains("listening on")) {
                return;
            }
            if (!tcpdump.isAlive()) {
                throw new IllegalStateException("tcpdump ended: " + Files.readString(stderr));
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("tcpdump did not start listening: " + Files.readString(stderr));
    }

    /** The destination ports quoted by the ICMP errors in a capture. */
    static Set<Integer> quotedDestinationPorts(Path pcap) throws Exception {
        Set<Integer> ports = new HashSet<>();
        FrameClassifier classifier = new FrameClassifier();
        PcapFileSource.read(pcap, (time, linkType, frame, caplen, wire) -> {
            Classified c = classifier.classify(time, linkType, frame, caplen, wire);
            if (c instanceof IcmpReply reply && reply.quote() != null) {
                ports.add(reply.quote().destinationPort());
            }
        });
        return ports;
    }
}
