package org.tracecap.report;

/**
 * When a streaming writer should flush after a trace: after every trace (interval 0), never before the end
 * ({@link Long#MAX_VALUE}), or once at least the interval has passed since the last flush. A replay writes
 * tens of thousands of traces a second; a live trace wants each one out at once.
 */
public final class FlushPacer {
    private final long intervalNanos;
    private long lastFlush;

    public FlushPacer(long intervalNanos) {
        this.intervalNanos = intervalNanos;
        this.lastFlush = System.nanoTime();
    }

    /** True when the caller should flush now; the pacer then counts from now. */
    public boolean due() {
        if (intervalNanos == 0) {
            return true;
        }
        if (intervalNanos == Long.MAX_VALUE) {
            return false;
        }
        long now = System.nanoTime();
        if (now - lastFlush < intervalNanos) {
            return false;
        }
        lastFlush = now;
        return true;
    }
}
