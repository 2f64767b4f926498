package org.tracecap.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tracecap.cli.Main;
import org.tracecap.testnet.NetnsTopology;

/**
 * Ctrl-C: tracecap as its own process in the client namespace ({@code ip netns exec NS java ... trace}),
 * tracing a server that answers nothing, gets SIGINT once hops 1-4 are printed; it must exit promptly,
 * having printed the hops so far and written valid hop JSON with stop reason "interrupted".
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LiveInterruptTest {
    @TempDir
    Path dir;

    @Test
    void sigintStopsTheTraceAndWritesWhatWasLearned() throws Exception {
        try (LiveNet net = LiveNet.chain()) {
            net.iptables("server", "-A", "INPUT", "-j", "DROP");
            Path json = dir.resolve("trace.json");
            Path stdout = dir.resolve("stdout.txt");
            Path stderr = dir.resolve("stderr.txt");
            List<String> command = new ArrayList<>(net.client().javaCommand(Main.class, "trace", "-n", "-w", Tracecap.WAIT,
                    "-o", json.toString(), LiveNet.SERVER));
            Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
            try {
                // ip netns exec execs the JVM: the process is tracecap itself.
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (!read(stdout).lines().anyMatch(l -> l.matches("\\s*4\\s+.*"))) {
                    assertTrue(p.isAlive(), () -> "tracecap ended early: " + read(stdout) + read(stderr));
                    assertTrue(System.nanoTime() < until, () -> "hop 4 never printed: " + read(stdout) + read(stderr));
                    Thread.sleep(20);
                }
                Thread.sleep(500); // into the 5 s wait of hop 5's probes
                NetnsTopology.Result kill = NetnsTopology.exec(null, Duration.ofSeconds(5), "kill", "-INT",
                        Long.toString(p.pid()));
                assertEquals(0, kill.exit(), kill.stderr());
                long signalled = System.nanoTime();
                assertTrue(p.waitFor(5, TimeUnit.SECONDS), "tracecap still running 5 s after SIGINT");
                double exitSeconds = (System.nanoTime() - signalled) / 1e9;
                assertTrue(exitSeconds < 2, "exit took " + exitSeconds + " s");
            } finally {
                if (p.isAlive()) {
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            }
            String out = read(stdout);
            List<List<String>> printed = Tracecap.tableResponders(out);
            assertTrue(printed.size() >= 4, out);
            assertEquals(List.of(List.of(LiveNet.hop(1)), List.of(LiveNet.hop(2)), List.of(LiveNet.hop(3)),
                    List.of(LiveNet.hop(4))), printed.subList(0, 4), out);
            JsonNode trace = Tracecap.onlyTrace(json);
            assertEquals("interrupted", trace.path("stop").path("reason").asText(), trace::toString);
            List<List<String>> hops = Tracecap.responders(trace);
            assertEquals(Tracecap.allAnswered(LiveNet.chainHops().subList(0, 4), 3), hops.subList(0, 4));
            for (List<String> hop : hops.subList(4, hops.size())) {
                assertTrue(hop.stream().allMatch(Tracecap.STAR::equals), () -> "the server answered: " + hops);
            }
            assertTrue(p.exitValue() != 0 && p.exitValue() != Main.INTERNAL_ERROR,
                    () -> "an interrupted trace is not a success nor a bug: exit " + p.exitValue() + ", " + read(stderr));
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
