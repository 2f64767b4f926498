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
 * <p>The same view reads ICMPv6 (RFC 4443 section 2.1; {@link #ofIcmpv6}), the family as data: the same type,
 * code and checksum, echo identifier and sequence at the same place (section 4), the quoted packet after 8
 * bytes; what differs is read by family:
 *
 * <pre>
 * ICMPv6 Destination Unreachable (1), Time Exceeded (3), RFC 4884 section 4.1:
 * |    Length     |                    unused                     |
 * ICMPv6 Packet Too Big (2), RFC 4443 section 3.2:
 * |                              MTU                              |
 * ICMPv6 Parameter Problem (4), RFC 4443 section 3.4:
 * |                            Pointer                            |
 * </pre>
 *
 * <p>Length (RFC 4884 section 4) is the length of the padded "original datagram" field in 32-bit words
 * (ICMPv6: 64-bit words, at byte 4), 0 when the sender does not say. Routers write garbage there (the probe's IP ID, 1): it is a claim, used only
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
    static final int ICMPV6_RFC4884_LENGTH = 4;
    static final int ICMPV6_MTU = 4;
    static final int ICMPV6_POINTER = 4;

    private final byte[] b;
    private final int off;
    private final int captured;
    /** {@link IpAddress#IPV4} (ICMP) or {@link IpAddress#IPV6} (ICMPv6). */
    private final int family;

    private IcmpView(byte[] b, int off, int captured, int family) {
        this.b = b;
        this.off = off;
        this.captured = captured;
        this.family = family;
    }

    /**
     * The ICMP message at {@code off}; {@code len} is the IP payload length present.
     *
     * @throws PacketException "ICMP header past capture"
     */
    public static IcmpView of(byte[] b, int off, int len) {
        int available = Math.min(len, b.length - off);
        PacketException.requireLength("ICMP", off, HEADER, available, "ICMP header past capture");
        return new IcmpView(b, off, available, IpAddress.IPV4);
    }

    /**
     * The ICMPv6 message at {@code off} (RFC 4443); {@code len} is the upper-layer length present.
     *
     * @throws PacketException "ICMPv6 header past capture"
     */
    public static IcmpView ofIcmpv6(byte[] b, int off, int len) {
        int available = Math.min(len, b.length - off);
        PacketException.requireLength("ICMPv6", off, HEADER, available, "ICMPv6 header past capture");
        return new IcmpView(b, off, available, IpAddress.IPV6);
    }

    /** {@link IpAddress#IPV4} for ICMP, {@link IpAddress#IPV6} for ICMPv6. */
    public int family() {
        return family;
    }

    public boolean isIcmpv6() {
        return family == IpAddress.IPV6;
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

    /**
     * True when the checksum over the bytes present is right (meaningful only for a complete message). For
     * ICMPv6, whose checksum covers the IPv6 pseudo-header too (RFC 4443 section 2.3), use
     * {@link #checksumValid(int)}.
     */
    public boolean checksumValid() {
        return Checksum.verify(b, off, captured);
    }

    /** True when the bytes present sum to a valid checksum from {@code pseudoHeaderSum} (ICMPv6: its IPv6 one). */
    public boolean checksumValid(int pseudoHeaderSum) {
        return Checksum.sum(b, off, captured, pseudoHeaderSum) == 0xffff;
    }

    /** Echo identifier (bytes 4-5). */
    public int identifier() {
        return Bytes.u16(b, off + IDENTIFIER);
    }

    /** Echo sequence number (bytes 6-7). */
    public int sequence() {
        return Bytes.u16(b, off + SEQUENCE);
    }

    /**
     * Parameter Problem pointer: byte 4 (ICMP); the 32-bit pointer of ICMPv6 (RFC 4443 section 3.4), capped
     * at {@link Integer#MAX_VALUE}.
     */
    public int pointer() {
        if (family == IpAddress.IPV6) {
            return (int) Math.min(Bytes.u32(b, off + ICMPV6_POINTER), Integer.MAX_VALUE);
        }
        return Bytes.u8(b, off + POINTER);
    }

    /**
     * Next-Hop MTU of a Fragmentation Needed (type 3 code 4, RFC 1191 section 4), or the 32-bit MTU of an
     * ICMPv6 Packet Too Big (RFC 4443 section 3.2, capped at {@link Integer#MAX_VALUE}); else 0.
     */
    public int nextHopMtu() {
        if (family == IpAddress.IPV6) {
            return type() == Icmpv6Type.PACKET_TOO_BIG
                    ? (int) Math.min(Bytes.u32(b, off + ICMPV6_MTU), Integer.MAX_VALUE) : 0;
        }
        if (type() == IcmpType.DEST_UNREACHABLE && code() == IcmpType.CODE_FRAGMENTATION_NEEDED) {
            return Bytes.u16(b, off + NEXT_HOP_MTU);
        }
        return 0;
    }

    /** True for Time Exceeded of either family. */
    public boolean isTimeExceeded() {
        return type() == (family == IpAddress.IPV6 ? Icmpv6Type.TIME_EXCEEDED : IcmpType.TIME_EXCEEDED);
    }

    /** True for Destination Unreachable of either family. */
    public boolean isDestUnreachable() {
        return type() == (family == IpAddress.IPV6 ? Icmpv6Type.DEST_UNREACHABLE : IcmpType.DEST_UNREACHABLE);
    }

    /** True for an error that quotes the offending packet ({@link IcmpType#isError}, {@link Icmpv6Type#isError}). */
    public boolean isError() {
        return family == IpAddress.IPV6 ? Icmpv6Type.isError(type()) : IcmpType.isError(type());
    }

    /**
     * True for the types that carry an RFC 4884 length: Destination Unreachable, Time Exceeded, Parameter
     * Problem (ICMP, section 4); Destination Unreachable and Time Exceeded (ICMPv6, section 4.1).
     */
    public boolean hasRfc4884Length() {
        int t = type();
        if (family == IpAddress.IPV6) {
            return t == Icmpv6Type.DEST_UNREACHABLE || t == Icmpv6Type.TIME_EXCEEDED;
        }
        return t == IcmpType.DEST_UNREACHABLE || t == IcmpType.TIME_EXCEEDED || t == IcmpType.PARAMETER_PROBLEM;
    }

    /**
     * RFC 4884 length of the original-datagram field in words of {@link #rfc4884Unit()} bytes (ICMP: byte 5,
     * 32-bit words; ICMPv6: byte 4, 64-bit words), as written (possibly garbage); 0 for other types.
     */
    public int rfc4884Length() {
        if (!hasRfc4884Length()) {
            return 0;
        }
        return Bytes.u8(b, off + (family == IpAddress.IPV6 ? ICMPV6_RFC4884_LENGTH : RFC4884_LENGTH));
    }

    /** Bytes in one unit of {@link #rfc4884Length()}: 4 for ICMP, 8 for ICMPv6 (RFC 4884 sections 4, 4.1). */
    public int rfc4884Unit() {
        return family == IpAddress.IPV6 ? 8 : 4;
    }

    /** Absolute offset of what follows the 8-byte header (quoted datagram or echo data). */
    public int bodyOffset() {
        return off + HEADER;
    }

    public int bodyLength() {
        return captured - HEADER;
    }
}
