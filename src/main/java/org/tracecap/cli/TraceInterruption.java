package org.tracecap.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C. The JVM runs shutdown hooks on SIGINT (and SIGTERM, SIGHUP) and halts when they return; the
 * hook stops the tracer, whose run then returns with what was learned, and waits (bounded) until the
 * command has printed and written everything. During setup, the command ends at its next step.
 */
final class TraceInterruption {
    /** How long a Ctrl-C waits for the hops, the JSON and the capture file to be written. */
    static final long INTERRUPT_GRACE_MILLIS = 3000;

    /** Thrown by {@link #check()} when a Ctrl-C came during setup: end quietly. */
    static final class Interrupted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Interrupted() {
            super(null, null, false, false);
        }
    }

    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread hook = new Thread(this::signalled, "tracecap-interrupt");
    private volatile Runnable stopper;
    private volatile boolean requested;

    void install() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    private void signalled() {
        requested = true;
        Runnable t = stopper;
        if (t != null) {
            t.run();
        }
        try {
            done.await(INTERRUPT_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ends a setup that a Ctrl-C interrupted. */
    void check() {
        if (requested) {
            throw new Interrupted();
        }
    }

    /** From now on a Ctrl-C runs {@code stop}, a tracer's stop (at once if one already came). */
    void tracing(Runnable stop) {
        stopper = stop;
        if (requested) {
            stop.run();
        }
    }

    /** Everything is written: lets the hook return, and removes it when no shutdown is under way. */
    void finished() {
        done.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down (Ctrl-C): the hook is running and returns now
        }
    }
}
