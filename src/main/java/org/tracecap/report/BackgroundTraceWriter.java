package org.tracecap.report;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.tracecap.graph.Graph;
import org.tracecap.model.Trace;

/**
 * Runs another {@link TraceWriter} on a thread of its own: {@link #write} hands the trace over through a
 * small bounded queue and returns, so a replay reads and reconstructs on one core while the hop JSON and
 * the tables are written on the other (a replay of a million packets spends more than half its time
 * writing). Traces are written in the order they were handed over; {@link Trace}s are immutable, so the
 * writer thread may read them freely.
 *
 * <ol>
 *   <li>Traces are handed over one by one or in batches ({@code batch}); {@link #write} blocks only
 *       while {@value #QUEUE} hand-overs are waiting (memory stays bounded).</li>
 *   <li>A failure of the target writer (an {@link IOException}: disk full, a closed pipe) is kept; the
 *       writer thread then discards what it is handed, and the next {@link #write} or {@link #finish}
 *       throws it, as the target would have (an {@link IOException} as such, anything else as it was).</li>
 *   <li>{@link #finish} waits until every trace handed over is written and the target is finished;
 *       {@link #close}, when {@link #finish} was not called, waits as well and then closes the target. The
 *       writer thread ends with either.</li>
 * </ol>
 * Used by one producer thread at a time.
 */
public final class BackgroundTraceWriter implements TraceWriter {
    /** Hand-overs (single traces or batches) that may wait for the writer thread. */
    static final int QUEUE = 16;

    /**
     * The last item of the queue: finish the target with this summary (null: none), or close it when
     * {@code close} (what {@link TraceWriter#close} of the target does, which may differ), then stop.
     */
    private record Finish(List<Graph> graphs, ReportSummary summary, boolean close) {
    }

    private final TraceWriter target;
    private final int batch;
    private List<Trace> pending;
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE);
    private final Thread thread;
    private volatile Throwable failure;
    private boolean finished;

    /**
     * Starts the writer thread, named {@code name}; a daemon, so it never keeps the JVM alive.
     *
     * @param batch traces handed over together (1: each as soon as it is written, for output that must
     *              keep up with a slow source such as a pipe; more: fewer wake-ups of the writer thread,
     *              the last traces are handed over by {@link #finish} or {@link #close})
     */
    public BackgroundTraceWriter(TraceWriter target, String name, int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch " + batch);
        }
        this.target = target;
        this.batch = batch;
        this.thread = new Thread(this::drain, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void write(Trace trace) throws IOException {
        if (finished) {
            throw new IllegalStateException("background writer already finished");
        }
        rethrowFailure();
        if (batch == 1) {
            put(trace);
            return;
        }
        if (pending == null) {
            pending = new ArrayList<>(batch);
        }
        pending.add(trace);
        if (pending.size() >= batch) {
            put(pending);
            pending = null;
        }
    }

    @Override
    public void finish(ReportSummary summary) throws IOException {
        end(new Finish(null, summary, false));
    }

    /** As {@link #finish(ReportSummary)}; the target's {@code finish(graphs, summary)} is called. */
    @Override
    public void finish(List<Graph> graphs, ReportSummary summary) throws IOException {
        end(new Finish(graphs, summary, false));
    }

    /** Waits for the traces handed over to be written, then closes the target (unless already finished). */
    @Override
    public void close() throws IOException {
        end(new Finish(null, null, true));
    }

    private void end(Finish last) throws IOException {
        if (finished) {
            return;
        }
        finished = true;
        if (pending != null) {
            put(pending);
            pending = null;
        }
        put(last);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the writer thread finished");
        }
        rethrowFailure();
    }

    private void put(Object item) throws InterruptedIOException {
        try {
            queue.put(item);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while handing a trace to the writer thread");
        }
    }

    private void rethrowFailure() throws IOException {
        Throwable f = failure;
        if (f == null) {
            return;
        }
        if (f instanceof IOException io) {
            throw io;
        }
        if (f instanceof RuntimeException r) {
            throw r;
        }
        if (f instanceof Error err) {
            throw err;
        }
        throw new UncheckedIOException(new IOException(f));
    }

    /** The first failure is the one reported. */
    private void keep(Throwable t) {
        if (failure == null) {
            failure = t;
        }
    }

    /** The writer thread: writes what is handed over until the {@link Finish}; after a failure, discards. */
    private void drain() {
        while (true) {
            Object item;
            try {
                item = queue.take();
            } catch (InterruptedException e) {
                // nobody interrupts this thread; if someone does, keep serving the producer
                continue;
            }
            if (item instanceof Finish f) {
                run(() -> {
                    if (f.close()) {
                        target.close();
                    } else if (failure == null && f.graphs() == null) {
                        target.finish(f.summary());
                    } else if (failure == null) {
                        target.finish(f.graphs(), f.summary());
                    }
                });
                return;
            }
            if (failure == null && item instanceof Trace trace) {
                run(() -> target.write(trace));
            } else if (failure == null) {
                run(() -> {
                    for (Object t : (List<?>) item) {
                        target.write((Trace) t);
                    }
                });
            }
        }
    }

    private interface Step {
        void run() throws IOException;
    }

    private void run(Step step) {
        try {
            step.run();
        } catch (UncheckedIOException e) {
            keep(e.getCause());
        } catch (Throwable t) {
            keep(t);
        }
    }
}
