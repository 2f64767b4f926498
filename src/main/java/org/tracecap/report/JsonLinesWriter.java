package org.tracecap.report;

import java.io.IOException;
import java.io.OutputStream;
import org.tracecap.model.Trace;

/**
 * JSON Lines (https://jsonlines.org): one compact trace object (as in the document's {@code traces}) per
 * line. {@link #open(OutputStream)} flushes each line as it is written so a reader can follow a live trace
 * as it goes; {@link #open(OutputStream, long)} flushes at most every so many nanoseconds (and at the end),
 * for replays, which write tens of thousands of traces a second. The lines hold traces only: the summary is
 * not written here. The lines are built as bytes by {@link CompactTraceJson} (the same bytes as Jackson's
 * compact generator) and handed to the stream in blocks of {@value #BLOCK} bytes or more.
 */
public final class JsonLinesWriter implements TraceWriter {
    /** Lines are handed to the stream once this many bytes are waiting (or when a flush is due). */
    static final int BLOCK = 1 << 16;

    private final OutputStream out;
    private final CompactTraceJson lines = new CompactTraceJson(BLOCK + (BLOCK >> 1));
    private final FlushPacer flushes;
    private boolean finished;

    private JsonLinesWriter(OutputStream out, long flushIntervalNanos) {
        this.out = out;
        this.flushes = new FlushPacer(flushIntervalNanos);
    }

    /** Lines on {@code out} (flushed after each trace, never closed). */
    public static JsonLinesWriter open(OutputStream out) throws IOException {
        return open(out, 0);
    }

    /**
     * Lines on {@code out} (never closed), flushed after a trace when {@code flushIntervalNanos} or more
     * have passed since the last flush (0: after every trace; {@link Long#MAX_VALUE}: only by
     * {@link #finish}), and always by {@link #finish}.
     */
    public static JsonLinesWriter open(OutputStream out, long flushIntervalNanos) throws IOException {
        return new JsonLinesWriter(out, flushIntervalNanos);
    }

    @Override
    public synchronized void write(Trace trace) throws IOException {
        if (finished) {
            throw new IllegalStateException("JSON Lines writer already finished");
        }
        lines.trace(trace);
        lines.append((byte) '\n');
        boolean flush = flushes.due();
        if (flush || lines.size() >= BLOCK) {
            lines.writeTo(out);
        }
        if (flush) {
            out.flush();
        }
    }

    /** Flushes; the summary has no place in JSON Lines and is ignored. */
    @Override
    public synchronized void finish(ReportSummary summary) throws IOException {
        if (finished) {
            return;
        }
        finished = true;
        lines.writeTo(out);
        out.flush();
    }
}
