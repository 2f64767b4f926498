package org.tracecap.cli;

import java.io.PrintStream;
import java.util.Locale;

import org.tracecap.trace.CampaignTracer;

/**
 * The progress line of a campaign on stderr, rewritten in place once a second (only when stderr is a terminal):
 * {@code 120/252 targets, 431 probes, 98 probes/s, 402 replies, about 1:10 left} (the total is the destinations
 * read so far, with a {@code +} while the reader has not reached the end). Cleared before each table is printed
 * and at the end.
 */
final class CampaignProgress {
    private static final long PERIOD_MILLIS = 1000;
    private final CampaignTracer tracer;
    private final CampaignTargets targets;
    private final PrintStream err;
    private final long startNanos = System.nanoTime();
    private final Thread thread;
    private volatile boolean running = true;
    private boolean shown;

    CampaignProgress(CampaignTracer tracer, CampaignTargets targets, TraceRequest.Campaign campaign, PrintStream err) {
        this.tracer = tracer;
        this.targets = targets;
        this.err = err;
        this.thread = new Thread(this::loop, "tracecap-progress");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void loop() {
        while (running) {
            try {
                Thread.sleep(PERIOD_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            show();
        }
    }

    private synchronized void show() {
        if (!running) {
            return;
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        long done = tracer.targetsDone();
        long total = targets.read();
        String left = "";
        if (done > 0 && targets.exhausted()) {
            long s = Math.round(seconds / done * (total - done));
            left = String.format(Locale.ROOT, ", about %d:%02d left", s / 60, s % 60);
        }
        err.print(String.format(Locale.ROOT, "\r%d/%d%s targets, %d probes, %.0f probes/s, %d replies%s\u001b[K",
                done, total, targets.exhausted() ? "" : "+", tracer.probesSent(), tracer.probesSent() / seconds,
                tracer.repliesUsed(), left));
        err.flush();
        shown = true;
    }

    /** Clears the line so that a table starts at the left edge. */
    synchronized void clear() {
        if (shown) {
            err.print("\r\u001b[K");
            err.flush();
            shown = false;
        }
    }

    void finish() {
        running = false;
        thread.interrupt();
        clear();
    }
}
