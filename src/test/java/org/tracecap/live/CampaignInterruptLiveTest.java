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

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tracecap.cli.Main;
import org.tracecap.testnet.NetnsTopology;
import org.tracecap.testnet.RouterNet;

/**
 * Ctrl-C in a campaign: tracecap as its own process on the rate-limited fan of {@link CampaignLiveTest} (whose
 * campaign takes about 30 s, r2 answering once a second), SIGINT once a few traces are out; it must exit at once
 * with status 130, every line written to stdout and to {@code -o} a whole JSON trace, the same traces in both,
 * and the summary line counting the unfinished ones.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class CampaignInterruptLiveTest {
    @TempDir
    Path dir;

    @Test
    void sigintStopsTheCampaignAndWritesWholeLines() throws Exception {
        List<String> targets = new ArrayList<>();
        try (RouterNet net = CampaignLiveTest.fan(targets)) {
            Path file = dir.resolve("targets.txt");
            Files.write(file, targets);
            Path json = dir.resolve("campaign.jsonl");
            Path stdout = dir.resolve("stdout.txt");
            Path stderr = dir.resolve("stderr.txt");
            List<String> command = new ArrayList<>(net.node("client").javaCommand(Main.class, "trace", "-n",
                    "--json", "-o", json.toString(), "--targets", file.toString()));
            Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
            try {
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
                while (read(stdout).lines().count() < 8) {
                    assertTrue(p.isAlive(), () -> "tracecap ended early: " + read(stdout) + read(stderr));
                    assertTrue(System.nanoTime() < until, () -> "8 traces never printed: " + read(stderr));
                    Thread.sleep(20);
                }
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
            assertEquals(130, p.exitValue(), read(stderr));
            List<String> printed = read(stdout).lines().toList();
            List<String> written = Files.readAllLines(json, StandardCharsets.UTF_8);
            assertTrue(printed.size() >= 8 && printed.size() < targets.size(), printed.size() + " traces");
            assertEquals(printed, written, "the same whole traces on stdout and in -o");
            for (String line : printed) {
                assertEquals("reached", Tracecap.parse(line).path("stop").path("reason").asText(), line);
            }
            assertTrue(read(stderr).matches("(?s).*tracecap: campaign: " + printed.size()
                    + " traces \\(\\d+ reached\\), interrupted with \\d+ unfinished.*"), read(stderr));
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
