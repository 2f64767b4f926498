package org.tracecap.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import org.tracecap.match.FrameSink;
import org.tracecap.packet.Bytes;

/**
 * Reads classic pcap files (not pcapng) in Java: the file header, then record after record from large
 * buffered reads into one reused frame buffer. libpcap through pcap4j costs a JNA callback, two
 * thread-locals and a {@code java.sql.Timestamp} per packet; this costs a bounds check and a copy.
 *
 * <p>File layout (draft-ietf-opsawg-pcap section 4, libpcap's {@code sf-pcap.c}):
 * <pre>
 *  file header, 24 bytes, in the writer's byte order (the magic tells which):
 *   0 magic 0xA1B2C3D4 (microsecond timestamps) or 0xA1B23C4D (nanosecond)
 *   4 version major (2)   6 version minor (4)   8 reserved   12 reserved
 *  16 snaplen            20 link type (LINKTYPE_*)
 *  record header, 16 bytes, then caplen bytes of frame:
 *   0 seconds   4 microseconds or nanoseconds   8 caplen   12 original length
 * </pre>
 *
 * <p>Only what this reader gives exactly as libpcap would is taken ({@link #header}): version 2.4 in either
 * byte order and resolution, and a link type whose libpcap DLT number is known here. Older versions whose
 * length fields may be swapped, the Kuznetzov magic and other link types are left to libpcap (pcapng has
 * its own reader, {@link PcapngReader}). Per record it follows libpcap 1.10 {@code pcap_next_packet}:
 * <ol>
 *   <li>caplen above {@link #MAX_SNAPLEN} is corrupt ("invalid packet capture length N, bigger than snaplen
 *       of S" when also above the file's snaplen, else "... bigger than maximum of 262144");</li>
 *   <li>caplen above the file's snaplen (but sane) is read whole and cut to the snaplen;</li>
 *   <li>a record header or frame cut by the end of the file is "truncated dump file; tried to read N
 *       header/captured bytes, only got M"; a read error is "error reading dump file: ...".</li>
 * </ol>
 * Timestamps: seconds and fraction are read as unsigned 32-bit numbers (the draft's definition), so a file
 * written after 2038 or holding a fraction of a second at or above one second still gives a time; libpcap
 * sign-extends the seconds of native-order files, and pcap4j cannot build a timestamp from such a fraction
 * ({@link PcapFileSource} reports that record as corrupt).
 */
final class ClassicPcapReader {
    /** libpcap's MAXIMUM_SNAPLEN: {@code max_snaplen_for_dlt} for every link type read here. */
    static final int MAX_SNAPLEN = 262_144;
    static final int FILE_HEADER = 24;
    private static final int RECORD_HEADER = 16;
    /** Big enough for many records per read, and always for one whole record of MAX_SNAPLEN. */
    private static final int CHUNK = 1 << 20;

    private static final int MAGIC_MICROS = 0xA1B2C3D4;
    private static final int MAGIC_NANOS = 0xA1B23C4D;
    private static final long MAGIC_KUZNETZOV = 0xA1B2CD34L;

    /** What the file header says: byte order, timestamp resolution, snapshot length, libpcap DLT. */
    record Header(ByteOrder order, boolean nanos, int snaplen, int linkType) {
    }

    private ClassicPcapReader() {
    }

    /**
     * The header of a file this reader takes, or null to leave the file to libpcap.
     *
     * @param bytes the first {@code length} bytes of the file
     */
    static Header header(byte[] bytes, int length) {
        if (length < FILE_HEADER) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, 0, FILE_HEADER).order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getInt(0);
        if (magic != MAGIC_MICROS && magic != MAGIC_NANOS) {
            b.order(ByteOrder.BIG_ENDIAN);
            magic = b.getInt(0);
            if (magic != MAGIC_MICROS && magic != MAGIC_NANOS) {
                return null;
            }
        }
        // Version 2.4 only: 2.3 and older may have caplen and length swapped, which libpcap guesses at.
        if (b.getShort(4) != 2 || b.getShort(6) != 4) {
            return null;
        }
        int dlt = dlt(b.getInt(20));
        if (dlt < 0) {
            return null;
        }
        // libpcap 1.10 pcap_adjust_snapshot: 0, or too big for an int, means the maximum.
        long snaplen = b.getInt(16) & 0xffff_ffffL;
        int snapshot = snaplen == 0 || snaplen > Integer.MAX_VALUE ? MAX_SNAPLEN : (int) snaplen;
        return new Header(b.order(), magic == MAGIC_NANOS, snapshot, dlt);
    }

    /**
     * Whether the file starts with a classic pcap magic in either byte order (micro- or nanosecond, or the
     * Kuznetzov 0xA1B2CD34), whether or not {@link #header} takes it.
     */
    static boolean isClassicMagic(byte[] bytes, int length) {
        if (length < 4) {
            return false;
        }
        for (long magic : new long[] {Bytes.u32(bytes, 0), Bytes.u32le(bytes, 0)}) {
            if (magic == (MAGIC_MICROS & 0xffff_ffffL) || magic == (MAGIC_NANOS & 0xffff_ffffL)
                    || magic == MAGIC_KUZNETZOV) {
                return true;
            }
        }
        return false;
    }

    /**
     * libpcap's DLT for a file's LINKTYPE ({@code linktype_to_dlt}), for the link types tracecap decodes;
     * -1 for the others, which libpcap reads.
     */
    static int dlt(int linkType) {
        return switch (linkType) {
            // NULL, EN10MB, PPP, PPP_SERIAL, PPP_ETHER, C_HDLC, LOOP, LINUX_SLL, IPV4, LINUX_SLL2: same number
            case 0, 1, 9, 50, 51, 104, 108, 113, 228, 276 -> linkType;
            // LINKTYPE_RAW is DLT_RAW, 12 on Linux
            case 101 -> 12;
            default -> -1;
        };
    }

    /**
     * Delivers every record after the file header, whose 24 bytes have been consumed from {@code in}.
     *
     * @return how many frames were delivered
     * @throws ReadFault a record is cut short or impossible, or a read failed; the frames before it were
     *               delivered
     */
    static long read(ReadableByteChannel in, Header header, FrameSink sink) throws ReadFault {
        // A heap buffer: the record headers are read from its array byte by byte and the frames copied
        // out with System.arraycopy (a direct buffer's getInt goes through ScopedMemoryAccess, which the
        // launcher's C1 does not inline; the channel's copy into the array costs less).
        ByteBuffer buf = ByteBuffer.allocate(CHUNK);
        byte[] chunk = buf.array();
        boolean little = header.order() == ByteOrder.LITTLE_ENDIAN;
        buf.limit(0);
        int snaplen = header.snaplen();
        byte[] frame = new byte[Math.min(snaplen, MAX_SNAPLEN)];
        int linkType = header.linkType();
        long scale = header.nanos() ? 1 : 1000;
        long count = 0;
        // The buffer's position and limit live in locals between fills (a ByteBuffer's own accessors are
        // calls per record under C1).
        int at = 0;
        int end = 0;
        while (true) {
            if (end - at < RECORD_HEADER) {
                buf.position(at);
                int got = fill(in, buf, RECORD_HEADER, count);
                at = 0;
                end = got;
                if (got == 0) {
                    return count;
                }
                if (got < RECORD_HEADER) {
                    throw new ReadFault("truncated dump file; tried to read " + RECORD_HEADER + " header bytes, only got "
                            + got, count, null);
                }
            }
            long seconds;
            long fraction;
            long caplen;
            int wireLength;
            if (little) {
                seconds = Bytes.u32le(chunk, at);
                fraction = Bytes.u32le(chunk, at + 4);
                caplen = Bytes.u32le(chunk, at + 8);
                wireLength = (int) Bytes.u32le(chunk, at + 12);
            } else {
                seconds = Bytes.u32(chunk, at);
                fraction = Bytes.u32(chunk, at + 4);
                caplen = Bytes.u32(chunk, at + 8);
                wireLength = (int) Bytes.u32(chunk, at + 12);
            }
            at += RECORD_HEADER;
            if (caplen > MAX_SNAPLEN) {
                throw new ReadFault("invalid packet capture length " + caplen + ", bigger than "
                        + (caplen > snaplen ? "snaplen of " + snaplen : "maximum of " + MAX_SNAPLEN), count, null);
            }
            int length = (int) caplen;
            if (end - at < length) {
                buf.position(at);
                int got = fill(in, buf, length, count);
                at = 0;
                end = got;
                if (got < length) {
                    // libpcap names the snaplen when even that much was not there, else the whole caplen
                    int tried = length > snaplen && got < snaplen ? snaplen : length;
                    throw new ReadFault("truncated dump file; tried to read " + tried + " captured bytes, only got "
                            + got, count, null);
                }
            }
            int kept = Math.min(length, snaplen);
            System.arraycopy(chunk, at, frame, 0, kept);
            at += length;
            count++;
            sink.frame(seconds * 1_000_000_000L + fraction * scale, linkType, frame, kept, wireLength);
        }
    }

    /**
     * Moves the unread bytes to the front and reads until {@code wanted} bytes are there or the file ends.
     *
     * @return the bytes now available (less than {@code wanted} only at the end of the file); also
     *         {@link PcapngReader}'s refill
     */
    static int fill(ReadableByteChannel in, ByteBuffer buf, int wanted, long delivered) throws ReadFault {
        buf.compact();
        try {
            while (buf.position() < wanted) {
                if (in.read(buf) < 0) {
                    break;
                }
            }
        } catch (IOException e) {
            throw ReadFault.reading(e, delivered);
        }
        buf.flip();
        return buf.remaining();
    }
}
