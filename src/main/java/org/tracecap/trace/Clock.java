package org.tracecap.trace;

/**
 * The tracer's time source, in the same unit and epoch as capture timestamps, so that deadlines and RTTs can
 * be compared with frame times. Tests inject a simulated clock; live tracing uses {@link #system()}.
 */
@FunctionalInterface
public interface Clock {

    /** Now, in nanoseconds since the Unix epoch. */
    long nowNanos();

    /**
     * The system's wall clock at the best precision the JVM gives ({@link java.time.Instant#now()}: microseconds
     * or better on Linux), the clock libpcap stamps captured frames with.
     */
    static Clock system() {
        return SystemClock.INSTANCE;
    }
}
