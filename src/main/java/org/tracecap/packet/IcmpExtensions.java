package org.tracecap.packet;

import java.util.ArrayList;
import java.util.List;

/**
 * The ICMP extension structure of RFC 4884 (multi-part messages) appended to Time Exceeded, Destination
 * Unreachable and Parameter Problem, with the MPLS label stack object of RFC 4950.
 *
 * <pre>
 * Extension header (RFC 4884 section 7):
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|      (Reserved)       |           Checksum            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * then objects (RFC 4884 section 7.2), each:
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |             Length            |   Class-Num   |   C-Type      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   // (Object payload) //                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * MPLS Label Stack object (RFC 4950 section 7): class 1, c-type 1, payload = label stack entries, see
 * {@link MplsEntry}.
 * </pre>
 *
 * <p>Version is 2; the checksum covers the whole structure (header and objects) up to the end of the ICMP
 * message; an object length counts its own 4-byte header.
 */
public final class IcmpExtensions {
    public static final int VERSION = 2;
    public static final int HEADER = 4;
    public static final int OBJECT_HEADER = 4;
    /** RFC 4884 5.1: with extensions, the original datagram field is zero-padded to at least 128 bytes. */
    public static final int MIN_DATAGRAM_FIELD = 128;

    static final int OBJECT_LENGTH = 0;
    static final int OBJECT_CLASS = 2;
    static final int OBJECT_CTYPE = 3;

    /** Parse warnings that drop the extensions but keep the reply (counter keys). */
    public static final String BAD_CHECKSUM = "ICMP extension checksum";
    public static final String BAD_VERSION = "ICMP extension version";
    public static final String SHORT_DATAGRAM_FIELD = "ICMP extension datagram field < 128";

    private IcmpExtensions() {
    }

    /**
     * What {@link #parse} found: the objects (empty when none) and, when extensions were announced but
     * dropped, a short counter key saying why (else null).
     */
    public record Parsed(List<IcmpExtension> extensions, String warning) {
        public static final Parsed NONE = new Parsed(List.of(), null);

        public Parsed {
            extensions = List.copyOf(extensions);
        }
    }

    /**
     * Finds and decodes the extension structure of the complete ICMP message at {@code icmpOffset} of
     * {@code icmpLength} bytes (header included).
     *
     * <ol>
     *   <li>Only for Destination Unreachable, Time Exceeded and Parameter Problem.</li>
     *   <li>Length field non-zero (RFC 4884 section 5): the structure starts at 8 + length*4. A datagram
     *       field shorter than 128 bytes (RFC 4884 5.1), a version other than 2 or a bad checksum drop the
     *       extensions with a warning; an object length below 4 or past the end is malformed.</li>
     *   <li>Length field zero (RFC 4884 5.5, compatibility with pre-4884 MPLS routers): when the message is
     *       longer than 8 + 128 + 4 bytes, try offset 8 + 128 and accept only version 2 with a valid
     *       checksum and well-formed objects; otherwise there are no extensions, silently.</li>
     * </ol>
     *
     * @throws PacketException "ICMP extension length past end" when the length field points past the
     *                         message, "ICMP extension object length" for a bad object length
     */
    public static Parsed parse(byte[] b, int icmpOffset, int icmpLength) {
        IcmpView icmp = IcmpView.of(b, icmpOffset, icmpLength);
        if (!icmp.hasRfc4884Length()) {
            return Parsed.NONE;
        }
        int end = icmpOffset + icmp.length();
        int words = icmp.rfc4884Length();
        if (words != 0) {
            int start = icmp.bodyOffset() + words * 4;
            if (start > end) {
                throw new PacketException("ICMP extension", icmpOffset, "ICMP extension length past end",
                        "datagram field " + words * 4 + " bytes, only " + icmp.bodyLength() + " present");
            }
            if (start == end) {
                return Parsed.NONE;
            }
            if (words * 4 < MIN_DATAGRAM_FIELD) {
                return new Parsed(List.of(), SHORT_DATAGRAM_FIELD);
            }
            if (end - start < HEADER || (Bytes.u8(b, start) >>> 4) != VERSION) {
                return new Parsed(List.of(), BAD_VERSION);
            }
            if (!checksumValid(b, start, end - start)) {
                return new Parsed(List.of(), BAD_CHECKSUM);
            }
            return new Parsed(objects(b, start, end), null);
        }
        int start = icmp.bodyOffset() + MIN_DATAGRAM_FIELD;
        if (end - start <= HEADER || (Bytes.u8(b, start) >>> 4) != VERSION || !checksumValid(b, start, end - start)) {
            return Parsed.NONE;
        }
        try {
            return new Parsed(objects(b, start, end), null);
        } catch (PacketException e) {
            // Compatibility guess at offset 128 (RFC 4884 5.5) that is not really a structure: no extensions.
            return Parsed.NONE;
        }
    }

    private static boolean checksumValid(byte[] b, int off, int len) {
        return Checksum.verify(b, off, len);
    }

    private static List<IcmpExtension> objects(byte[] b, int start, int end) {
        List<IcmpExtension> out = new ArrayList<>(2);
        int at = start + HEADER;
        while (at < end) {
            if (end - at < OBJECT_HEADER) {
                throw new PacketException("ICMP extension", at, "ICMP extension object length",
                        "object header needs 4 bytes, only " + (end - at) + " left");
            }
            int length = Bytes.u16(b, at + OBJECT_LENGTH);
            if (length < OBJECT_HEADER || at + length > end) {
                throw new PacketException("ICMP extension", at, "ICMP extension object length",
                        "object length " + length + ", " + (end - at) + " bytes left");
            }
            int classNum = Bytes.u8(b, at + OBJECT_CLASS);
            int cType = Bytes.u8(b, at + OBJECT_CTYPE);
            int payload = at + OBJECT_HEADER;
            int payloadLength = length - OBJECT_HEADER;
            List<MplsEntry> mpls = classNum == IcmpExtension.CLASS_MPLS && cType == IcmpExtension.CTYPE_MPLS_INCOMING
                    ? mplsEntries(b, payload, payloadLength) : List.of();
            out.add(new IcmpExtension(classNum, cType, Bytes.hex(b, payload, payloadLength), mpls));
            at += length;
        }
        return out;
    }

    /** Decodes whole 4-byte label stack entries (RFC 4950 section 7); a trailing partial entry is left in the hex. */
    static List<MplsEntry> mplsEntries(byte[] b, int off, int len) {
        List<MplsEntry> entries = new ArrayList<>(len / 4);
        for (int i = off; i + 4 <= off + len; i += 4) {
            entries.add(decodeMpls(Bytes.s32(b, i)));
        }
        return entries;
    }

    /** One label stack entry from its 32-bit word: label(20) TC(3) S(1) TTL(8). */
    public static MplsEntry decodeMpls(int word) {
        return new MplsEntry(word >>> 12, (word >>> 9) & 0x7, ((word >>> 8) & 1) != 0, word & 0xff);
    }

    /** The 32-bit word of one label stack entry. */
    public static int encodeMpls(MplsEntry e) {
        return (e.label() << 12) | (e.trafficClass() << 9) | (e.bottomOfStack() ? 1 << 8 : 0) | e.ttl();
    }

    /** An MPLS label stack object (class 1, c-type 1) holding these entries, its payload hex filled in. */
    public static IcmpExtension mplsObject(List<MplsEntry> entries) {
        byte[] payload = new byte[entries.size() * 4];
        for (int i = 0; i < entries.size(); i++) {
            Bytes.put32(payload, i * 4, encodeMpls(entries.get(i)) & 0xffffffffL);
        }
        return new IcmpExtension(IcmpExtension.CLASS_MPLS, IcmpExtension.CTYPE_MPLS_INCOMING,
                Bytes.hex(payload, 0, payload.length), entries);
    }

    /** Bytes {@link #write} needs for these objects: header plus each object's header and payload. */
    public static int encodedLength(List<IcmpExtension> objects) {
        int n = HEADER;
        for (IcmpExtension o : objects) {
            n += OBJECT_HEADER + o.payloadHex().length() / 2;
        }
        return n;
    }

    /**
     * Writes an extension structure (version 2, checksum filled) holding {@code objects} at {@code off};
     * each object's payload is its {@code payloadHex}. Returns the bytes written.
     */
    public static int write(byte[] b, int off, List<IcmpExtension> objects) {
        int at = off + HEADER;
        for (IcmpExtension o : objects) {
            byte[] payload = Bytes.fromHex(o.payloadHex());
            Bytes.put16(b, at + OBJECT_LENGTH, OBJECT_HEADER + payload.length);
            Bytes.put8(b, at + OBJECT_CLASS, o.classNum());
            Bytes.put8(b, at + OBJECT_CTYPE, o.cType());
            System.arraycopy(payload, 0, b, at + OBJECT_HEADER, payload.length);
            at += OBJECT_HEADER + payload.length;
        }
        Bytes.put8(b, off, VERSION << 4);
        Bytes.put8(b, off + 1, 0);
        Bytes.put16(b, off + 2, 0);
        Bytes.put16(b, off + 2, Checksum.compute(b, off, at - off));
        return at - off;
    }
}
