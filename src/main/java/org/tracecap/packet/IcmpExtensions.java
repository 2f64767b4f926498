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
 * {@link MplsEntry}. Interface Information object (RFC 5837): class 2, see {@link InterfaceInformation}.
 * </pre>
 *
 * <p>Version is 2; the checksum covers the whole structure (header and objects) up to the end of the ICMP
 * message; an object length counts its own 4-byte header.
 *
 * <p>Where the quote ends and what follows it: the rules of {@link #parse(IcmpView, int)}. Routers get the
 * RFC 4884 length field wrong in the wild (some copy the probe's IP ID there, some write 1), and the
 * layout RFC 4884 section 5 calls non-compliant (structure at offset 128, length field 0) is still common on
 * MPLS routers, so the field is trusted only when it is plausible, and nothing about extensions ever makes a
 * reply malformed: the quote alone decides that.
 */
public final class IcmpExtensions {
    public static final int VERSION = 2;
    public static final int HEADER = 4;
    public static final int OBJECT_HEADER = 4;
    /** RFC 4884 section 4: with extensions, the original datagram field holds at least 128 bytes (zero-padded). */
    public static final int MIN_DATAGRAM_FIELD = 128;

    static final int OBJECT_LENGTH = 0;
    static final int OBJECT_CLASS = 2;
    static final int OBJECT_CTYPE = 3;

    /** Warnings: the reply is kept, the length field ignored or the extensions dropped (counter keys). */
    public static final String BAD_CHECKSUM = "ICMP extension checksum";
    public static final String BAD_VERSION = "ICMP extension version";
    public static final String BAD_OBJECT_LENGTH = "ICMP extension object length";
    public static final String SHORT_DATAGRAM_FIELD = "ICMP extension datagram field < 128";
    public static final String LENGTH_PAST_END = "ICMP extension length past end";
    /** An RFC 5837 object whose sub-object lengths do not add up: kept as raw hex, not decoded. */
    public static final String BAD_INTERFACE_INFORMATION = "ICMP extension interface information";

    private IcmpExtensions() {
    }

    /**
     * What {@link #parse} found: the length of the original datagram field (the quote, padding included;
     * may exceed what was captured), the extension objects (empty when none) and, when something was
     * ignored or dropped, a short counter key saying why (else null).
     */
    public record Parsed(int datagramField, List<IcmpExtension> extensions, String warning) {
        public Parsed {
            extensions = List.copyOf(extensions);
        }
    }

    /** {@link #parse(IcmpView, int)} for a message captured whole at {@code icmpOffset}, {@code icmpLength} bytes. */
    public static Parsed parse(byte[] b, int icmpOffset, int icmpLength) {
        return parse(IcmpView.of(b, icmpOffset, icmpLength), icmpLength);
    }

    /**
     * Finds the end of the original datagram field and decodes the extension structure of an ICMP message.
     * {@code messageLength} is the message's length as its IP header declares it (header included);
     * {@code icmp} holds the bytes captured. L is the length field in bytes (4 * words; ICMPv6, RFC 4884 section
     * 4.1: 8 * words, and only Destination Unreachable and Time Exceeded have it), B the body (the
     * message after its 8-byte header, as declared).
     *
     * <ol>
     *   <li>Types without a length field (RFC 4884 section 4 gives one to Destination Unreachable, Time
     *       Exceeded and Parameter Problem only): the quote is the whole body, no extensions.</li>
     *   <li>L = B: the quote is the whole body, no extensions, whatever L is.</li>
     *   <li>L is plausible when L &ge; 128 (RFC 4884 section 4: with extensions the original datagram field
     *       holds at least 128 bytes) and L + 4 &le; B (the field lies inside the message with room for the
     *       extension header after it, section 7). Then the quote is L bytes and the structure at L is read
     *       when the message was captured whole (it ends the message): a version other than 2, a bad checksum
     *       (over the whole structure) or object lengths that do not tile it exactly drop the extensions with
     *       a warning ({@link #BAD_VERSION}, {@link #BAD_CHECKSUM}, {@link #BAD_OBJECT_LENGTH}). An RFC 5837
     *       object whose own sub-objects do not fit its length is kept undecoded (its hex only) with a
     *       warning ({@link #BAD_INTERFACE_INFORMATION}); the other objects stay.</li>
     *   <li>Any other non-zero L is garbage: it is ignored, as if it were 0, with a warning
     *       ({@link #SHORT_DATAGRAM_FIELD} when L &lt; 128, else {@link #LENGTH_PAST_END}); the reply is
     *       kept.</li>
     *   <li>L zero or ignored, Time Exceeded or Destination Unreachable, captured whole and B &ge; 128 + 8: the
     *       non-compliant layout of RFC 4884 section 5.5 (128 bytes of datagram, no length field, structure
     *       at the 137th byte of the message) is tried. It is accepted only when well-formed: version 2,
     *       valid checksum over the whole rest of the message, and one or more objects exactly tiling it, so
     *       that quoted payload bytes are not taken for extensions; then the quote is 128 bytes.</li>
     *   <li>Otherwise the quote is the whole body, except when the quoted datagram is shorter than 128 bytes
     *       (its IPv4 total length; IPv6: 40 + payload length) and zero-padded up to 128, the padding of RFC 4884 section 4: then the
     *       quote is 128 bytes, and if rule 5 was tried, what follows is a structure that cannot be read: a
     *       warning (the rule 3 reasons) unless rule 4 counted one already. At most one warning a
     *       message; without the padding a failed rule 5 is silent (the bytes are quoted payload).</li>
     * </ol>
     */
    public static Parsed parse(IcmpView icmp, int messageLength) {
        byte[] b = icmp.bytes();
        int body = Math.max(messageLength, icmp.length()) - IcmpView.HEADER;
        if (!icmp.hasRfc4884Length()) {
            return new Parsed(body, List.of(), null);
        }
        int field = icmp.rfc4884Length() * icmp.rfc4884Unit();
        if (field == body) {
            return new Parsed(body, List.of(), null);
        }
        boolean complete = icmp.length() >= messageLength;
        int start = icmp.bodyOffset();
        int end = icmp.offset() + messageLength;
        String warning = null;
        if (field != 0) {
            if (field >= MIN_DATAGRAM_FIELD && field + HEADER <= body) {
                return complete ? structure(b, start + field, end, field) : new Parsed(field, List.of(), null);
            }
            warning = field < MIN_DATAGRAM_FIELD ? SHORT_DATAGRAM_FIELD : LENGTH_PAST_END;
        }
        boolean padded = paddedTo128(b, start, icmp.bodyLength());
        if ((icmp.isTimeExceeded() || icmp.isDestUnreachable()) && complete
                && body >= MIN_DATAGRAM_FIELD + HEADER + OBJECT_HEADER) {
            Parsed guess = structure(b, start + MIN_DATAGRAM_FIELD, end, MIN_DATAGRAM_FIELD);
            // well-formed: objects came out (there is room for one), whatever an RFC 5837 object's insides say
            if (!guess.extensions().isEmpty()) {
                return warning == null ? guess : new Parsed(MIN_DATAGRAM_FIELD, guess.extensions(), warning);
            }
            if (padded && warning == null) {
                warning = guess.warning();
            }
        }
        return new Parsed(padded ? MIN_DATAGRAM_FIELD : body, List.of(), warning);
    }

    /**
     * True when the {@code present} bytes at {@code off} start with an IPv4 datagram shorter than 128 bytes
     * (by its total length) followed by zeros up to byte 128: the zero padding RFC 4884 section 4 asks for
     * before an extension structure, which no router quoting a datagram as it was would write.
     */
    static boolean paddedTo128(byte[] b, int off, int present) {
        if (present <= MIN_DATAGRAM_FIELD) {
            return false;
        }
        int version = Bytes.u8(b, off) >>> 4;
        int total;
        if (version == 4) {
            total = Bytes.u16(b, off + 2);
        } else if (version == 6) {
            // An IPv6 packet's length is its 40-byte header plus the payload length (RFC 8200 section 3).
            total = Ipv6View.HEADER + Bytes.u16(b, off + Ipv6View.PAYLOAD_LENGTH);
        } else {
            return false;
        }
        if (total < Ipv4View.MIN_HEADER || total >= MIN_DATAGRAM_FIELD) {
            return false;
        }
        for (int i = off + total; i < off + MIN_DATAGRAM_FIELD; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads the structure filling {@code [start, end)} (at least its 4-byte header) behind a datagram field
     * of {@code field} bytes: its objects, or no objects and the warning saying why it cannot be read.
     */
    private static Parsed structure(byte[] b, int start, int end, int field) {
        if ((Bytes.u8(b, start) >>> 4) != VERSION) {
            return new Parsed(field, List.of(), BAD_VERSION);
        }
        if (!Checksum.verify(b, start, end - start)) {
            return new Parsed(field, List.of(), BAD_CHECKSUM);
        }
        List<IcmpExtension> objects = objects(b, start, end);
        if (objects == null) {
            return new Parsed(field, List.of(), BAD_OBJECT_LENGTH);
        }
        for (IcmpExtension o : objects) {
            if (o.classNum() == InterfaceInformation.CLASS_NUM && o.interfaceInformation() == null) {
                return new Parsed(field, objects, BAD_INTERFACE_INFORMATION);
            }
        }
        return new Parsed(field, objects, null);
    }

    /** The objects after the header at {@code start}, or null unless their lengths tile {@code [start + 4, end)}. */
    private static List<IcmpExtension> objects(byte[] b, int start, int end) {
        List<IcmpExtension> out = new ArrayList<>(2);
        int at = start + HEADER;
        while (at < end) {
            if (end - at < OBJECT_HEADER) {
                return null;
            }
            int length = Bytes.u16(b, at + OBJECT_LENGTH);
            if (length < OBJECT_HEADER || length > end - at) {
                return null;
            }
            int classNum = Bytes.u8(b, at + OBJECT_CLASS);
            int cType = Bytes.u8(b, at + OBJECT_CTYPE);
            int payload = at + OBJECT_HEADER;
            int payloadLength = length - OBJECT_HEADER;
            List<MplsEntry> mpls = classNum == IcmpExtension.CLASS_MPLS && cType == IcmpExtension.CTYPE_MPLS_INCOMING
                    ? mplsEntries(b, payload, payloadLength) : List.of();
            InterfaceInformation info = classNum == InterfaceInformation.CLASS_NUM
                    ? InterfaceInformation.decode(b, payload, payloadLength, cType) : null;
            out.add(new IcmpExtension(classNum, cType, Bytes.hex(b, payload, payloadLength), mpls, info));
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
