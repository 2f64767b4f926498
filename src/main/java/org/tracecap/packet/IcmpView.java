package org.tracecap.packet;

/**
 * A read-only view of an ICMP message (RFC 792) over a caller's bytes. The second word depends on the type:
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |     Code      |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * Echo / Echo Reply (types 8, 0):
 * |           Identifier          |        Sequence Number        |
 * Destination Unreachable (3), RFC 1191 + RFC 4884:
 * |     unused    |    Length     |          Next-Hop MTU         |
 * Time Exceeded (11), RFC 4884:
 * |     unused    |    Length     |            unused             |
 * Parameter Problem (12), RFC 4884:
 * |    Pointer    |    Length     |            unused             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Internet Header + leading octets of original datagram      |
 * |     (errors), or data (echo)                                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Length (RFC 4884 section 4) is the length of the padded "original datagram" field in 32-bit words, 0
 * when the sender does not say. Routers write garbage there (the probe's IP ID, 1): it is a claim, used only
 * when plausible, see {@link IcmpExtensions#parse(IcmpView, int)}.
 */
public final class IcmpView {
    public static final int HEADER = 8;

    static final int TYPE = 0;
    static final int CODE = 1;
    static final int CHECKSUM = 2;
    static final int IDENTIFIER = 4;
    static final int SEQUENCE = 6;
    static final int POINTER = 4;
    static final int RFC4884_LENGTH = 5;
    static final int NEXT_HOP_MTU = 6;

    private final byte[] b;
    private final int off;
    private final int captured;

    private IcmpView(byte[] b, int off, int captured) {
        this.b = b;
        this.off = off;
        this.captured = captured;
    }

    /**
     * The ICMP message at {@code off}; {@code len} is the IP payload length present.
     *
     * @throws PacketException "ICMP header past capture"
     */
    public static IcmpView of(byte[] b, int off, int len) {
        int available = Math.min(len, b.length - off);
        PacketException.requireLength("ICMP", off, HEADER, available, "ICMP header past capture");
        return new IcmpView(b, off, available);
    }

    public int offset() {
        return off;
    }

    /** The underlying array (for the RFC 4884 layout rules in {@link IcmpExtensions}). */
    byte[] bytes() {
        return b;
    }

    /** Bytes of the message present, header included. */
    public int length() {
        return captured;
    }

    public int type() {
        return Bytes.u8(b, off + TYPE);
    }

    public int code() {
        return Bytes.u8(b, off + CODE);
    }

    public int checksum() {
        return Bytes.u16(b, off + CHECKSUM);
    }

    /** True when the checksum over the bytes present is right (meaningful only for a complete message). */
    public boolean checksumValid() {
        return Checksum.verify(b, off, captured);
    }

    /** Echo identifier (bytes 4-5). */
    public int identifier() {
        return Bytes.u16(b, off + IDENTIFIER);
    }

    /** Echo sequence number (bytes 6-7). */
    public int sequence() {
        return Bytes.u16(b, off + SEQUENCE);
    }

    /** Parameter Problem pointer (byte 4). */
    public int pointer() {
        return Bytes.u8(b, off + POINTER);
    }

    /** Next-Hop MTU of a Fragmentation Needed (type 3 code 4, RFC 1191 section 4), else 0. */
    public int nextHopMtu() {
        if (type() == IcmpType.DEST_UNREACHABLE && code() == IcmpType.CODE_FRAGMENTATION_NEEDED) {
            return Bytes.u16(b, off + NEXT_HOP_MTU);
        }
        return 0;
    }

    /** True for the types that carry an RFC 4884 length: Destination Unreachable, Time Exceeded, Parameter Problem. */
    public boolean hasRfc4884Length() {
        int t = type();
        return t == IcmpType.DEST_UNREACHABLE || t == IcmpType.TIME_EXCEEDED || t == IcmpType.PARAMETER_PROBLEM;
    }

    /**
     * RFC 4884 length of the original-datagram field in 32-bit words (byte 5), as written (possibly garbage);
     * 0 for other types.
     */
    public int rfc4884Length() {
        return hasRfc4884Length() ? Bytes.u8(b, off + RFC4884_LENGTH) : 0;
    }

    /** Absolute offset of what follows the 8-byte header (quoted datagram or echo data). */
    public int bodyOffset() {
        return off + HEADER;
    }

    public int bodyLength() {
        return captured - HEADER;
    }
}
