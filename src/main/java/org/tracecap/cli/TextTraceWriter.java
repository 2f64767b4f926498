package org.tracecap.cli;

import java.io.IOException;
import java.io.PrintStream;

import org.tracecap.model.Trace;
import org.tracecap.report.FlushPacer;
import org.tracecap.report.ReportSummary;
import org.tracecap.report.ReverseDns;
import org.tracecap.report.TextReport;
import org.tracecap.report.TraceWriter;

/**
 * Prints each trace's table as soon as the trace is complete, so a long capture shows its first traces
 * while the rest is still being read. Names are looked up per trace, all of a trace's addresses in parallel
 * ({@link ReverseDns}), unless numeric.
 */
final class TextTraceWriter implements TraceWriter {
    private final PrintStream out;
    private final ReverseDns names;
    private final boolean extensions;
    private final StringBuilder text = new StringBuilder(1024);
    private final TextReport.NumericTable table = new TextReport.NumericTable();
    private final FlushPacer flushes;
    private boolean finished;

    /** Flushes after every trace. */
    TextTraceWriter(PrintStream out, boolean numeric) {
        this(out, numeric, false, 0);
    }

    /**
     * Flushes after a trace when {@code flushIntervalNanos} or more have passed since the last flush (0:
     * after every trace), and always at the end: a replay prints tens of thousands of traces a second.
     * {@code extensions} ({@code -e}): each reply's extension text after its responder.
     */
    TextTraceWriter(PrintStream out, boolean numeric, boolean extensions, long flushIntervalNanos) {
        this.out = out;
        this.extensions = extensions;
        this.names = numeric ? ReverseDns.numeric() : ReverseDns.system();
        this.flushes = new FlushPacer(flushIntervalNanos);
    }

    @Override
    public void write(Trace trace) throws IOException {
        // The table is built in memory and printed in one call: PrintStream encodes each call on its own,
        // and a table is dozens of small appends. Without names it is built as ASCII bytes, which every
        // charset PrintStream may use (UTF-8 on stdout, see Main) encodes as themselves.
        // The byte table has no extension text: -e takes the general path.
        if (!names.resolves() && !extensions && table.write(trace)) {
            out.write(table.bytes(), 0, table.length());
        } else {
            text.setLength(0);
            TextReport.writeTrace(trace, text, names, extensions);
            out.append(text);
        }
        if (flushes.due()) {
            out.flush();
        }
    }

    /** The text has no summary (it goes to stderr); stops the name lookups. */
    @Override
    public void finish(ReportSummary summary) {
        if (finished) {
            return;
        }
        finished = true;
        out.flush();
        names.close();
    }
}
