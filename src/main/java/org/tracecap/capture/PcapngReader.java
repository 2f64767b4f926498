package org.tracecap.capture;

import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.Arrays;
import org.tracecap.match.FrameSink;
import org.tracecap.packet.Bytes;

/**
 * Reads pcapng files in Java (draft-ietf-opsawg-pcapng), as {@link ClassicPcapReader} reads classic pcap:
 * large buffered reads, the buffer position in locals, one reused frame buffer, no allocation per packet.
 *
 * <p>Every block is (section 3.1):
 * <pre>
 *   0 block type   4 block total length   8 block body ...   total-4 block total length again
 * </pre>
 * in the byte order of its section, which the Section Header Block's byte-order magic 0x1A2B3C4D gives
 * (section 4.1). What is read:
 * <ul>
 *   <li>Section Header Block (0x0A0D0D0A, 4.1): byte order, version 1.x; it starts a new section, whose
 *       interfaces are numbered from 0 again.</li>
 *   <li>Interface Description Block (1, 4.2): the interface's link type (each interface its own), its
 *       snaplen, {@code if_tsresol} (option 9: 10^-n, or 2^-n when the high bit is set; default 10^-6) and
 *       {@code if_tsoffset} (option 14: seconds added to every time stamp).</li>
 *   <li>Enhanced Packet Block (6, 4.3): interface, 64-bit time stamp in the interface's units, captured and
 *       original length, the frame, options (epb_flags, 4.3.1, checked: 4 bytes).</li>
 *   <li>Simple Packet Block (3, 4.4): a frame of interface 0 with no time stamp (time 0, as libpcap gives
 *       it); captured length = min(original length, room in the block, interface 0's snaplen).</li>
 *   <li>Packet Block (2, obsolete, Appendix A): as an Enhanced Packet Block with a 16-bit interface.</li>
 *   <li>Every other block (Name Resolution 4, Interface Statistics 5, Decryption Secrets, custom 0xBAD and
 *       0x40000BAD, unknown types) is skipped whole, however long.</li>
 * </ul>
 * Every length is checked before it is used: a block total length below 12, not a multiple of 4, or not
 * repeated at the block's end; a captured length past its block; an option running past its block; a packet
 * of an interface its section has not described; a file ending inside a block. Each stops the reading with
 * a {@link ReadFault} ("corrupt" or "cut short") after the frames before it were delivered.
 *
 * <p>Direction (epb_flags bits 0-1) is checked but not handed on: {@link FrameSink} has no direction, and
 * the reconstruction tells probes from replies by their addresses and contents.
 */
final class PcapngReader {
    static final int SECTION_HEADER = 0x0A0D0D0A;
    private static final int INTERFACE_DESCRIPTION = 1;
    private static final int PACKET = 2;
    private static final int SIMPLE_PACKET = 3;
    private static final int ENHANCED_PACKET = 6;
    /** Written in the writer's byte order (section 4.1). */
    private static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    /** The largest block read into the buffer (a section, interface or packet block); others are skipped. */
    static final int MAX_PARSED_BLOCK = 1 << 20;
    /** The buffer: a parsed block always fits (fill moves what is left to the front first). */
    private static final int CHUNK = MAX_PARSED_BLOCK;
    private static final int MIN_BLOCK = 12;
    private static final int EPB_HEADER = 28;
    private static final int OPT_END = 0;
    private static final int OPT_EPB_FLAGS = 2;
    private static final int OPT_IF_TSRESOL = 9;
    private static final int OPT_IF_TSOFFSET = 14;

    private final ReadableByteChannel in;
    private final FrameSink sink;
    private final ByteBuffer buf = ByteBuffer.allocate(CHUNK);
    private final byte[] chunk = buf.array();
    private final byte[] frame = new byte[ClassicPcapReader.MAX_SNAPLEN];
    /** File offset of {@code chunk[0]}, for the messages. */
    private long base;
    private long count;
    private boolean little;
    private boolean sectionSeen;

    // The interfaces of the current section, by id: link type, snaplen, and how a time stamp becomes
    // nanoseconds: ts * multiplier (when > 0), else by units (TimeUnits), plus offset.
    private int interfaces;
    private int[] linkType = new int[4];
    private long[] snaplen = new long[4];
    private long[] multiplier = new long[4];
    private int[] resolution = new int[4];
    private long[] offsetNanos = new long[4];

    private PcapngReader(ReadableByteChannel in, FrameSink sink) {
        this.in = in;
        this.sink = sink;
    }

    /** A pcapng file starts with a Section Header Block, whose type reads the same in both byte orders. */
    static boolean isPcapng(byte[] start, int length) {
        return length >= 4 && Bytes.u32(start, 0) == SECTION_HEADER;
    }

    /**
     * Delivers every packet of the pcapng file read from its first byte on.
     *
     * @return how many frames were delivered
     * @throws ReadFault a block is cut short or impossible, or a read failed; the frames before it were
     *                   delivered
     */
    static long read(ReadableByteChannel in, FrameSink sink) throws ReadFault {
        return new PcapngReader(in, sink).run();
    }

    private long run() throws ReadFault {
        byte[] c = chunk;
        buf.limit(0);
        int at = 0;
        int end = 0;
        while (true) {
            if (end - at < MIN_BLOCK) {
                end = fill(at, MIN_BLOCK);
                at = 0;
                if (end == 0) {
                    return count;
                }
                if (end < MIN_BLOCK) {
                    throw cut("the file ends inside a block header: " + end + " of 12 bytes", at);
                }
            }
            int type = (int) (little ? Bytes.u32le(c, at) : Bytes.u32(c, at));
            if (type == ENHANCED_PACKET) {
                // The common case on its own path: a whole Enhanced Packet Block in the buffer, both its
                // lengths the same. (No section yet means no interface: the interface check stops it.)
                long total = little ? Bytes.u32le(c, at + 4) : Bytes.u32(c, at + 4);
                if (total <= end - at && total >= EPB_HEADER + 4 && (total & 3) == 0) {
                    int t = (int) total;
                    long id;
                    long timestamp;
                    long caplen;
                    long wire;
                    long trailer;
                    if (little) {
                        trailer = Bytes.u32le(c, at + t - 4);
                        id = Bytes.u32le(c, at + 8);
                        timestamp = Bytes.u32le(c, at + 12) << 32 | Bytes.u32le(c, at + 16);
                        caplen = Bytes.u32le(c, at + 20);
                        wire = Bytes.u32le(c, at + 24);
                    } else {
                        trailer = Bytes.u32(c, at + t - 4);
                        id = Bytes.u32(c, at + 8);
                        timestamp = Bytes.u32(c, at + 12) << 32 | Bytes.u32(c, at + 16);
                        caplen = Bytes.u32(c, at + 20);
                        wire = Bytes.u32(c, at + 24);
                    }
                    if (trailer == total && id < interfaces && caplen <= t - EPB_HEADER - 4) {
                        int length = (int) caplen;
                        int options = at + EPB_HEADER + ((length + 3) & ~3);
                        if (options < at + t - 4) {
                            packetOptions(options, at + t - 4, at);
                        }
                        int i = (int) id;
                        long m = multiplier[i];
                        long nanos = (m > 0 ? timestamp * m : TimeUnits.nanos(timestamp, resolution[i]))
                                + offsetNanos[i];
                        int kept = Math.min(length, ClassicPcapReader.MAX_SNAPLEN);
                        System.arraycopy(c, at + EPB_HEADER, frame, 0, kept);
                        count++;
                        sink.frame(nanos, linkType[i], frame, kept, (int) Math.min(wire, Integer.MAX_VALUE));
                        at += t;
                        continue;
                    }
                }
            }
            // Every other block, and an Enhanced Packet Block not whole in the buffer or whose lengths lie.
            at = block(at, end, type);
            end = buf.limit();
        }
    }

    /**
     * The block at {@code at} (its type read, at least its 12-byte header in the buffer, which ends at
     * {@code end}): checked, read or skipped, in the buffer filled further when it does not hold it whole.
     *
     * @return where the next block starts; the buffer's limit is where its data ends
     */
    private int block(int at, int end, int type) throws ReadFault {
        byte[] c = chunk;
        if (type == SECTION_HEADER) {
            little = byteOrder(c, at);
        } else if (!sectionSeen) {
            throw corrupt("block of type " + type + " before the section header block", at);
        }
        long total = little ? Bytes.u32le(c, at + 4) : Bytes.u32(c, at + 4);
        if (total < MIN_BLOCK || (total & 3) != 0) {
            throw corrupt(name(type) + " has total length " + total + (total < MIN_BLOCK ? ", less than 12"
                    : ", not a multiple of 4"), at);
        }
        if (end - at < total) {
            boolean parsed = type == ENHANCED_PACKET || type == SECTION_HEADER
                    || type == INTERFACE_DESCRIPTION || type == SIMPLE_PACKET || type == PACKET;
            if (!parsed) {
                return skip(at, end, total);
            }
            if (total > MAX_PARSED_BLOCK) {
                throw corrupt(name(type) + " has total length " + total + ", more than the " + MAX_PARSED_BLOCK
                        + " bytes any " + name(type) + " needs", at);
            }
            end = fill(at, (int) total);
            at = 0;
            if (end < total) {
                throw cut(name(type) + " of " + total + " bytes has only " + end + " bytes before the end of"
                        + " the file", at);
            }
        }
        int t = (int) total;
        long trailer = little ? Bytes.u32le(c, at + t - 4) : Bytes.u32(c, at + t - 4);
        if (trailer != total) {
            throw corrupt(name(type) + " has total length " + total + " at its start and " + trailer
                    + " at its end", at);
        }
        if (type == ENHANCED_PACKET) {
            if (t < EPB_HEADER + 4) {
                throw corrupt(name(type) + " of " + t + " bytes, less than its 32-byte minimum", at);
            }
            long id = little ? Bytes.u32le(c, at + 8) : Bytes.u32(c, at + 8);
            long high = little ? Bytes.u32le(c, at + 12) : Bytes.u32(c, at + 12);
            long low = little ? Bytes.u32le(c, at + 16) : Bytes.u32(c, at + 16);
            long caplen = little ? Bytes.u32le(c, at + 20) : Bytes.u32(c, at + 20);
            long wire = little ? Bytes.u32le(c, at + 24) : Bytes.u32(c, at + 24);
            deliver(type, at, t, id, (high << 32) | low, caplen, wire);
        } else if (type == SECTION_HEADER) {
            section(at, t);
        } else if (type == INTERFACE_DESCRIPTION) {
            interfaceDescription(at, t);
        } else if (type == SIMPLE_PACKET) {
            simplePacket(at, t);
        } else if (type == PACKET) {
            if (t < EPB_HEADER + 4) {
                throw corrupt(name(type) + " of " + t + " bytes, less than its 32-byte minimum", at);
            }
            int id = little ? Bytes.u16le(c, at + 8) : Bytes.u16(c, at + 8);
            long high = little ? Bytes.u32le(c, at + 12) : Bytes.u32(c, at + 12);
            long low = little ? Bytes.u32le(c, at + 16) : Bytes.u32(c, at + 16);
            long caplen = little ? Bytes.u32le(c, at + 20) : Bytes.u32(c, at + 20);
            long wire = little ? Bytes.u32le(c, at + 24) : Bytes.u32(c, at + 24);
            deliver(type, at, t, id, (high << 32) | low, caplen, wire);
        }
        return at + t;
    }

    /**
     * An Enhanced (or obsolete) Packet Block at {@code at}: the frame at byte 28, then options.
     */
    private void deliver(int type, int at, int total, long id, long timestamp, long caplen, long wire) throws ReadFault {
        if (id >= interfaces) {
            throw corrupt(name(type) + " names interface " + id
                    + ", but its section has described " + interfaces, at);
        }
        int room = total - EPB_HEADER - 4;
        if (caplen > room) {
            throw corrupt(name(type) + " of " + total + " bytes has captured length " + caplen + ", past its end", at);
        }
        int length = (int) caplen;
        int options = at + EPB_HEADER + ((length + 3) & ~3);
        if (options < at + total - 4) {
            packetOptions(options, at + total - 4, at);
        }
        int i = (int) id;
        long m = multiplier[i];
        long nanos = (m > 0 ? timestamp * m : TimeUnits.nanos(timestamp, resolution[i])) + offsetNanos[i];
        int kept = Math.min(length, frame.length);
        System.arraycopy(chunk, at + EPB_HEADER, frame, 0, kept);
        count++;
        sink.frame(nanos, linkType[i], frame, kept, (int) Math.min(wire, Integer.MAX_VALUE));
    }

    /** A Simple Packet Block: original length at byte 8, the frame at 12; interface 0, no time stamp. */
    private void simplePacket(int at, int total) throws ReadFault {
        if (total < 16) {
            throw corrupt(name(SIMPLE_PACKET) + " of " + total + " bytes, less than its 16-byte minimum", at);
        }
        if (interfaces == 0) {
            throw corrupt(name(SIMPLE_PACKET) + " before any interface description block in its section", at);
        }
        long wire = little ? Bytes.u32le(chunk, at + 8) : Bytes.u32(chunk, at + 8);
        // Section 4.4: the captured length is the smallest of the original length, the snaplen of interface 0
        // (0: no limit) and what the block holds.
        long caplen = Math.min(wire, total - 16);
        if (snaplen[0] > 0) {
            caplen = Math.min(caplen, snaplen[0]);
        }
        int kept = (int) Math.min(caplen, frame.length);
        System.arraycopy(chunk, at + 12, frame, 0, kept);
        count++;
        sink.frame(0, linkType[0], frame, kept, (int) Math.min(wire, Integer.MAX_VALUE));
    }

    /** Section 4.1: the byte-order magic at byte 8 says how this section's numbers are written. */
    private boolean byteOrder(byte[] c, int at) throws ReadFault {
        if (Bytes.u32(c, at + 8) == BYTE_ORDER_MAGIC) {
            return false;
        }
        if (Bytes.u32le(c, at + 8) == BYTE_ORDER_MAGIC) {
            return true;
        }
        throw corrupt("section header block has byte-order magic 0x" + Bytes.hex(c, at + 8, 4) + ", not"
                + " 0x1a2b3c4d in either byte order", at);
    }

    /** A Section Header Block: version at byte 12; the section's interfaces start from none. */
    private void section(int at, int total) throws ReadFault {
        if (total < 28) {
            throw corrupt(name(SECTION_HEADER) + " of " + total + " bytes, less than its 28-byte minimum", at);
        }
        int major = little ? Bytes.u16le(chunk, at + 12) : Bytes.u16(chunk, at + 12);
        int minor = little ? Bytes.u16le(chunk, at + 14) : Bytes.u16(chunk, at + 14);
        if (major != 1) {
            throw corrupt("section header block has version " + major + "." + minor + ", not 1.x", at);
        }
        sectionSeen = true;
        interfaces = 0;
    }

    /** An Interface Description Block: link type at byte 8, snaplen at 12, options from 16. */
    private void interfaceDescription(int at, int total) throws ReadFault {
        if (total < 20) {
            throw corrupt(name(INTERFACE_DESCRIPTION) + " of " + total + " bytes, less than its 20-byte minimum",
                    at);
        }
        byte[] c = chunk;
        int type = little ? Bytes.u16le(c, at + 8) : Bytes.u16(c, at + 8);
        long snap = little ? Bytes.u32le(c, at + 12) : Bytes.u32(c, at + 12);
        int units = TimeUnits.MICROSECONDS;
        long offsetSeconds = 0;
        int limit = at + total - 4;
        for (int p = at + 16; p < limit;) {
            int code = little ? Bytes.u16le(c, p) : Bytes.u16(c, p);
            int length = little ? Bytes.u16le(c, p + 2) : Bytes.u16(c, p + 2);
            if (code == OPT_END) {
                break;
            }
            int next = p + 4 + ((length + 3) & ~3);
            if (next > limit) {
                throw corrupt("option " + code + " of " + length + " bytes runs past the end of its "
                        + name(INTERFACE_DESCRIPTION), at);
            }
            if (code == OPT_IF_TSRESOL) {
                if (length != 1) {
                    throw corrupt("if_tsresol of " + length + " bytes, not 1", at);
                }
                units = c[p + 4] & 0xff;
                if (!TimeUnits.readable(units)) {
                    throw corrupt("interface " + interfaces + " has time stamps in units of "
                            + TimeUnits.describe(units) + " s, finer than tracecap reads", at);
                }
            } else if (code == OPT_IF_TSOFFSET) {
                if (length != 8) {
                    throw corrupt("if_tsoffset of " + length + " bytes, not 8", at);
                }
                long hi = little ? Bytes.u32le(c, p + 8) : Bytes.u32(c, p + 4);
                long lo = little ? Bytes.u32le(c, p + 4) : Bytes.u32(c, p + 8);
                offsetSeconds = hi << 32 | lo;
            }
            p = next;
        }
        if (interfaces == linkType.length) {
            int n = interfaces * 2;
            linkType = Arrays.copyOf(linkType, n);
            snaplen = Arrays.copyOf(snaplen, n);
            multiplier = Arrays.copyOf(multiplier, n);
            resolution = Arrays.copyOf(resolution, n);
            offsetNanos = Arrays.copyOf(offsetNanos, n);
        }
        int dlt = ClassicPcapReader.dlt(type);
        linkType[interfaces] = dlt >= 0 ? dlt : type;
        snaplen[interfaces] = snap;
        multiplier[interfaces] = TimeUnits.multiplier(units);
        resolution[interfaces] = units;
        offsetNanos[interfaces] = offsetSeconds * 1_000_000_000L;
        interfaces++;
    }

    /** The options of a packet block, from {@code from} to {@code limit}: each must fit in the block. */
    private void packetOptions(int from, int limit, int at) throws ReadFault {
        byte[] c = chunk;
        for (int p = from; p < limit;) {
            int code = little ? Bytes.u16le(c, p) : Bytes.u16(c, p);
            int length = little ? Bytes.u16le(c, p + 2) : Bytes.u16(c, p + 2);
            if (code == OPT_END) {
                return;
            }
            int next = p + 4 + ((length + 3) & ~3);
            if (next > limit) {
                throw corrupt("option " + code + " of " + length + " bytes runs past the end of its packet block",
                        at);
            }
            if (code == OPT_EPB_FLAGS && length != 4) {
                throw corrupt("epb_flags of " + length + " bytes, not 4", at);
            }
            p = next;
        }
    }

    /**
     * Skips a block longer than what is buffered, starting at {@code at}, without holding it: reads past its
     * body and checks the total length repeated at its end.
     *
     * @return where the next block starts in the buffer ({@link ByteBuffer#limit()} is where the data ends)
     */
    private int skip(int at, int end, long total) throws ReadFault {
        long blockStart = base + at;
        long left = total - 4;
        while (true) {
            int take = (int) Math.min(end - at, left);
            at += take;
            left -= take;
            if (left == 0) {
                break;
            }
            end = fill(at, 1);
            at = 0;
            if (end == 0) {
                throw cutAt("block of " + total + " bytes has only "
                        + (total - 4 - left) + " bytes before the end of the file", blockStart);
            }
        }
        if (end - at < 4) {
            end = fill(at, 4);
            at = 0;
            if (end < 4) {
                throw cutAt("block of " + total + " bytes is cut in its last 4 bytes",
                        blockStart);
            }
        }
        long trailer = little ? Bytes.u32le(chunk, at) : Bytes.u32(chunk, at);
        if (trailer != total) {
            throw new ReadFault("pcapng", "block at byte " + blockStart + ": block has total length " + total
                    + " at its start and " + trailer + " at its end", false, count, null);
        }
        return at + 4;
    }

    /**
     * Moves the unread bytes from {@code at} to the front of the buffer and reads until {@code wanted} bytes
     * are there or the file ends: a pipe's reads return what has arrived, so a packet is handed on as soon
     * as its block is whole.
     *
     * @return the bytes now available from the front (less than {@code wanted} only at the end of the file)
     */
    private int fill(int at, int wanted) throws ReadFault {
        base += at;
        buf.position(at);
        return ClassicPcapReader.fill(in, buf, wanted, count);
    }

    private ReadFault corrupt(String detail, int at) {
        return new ReadFault("pcapng", "block at byte " + (base + at) + ": " + detail, false, count, null);
    }

    private ReadFault cut(String detail, int at) {
        return cutAt(detail, base + at);
    }

    private ReadFault cutAt(String detail, long offset) {
        return new ReadFault("pcapng", "block at byte " + offset + ": " + detail, true, count, null);
    }

    private static String name(int type) {
        return switch (type) {
            case SECTION_HEADER -> "section header block";
            case INTERFACE_DESCRIPTION -> "interface description block";
            case PACKET -> "packet block";
            case SIMPLE_PACKET -> "simple packet block";
            case ENHANCED_PACKET -> "enhanced packet block";
            default -> "block of type " + (type & 0xffff_ffffL);
        };
    }
}
