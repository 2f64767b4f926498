package org.tracecap.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.tracecap.capture.CaptureException;
import org.tracecap.capture.PcapFileSource;
import org.tracecap.match.FrameSink;
import org.tracecap.model.Trace;

/** {@link ThreadedReconstructor} gives what {@link Reconstructor} gives, frame for frame. */
class ThreadedReconstructorTest {

    private static List<Path> captures() throws IOException {
        try (Stream<Path> files = Files.list(Replays.CAPTURES)) {
            return files.filter(p -> p.toString().endsWith(".pcap") || p.toString().endsWith(".pcapng"))
                    .sorted().toList();
        }
    }

    /** Every bundled capture into {@code sink}, {@code rounds} times over (the reads that break part way too). */
    private static void readAll(List<Path> captures, int rounds, FrameSink sink) {
        for (int round = 0; round < rounds; round++) {
            for (Path capture : captures) {
                try {
                    PcapFileSource.read(capture, sink);
                } catch (CaptureException e) {
                    // a deliberately broken capture: its frames before the fault count
                }
            }
        }
    }

    @Test
    void sameTracesAndSummaryAsOnOneThread() throws IOException {
        List<Path> captures = captures();
        for (int rounds : new int[] {1, 5}) {
            List<Trace> expected = new ArrayList<>();
            Reconstructor plain = new Reconstructor(expected::add);
            readAll(captures, rounds, plain);
            ReplaySummary expectedSummary = plain.finish(false);

            List<Trace> actual = new ArrayList<>();
            // small batches, so that the bundled captures make many hand-overs
            int batch = 64;
            ThreadedReconstructor threaded = new ThreadedReconstructor(actual::add, batch);
            readAll(captures, rounds, threaded);
            ReplaySummary actualSummary = threaded.finish(false);

            assertTrue(expectedSummary.packetsRead() > batch * 10 * rounds);
            assertEquals(expectedSummary, actualSummary);
            assertEquals(expected, actual);
        }
    }

    @Test
    void aBatchOfOneFrameReconstructsOnTheReadingThread() throws IOException {
        List<Trace> expected = new ArrayList<>();
        Reconstructor plain = new Reconstructor(expected::add);
        readAll(captures(), 2, plain);
        List<Trace> actual = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        ThreadedReconstructor direct = new ThreadedReconstructor(t -> {
            actual.add(t);
            threads.add(Thread.currentThread());
        }, 1, Reconstructor.DEFAULT_TABLE_CAPACITY, Reconstructor.DEFAULT_INACTIVITY_NANOS);
        readAll(captures(), 2, direct);
        assertEquals(plain.finish(false), direct.finish(false));
        assertEquals(expected, actual);
        assertTrue(threads.stream().allMatch(t -> t == Thread.currentThread()));
    }

    @Test
    void aFewFramesNeedNoThread() throws IOException {
        List<Trace> actual = new ArrayList<>();
        ThreadedReconstructor threaded = new ThreadedReconstructor(actual::add, ThreadedReconstructor.BATCH);
        readAll(List.of(Replays.CAPTURES.resolve("straight-traceroute-udp.pcap")), 1, threaded);
        assertEquals(1, threaded.finish(false).traces());
        assertEquals(1, actual.size());
    }

    @Test
    void aFailureOfOnTraceStopsTheReadingAndIsThrownAsItWas() throws IOException {
        UncheckedIOException failure = new UncheckedIOException(new IOException("disk full"));
        // closes runs after 1 ns without activity: traces come out while the captures are read
        ThreadedReconstructor threaded = new ThreadedReconstructor(trace -> {
            throw failure;
        }, ThreadedReconstructor.BATCH, Reconstructor.DEFAULT_TABLE_CAPACITY, 1);
        UncheckedIOException thrown = assertThrows(UncheckedIOException.class,
                () -> readAll(captures(), 20, threaded));
        assertSame(failure, thrown);
        assertSame(failure, assertThrows(UncheckedIOException.class, () -> threaded.finish(true)));
    }
}
