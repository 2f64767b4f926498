package org.tracecap.cli;

import java.io.IOException;
import java.io.PrintStream;

import org.tracecap.model.Trace;
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
    private boolean finished;

    TextTraceWriter(PrintStream out, boolean numeric) {
        this.out = out;
        this.names = numeric ? ReverseDns.numeric() : ReverseDns.system();
    }

    @Override
    public void write(Trace trace) throws IOException {
        TextReport.writeTrace(trace, out, names);
        out.flush();
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
