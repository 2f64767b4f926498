package org.tracecap.report;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import org.tracecap.graph.Graph;
import org.tracecap.model.Trace;

/**
 * The hop JSON document written one trace at a time:
 * {@code {"version":1,"tool":"tracecap","traces":[ ...each write()... ],"summary":{...}}}. The opening is
 * written by {@link #open}, the closing brackets (and the summary) by {@link #finish} or {@link #close}, so
 * whatever was written before an interruption still ends as valid JSON.
 */
public final class JsonDocumentWriter implements TraceWriter {
    private final JsonGenerator g;
    private boolean finished;

    private JsonDocumentWriter(JsonGenerator g) {
        this.g = g;
    }

    /** Compact JSON on {@code out} (which is flushed, never closed). */
    public static JsonDocumentWriter open(OutputStream out) throws IOException {
        return open(out, false);
    }

    /** JSON on {@code out}, indented by two spaces when {@code pretty}. */
    public static JsonDocumentWriter open(OutputStream out, boolean pretty) throws IOException {
        JsonGenerator g = JsonReport.generator(out, pretty);
        g.writeStartObject();
        g.writeNumberField("version", JsonReport.VERSION);
        g.writeStringField("tool", "tracecap");
        g.writeArrayFieldStart("traces");
        return new JsonDocumentWriter(g);
    }

    @Override
    public synchronized void write(Trace trace) throws IOException {
        if (finished) {
            throw new IllegalStateException("document already finished");
        }
        JsonReport.writeTrace(g, trace);
    }

    @Override
    public synchronized void finish(ReportSummary summary) throws IOException {
        finish(List.of(), summary);
    }

    /**
     * As {@link #finish(ReportSummary)}, with a {@code "graphs"} member (multipath graphs, docs/hop-json.md)
     * after the traces when {@code graphs} is not empty.
     */
    @Override
    public synchronized void finish(List<Graph> graphs, ReportSummary summary) throws IOException {
        if (finished) {
            return;
        }
        finished = true;
        g.writeEndArray();
        if (!graphs.isEmpty()) {
            GraphJson.writeGraphs(g, graphs);
        }
        if (summary != null) {
            JsonReport.writeSummary(g, summary);
        }
        g.writeEndObject();
        g.writeRaw('\n');
        g.close();
    }
}
