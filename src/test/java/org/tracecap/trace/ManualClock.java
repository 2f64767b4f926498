package org.tracecap.trace;

/** A {@link Clock} that moves only when told to: virtual time for the simulated network and its tests. */
final class ManualClock implements Clock {
    private volatile long now;

    ManualClock(long startNanos) {
        this.now = startNanos;
    }

    @Override
    public long nowNanos() {
        return now;
    }

    /** Moves to {@code t}; time never goes back. */
    synchronized void advanceTo(long t) {
        if (t > now) {
            now = t;
        }
    }

    synchronized void advanceBy(long nanos) {
        advanceTo(now + nanos);
    }
}
