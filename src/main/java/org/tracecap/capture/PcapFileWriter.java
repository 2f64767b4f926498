package org.tracecap.capture;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

import org.tracecap.match.FrameSink;
import org.tracecap.packet.LinkLayer;

/**
 * Writes frames to a pcap file with nanosecond timestamps ({@code --save-pcap}): every frame a live trace sent
 * and received, so that {@code tracecap replay} on the file reproduces the trace.
 *
 * <p>The format is libpcap's classic savefile (pcap-savefile(5)) with the nanosecond magic {@code 0xa1b23c4d}
 * (libpcap 1.5+, tcpdump, tshark and Wireshark read it), written in little-endian order. Frames go to a
 * temporary file beside the target, renamed onto the target by {@link #close()}: a trace cut short never leaves
 * half a file under the name asked for, and an existing file is only replaced by a complete one.
 *
 * <p>As a {@link FrameSink} it cannot throw: the first write error is kept, later frames are ignored, and
 * {@link #close()} reports it (and removes the temporary file). Not thread-safe: one thread writes.
 */
public final class PcapFileWriter implements FrameSink, Closeable {

    /** pcap-savefile(5): magic for nanosecond-resolution timestamps. */
    static final int MAGIC_NANOSECONDS = 0xa1b23c4d;
    static final int VERSION_MAJOR = 2;
    static final int VERSION_MINOR = 4;
    private static final int FILE_HEADER_BYTES = 24;
    private static final int RECORD_HEADER_BYTES = 16;

    private final Path target;
    private final Path temporary;
    private final int snaplen;
    private final OutputStream out;
    private final ByteBuffer header = ByteBuffer.allocate(RECORD_HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private long framesWritten;
    private IOException failure;
    private boolean closed;

    private PcapFileWriter(Path target, Path temporary, int snaplen, OutputStream out) {
        this.target = target;
        this.temporary = temporary;
        this.snaplen = snaplen;
        this.out = out;
    }

    /**
     * Starts a capture file for frames of link type {@code linkType} (libpcap's DLT, 1 for Ethernet, 12 for raw
     * IP: written as its LINKTYPE, {@link #fileLinkType}). Nothing appears at
     * {@code target} until {@link #close()}.
     *
     * @param snaplen the longest frame kept; longer ones are cut to it (their wire length is kept)
     * @throws IOException the temporary file cannot be created beside {@code target}
     */
    public static PcapFileWriter create(Path target, int linkType, int snaplen) throws IOException {
        if (snaplen <= 0) {
            throw new IllegalArgumentException("snaplen must be positive, got " + snaplen);
        }
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        // A new file of a random name beside the target, with the usual permissions (umask), as tcpdump -w
        // gives its files (Files.createTempFile would make it 0600, unreadable to other users once renamed).
        Path temporary = directory.resolve("." + absolute.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1) + ".part");
        OutputStream raw;
        try {
            raw = Files.newOutputStream(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new IOException(target + ": cannot create a capture file there: " + e.getMessage(), e);
        }
        OutputStream out = new BufferedOutputStream(raw, 1 << 16);
        ByteBuffer file = ByteBuffer.allocate(FILE_HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        file.putInt(MAGIC_NANOSECONDS).putShort((short) VERSION_MAJOR).putShort((short) VERSION_MINOR)
                .putInt(0) // thiszone: timestamps are UTC
                .putInt(0) // sigfigs
                .putInt(snaplen).putInt(fileLinkType(linkType));
        try {
            out.write(file.array());
        } catch (IOException e) {
            out.close();
            Files.deleteIfExists(temporary);
            throw new IOException(target + ": cannot write the capture file: " + e.getMessage(), e);
        }
        return new PcapFileWriter(target, temporary, snaplen, out);
    }

    /**
     * The LINKTYPE_ value a capture file carries for libpcap's DLT_ value {@code dlt}: the same number except
     * for raw IP, whose DLT_RAW is 12 (14 on OpenBSD) and whose file value is LINKTYPE_RAW, 101 (libpcap's
     * {@code dlt_to_linktype}, pcap-common.c: 12 in a file is not raw IP everywhere).
     */
    static int fileLinkType(int dlt) {
        return dlt == LinkLayer.DLT_RAW || dlt == LinkLayer.DLT_RAW_OPENBSD ? LinkLayer.RAW : dlt;
    }

    /** Appends one frame; after a write error, does nothing (see {@link #close()}). */
    @Override
    public void frame(long timeNanos, int linkType, byte[] frame, int capturedLength, int wireLength) {
        if (failure != null || closed) {
            return;
        }
        int kept = Math.min(capturedLength, snaplen);
        header.clear();
        header.putInt((int) Math.floorDiv(timeNanos, 1_000_000_000L))
                .putInt((int) Math.floorMod(timeNanos, 1_000_000_000L))
                .putInt(kept)
                .putInt(Math.max(wireLength, capturedLength));
        try {
            out.write(header.array());
            out.write(frame, 0, kept);
            framesWritten++;
        } catch (IOException e) {
            failure = e;
        }
    }

    /** How many frames have been written. */
    public long framesWritten() {
        return framesWritten;
    }

    /** The file that appears on {@link #close()}. */
    public Path target() {
        return target;
    }

    /**
     * Flushes the frames to disk and renames the file onto the target.
     *
     * @throws IOException a write failed (now or earlier) or the rename did; the temporary file is removed
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.close();
            if (failure != null) {
                throw failure;
            }
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            Files.deleteIfExists(temporary);
            throw new IOException(target + ": cannot write the capture file: " + LiveCaptureException.oneLine(
                    e.getMessage()), e);
        }
    }

    /** Gives up: removes the temporary file and leaves the target as it was. */
    public void discard() {
        closed = true;
        try {
            out.close();
        } catch (IOException e) {
            // Being thrown away anyway.
        }
        try {
            Files.deleteIfExists(temporary);
        } catch (IOException e) {
            // A leftover hidden .part file is all that remains.
        }
    }
}
