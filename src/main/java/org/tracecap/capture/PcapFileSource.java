package org.tracecap.capture;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
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
 * Reads a capture (a file, or standard input) and hands every frame to a {@link FrameSink}, in file order,
 * with its capture time in nanoseconds.
 *
 * <p>The first bytes say how ({@link #read(String, ReadableByteChannel, Path, FrameSink)}): gzip (RFC 1952)
 * is unpacked as it is read ({@link CaptureStreams}); then a pcapng is read by {@link PcapngReader} and a
 * classic pcap (version 2.4, either byte order, micro- or nanosecond timestamps, a link type tracecap
 * decodes) by {@link ClassicPcapReader}, both in Java, more than ten times faster than through a JNA
 * callback per packet. Only a classic pcap that reader leaves (other versions, the Kuznetzov magic, other
 * link types), in a plain uncompressed file, still goes to libpcap's {@code pcap_loop} with pcap4j's
 * raw-packet listener, opened at nanosecond precision ({@code pcap_open_offline_with_tstamp_precision}):
 * libpcap scales microsecond files up, so nanosecond files keep their nanoseconds. No pcap4j packet objects
 * are built.
 *
 * <p>Every way a capture can fail becomes a {@link CaptureException} with a one-line message; when it
 * breaks part way, the frames before the fault have been delivered.
 */
public final class PcapFileSource {

    /** What libpcap is called on Debian: the message a user sees when it is not installed. */
    public static final String LIBPCAP_MISSING = "libpcap not found: install it with apt-get install libpcap0.8";

    private static final String WHAT_TO_GIVE = "give a .pcap or .pcapng file, or either gzipped (tcpdump -w,"
            + " tshark -w, Wireshark)";

    /** The name standard input goes by in messages. */
    public static final String STDIN = "stdin";

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
        BasicFileAttributes attributes = checkReadable(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(file.toString(), channel, attributes.isRegularFile() ? file : null, sink);
        } catch (IOException e) {
            throw new CaptureException(file + ": cannot read: " + oneLine(e.getMessage()), 0, e);
        }
    }

    /**
     * Delivers every frame of the capture on standard input ({@code tracecap replay -}), each as soon as its
     * record or block has arrived. Errors name it {@value #STDIN}.
     */
    public static long readStandardInput(FrameSink sink) throws CaptureException {
        // Not closed: descriptor 0 stays open. A FileChannel's read returns what the pipe holds.
        @SuppressWarnings("resource")
        FileChannel channel = new FileInputStream(FileDescriptor.in).getChannel();
        try {
            return read(STDIN, channel, null, sink);
        } catch (IOException e) {
            throw new CaptureException(STDIN + ": cannot read: " + oneLine(e.getMessage()), 0, e);
        }
    }

    /**
     * Looks at the first bytes and reads the capture with what fits: gzip is unpacked on the way, then a
     * pcapng goes to {@link PcapngReader}, a classic pcap to {@link ClassicPcapReader}, and a classic pcap
     * that reader leaves (other versions, the Kuznetzov magic, other link types) to libpcap, which reads only
     * a plain file by its path ({@code plainFile}, null for a pipe or standard input).
     */
    private static long read(String name, ReadableByteChannel in, Path plainFile, FrameSink sink)
            throws CaptureException, IOException {
        byte[] start = new byte[ClassicPcapReader.FILE_HEADER];
        int length = CaptureStreams.readFully(in, start);
        boolean gzip = CaptureStreams.isGzip(start, length);
        if (gzip) {
            try {
                in = CaptureStreams.gunzip(CaptureStreams.prefixed(start, length, in));
                length = CaptureStreams.readFully(in, start);
            } catch (CaptureStreams.GzipException e) {
                throw new CaptureException(name + ": gzip " + e.getMessage() + ": not a capture gunzip can unpack",
                        0, e);
            }
        }
        if (length == 0) {
            throw new CaptureException(name + ": " + (gzip ? "the gzip stream holds nothing" : "no data")
                    + ", not a capture: " + WHAT_TO_GIVE, 0);
        }
        try {
            if (PcapngReader.isPcapng(start, length)) {
                return PcapngReader.read(CaptureStreams.prefixed(start, length, in), sink);
            }
            ClassicPcapReader.Header header = ClassicPcapReader.header(start, length);
            if (header != null) {
                return ClassicPcapReader.read(in, header, sink);
            }
        } catch (ReadFault fault) {
            throw brokenAt(name, fault.delivered, fault.source, fault.getMessage(), fault.cutShort, fault);
        }
        if (plainFile != null && !gzip && ClassicPcapReader.isClassicMagic(start, length)) {
            return readWithLibpcap(plainFile, sink);
        }
        if (ClassicPcapReader.isClassicMagic(start, length) && length < ClassicPcapReader.FILE_HEADER) {
            throw new CaptureException(name + ": capture ends inside its file header (" + length + " of "
                    + ClassicPcapReader.FILE_HEADER + " bytes): the file is cut short, copy it again", 0);
        }
        if (ClassicPcapReader.isClassicMagic(start, length)) {
            throw new CaptureException(name + ": a classic pcap that only libpcap reads (not version 2.4, or a"
                    + " link type tracecap does not decode), and libpcap reads only plain files: "
                    + (gzip ? "gunzip it first" : "save it to a file first"), 0);
        }
        throw new CaptureException(name + ": not a pcap or pcapng capture" + (gzip ? " inside the gzip stream" : "")
                + ": " + WHAT_TO_GIVE, 0);
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
        return brokenAt(file.toString(), delivered, "libpcap", said,
                said.toLowerCase(Locale.ROOT).contains("truncated"), cause);
    }

    /** A capture that breaks after {@code delivered} frames, in the words of {@code source} (libpcap, pcapng, gzip). */
    private static CaptureException brokenAt(String name, long delivered, String source, String detail,
            boolean cutShort, Throwable cause) {
        return new CaptureException(name + ": capture is " + (cutShort ? "cut short" : "corrupt") + " after "
                + delivered + " packets (" + source + ": " + oneLine(detail) + "): only the packets before that"
                + " point were read", delivered, cause);
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
