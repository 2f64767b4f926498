package org.tracecap.trace;

import java.time.Instant;

/** {@link Clock#system()}: the wall clock, read through {@link Instant#now()}. */
final class SystemClock implements Clock {
    static final SystemClock INSTANCE = new SystemClock();

    private SystemClock() {
    }

    @Override
    public long nowNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
