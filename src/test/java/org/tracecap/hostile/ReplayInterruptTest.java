package org.tracecap.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tracecap.cli.Main;

/**
 * Ctrl-C during the replay of a big capture (issue 5, output safety): a child JVM replays a capture made by
 * {@code bench/make-big-capture.py} and gets SIGINT after 0.5 s. It must print what it reconstructed, leave a
 * complete JSON document in {@code -o FILE}, say "interrupted" in its summary line, exit 130 and show no stack
 * trace.
 */
class ReplayInterruptTest {
    /** Big enough that the replay is still reading after 0.5 s (over a second on a fast machine). */
    private static final int PACKETS = 1_000_000;

    @Test
    void ctrlCDuringReplayPrintsWhatWasReconstructedAndWritesCompleteJson(@TempDir Path dir) throws Exception {
        Path capture = dir.resolve("big.pcap");
        Process make = new ProcessBuilder("python3", "bench/make-big-capture.py", "--packets",
                Integer.toString(PACKETS), capture.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("make.log").toFile()).start();
        assertTrue(make.waitFor(120, TimeUnit.SECONDS), "make-big-capture.py still running");
        assertEquals(0, make.exitValue(), () -> read(dir.resolve("make.log")));
        Path json = dir.resolve("out.json");
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");

        // The JVM handles SIGINT only if it was not ignored when it started (a job run in the background by a
        // non-interactive shell has it ignored): reset it to the default before starting java.
        List<String> command = new ArrayList<>(List.of("python3", "-c",
                "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL);"
                        + " os.execv(sys.argv[1], sys.argv[1:])",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "replay", "-n", "-o", json.toString(), capture.toString()));
        Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        // Wait until the first trace is printed (the JVM is up and reading), then 0.5 s more.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (Files.size(out) == 0 && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(500);
        assertTrue(p.isAlive(), () -> "the replay ended before the Ctrl-C: make the capture bigger\n"
                + read(err));
        long signalled = System.nanoTime();
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "still running 30 s after SIGINT");
        double seconds = (System.nanoTime() - signalled) / 1e9;

        String stdout = read(out);
        String stderr = read(err);
        String all = "exit " + p.exitValue() + "\n--- stderr\n" + stderr;
        System.out.printf("Ctrl-C replay: exit %d %.2f s after SIGINT; %s%n", p.exitValue(), seconds,
                stderr.strip());
        assertEquals(130, p.exitValue(), all);
        assertFalse(stderr.contains("Exception") || stderr.contains("\tat "), all);
        assertFalse(stdout.contains("Exception"), all);
        List<String> lines = stderr.lines().toList();
        assertTrue(lines.get(0).startsWith("tracecap: ") && lines.get(0).contains("packets read")
                && lines.get(0).endsWith(", interrupted"), all);
        long read = Long.parseLong(lines.get(0).substring("tracecap: ".length()).split(" ")[0]);
        assertTrue(read > 0 && read < PACKETS, "packets read: " + read);
        assertTrue(stdout.contains("traceroute to "), "no trace printed");

        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertTrue(doc.isObject(), "the JSON file is not one document");
        try (var left = Files.list(dir)) {
            assertEquals(List.of(), left.map(f -> f.getFileName().toString())
                    .filter(n -> n.startsWith(".") || n.contains("tmp")).toList(), "temporary files left");
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }
}
