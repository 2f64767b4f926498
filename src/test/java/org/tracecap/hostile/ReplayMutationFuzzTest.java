package org.tracecap.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutation fuzzing of the real captures (and two of them gzipped) through the whole replay (file reader, reconstruction, text and JSON
 * reports, CLI): bytes flipped, set to extreme values, files truncated, spliced with pieces of other captures,
 * record headers lied in. Seeded: a failure names the seed and the mutant, which {@link #mutant} rebuilds.
 *
 * <p>Every mutant must end with exit 0, or exit 2 whose last stderr line names the file (a
 * {@code CaptureException}); never exit 1 (an unexpected exception), never a stack trace, never more than
 * {@link #PER_MUTANT_SECONDS} s, and JSON output that parses even when the capture broke part way. Heap after
 * a full GC must come back to where it started (nothing kept from one replay to the next).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReplayMutationFuzzTest {
    static final long SEED = Long.getLong("tracecap.fuzz.seed", 0x7ACECA9L);
    static final int MUTANTS = Integer.getInteger("tracecap.fuzz.mutants", 3000);
    static final long BUDGET_NANOS = TimeUnit.SECONDS.toNanos(50);
    static final int PER_MUTANT_SECONDS = 5;

    @TempDir
    Path dir;

    static List<byte[]> originals() throws IOException {
        List<byte[]> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("captures"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".pcap") || f.toString().endsWith(".pcapng"))
                    .sorted().toList()) {
                all.add(Files.readAllBytes(p));
            }
        }
        // gzip streams too (issue 12): the bundled pcap and pcapng, compressed here
        for (String name : List.of("straight-traceroute-udp.pcap", "straight-traceroute-udp.pcapng")) {
            java.io.ByteArrayOutputStream packed = new java.io.ByteArrayOutputStream();
            try (java.io.OutputStream o = new java.util.zip.GZIPOutputStream(packed)) {
                o.write(Files.readAllBytes(Path.of("captures", name)));
            }
            all.add(packed.toByteArray());
        }
        return all;
    }

    /** Mutant {@code index} of the corpus for {@code seed}; also names the mutation. */
    static byte[] mutant(List<byte[]> originals, long seed, int index, StringBuilder what) {
        SplittableRandom r = new SplittableRandom(seed + 0x9E3779B97F4A7C15L * index);
        byte[] b = originals.get(r.nextInt(originals.size())).clone();
        int kind = r.nextInt(7);
        switch (kind) {
            case 0 -> { // flip a few bits
                int n = 1 + r.nextInt(8);
                for (int i = 0; i < n; i++) {
                    b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                }
                what.append("flip ").append(n).append(" bits");
            }
            case 1 -> { // random bytes
                int n = 1 + r.nextInt(32);
                for (int i = 0; i < n; i++) {
                    b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                }
                what.append("randomise ").append(n).append(" bytes");
            }
            case 2 -> { // truncate
                int at = r.nextInt(b.length);
                b = java.util.Arrays.copyOf(b, at);
                what.append("truncate at ").append(at);
            }
            case 3 -> { // splice a piece of another capture in
                byte[] other = originals.get(r.nextInt(originals.size()));
                int from = r.nextInt(other.length);
                int len = r.nextInt(Math.min(512, other.length - from) + 1);
                int at = r.nextInt(b.length + 1);
                byte[] n = new byte[b.length + len];
                System.arraycopy(b, 0, n, 0, at);
                System.arraycopy(other, from, n, at, len);
                System.arraycopy(b, at, n, at + len, b.length - at);
                b = n;
                what.append("splice ").append(len).append(" bytes at ").append(at);
            }
            case 4 -> { // delete a range
                int at = r.nextInt(b.length);
                int len = Math.min(b.length - at, 1 + r.nextInt(256));
                byte[] n = new byte[b.length - len];
                System.arraycopy(b, 0, n, 0, at);
                System.arraycopy(b, at + len, n, at, b.length - at - len);
                b = n;
                what.append("delete ").append(len).append(" bytes at ").append(at);
            }
            case 5 -> { // an extreme 32-bit value at a 4-aligned offset (record lengths, block lengths)
                int at = (r.nextInt(Math.max(1, b.length / 4))) * 4;
                int[] extremes = {0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0x40000, 0x40001, 0xffff, 12, 16};
                int v = extremes[r.nextInt(extremes.length)];
                for (int i = 0; i < 4 && at + i < b.length; i++) {
                    b[at + i] = (byte) (v >>> (8 * (r.nextBoolean() ? i : 3 - i)));
                }
                what.append("0x").append(Integer.toHexString(v)).append(" at ").append(at);
            }
            default -> { // duplicate a range in place (repeated records, repeated blocks)
                int at = r.nextInt(b.length);
                int len = Math.min(b.length - at, 1 + r.nextInt(400));
                byte[] n = new byte[b.length + len];
                System.arraycopy(b, 0, n, 0, at + len);
                System.arraycopy(b, at, n, at + len, b.length - at);
                b = n;
                what.append("repeat ").append(len).append(" bytes at ").append(at);
            }
        }
        return b;
    }

    @Test
    void thousandsOfMutantsOfRealCapturesGiveAResultOrOneLineError() throws Exception {
        List<byte[]> originals = originals();
        assertTrue(originals.size() >= 20, "captures found: " + originals.size());
        ObjectMapper json = new ObjectMapper();
        Map<String, Integer> outcomes = new TreeMap<>();
        ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-replay");
            t.setDaemon(true);
            return t;
        });
        // pcap4j's callback runs under JNA, which prints what it throws on the process's real stderr.
        java.io.PrintStream realErr = System.err;
        java.io.ByteArrayOutputStream leaked = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(leaked, true));
        List<String> leaking = new ArrayList<>();
        long baseline = heapAfterGc();
        resetPeaks();
        long start = System.nanoTime();
        int done = 0;
        try {
            for (int i = 0; i < MUTANTS && System.nanoTime() - start < BUDGET_NANOS; i++) {
                StringBuilder what = new StringBuilder();
                byte[] bytes = mutant(originals, SEED, i, what);
                Path file = dir.resolve("mutant-" + i + ".pcap");
                Files.write(file, bytes);
                boolean asJson = i % 2 == 0;
                String[] args = asJson ? new String[] {"replay", "--json", file.toString()}
                        : new String[] {"replay", "-n", file.toString()};
                Future<CliResult> f = runner.submit(() -> CliResult.inProcess(args));
                CliResult r;
                String name = "seed " + SEED + " mutant " + i + " (" + what + ")";
                try {
                    r = f.get(PER_MUTANT_SECONDS, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    Files.copy(file, Path.of("target", "hung-mutant.pcap"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    fail(name + " still running after " + PER_MUTANT_SECONDS + " s (saved as target/hung-mutant.pcap)");
                    return;
                }
                final CliResult result = r;
                try {
                    result.assertNoStackTrace();
                    assertTrue(r.status() == 0 || r.status() == 2, () -> name + ":\n" + result);
                    List<String> err = r.errLines();
                    if (r.status() == 2) {
                        String last = err.get(err.size() - 1);
                        assertTrue(last.startsWith("tracecap: " + file + ": "), () -> name + ":\n" + result);
                        assertTrue(r.out().isEmpty() || !last.contains("after 0 packets"), () -> name + ":\n" + result);
                    }
                    if (asJson && !r.out().isEmpty()) {
                        json.readTree(r.out());
                    }
                } catch (AssertionError | IOException e) {
                    Files.copy(file, Path.of("target", "failed-mutant.pcap"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    throw new AssertionError(name + " (saved as target/failed-mutant.pcap): " + e.getMessage(), e);
                }
                String key = r.status() == 0 ? "exit 0" : r.out().isEmpty() ? "exit 2, nothing read" : "exit 2, partial";
                outcomes.merge(key, 1, Integer::sum);
                if (leaked.size() > 0) {
                    leaking.add(name + ": " + leaked.toString().lines().limit(3).toList());
                    leaked.reset();
                }
                Files.delete(file);
                done++;
            }
        } finally {
            runner.shutdownNow();
            System.setErr(realErr);
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        long peak = peakHeap();
        long after = heapAfterGc();
        System.out.printf("replay fuzz: %d mutants in %d s, %s, %d leaking to stderr; heap peak %d MiB, after GC %d MiB (before %d MiB)%n",
                done, seconds, outcomes, leaking.size(), peak >> 20, after >> 20, baseline >> 20);
        assertTrue(done >= Math.min(MUTANTS, 1000), "only " + done + " mutants in the time budget");
        assertEquals(3, outcomes.size(), "mutants reach every outcome: " + outcomes);
        assertTrue(leaking.isEmpty(), () -> leaking.size() + " mutants wrote to the process's stderr behind"
                + " tracecap's back (a user sees a stack trace), e.g. " + leaking.subList(0, Math.min(3, leaking.size())));
        assertTrue(after < baseline + (32 << 20), "heap grew from " + (baseline >> 20) + " to " + (after >> 20) + " MiB");
    }

    static long heapAfterGc() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    static void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
    }

    /** Sum of the heap pools' peaks since {@link #resetPeaks()}: an upper bound of the heap used at once. */
    static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
