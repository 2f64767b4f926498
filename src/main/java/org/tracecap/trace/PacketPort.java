package org.tracecap.trace;

import java.io.IOException;
import org.tracecap.match.FrameSink;

/**
 * Where a live trace sends its probe frames and hears what comes back: the tracer's whole view of the network.
 *
 * <p>The live implementation is {@code org.tracecap.capture.LivePort} (pcap4j on one interface); tests use an
 * in-memory simulated network behind the same interface. Every frame a port delivers carries its capture
 * time, and a port delivers the frames it sent too (direction out), so that round-trip times come from
 * capture timestamps on both sides.
 *
 * <p>Threads: {@link #send} and {@link #receive} may be called from different threads; {@link #wakeup} and
 * {@link #close} may be called from any thread, also while another is blocked in {@link #receive}.
 */
public interface PacketPort extends AutoCloseable {

    /** The link type (DLT) of every frame this port sends and delivers: 1 for Ethernet. */
    int linkType();

    /**
     * Sends one frame as is (link header included, as {@link #linkType()} says).
     *
     * @param frame  the bytes; only {@code [0, length)} are sent, and the array may be reused once this returns
     * @param length how many bytes to send
     * @throws IOException the frame could not be sent (interface down, frame too long, port closed)
     */
    void send(byte[] frame, int length) throws IOException;

    /**
     * Delivers the frames captured so far, both directions, to {@code sink}, waiting at most
     * {@code timeoutNanos} for the first one.
     *
     * @param sink         gets each frame with its capture time (nanoseconds since the Unix epoch); the bytes are
     *                     only valid during the call
     * @param timeoutNanos how long to wait when nothing is waiting; 0 polls without blocking
     * @return how many frames were delivered: 0 at the timeout, after {@link #wakeup()}, or once closed
     * @throws IOException the capture failed
     */
    int receive(FrameSink sink, long timeoutNanos) throws IOException;

    /**
     * Makes a {@link #receive} that is blocked (now, or the next one to block if none is) return soon, with
     * what it has delivered so far. Safe from any thread.
     */
    void wakeup();

    /**
     * How long after its capture time a frame may still be on its way to {@link #receive} (a reader thread,
     * a busy or still-warming JVM). A tracer does not time a probe out until this long past its deadline,
     * unless a frame captured after the deadline has already arrived (frames arrive in capture order), so a
     * reply captured in time is never lost to a late reader. 0 (the default) for ports that deliver at once.
     * It may change as the port learns how late it delivers: tracers ask again each time they need it.
     */
    default long deliveryLagNanos() {
        return 0;
    }

    /** Stops capturing and releases the interface; a blocked {@link #receive} returns. Idempotent. */
    @Override
    void close();
}
