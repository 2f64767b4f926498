package org.tracecap.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tracecap.capture.LivePort;
import org.tracecap.cli.Main;
import org.tracecap.packet.IcmpErrorEncoder;
import org.tracecap.packet.Ipv4Address;

/**
 * A flood of forged ICMP at the client during a live trace (issue 5): the attacker namespace on r1 sends, as
 * fast as one pcap sender goes, Time Exceeded quoting another destination or a destination port no probe uses,
 * Echo Replies and Time Exceeded quoting TCP, and mixed in (one frame in {@value #PASSING_EVERY}) forgeries
 * that the capture filter cannot tell apart from a real reply (right destination and port, another source
 * port or an IP ID never used). The trace runs as the CLI in a child JVM in the client namespace
 * ({@code tracecap trace -n --json}), so its peak resident memory (VmHWM) is measured alone. r2 drops its own
 * Time Exceeded, so hop 2's probes wait the whole MAX wait (2 s) while the flood goes on.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IcmpFloodLiveTest {
    static final int BASE_PORT = 33434;
    /** Max TTL 5 x 3 probes: the destination ports 33434..33448. */
    static final int PROBES = 15;
    /** One forgery the capture filter lets through per this many frames of the flood. */
    static final int PASSING_EVERY = 20;
    /** Forged sources: 198.18.7.x, one per kind. */
    static final int OTHER_DESTINATION = 1;
    static final int PORT_NOT_USED = 2;
    static final int ECHO_REPLY = 3;
    static final int QUOTED_TCP = 4;
    static final int OTHER_SOURCE_PORT = 5;
    static final int IP_ID_NEVER_USED = 6;
    static final List<List<String>> EXPECTED = List.of(List.of("198.18.0.1", "198.18.0.1", "198.18.0.1"),
            List.of("*", "*", "*"), List.of("198.18.2.2", "198.18.2.2", "198.18.2.2"));

    static HostileNet net;
    static byte[] attackerMac;
    static byte[] r1Mac;

    @BeforeAll
    static void topology() {
        net = new HostileNet();
        attackerMac = HostileNet.mac(net.attacker.mac("eth0"));
        r1Mac = HostileNet.mac(net.r1.mac("eth2"));
        net.r2.run("iptables", "-A", "OUTPUT", "-p", "icmp", "--icmp-type", "time-exceeded", "-j", "DROP");
    }

    @AfterAll
    static void remove() {
        if (net != null) {
            net.close();
        }
    }

    static int forged(int kind) {
        return Ipv4Address.parse(HostileNet.FORGED_NET + kind);
    }

    static byte[] timeExceeded(int kind, byte[] quote) {
        return HostileNet.timeExceeded(forged(kind), quote, attackerMac, r1Mac);
    }

    /** The flood's frames, in sending order: {@value #PASSING_EVERY} - 1 junk frames, then a passing forgery. */
    static List<byte[]> floodFrames() {
        List<byte[]> junk = new ArrayList<>();
        List<byte[]> passing = new ArrayList<>();
        byte[] echoData = new byte[56];
        for (int n = 0; n < PROBES; n++) {
            int ipId = 0x4000 + n;
            int sport = 62000 + n;
            junk.add(timeExceeded(OTHER_DESTINATION, HostileNet.quote(HostileNet.SERVER + 1, 1, ipId, sport,
                    BASE_PORT + n, 0)));
            junk.add(timeExceeded(PORT_NOT_USED, HostileNet.quote(HostileNet.SERVER, 1, ipId, sport,
                    BASE_PORT + PROBES + n, 0)));
            IcmpErrorEncoder echo = IcmpErrorEncoder.echoReply(forged(ECHO_REPLY), HostileNet.CLIENT, 0x7ace, n,
                    echoData, 0, echoData.length).ethernet(r1Mac, attackerMac);
            byte[] e = new byte[echo.length()];
            echo.encode(e, 0);
            junk.add(e);
            byte[] tcp = HostileNet.quote(HostileNet.SERVER, 1, ipId, sport, BASE_PORT + n, 0);
            tcp[9] = 6;
            junk.add(timeExceeded(QUOTED_TCP, tcp));
            passing.add(timeExceeded(OTHER_SOURCE_PORT, HostileNet.quote(HostileNet.SERVER, 1, ipId, 1000 + n,
                    BASE_PORT + n, 0)));
            passing.add(timeExceeded(IP_ID_NEVER_USED, HostileNet.quote(HostileNet.SERVER, 1, ipId, sport,
                    BASE_PORT + n, 0)));
        }
        List<byte[]> order = new ArrayList<>();
        for (int i = 0, j = 0, p = 0; p < passing.size() * 4; p++) {
            for (int k = 0; k < PASSING_EVERY - 1; k++) {
                order.add(junk.get(i++ % junk.size()));
            }
            order.add(passing.get(j++ % passing.size()));
        }
        return order;
    }

    record Flood(long junk, long passing, double seconds) {
        double rate() {
            return (junk + passing) / seconds;
        }
    }

    /**
     * Frames per second of the flood. One pcap sender reaches about 110,000/s here, but at that rate r1 (a
     * namespace sharing the test machine's two CPUs with everything else) cannot forward it all: the kernel
     * drops frames on the way to the client (the veth backlog, before any capture sees them), the real replies
     * among them, and any traceroute loses hops. Paced to half of that, the links carry the flood and the
     * trace's replies, and what is left to show is tracecap's part.
     */
    static final long RATE = 50_000;

    /** Sends the flood from the attacker namespace until {@code stop}, {@value #RATE} frames/s. */
    static CompletableFuture<Flood> flood(AtomicBoolean stop) {
        List<byte[]> frames = floodFrames();
        return CompletableFuture.supplyAsync(() -> {
            try {
                return net.attacker.call(() -> {
                    long junk = 0;
                    long passing = 0;
                    long start = System.nanoTime();
                    try (LivePort port = LivePort.open("eth0", "less 0")) {
                        for (int i = 0, sent = 0; !stop.get(); i = (i + 1) % frames.size(), sent++) {
                            if (sent % 100 == 0) {
                                // Paced to RATE: wait until the time this frame is due.
                                long due = start + sent * 1_000_000_000L / RATE;
                                long early = due - System.nanoTime();
                                if (early > 0) {
                                    java.util.concurrent.locks.LockSupport.parkNanos(early);
                                }
                            }
                            byte[] f = frames.get(i);
                            port.send(f, f.length);
                            if (i % PASSING_EVERY == PASSING_EVERY - 1) {
                                passing++;
                            } else {
                                junk++;
                            }
                        }
                    }
                    return new Flood(junk, passing, (System.nanoTime() - start) / 1e9);
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void aFloodOfForgedIcmpLeavesTheHopsRightAndMemoryBounded(@TempDir Path dir) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Flood> attack = flood(stop);
        Thread.sleep(500);
        Path out = dir.resolve("out.json");
        Path err = dir.resolve("err.txt");
        List<String> command = net.client.javaCommand(Main.class, "trace", "-n", "--json", "-m", "5", "-q", "3",
                "-w", "2,0,0", Ipv4Address.format(HostileNet.SERVER));
        command.add(5, "-XX:+UseSerialGC"); // after "ip netns exec NAME java"
        long peakKiB = 0;
        int status;
        try {
            Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            Path proc = Path.of("/proc", Long.toString(p.pid()), "status");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (p.isAlive() && System.nanoTime() < deadline) {
                // ip netns exec execs the JVM in its own process: VmHWM is the JVM's peak resident set.
                peakKiB = Math.max(peakKiB, vmHwmKiB(proc));
                Thread.sleep(20);
            }
            assertTrue(p.waitFor(5, TimeUnit.SECONDS), "the trace is still running");
            status = p.exitValue();
        } finally {
            stop.set(true);
        }
        Flood flood = attack.get(30, TimeUnit.SECONDS);
        String stderr = Files.readString(err);
        assertEquals(0, status, () -> "exit status, stderr:\n" + stderr);
        JsonNode trace = new ObjectMapper().readTree(out.toFile()).get("traces").get(0);
        List<List<String>> hops = new ArrayList<>();
        long attributed = 0;
        for (JsonNode hop : trace.get("hops")) {
            List<String> r = new ArrayList<>();
            for (JsonNode probe : hop.get("probes")) {
                String responder = probe.path("responder").asText("*");
                r.add(responder);
                if (responder.startsWith(HostileNet.FORGED_NET)) {
                    attributed++;
                }
            }
            hops.add(r);
        }
        Matcher dropped = Pattern.compile("(\\d+) dropped").matcher(stderr);
        assertTrue(dropped.find(), () -> "no dropped count in the summary:\n" + stderr);
        System.out.printf("ICMP flood: %d forged frames in %.1f s (%.0f/s; %d past the capture filter), attributed"
                + " %d, dropped %s, trace JVM peak RSS %d MiB, hops %s; %s%n", flood.junk() + flood.passing(),
                flood.seconds(), flood.rate(), flood.passing(), attributed, dropped.group(1), peakKiB >> 10, hops,
                stderr.strip());
        assertEquals(0, attributed, "forged replies attributed");
        assertEquals(EXPECTED, hops, stderr);
        assertTrue(flood.rate() > 20_000 && flood.rate() < RATE * 1.1, "the flood reached only " + flood.rate() + " frames/s");
        assertTrue(peakKiB > 0 && peakKiB < 512 * 1024, "peak RSS " + peakKiB + " KiB");
    }

    private static long vmHwmKiB(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // the process has just ended
        }
        return 0;
    }
}
