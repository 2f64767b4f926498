package org.tracecap.packet;

/**
 * A read-only view of an IPv4 header (RFC 791 section 3.1) over a caller's bytes, no copy.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|  IHL  |Type of Service|          Total Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Identification        |Flags|      Fragment Offset    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Time to Live |    Protocol   |         Header Checksum       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Source Address                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Destination Address                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options                    |    Padding    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * Flags: bit 0 reserved, bit 1 DF (don't fragment), bit 2 MF (more fragments)
 * </pre>
 *
 * <p>Two factories: {@link #of} for a datagram as captured, {@link #ofQuote} for the header an ICMP error
 * quotes. Both check version 4, IHL &ge; 5 and the header inside the bytes; only {@link #of} requires the
 * total length to cover the header, since a quote is by nature shorter than the datagram it names and
 * routers have been known to rewrite the quoted total length. Options are skipped by IHL, never parsed.
 */
public final class Ipv4View {
    public static final int MIN_HEADER = 20;

    static final int VERSION_IHL = 0;
    static final int TOS = 1;
    static final int TOTAL_LENGTH = 2;
    static final int IDENTIFICATION = 4;
    static final int FLAGS_FRAGMENT = 6;
    static final int TTL = 8;
    static final int PROTOCOL = 9;
    static final int CHECKSUM = 10;
    static final int SOURCE = 12;
    static final int DESTINATION = 16;

    public static final int FLAG_DF = 0x4000;
    public static final int FLAG_MF = 0x2000;
    static final int FRAGMENT_OFFSET_MASK = 0x1fff;

    private final byte[] b;
    private final int off;
    private final int captured;
    private final int headerLength;

    private Ipv4View(byte[] b, int off, int captured, int headerLength) {
        this.b = b;
        this.off = off;
        this.captured = captured;
        this.headerLength = headerLength;
    }

    /**
     * A captured datagram starting at {@code off}, with {@code len} bytes available.
     *
     * @throws PacketException "IPv4 header past capture", "IPv4 version not 4", "IPv4 IHL < 5",
     *                         "IPv4 total length < header"
     */
    public static Ipv4View of(byte[] b, int off, int len) {
        Ipv4View v = validate(b, off, len, "IPv4", "IPv4 ", "IPv4 header past capture");
        if (v.totalLength() < v.headerLength) {
            throw new PacketException("IPv4", off, "IPv4 total length < header",
                    "total length " + v.totalLength() + ", header " + v.headerLength);
        }
        return v;
    }

    /**
     * The IPv4 header quoted inside an ICMP error, starting at {@code off} with {@code len} quoted bytes.
     * Linux routers quote up to 576 bytes in all (RFC 1812 4.3.2.3), many others the header + 8 bytes
     * (RFC 792), so the quoted total length may exceed what is there.
     *
     * @throws PacketException "quoted IPv4 header past capture", "quoted IPv4 version not 4",
     *                         "quoted IPv4 IHL < 5"
     */
    public static Ipv4View ofQuote(byte[] b, int off, int len) {
        return validate(b, off, len, "ICMP quote", "quoted IPv4 ", "quoted IPv4 header past capture");
    }

    /** {@code pastCapture} is {@code prefix + "header past capture"}, a constant so the good path builds no string. */
    private static Ipv4View validate(byte[] b, int off, int len, String layer, String prefix, String pastCapture) {
        int available = Math.min(len, b.length - off);
        PacketException.requireLength(layer, off, MIN_HEADER, available, pastCapture);
        int version = Bytes.u8(b, off + VERSION_IHL) >>> 4;
        if (version != 4) {
            throw new PacketException(layer, off, prefix + "version not 4", "version " + version);
        }
        int ihl = Bytes.u8(b, off + VERSION_IHL) & 0x0f;
        if (ihl < 5) {
            throw new PacketException(layer, off, prefix + "IHL < 5", "IHL " + ihl);
        }
        PacketException.requireLength(layer, off, ihl * 4, available, pastCapture);
        return new Ipv4View(b, off, available, ihl * 4);
    }

    public int offset() {
        return off;
    }

    /** Bytes available from the start of the header (captured or quoted). */
    public int capturedLength() {
        return captured;
    }

    public int version() {
        return 4;
    }

    /** IHL in bytes (20..60). */
    public int headerLength() {
        return headerLength;
    }

    public int tos() {
        return Bytes.u8(b, off + TOS);
    }

    public int totalLength() {
        return Bytes.u16(b, off + TOTAL_LENGTH);
    }

    public int identification() {
        return Bytes.u16(b, off + IDENTIFICATION);
    }

    public boolean dontFragment() {
        return (Bytes.u16(b, off + FLAGS_FRAGMENT) & FLAG_DF) != 0;
    }

    public boolean moreFragments() {
        return (Bytes.u16(b, off + FLAGS_FRAGMENT) & FLAG_MF) != 0;
    }

    /** Fragment offset in 8-byte units. */
    public int fragmentOffset() {
        return Bytes.u16(b, off + FLAGS_FRAGMENT) & FRAGMENT_OFFSET_MASK;
    }

    /** Only a first fragment (offset 0) carries the transport header (RFC 791 section 2.3). */
    public boolean isFirstFragment() {
        return fragmentOffset() == 0;
    }

    public int ttl() {
        return Bytes.u8(b, off + TTL);
    }

    public int protocol() {
        return Bytes.u8(b, off + PROTOCOL);
    }

    public int headerChecksum() {
        return Bytes.u16(b, off + CHECKSUM);
    }

    /** True when the header checksum is right (RFC 791; RFC 1071 arithmetic). */
    public boolean headerChecksumValid() {
        return Checksum.verify(b, off, headerLength);
    }

    public int source() {
        return Bytes.s32(b, off + SOURCE);
    }

    public int destination() {
        return Bytes.s32(b, off + DESTINATION);
    }

    /** Absolute offset of the payload in the underlying array. */
    public int payloadOffset() {
        return off + headerLength;
    }

    /**
     * Payload bytes present: min(total length - header, available - header), never negative. For a quote the
     * total length is not trusted against the header, so only what is there counts.
     */
    public int payloadLength() {
        int available = captured - headerLength;
        int declared = totalLength() - headerLength;
        return declared < 0 ? available : Math.min(declared, available);
    }

    /** True when every byte the total length announces is present. */
    public boolean isComplete() {
        return captured >= totalLength();
    }
}
