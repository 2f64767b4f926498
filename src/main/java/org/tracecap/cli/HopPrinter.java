package org.tracecap.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.tracecap.model.Hop;
import org.tracecap.model.Trace;
import org.tracecap.report.ReverseDns;
import org.tracecap.report.TextReport;

/**
 * Prints hop lines in the order the tracer settles them. Without names, at once on the tracing thread;
 * with names, on a thread of its own, so that waiting for a name never holds up the tracer.
 */
final class HopPrinter implements FlowPrinter {
    /** How long the end of a trace waits for hop lines still waiting for a name. */
    private static final long PRINTER_DRAIN_SECONDS = 5;
    private final PrintStream out;
    private final ReverseDns names;
    private final ExecutorService thread;

    /** {@code -e}: each reply's extension text after its responder. */
    private final boolean extensions;

    HopPrinter(PrintStream out, ReverseDns names, boolean flowLines, boolean extensions) {
        this.flowLines = flowLines;
        this.extensions = extensions;
        this.out = out;
        this.names = names;
        this.thread = names.resolves() ? Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tracecap-hop-printer");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    /** Several flows (dublin): a line naming each flow before its hops. */
    private final boolean flowLines;

    @Override
    public void flowStarted(int flow, int sourcePort, int destinationPort) {
        if (flowLines) {
            later(() -> out.println("flow " + (flow + 1) + ": source port " + sourcePort
                    + ", destination port " + destinationPort));
        }
    }

    @Override
    public void hopSettled(int flow, Hop hop) {
        later(() -> print(hop));
    }

    @Override
    public void flowEnded(int flow, Trace trace) {
        later(() -> {
            try {
                TextReport.writeStop(trace.stop(), out);
            } catch (IOException e) {
                // a PrintStream keeps its errors
            }
            out.flush();
        });
    }

    /** In order with the hop lines: at once without names, else on the printing thread. */
    private void later(Runnable r) {
        if (thread == null) {
            r.run();
        } else {
            thread.execute(r);
        }
    }

    private void print(Hop hop) {
        try {
            TextReport.writeHop(hop, out, names, extensions);
        } catch (IOException e) {
            // a PrintStream keeps its errors
        }
        out.flush();
    }

    /** Waits until every line handed over is printed (each waits at most for its name's deadline). */
    void finish() {
        if (thread == null) {
            return;
        }
        thread.shutdown();
        try {
            thread.awaitTermination(PRINTER_DRAIN_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
