package org.tracecap.trace;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SystemClockTest {
    @Test
    void readsTheWallClockInEpochNanoseconds() {
        long before = System.currentTimeMillis() * 1_000_000L;
        long now = Clock.system().nowNanos();
        long after = (System.currentTimeMillis() + 1) * 1_000_000L;
        assertTrue(before <= now && now <= after, before + " <= " + now + " <= " + after);
    }
}
