package org.tracecap.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The corpus of broken capture files made by {@code src/test/corpus/make-corpus.sh} (issue 5), each replayed
 * through the CLI. For every case: no stack trace, no exception name, done within seconds, and
 * <ul>
 *   <li>{@code fail}: exit 2, nothing on stdout, exactly one line on stderr naming the file;</li>
 *   <li>{@code partial}: exit 2, the traces of the frames before the fault on stdout, exactly as a clean
 *       capture holding only those frames gives them, and the last stderr line naming the file and the fault;</li>
 *   <li>{@code ok}: exit 0 (damage inside frames or skipped blocks is counted, not fatal).</li>
 * </ul>
 * The expectations are behavioural, so they hold for libpcap and for the Java classic-pcap reader alike.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CaptureCorpusTest {
    static final Path GOOD = Path.of("captures/straight-traceroute-udp.pcap");
    static final Pattern AFTER = Pattern.compile("after (\\d+) packets");

    @TempDir
    static Path dir;
    static Map<String, String[]> cases = new TreeMap<>();

    @BeforeAll
    static void makeCorpus() throws Exception {
        Process p = new ProcessBuilder("bash", "src/test/corpus/make-corpus.sh", dir.toString())
                .redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "make-corpus.sh hangs");
        assertEquals(0, p.exitValue(), "make-corpus.sh failed: " + said);
        for (String line : Files.readAllLines(dir.resolve("cases.tsv"))) {
            String[] f = line.split("\t");
            cases.put(f[0], f);
        }
        assertTrue(cases.size() >= 25, "corpus has " + cases.size() + " cases");
    }

    @TestFactory
    Stream<DynamicTest> everyCorpusCaseGivesAClearOutcome() {
        return cases.values().stream().map(c -> DynamicTest.dynamicTest(c[0] + " (" + c[2] + ")",
                () -> check(c[0], c[1])));
    }

    private void check(String name, String outcome) throws Exception {
        Path file = dir.resolve(name);
        CliResult r = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> CliResult.inProcess("replay", "-n", file.toString()));
        r.assertNoStackTrace();
        switch (outcome) {
            case "fail" -> assertFailsWithOneLine(r, file);
            case "ok" -> assertEquals(0, r.status(), () -> name + ":\n" + r);
            case "partial" -> {
                assertEquals(2, r.status(), () -> name + ":\n" + r);
                List<String> err = r.errLines();
                String last = err.get(err.size() - 1);
                assertTrue(last.startsWith("tracecap: " + file + ": "), () -> name + ":\n" + r);
                Matcher m = AFTER.matcher(last);
                assertTrue(m.find(), () -> "says how many packets were read: " + last);
                int delivered = Integer.parseInt(m.group(1));
                assertTrue(delivered > 0, last);
                assertFalse(r.out().isEmpty(), () -> "the traces before the fault are printed:\n" + r);
                CliResult clean = CliResult.inProcess("replay", "-n", prefix(delivered).toString());
                assertEquals(0, clean.status(), clean::toString);
                assertEquals(clean.out(), r.out(), () -> name + ": the partial result is what the first "
                        + delivered + " packets give");
            }
            default -> throw new IllegalArgumentException(outcome);
        }
    }

    static void assertFailsWithOneLine(CliResult r, Path file) {
        assertEquals(2, r.status(), r::toString);
        assertEquals("", r.out(), r::toString);
        assertEquals(1, r.errLines().size(), () -> "one line on stderr:\n" + r);
        assertTrue(r.err().startsWith("tracecap: " + file), r::toString);
    }

    /** A clean classic pcap holding the first {@code packets} records of {@link #GOOD}. */
    static Path prefix(int packets) throws IOException {
        byte[] good = Files.readAllBytes(GOOD);
        ByteBuffer b = ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xa1b2c3d4, b.getInt(0), "GOOD is little-endian microsecond pcap");
        int at = 24;
        for (int i = 0; i < packets; i++) {
            at += 16 + b.getInt(at + 8);
        }
        Path p = dir.resolve("prefix-" + packets + ".pcap.clean");
        Files.write(p, java.util.Arrays.copyOf(good, at));
        return p;
    }

    @Test
    void aGigabyteOfZerosFailsFastWithoutBeingRead() {
        Path file = dir.resolve("sparse-zeros.pcap");
        assertEquals(1L << 30, file.toFile().length());
        long start = System.nanoTime();
        CliResult r = CliResult.inProcess("replay", file.toString());
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertFailsWithOneLine(r.assertNoStackTrace(), file);
        assertTrue(ms < 2000, "took " + ms + " ms");
    }

    @Test
    void aMissingFileAndCharacterDevicesFailWithOneLine() {
        for (String name : List.of(dir.resolve("no-such.pcap").toString(), "/dev/zero", "/dev/urandom",
                "/dev/null")) {
            CliResult r = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> CliResult.inProcess("replay", name));
            assertFailsWithOneLine(r.assertNoStackTrace(), Path.of(name));
        }
    }

    @Test
    void aPipeFedGarbageFailsWithOneLine() throws Exception {
        Path fifo = dir.resolve("garbage.fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, mk.waitFor());
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (OutputStream o = Files.newOutputStream(fifo)) {
                o.write("not a capture at all, just text arriving through a pipe\n".repeat(100).getBytes());
            } catch (IOException e) {
                // the reader gave up first: fine
            }
        });
        CliResult r = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> CliResult.inProcess("replay", fifo.toString()));
        assertFailsWithOneLine(r.assertNoStackTrace(), fifo);
        writer.get(10, TimeUnit.SECONDS);
    }

    /** The same cases as a user runs them: a separate JVM, its exit status, nothing else on its stderr. */
    @Test
    void inAChildJvmTheExitStatusIs2AndStderrHoldsOnlyTracecapsLines() throws Exception {
        List<String> names = new ArrayList<>(List.of("empty.pcap", "directory.pcap", "gzip-cut.pcap.gz", "sparse-zeros.pcap",
                "caplen-2g.pcap", "truncated-record-frame.pcap", "pcapng-caplen-past-block.pcapng", "bad-magic.pcap",
                "timestamp-fraction-over-1s-v23.pcap", "gzip-text.pcap.gz"));
        for (String name : names) {
            CliResult r = CliResult.childJvm(List.of(), 30, "replay", "-n", dir.resolve(name).toString());
            r.assertNoStackTrace();
            assertEquals(2, r.status(), () -> name + ":\n" + r);
            for (String line : r.errLines()) {
                assertTrue(line.startsWith("tracecap: "), () -> name + ": a line not from tracecap:\n" + r);
            }
            String outcome = cases.get(name)[1];
            assertEquals(outcome.equals("partial"), !r.out().isEmpty(), () -> name + ":\n" + r);
        }
    }
}
