package org.tracecap.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.tracecap.capture.PcapFileSource;
import org.tracecap.match.FrameSink;

/**
 * Ctrl-C during a replay. The JVM runs shutdown hooks on SIGINT (and SIGTERM, SIGHUP) and halts with
 * status 130 (143, 129) when they return; the hook asks the reading to stop and waits (at most
 * {@value ReplayCommand#INTERRUPT_GRACE_MILLIS} ms) until the command has printed and written what it has. The frame
 * sink of the reader ({@link #guard}) checks the request before each frame and ends the reading by
 * throwing {@link Stop}, which {@link PcapFileSource} passes through as it does any exception of its sink.
 */
final class ReplayInterruption {
    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread hook = new Thread(this::signalled, "tracecap-replay-interrupt");
    private volatile boolean requested;
    /** The thread reading standard input, while it does: it may wait for input that never comes. */
    private Thread stdinReader;

    /** Ends the reading of a capture: thrown by the {@link #guard} sink after a Ctrl-C. */
    static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stop() {
            super("replay interrupted", null, false, false);
        }
    }

    void install() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    private void signalled() {
        request();
        try {
            done.await(ReplayCommand.INTERRUPT_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * What a Ctrl-C does: the reading stops before the next frame; a read of standard input waiting for
     * input is interrupted (its channel closes and the read fails, which {@link #requested} explains).
     */
    void request() {
        synchronized (this) {
            requested = true;
            if (stdinReader != null) {
                stdinReader.interrupt();
            }
        }
    }

    boolean requested() {
        return requested;
    }

    /** The calling thread starts reading standard input: a Ctrl-C interrupts it until {@link #readingDone}. */
    synchronized void readingStandardInput() {
        stdinReader = Thread.currentThread();
        if (requested) {
            stdinReader.interrupt();
        }
    }

    /** The reading ended: no interrupt reaches the thread after this (one that came is cleared). */
    synchronized void readingDone() {
        stdinReader = null;
        Thread.interrupted();
    }

    /** {@code sink}, stopped by {@link Stop} before the first frame after a Ctrl-C. */
    FrameSink guard(FrameSink sink) {
        return (timeNanos, linkType, frame, capturedLength, wireLength) -> {
            if (requested) {
                throw new Stop();
            }
            sink.frame(timeNanos, linkType, frame, capturedLength, wireLength);
        };
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
