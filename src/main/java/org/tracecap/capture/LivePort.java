package org.tracecap.capture;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.sql.Timestamp;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface.PromiscuousMode;
import org.pcap4j.core.PcapStat;
import org.pcap4j.core.RawPacketListener;
import org.tracecap.match.FrameSink;
import org.tracecap.packet.Ipv4Address;
import org.tracecap.trace.PacketPort;

/**
 * A {@link PacketPort} on one live interface, through libpcap (pcap4j).
 *
 * <p>Two handles are opened on the interface:
 * <ol>
 *   <li>the <em>capture</em> handle, in immediate mode (every frame is handed over as it arrives, no buffering
 *       for a timeout), at nanosecond timestamp precision where libpcap and the kernel give it (microseconds
 *       otherwise), not promiscuous, with a BPF filter;</li>
 *   <li>the <em>send</em> handle, which only sends ({@code pcap_sendpacket}) and captures nothing (its filter
 *       matches no frame).</li>
 * </ol>
 * They are two because Linux does not hand a packet socket the frames it sent itself (net/core/dev.c
 * {@code dev_queue_xmit_nit} skips the sending socket, {@code skb_loop_sk}); every other packet socket on the
 * interface sees them as outgoing frames, stamped when they are queued to the driver. So each probe sent here
 * comes back through the capture handle, and its RTT is the difference of two capture timestamps. (On the
 * loopback device a frame is seen twice: once going out and once coming in.)
 *
 * <p>A reader thread runs {@code pcap_loop} on the capture handle and queues the frames; {@link #receive}
 * takes them from the queue, so its timeout is exact even on an idle link (where Linux's packet-socket read
 * timeout does not fire) and {@link #wakeup} needs no native call. {@link #close} stops the loop with
 * {@code pcap_breakloop}, which libpcap 1.10 delivers at once through an eventfd the loop polls (older
 * libpcap: within the handle's poll timeout, {@value #POLL_TIMEOUT_MILLIS} ms).
 *
 * <p>Threads: {@link #send} and {@link #receive} may run on different threads at the same time.
 */
public final class LivePort implements PacketPort {

    /** Captured bytes per frame: whole frames for any Ethernet MTU up to 64 KiB (jumbo frames, GSO). */
    public static final int SNAPLEN = 65535;
    /** The capture handle's poll timeout; only matters for a breakloop on libpcap older than 1.10. */
    static final int POLL_TIMEOUT_MILLIS = 100;
    /** Frames queued between the reader thread and {@link #receive}; past this, frames are counted and dropped. */
    static final int QUEUE_CAPACITY = 1 << 16;
    /** Most frames one {@link #receive} hands over, so that a flood cannot hold a caller. */
    static final int MAX_FRAMES_PER_RECEIVE = 4096;
    /** See {@link #deliveryLagNanos()}. */
    static final long DELIVERY_LAG_MILLIS = 50;
    /** Kernel buffer for the capture handle: room for a burst of replies while the reader thread is busy. */
    private static final int CAPTURE_BUFFER_BYTES = 4 << 20;
    /** The send handle captures nothing; a small ring keeps it cheap. */
    private static final int SEND_BUFFER_BYTES = 64 << 10;
    /** A BPF filter that matches no frame: every frame is longer than 0 bytes ("less 0" is len <= 0). */
    static final String NOTHING = "less 0";

    private static final Captured WAKE = new Captured(0, new byte[0], 0);
    private static final Captured END = new Captured(0, new byte[0], 0);

    private final String interfaceName;
    private final String filter;
    private final PcapHandle capture;
    private final PcapHandle sender;
    private final int linkType;
    private final boolean nanosecond;
    private final BlockingQueue<Captured> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong queueDrops = new AtomicLong();
    private final Thread reader;
    private volatile IOException failure;

    private record Captured(long timeNanos, byte[] frame, int wireLength) {
    }

    private LivePort(String interfaceName, String filter, PcapHandle capture, PcapHandle sender,
                     boolean nanosecond) {
        this.interfaceName = interfaceName;
        this.filter = filter;
        this.capture = capture;
        this.sender = sender;
        this.linkType = capture.getDlt().value();
        this.nanosecond = nanosecond;
        this.reader = new Thread(this::readLoop, "tracecap-capture-" + interfaceName);
        this.reader.setDaemon(true);
    }

    /**
     * Opens {@code interfaceName} for tracing from {@code sourceAddress}, with {@link #traceFilter(int)}.
     *
     * @throws LiveCaptureException not privileged, no such interface (the message lists them), interface down,
     *                              libpcap missing or refusing
     */
    public static LivePort open(String interfaceName, int sourceAddress) throws LiveCaptureException {
        return open(interfaceName, traceFilter(sourceAddress));
    }

    /**
     * Opens {@code interfaceName} capturing what the BPF {@code filter} (tcpdump syntax) accepts.
     *
     * @throws LiveCaptureException as {@link #open(String, int)}, or the filter does not compile
     */
    public static LivePort open(String interfaceName, String filter) throws LiveCaptureException {
        Privilege.check(interfaceName);
        Interfaces.find(interfaceName);
        PcapHandle capture = null;
        PcapHandle sender = null;
        try {
            boolean nanosecond = true;
            try {
                capture = build(interfaceName, SNAPLEN, CAPTURE_BUFFER_BYTES, PcapHandle.TimestampPrecision.NANO);
            } catch (PcapNativeException e) {
                if (!String.valueOf(e.getMessage()).contains("timestamp precision")) {
                    throw e;
                }
                // pcap_set_tstamp_precision refused nanoseconds (libpcap before 1.5, or a platform without
                // them): microseconds still give RTTs to the microsecond.
                nanosecond = false;
                capture = build(interfaceName, SNAPLEN, CAPTURE_BUFFER_BYTES, PcapHandle.TimestampPrecision.MICRO);
            }
            setFilter(capture, interfaceName, filter);
            sender = build(interfaceName, 128, SEND_BUFFER_BYTES, null);
            setFilter(sender, interfaceName, NOTHING);
            LivePort port = new LivePort(interfaceName, filter, capture, sender, nanosecond);
            port.reader.start();
            return port;
        } catch (PcapNativeException e) {
            closeQuietly(capture);
            closeQuietly(sender);
            throw new LiveCaptureException(describeOpenError(interfaceName, e.getMessage()), e);
        } catch (LiveCaptureException | RuntimeException e) {
            closeQuietly(capture);
            closeQuietly(sender);
            throw e;
        } catch (LinkageError e) {
            if (PcapFileSource.isLibpcapMissing(e)) {
                throw new LiveCaptureException(PcapFileSource.LIBPCAP_MISSING, e);
            }
            throw e;
        }
    }

    /**
     * The capture filter for a trace from {@code source}: the probes it sends (UDP, TCP, ICMP from it) and
     * what can answer them (ICMP, and TCP with SYN or RST, to it). ICMP errors are matched to probes by their
     * quote, so any ICMP to the source is kept.
     */
    public static String traceFilter(int source) {
        String src = Ipv4Address.format(source);
        return "ip and ((src host " + src + " and (udp or tcp or icmp))"
                + " or (dst host " + src + " and (icmp or (tcp and tcp[tcpflags] & (tcp-syn|tcp-rst) != 0))))";
    }

    private static PcapHandle build(String name, int snaplen, int bufferBytes, PcapHandle.TimestampPrecision precision)
            throws PcapNativeException {
        PcapHandle.Builder builder = new PcapHandle.Builder(name)
                .snaplen(snaplen)
                .promiscuousMode(PromiscuousMode.NONPROMISCUOUS)
                .immediateMode(true)
                .timeoutMillis(POLL_TIMEOUT_MILLIS)
                .bufferSize(bufferBytes);
        if (precision != null) {
            builder.timestampPrecision(precision);
        }
        return builder.build();
    }

    private static void setFilter(PcapHandle handle, String interfaceName, String filter)
            throws LiveCaptureException {
        try {
            handle.setFilter(filter, BpfProgram.BpfCompileMode.OPTIMIZE);
        } catch (PcapNativeException e) {
            throw new LiveCaptureException("bad capture filter for " + interfaceName + " (" + filter + "): "
                    + LiveCaptureException.oneLine(e.getMessage()), e);
        } catch (NotOpenException e) {
            throw new IllegalStateException("capture handle closed while opening " + interfaceName, e);
        }
    }

    /** libpcap's activation errors, said for a user. */
    static String describeOpenError(String interfaceName, String libpcapMessage) {
        String detail = LiveCaptureException.oneLine(libpcapMessage);
        String lower = detail.toLowerCase(Locale.ROOT);
        if (lower.contains("permission") || lower.contains("not permitted")) {
            return Privilege.notPrivilegedMessage(interfaceName);
        }
        if (lower.contains("no such device")) {
            return "no interface named " + interfaceName + " (libpcap: " + detail + "): see ip link";
        }
        if (lower.contains("not up")) {
            return "interface " + interfaceName + " is down: bring it up with ip link set " + interfaceName + " up";
        }
        return "cannot capture on " + interfaceName + " (libpcap: " + detail + ")";
    }

    private static void closeQuietly(PcapHandle handle) {
        if (handle != null && handle.isOpen()) {
            handle.close();
        }
    }

    /** The interface this port captures and sends on. */
    public String interfaceName() {
        return interfaceName;
    }

    /** The BPF filter of the capture handle. */
    public String filter() {
        return filter;
    }

    /** Whether capture times have nanosecond precision (false: microseconds, scaled to nanoseconds). */
    public boolean nanosecondTimestamps() {
        return nanosecond;
    }

    @Override
    public int linkType() {
        return linkType;
    }

    /**
     * Frames lost before reaching a {@link #receive}: dropped by the kernel for want of buffer space
     * ({@code pcap_stats} ps_drop) plus those that found the queue full.
     */
    public long droppedFrames() {
        long kernel = 0;
        if (!closed.get()) {
            try {
                PcapStat stats = capture.getStats();
                kernel = stats.getNumPacketsDropped();
            } catch (PcapNativeException | NotOpenException e) {
                kernel = 0;
            }
        }
        return kernel + queueDrops.get();
    }

    @Override
    public void send(byte[] frame, int length) throws IOException {
        if (length < 0 || length > frame.length) {
            throw new IllegalArgumentException("frame length " + length + " outside its buffer of " + frame.length);
        }
        if (closed.get()) {
            throw new IOException("cannot send on " + interfaceName + ": the capture is closed");
        }
        synchronized (sender) {
            try {
                sender.sendPacket(frame, length);
            } catch (PcapNativeException e) {
                String detail = LiveCaptureException.oneLine(e.getMessage())
                        .replace("Error occurred in pcap_sendpacket(): ", "");
                throw new IOException("cannot send a " + length + "-byte frame on " + interfaceName + ": " + detail, e);
            } catch (NotOpenException e) {
                throw new IOException("cannot send on " + interfaceName + ": the capture is closed", e);
            }
        }
    }

    @Override
    public int receive(FrameSink sink, long timeoutNanos) throws IOException {
        int delivered = 0;
        Captured next;
        try {
            next = timeoutNanos <= 0 ? queue.poll() : queue.poll(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while capturing on " + interfaceName);
        }
        while (next != null) {
            if (next == WAKE) {
                wakePending.set(false);
                return delivered;
            }
            if (next == END) {
                // Leave the mark for every later receive.
                queue.offer(END);
                IOException f = failure;
                if (f != null && delivered == 0) {
                    throw new IOException(f.getMessage(), f);
                }
                return delivered;
            }
            sink.frame(next.timeNanos, linkType, next.frame, next.frame.length, next.wireLength);
            delivered++;
            if (delivered >= MAX_FRAMES_PER_RECEIVE) {
                return delivered;
            }
            next = queue.poll();
        }
        return delivered;
    }

    /**
     * {@value #DELIVERY_LAG_MILLIS} ms: frames pass through the reader thread and a queue, and a JVM that has
     * only just started (every CLI run) can take several milliseconds over its first frames, longer than a
     * probe's HERE wait (3 x an RTT of 0.05 ms + 1 ms) on a fast path.
     */
    @Override
    public long deliveryLagNanos() {
        return DELIVERY_LAG_MILLIS * 1_000_000L;
    }

    @Override
    public void wakeup() {
        if (wakePending.compareAndSet(false, true) && !queue.offer(WAKE)) {
            // The queue is full, so no receive is blocked: nothing to wake.
            wakePending.set(false);
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            capture.breakLoop();
        } catch (NotOpenException e) {
            // Already closed: the loop is over.
        }
        try {
            reader.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(capture);
        closeQuietly(sender);
        queue.clear();
        queue.offer(END);
    }

    /** The reader thread: pcap_loop until {@link #close} breaks it or the capture fails. */
    private void readLoop() {
        RawPacketListener listener = frame -> {
            Timestamp ts = capture.getTimestamp();
            // Timestamp.getTime() carries the milliseconds again; whole seconds plus getNanos() is exact.
            long nanos = Math.floorDiv(ts.getTime(), 1000L) * 1_000_000_000L + ts.getNanos();
            Integer original = capture.getOriginalLength();
            if (!queue.offer(new Captured(nanos, frame, original == null ? frame.length : original))) {
                queueDrops.incrementAndGet();
            }
        };
        try {
            capture.loop(-1, listener);
        } catch (InterruptedException e) {
            // pcap_breakloop from close(): the normal end.
        } catch (PcapNativeException e) {
            if (!closed.get()) {
                failure = new IOException("capture on " + interfaceName + " failed: "
                        + LiveCaptureException.oneLine(e.getMessage()), e);
            }
        } catch (NotOpenException e) {
            // Closed under the loop: the normal end.
        } catch (RuntimeException | Error e) {
            failure = new IOException("capture on " + interfaceName + " failed: " + e, e);
        }
        if (!queue.offer(END)) {
            queue.poll();
            queue.offer(END);
        }
    }
}
