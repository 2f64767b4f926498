package org.tracecap.report;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import org.tracecap.model.Trace;

/**
 * JSON Lines (https://jsonlines.org): one compact trace object (as in the document's {@code traces}) per
 * line, each flushed as it is written so a reader can follow a replay or a live trace as it goes. The
 * lines hold traces only: the summary is not written here.
 */
public final class JsonLinesWriter implements TraceWriter {
    private final JsonGenerator g;
    private boolean finished;

    private JsonLinesWriter(JsonGenerator g) {
        this.g = g;
    }

    /** Lines on {@code out} (flushed after each trace, never closed). */
    public static JsonLinesWriter open(OutputStream out) throws IOException {
        JsonGenerator g = JsonReport.generator(out, false);
        g.setRootValueSeparator(null);
        return new JsonLinesWriter(g);
    }

    @Override
    public synchronized void write(Trace trace) throws IOException {
        if (finished) {
            throw new IllegalStateException("JSON Lines writer already finished");
        }
        JsonReport.writeTrace(g, trace);
        g.writeRaw('\n');
        g.flush();
    }

    /** Flushes; the summary has no place in JSON Lines and is ignored. */
    @Override
    public synchronized void finish(ReportSummary summary) throws IOException {
        if (finished) {
            return;
        }
        finished = true;
        g.close();
    }
}
