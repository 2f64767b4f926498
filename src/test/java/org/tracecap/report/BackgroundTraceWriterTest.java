package org.tracecap.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tracecap.graph.Graph;
import org.tracecap.model.StopReason;
import org.tracecap.model.Trace;

class BackgroundTraceWriterTest {

    /** Records what it was asked to do, on whichever thread; fails on the write number {@code failAt}. */
    private static final class Recorder implements TraceWriter {
        final List<Object> calls = Collections.synchronizedList(new ArrayList<>());
        final int failAt;

        Recorder(int failAt) {
            this.failAt = failAt;
        }

        @Override
        public void write(Trace trace) throws IOException {
            if (calls.size() == failAt) {
                throw new IOException("disk full");
            }
            calls.add(trace);
        }

        @Override
        public void finish(ReportSummary summary) {
            calls.add(summary == null ? "finish" : summary);
        }

        @Override
        public void finish(List<Graph> graphs, ReportSummary summary) {
            calls.add(graphs);
        }

        @Override
        public void close() {
            calls.add("close");
        }
    }

    private static List<Trace> traces(int n) {
        List<Trace> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Trace t = Samples.straight();
            out.add(new Trace(t.source(), t.destination(), t.method(), i, i, StopReason.reached(), t.hops(),
                    t.live()));
        }
        return out;
    }

    @Test
    void writesEveryTraceInOrderThenFinishes() throws IOException {
        for (int batch : new int[] {1, 7, 32}) {
            Recorder target = new Recorder(-1);
            List<Trace> traces = traces(1000);
            ReportSummary summary = new ReportSummary(1, 2, 3, 4, 5, 6, null, null);
            try (BackgroundTraceWriter w = new BackgroundTraceWriter(target, "test-writer", batch)) {
                for (Trace t : traces) {
                    w.write(t);
                }
                w.finish(summary);
                assertEquals(1001, target.calls.size(), "batch " + batch);
                for (int i = 0; i < traces.size(); i++) {
                    assertSame(traces.get(i), target.calls.get(i));
                }
                assertSame(summary, target.calls.get(1000));
            }
            assertEquals(1001, target.calls.size(), "close after finish does nothing");
        }
    }

    @Test
    void finishWithGraphsReachesTheTargetWithTheGraphs() throws IOException {
        Recorder target = new Recorder(-1);
        List<Graph> graphs = new ArrayList<>();
        try (BackgroundTraceWriter w = new BackgroundTraceWriter(target, "test-writer", 32)) {
            w.write(traces(1).get(0));
            w.finish(graphs, null);
        }
        assertEquals(2, target.calls.size());
        assertSame(graphs, target.calls.get(1));
    }

    @Test
    void closeWithoutFinishClosesTheTargetAfterTheTracesHandedOver() throws IOException {
        Recorder target = new Recorder(-1);
        BackgroundTraceWriter w = new BackgroundTraceWriter(target, "test-writer", 32);
        for (Trace t : traces(5)) {
            w.write(t);
        }
        w.close();
        assertEquals(6, target.calls.size());
        assertEquals("close", target.calls.get(5));
    }

    @Test
    void aFailureOfTheTargetIsThrownByALaterWriteOrByFinish() throws Exception {
        Recorder target = new Recorder(3);
        BackgroundTraceWriter w = new BackgroundTraceWriter(target, "test-writer", 1);
        IOException thrown = null;
        try {
            for (Trace t : traces(BackgroundTraceWriter.QUEUE * 4)) {
                w.write(t);
                Thread.sleep(1);
            }
        } catch (IOException e) {
            thrown = e;
        }
        assertTrue(thrown != null, "no write failed");
        assertEquals("disk full", thrown.getMessage());
        IOException atFinish = assertThrows(IOException.class, () -> w.finish(null));
        assertEquals("disk full", atFinish.getMessage());
        assertEquals(3, target.calls.size(), "nothing written after the failure: " + target.calls);
        w.close();
    }
}
