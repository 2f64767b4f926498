package org.tracecap.report;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import org.tracecap.graph.Graph;
import org.tracecap.model.Trace;

/**
 * Writes traces one at a time as they are reconstructed or settled, so a replay of a huge capture or a
 * live trace never holds every trace in memory. Neither implementation closes the stream it writes to.
 */
public interface TraceWriter extends Closeable {
    /** Appends one trace. */
    void write(Trace trace) throws IOException;

    /**
     * Ends the output, with {@code summary} where the format has a place for it (the JSON document;
     * JSON Lines holds traces only), and flushes. Null for no summary. Later calls do nothing.
     */
    void finish(ReportSummary summary) throws IOException;

    /**
     * As {@link #finish(ReportSummary)}, with multipath graphs where the format has a place for them (the
     * JSON document's {@code graphs}; JSON Lines and text have none: they are left out).
     */
    default void finish(List<Graph> graphs, ReportSummary summary) throws IOException {
        finish(summary);
    }

    /** {@link #finish finish(null)} unless already finished: the output is always valid, even after Ctrl-C. */
    @Override
    default void close() throws IOException {
        finish(null);
    }
}
