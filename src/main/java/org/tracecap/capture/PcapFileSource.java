package org.tracecap.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Timestamp;
import java.util.Locale;

import com.sun.jna.Callback;
import com.sun.jna.Native;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;
import org.pcap4j.core.RawPacketListener;
import org.tracecap.match.FrameSink;

/**
 * Reads a pcap or pcapng file (whatever libpcap opens) and hands every frame to a {@link FrameSink}, in file
 * order, with its capture time in nanoseconds.
 *
 * <p>A regular file in classic pcap format (version 2.4, either byte order, micro- or nanosecond timestamps,
 * a link type tracecap decodes) is read in Java by {@link ClassicPcapReader}, more than ten times faster
 * than through a JNA callback per packet, with the same frames and the same messages. Everything else (pcapng, pipes, other link types or
 * versions) goes to libpcap's {@code pcap_loop} with pcap4j's raw-packet listener, opened at nanosecond
 * precision ({@code pcap_open_offline_with_tstamp_precision}): libpcap scales microsecond files up, so
 * nanosecond files keep their nanoseconds. No pcap4j packet objects are built.
 *
 * <p>Every way a file can fail becomes a {@link CaptureException} with a one-line message; when the file
 * breaks part way, the frames before the fault have been delivered.
 */
public final class PcapFileSource {

    /** What libpcap is called on Debian: the message a user sees when it is not installed. */
    public static final String LIBPCAP_MISSING = "libpcap not found: install it with apt-get install libpcap0.8";

    private static final String WHAT_TO_GIVE = "give a .pcap or .pcapng file (tcpdump -w, tshark -w, Wireshark)";

    private PcapFileSource() {
    }

    /**
     * Delivers every frame of {@code file} to {@code sink}.
     *
     * @return how many frames were delivered
     * @throws CaptureException the file is missing, unreadable, a directory, empty, not a capture, or broken
     *                          part way (then {@link CaptureException#packetsDelivered()} frames were delivered);
     *                          or libpcap is not installed
     */
    public static long read(Path file, FrameSink sink) throws CaptureException {
        if (checkReadable(file).isRegularFile()) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                byte[] start = new byte[ClassicPcapReader.FILE_HEADER];
                ClassicPcapReader.Header header = ClassicPcapReader.header(start, readFully(channel, start));
                if (header != null) {
                    return readClassic(file, channel, header, sink);
                }
            } catch (IOException e) {
                throw new CaptureException(file + ": cannot read: " + oneLine(e.getMessage()), 0, e);
            }
        }
        return readWithLibpcap(file, sink);
    }

    private static long readClassic(Path file, FileChannel channel, ClassicPcapReader.Header header,
            FrameSink sink) throws CaptureException {
        try {
            return ClassicPcapReader.read(channel, header, sink);
        } catch (ClassicPcapReader.Fault fault) {
            throw brokenAt(file, fault.delivered, fault.getMessage(), fault);
        }
    }

    /** Reads up to {@code into.length} bytes from the start of the file; fewer only when it is shorter. */
    private static int readFully(FileChannel channel, byte[] into) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(into);
        int last = 0;
        while (b.hasRemaining() && last >= 0) {
            last = channel.read(b);
        }
        return b.position();
    }

    /** Every frame through libpcap (pcap4j), whatever the format; also what the tests compare against. */
    static long readWithLibpcap(Path file, FrameSink sink) throws CaptureException {
        checkReadable(file);
        PcapHandle handle = open(file);
        try {
            return loop(file, handle, sink);
        } finally {
            handle.close();
        }
    }

    /**
     * Catches what libpcap would report less clearly ("unknown file format" for an empty file, "error
     * reading dump file: Is a directory"...). Only metadata is read, so a pipe ({@code <(tcpdump -w - ...)})
     * still reaches libpcap whole.
     */
    private static BasicFileAttributes checkReadable(Path file) throws CaptureException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new CaptureException(file + ": no such file: check the path", 0, e);
        } catch (IOException e) {
            throw new CaptureException(file + ": cannot read: " + oneLine(e.getMessage()), 0, e);
        }
        if (attributes.isDirectory()) {
            throw new CaptureException(file + ": is a directory, not a capture file: " + WHAT_TO_GIVE, 0);
        }
        if (attributes.isRegularFile() && attributes.size() == 0) {
            throw new CaptureException(file + ": empty file, not a capture: " + WHAT_TO_GIVE, 0);
        }
        if (!Files.isReadable(file)) {
            throw new CaptureException(file + ": permission denied: make it readable (chmod) or run as its"
                    + " owner", 0);
        }
        return attributes;
    }

    private static PcapHandle open(Path file) throws CaptureException {
        try {
            return Pcaps.openOffline(file.toString(), PcapHandle.TimestampPrecision.NANO);
        } catch (PcapNativeException e) {
            // pcap4j reports an optional function it cannot bind as "not supported", also when libpcap itself
            // failed to load: libVersion() goes through the mandatory bindings and tells the two apart.
            if (String.valueOf(e.getMessage()).contains("not supported") && !libpcapLoads()) {
                throw new CaptureException(LIBPCAP_MISSING, 0, e);
            }
            throw new CaptureException(file + ": " + describeOpenError(e.getMessage()), 0, e);
        } catch (LinkageError e) {
            if (isLibpcapMissing(e)) {
                throw new CaptureException(LIBPCAP_MISSING, 0, e);
            }
            throw e;
        }
    }

    private static boolean libpcapLoads() {
        try {
            Pcaps.libVersion();
            return true;
        } catch (LinkageError e) {
            if (isLibpcapMissing(e)) {
                return false;
            }
            throw e;
        }
    }

    /**
     * pcap4j's NativeMappings binds libpcap in its static initializer: a missing library fails there first
     * (UnsatisfiedLinkError, possibly inside ExceptionInInitializerError) and as "Could not initialize class
     * org.pcap4j.core.NativeMappings" (NoClassDefFoundError) on later calls. Other linkage errors (a jar missing
     * from the class path) are not about libpcap and are not reported as such.
     */
    static boolean isLibpcapMissing(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnsatisfiedLinkError) {
                return true;
            }
            if (t instanceof NoClassDefFoundError && String.valueOf(t.getMessage()).contains("NativeMappings")) {
                return true;
            }
        }
        return false;
    }

    /** libpcap's pcap_open_offline errbuf, said for a user. */
    static String describeOpenError(String libpcapMessage) {
        String detail = oneLine(libpcapMessage);
        String lower = detail.toLowerCase(Locale.ROOT);
        if (lower.contains("unknown file format") || lower.contains("bad dump file format")) {
            return "not a pcap or pcapng capture (libpcap: " + detail + "): " + WHAT_TO_GIVE;
        }
        if (lower.contains("truncated")) {
            return "capture ends inside its file header (libpcap: " + detail + "): the file is cut short,"
                    + " copy it again";
        }
        if (lower.contains("not supported by the pcap library")) {
            return "this libpcap cannot read at nanosecond precision (" + detail + "): install libpcap0.8 1.5"
                    + " or later";
        }
        return "cannot open the capture (libpcap: " + detail + "): check it opens with tcpdump -r";
    }

    /**
     * pcap_loop with {@link Delivery}. pcap4j builds each record's {@code java.sql.Timestamp} inside the JNA
     * callback, before the listener runs; a record whose fraction of a second is 1 s or more makes it throw
     * there, where JNA's default handler would log a stack trace and drop the record. For the time of the
     * loop a JNA callback exception handler takes such an exception on this thread, stops the loop and has
     * it reported as a corrupt record; exceptions of other threads go to the handler that was there before.
     */
    private static long loop(Path file, PcapHandle handle, FrameSink sink) throws CaptureException {
        int linkType = handle.getDlt().value();
        Delivery delivery = new Delivery(handle, sink, linkType);
        Thread reader = Thread.currentThread();
        Callback.UncaughtExceptionHandler previous = Native.getCallbackExceptionHandler();
        Native.setCallbackExceptionHandler((callback, e) -> {
            if (Thread.currentThread() != reader || delivery.failure != null) {
                previous.uncaughtException(callback, e);
                return;
            }
            delivery.callbackFailure = e;
            try {
                handle.breakLoop();
            } catch (NotOpenException closed) {
                e.addSuppressed(closed);
            }
        });
        try {
            handle.loop(-1, delivery);
        } catch (PcapNativeException e) {
            // pcap_loop returned -1: a record is cut short or its lengths are impossible.
            throw brokenAt(file, delivery.count, handle.isOpen() ? safeError(handle, e) : e.getMessage(), e);
        } catch (InterruptedException e) {
            // Only our own breakLoop ends the loop early: the sink threw, or pcap4j did before calling it.
            if (delivery.failure != null) {
                throw rethrow(delivery.failure);
            }
            if (delivery.callbackFailure != null) {
                throw recordFailed(file, delivery.count, delivery.callbackFailure);
            }
            Thread.currentThread().interrupt();
            throw new CaptureException(file + ": reading was interrupted after " + delivery.count + " packets",
                    delivery.count, e);
        } catch (NotOpenException e) {
            throw new IllegalStateException("capture handle closed while reading " + file, e);
        } finally {
            Native.setCallbackExceptionHandler(previous);
        }
        if (delivery.failure != null) {
            throw rethrow(delivery.failure);
        }
        if (delivery.callbackFailure != null) {
            throw recordFailed(file, delivery.count, delivery.callbackFailure);
        }
        return delivery.count;
    }

    /** pcap4j failed on record {@code delivered + 1} before handing it over (see {@link #loop}). */
    private static CaptureException recordFailed(Path file, long delivered, Throwable e) {
        if (!(e instanceof IllegalArgumentException)) {
            throw rethrow(e);
        }
        // java.sql.Timestamp.setNanos: "nanos > 999999999 or < 0"
        return new CaptureException(file + ": capture is corrupt after " + delivered + " packets (record "
                + (delivered + 1) + " has a timestamp fraction of a second of 1 s or more): only the packets before"
                + " that point were read", delivered, e);
    }

    /** A capture that breaks after {@code delivered} frames, in libpcap's words ({@code detail}). */
    private static CaptureException brokenAt(Path file, long delivered, String detail, Throwable cause) {
        String said = oneLine(detail);
        String what = said.toLowerCase(Locale.ROOT).contains("truncated") ? "cut short" : "corrupt";
        return new CaptureException(file + ": capture is " + what + " after " + delivered + " packets (libpcap: "
                + said + "): only the packets before that point were read", delivered, cause);
    }

    private static String safeError(PcapHandle handle, PcapNativeException e) {
        try {
            String error = handle.getError();
            return error == null || error.isBlank() ? e.getMessage() : error;
        } catch (NotOpenException closed) {
            return e.getMessage();
        }
    }

    private static RuntimeException rethrow(Throwable failure) {
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        throw new IllegalStateException(failure);
    }

    private static String oneLine(String message) {
        if (message == null || message.isBlank()) {
            return "no details";
        }
        return message.replaceAll("\\s+", " ").strip();
    }

    /**
     * The pcap_loop callback. pcap4j runs it on the looping thread and sets the record's timestamp and
     * original length in thread-locals just before the call. An exception must not escape into JNA (its
     * default handler prints a stack trace): it is kept, the loop is broken, and it is rethrown after.
     */
    private static final class Delivery implements RawPacketListener {
        private final PcapHandle handle;
        private final FrameSink sink;
        private final int linkType;
        long count;
        Throwable failure;
        Throwable callbackFailure;

        Delivery(PcapHandle handle, FrameSink sink, int linkType) {
            this.handle = handle;
            this.sink = sink;
            this.linkType = linkType;
        }

        @Override
        public void gotPacket(byte[] frame) {
            if (failure != null) {
                return;
            }
            try {
                Timestamp ts = handle.getTimestamp();
                // Timestamp.getTime() carries the milliseconds again; whole seconds plus getNanos() is exact.
                long nanos = Math.floorDiv(ts.getTime(), 1000L) * 1_000_000_000L + ts.getNanos();
                Integer original = handle.getOriginalLength();
                int wireLength = original == null ? frame.length : original;
                count++;
                sink.frame(nanos, linkType, frame, frame.length, wireLength);
            } catch (Throwable t) {
                failure = t;
                try {
                    handle.breakLoop();
                } catch (NotOpenException e) {
                    t.addSuppressed(e);
                }
            }
        }
    }
}
