package org.tracecap.replay;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;
import org.tracecap.match.Classified;
import org.tracecap.match.FrameClassifier;
import org.tracecap.match.FrameSink;
import org.tracecap.model.Trace;

/**
 * A {@link Reconstructor} on a thread of its own: frames are classified on the thread that reads the
 * capture (the bytes are only valid during {@link #frame}), and the results ({@link Classified} records,
 * immutable) go over to the reconstruction thread in batches of {@value #BATCH} frames, through a small
 * pool of reused batches. The traces, the summary and every rule are the {@link Reconstructor}'s: the same
 * frames in the same order give the same traces, in the same order, to the same {@code onTrace}.
 *
 * <ol>
 *   <li>{@code onTrace} runs on the reconstruction thread, and during {@link #finish} on the caller's.</li>
 *   <li>When the reconstruction fails ({@code onTrace} throws: an output that cannot be written), the
 *       failure is thrown by the next hand-over in {@link #frame} (so the reading stops, at most a batch
 *       later than it would have on one thread), or by {@link #finish}, as it was thrown.</li>
 *   <li>The thread starts with the first batch: a capture that delivers no frame starts none. It is a
 *       daemon, and ends after {@link #finish} or a failure.</li>
 *   <li>A batch of 1 frame means no thread at all: each frame is reconstructed on the reading thread as it
 *       is read, as by a {@link Reconstructor}. For a pipe, whose frames may trickle in for as long as the
 *       network takes, so that no trace waits for a batch to fill.</li>
 * </ol>
 * One reading thread at a time.
 */
public final class ThreadedReconstructor implements FrameSink {
    /** Frames handed over at a time, by default. */
    public static final int BATCH = 4096;
    /** Batches in circulation: one being filled, the others waiting or being reconstructed. */
    private static final int BATCHES = 4;

    /** Frames classified on the reading thread; {@code last} ends the reconstruction thread. */
    private static final class Batch {
        final long[] times;
        final Classified[] frames;
        int size;
        boolean last;

        Batch(int capacity) {
            times = new long[capacity];
            frames = new Classified[capacity];
        }
    }

    private final FrameClassifier classifier = new FrameClassifier();
    private final Reconstructor reconstructor;
    private final BlockingQueue<Batch> full = new ArrayBlockingQueue<>(BATCHES);
    private final BlockingQueue<Batch> free = new ArrayBlockingQueue<>(BATCHES);
    private Batch current;
    private Thread thread;
    private volatile Throwable failure;
    private boolean ended;
    private final boolean direct;

    /**
     * @param batch frames handed over at a time ({@link #BATCH}); 1: no thread, every frame reconstructed
     *              as it is read
     */
    public ThreadedReconstructor(Consumer<Trace> onTrace, int batch) {
        this(onTrace, batch, Reconstructor.DEFAULT_TABLE_CAPACITY, Reconstructor.DEFAULT_INACTIVITY_NANOS);
    }

    /** As {@link Reconstructor#Reconstructor(Consumer, int, long)}, {@code batch} as above. */
    public ThreadedReconstructor(Consumer<Trace> onTrace, int batch, int tableCapacity, long inactivityNanos) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch " + batch);
        }
        this.reconstructor = new Reconstructor(onTrace, tableCapacity, inactivityNanos, classifier);
        this.direct = batch == 1;
        if (!direct) {
            for (int i = 0; i < BATCHES; i++) {
                free.add(new Batch(batch));
            }
        }
    }

    @Override
    public void frame(long timeNanos, int linkType, byte[] frame, int capturedLength, int wireLength) {
        if (ended) {
            throw new IllegalStateException("reconstruction already finished");
        }
        if (direct) {
            reconstructor.frame(timeNanos, linkType, frame, capturedLength, wireLength);
            return;
        }
        Batch b = current;
        if (b == null) {
            b = take(free);
            current = b;
        }
        int i = b.size;
        b.times[i] = timeNanos;
        b.frames[i] = classifier.classify(timeNanos, linkType, frame, capturedLength, wireLength);
        b.size = i + 1;
        if (b.size == b.times.length) {
            current = null;
            handOver(b);
            rethrowFailure();
        }
    }

    /**
     * Waits until every frame handed over is reconstructed, then does what {@link Reconstructor#finish}
     * does (on the caller's thread) and returns its counters.
     */
    public ReplaySummary finish(boolean captureIncomplete) {
        end();
        rethrowFailure();
        return reconstructor.finish(captureIncomplete);
    }

    /** Hands over the batch being filled and the end, and waits for the reconstruction thread. */
    private void end() {
        if (ended) {
            return;
        }
        ended = true;
        if (thread == null) {
            // nothing handed over yet: reconstruct what there is here, no thread needed
            if (current != null) {
                reconstruct(current);
                current = null;
            }
            return;
        }
        Batch b = current != null ? current : take(free);
        current = null;
        b.last = true;
        handOver(b);
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void handOver(Batch b) {
        if (thread == null) {
            thread = new Thread(this::run, "tracecap-reconstruct");
            thread.setDaemon(true);
            thread.start();
        }
        put(full, b);
    }

    /** The reconstruction thread: batch after batch until the last; after a failure, only passes them back. */
    private void run() {
        while (true) {
            Batch b = take(full);
            if (failure == null) {
                try {
                    reconstruct(b);
                } catch (Throwable t) {
                    failure = t;
                }
            }
            boolean last = b.last;
            b.size = 0;
            b.last = false;
            put(free, b);
            if (last) {
                return;
            }
        }
    }

    private void reconstruct(Batch b) {
        long[] times = b.times;
        Classified[] frames = b.frames;
        for (int i = 0, n = b.size; i < n; i++) {
            reconstructor.classified(times[i], frames[i]);
            frames[i] = null;
        }
    }

    /** Throws the reconstruction thread's failure, first ending that thread (so it never waits for more). */
    private void rethrowFailure() {
        Throwable f = failure;
        if (f == null) {
            return;
        }
        end();
        if (f instanceof RuntimeException r) {
            throw r;
        }
        if (f instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("reconstruction failed", f);
    }

    /** The queues never hold more than {@link #BATCHES} batches, so neither blocks for long; interrupts wait. */
    private static Batch take(BlockingQueue<Batch> queue) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return queue.take();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void put(BlockingQueue<Batch> queue, Batch b) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    queue.put(b);
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
