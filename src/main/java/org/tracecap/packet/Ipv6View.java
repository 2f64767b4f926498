package org.tracecap.packet;

/**
 * A read-only view of an IPv6 header (RFC 8200 section 3) and its extension header chain (section 4) over a
 * caller's bytes, no copy.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version| Traffic Class |           Flow Label                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Payload Length        |  Next Header  |   Hop Limit   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     Source Address (128 bits)                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  Destination Address (128 bits)               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Hop-by-Hop (0), Routing (43), Destination Options (60), section 4.3-4.6: length in 8-octet units, not
 * counting the first 8 octets:
 * |  Next Header  |  Hdr Ext Len  |  ... (Hdr Ext Len + 1) * 8 bytes in all
 * Fragment (44), section 4.5, 8 bytes:
 * |  Next Header  |   Reserved    |      Fragment Offset    |Res|M|
 * |                         Identification                        |
 * Authentication Header (51, RFC 4302 section 2.2): length in 4-octet units, minus 2:
 * |  Next Header  | Payload Len   |  ... (Payload Len + 2) * 4 bytes in all
 * </pre>
 *
 * <p>The factory walks the chain once and keeps where it ended in fields, so the accessors allocate nothing.
 * The walk skips the headers above and ends at the first other value, the upper-layer protocol
 * ({@link #upperLayerProtocol()}; UDP, TCP, ICMPv6, or anything unknown, which callers treat as "not traced",
 * never as malformed). It also ends at No Next Header (59), at a fragment whose offset is not 0 (only the
 * first fragment carries the transport header, section 4.5), or after {@link #MAX_EXTENSION_HEADERS}
 * headers: {@link #walkEnd()} says which. Jumbograms (RFC 2675, payload length 0) are not read: their
 * payload length is taken as the 0 it says.
 *
 * <p>Two factories, as {@link Ipv4View}: {@link #of} for a datagram as captured, where an extension header
 * running past the payload length or past the capture is a {@link PacketException}; {@link #ofQuote} for
 * the header an ICMPv6 error quotes, cut short by nature (RFC 4443 section 2.4(c)): a chain cut by the end of
 * the quote ends the walk with {@link #END_CUT} and the transport header counts as absent.
 */
public final class Ipv6View {
    public static final int HEADER = 40;
    /** The walk stops after this many extension headers (RFC 8200 section 4.1 orders at most 8 kinds). */
    public static final int MAX_EXTENSION_HEADERS = 16;

    static final int VERSION_CLASS_FLOW = 0;
    static final int PAYLOAD_LENGTH = 4;
    static final int NEXT_HEADER = 6;
    static final int HOP_LIMIT = 7;
    static final int SOURCE = 8;
    static final int DESTINATION = 24;

    /** Extension headers (IANA "IPv6 Extension Header Types"). */
    public static final int HOP_BY_HOP = 0;
    public static final int ROUTING = 43;
    public static final int FRAGMENT = 44;
    public static final int AUTHENTICATION = 51;
    public static final int NO_NEXT_HEADER = 59;
    public static final int DESTINATION_OPTIONS = 60;

    static final int EXT_NEXT_HEADER = 0;
    static final int EXT_LENGTH = 1;
    static final int FRAGMENT_HEADER = 8;
    static final int FRAGMENT_OFFSET_FLAGS = 2;
    static final int FRAGMENT_IDENTIFICATION = 4;
    static final int FRAGMENT_M = 1;

    /** {@link #walkEnd()}: the walk reached an upper-layer header (known or not) at {@link #upperLayerOffset()}. */
    public static final int END_UPPER_LAYER = 0;
    /** {@link #walkEnd()}: No Next Header (59): nothing follows. */
    public static final int END_NO_NEXT_HEADER = 1;
    /** {@link #walkEnd()}: a fragment with a non-zero offset: no transport header here. */
    public static final int END_LATER_FRAGMENT = 2;
    /** {@link #walkEnd()}: a quote ends inside or right before an extension header. */
    public static final int END_CUT = 3;
    /** {@link #walkEnd()}: more than {@link #MAX_EXTENSION_HEADERS} extension headers. */
    public static final int END_TOO_MANY = 4;

    private final byte[] b;
    private final int off;
    private final int captured;
    /** Absolute offset of the header that ended the walk (upper layer or the one not walked). */
    private final int upperOffset;
    /** The protocol number that ended the walk: the upper layer for {@link #END_UPPER_LAYER}. */
    private final int upperProtocol;
    private final int end;
    /** Absolute offset of the first Fragment header, -1 when none. */
    private final int fragmentAt;

    private Ipv6View(byte[] b, int off, int captured, int upperOffset, int upperProtocol, int end, int fragmentAt) {
        this.b = b;
        this.off = off;
        this.captured = captured;
        this.upperOffset = upperOffset;
        this.upperProtocol = upperProtocol;
        this.end = end;
        this.fragmentAt = fragmentAt;
    }

    /**
     * A captured datagram starting at {@code off}, with {@code len} bytes available.
     *
     * @throws PacketException "IPv6 header past capture", "IPv6 version not 6", "IPv6 extension header past
     *                         payload length", "IPv6 extension header past capture"
     */
    public static Ipv6View of(byte[] b, int off, int len) {
        return validate(b, off, len, false);
    }

    /**
     * The IPv6 header quoted inside an ICMPv6 error at {@code off}, with {@code len} quoted bytes. The chain is
     * walked as far as the quote goes; a header it cuts ends the walk with {@link #END_CUT}.
     *
     * @throws PacketException "quoted IPv6 header past capture", "quoted IPv6 version not 6"
     */
    public static Ipv6View ofQuote(byte[] b, int off, int len) {
        return validate(b, off, len, true);
    }

    private static Ipv6View validate(byte[] b, int off, int len, boolean quote) {
        String layer = quote ? "ICMPv6 quote" : "IPv6";
        int available = Math.min(len, b.length - off);
        PacketException.requireLength(layer, off, HEADER, available,
                quote ? "quoted IPv6 header past capture" : "IPv6 header past capture");
        int version = Bytes.u8(b, off) >>> 4;
        if (version != 6) {
            throw new PacketException(layer, off, quote ? "quoted IPv6 version not 6" : "IPv6 version not 6",
                    "version " + version);
        }
        // The chain lies inside the payload length (when it does not lie) and inside what is there.
        int declaredEnd = off + HEADER + Bytes.u16(b, off + PAYLOAD_LENGTH);
        int capturedEnd = off + available;
        int limit = quote ? capturedEnd : Math.min(declaredEnd, capturedEnd);
        int next = Bytes.u8(b, off + NEXT_HEADER);
        int at = off + HEADER;
        int fragmentAt = -1;
        for (int walked = 0; ; walked++) {
            int size;
            switch (next) {
                case HOP_BY_HOP, ROUTING, DESTINATION_OPTIONS:
                    size = at + 2 <= limit ? (Bytes.u8(b, at + EXT_LENGTH) + 1) * 8 : 2;
                    break;
                case AUTHENTICATION:
                    size = at + 2 <= limit ? (Bytes.u8(b, at + EXT_LENGTH) + 2) * 4 : 2;
                    break;
                case FRAGMENT:
                    size = FRAGMENT_HEADER;
                    break;
                case NO_NEXT_HEADER:
                    return new Ipv6View(b, off, available, at, next, END_NO_NEXT_HEADER, fragmentAt);
                default:
                    return new Ipv6View(b, off, available, at, next, END_UPPER_LAYER, fragmentAt);
            }
            if (walked == MAX_EXTENSION_HEADERS) {
                return new Ipv6View(b, off, available, at, next, END_TOO_MANY, fragmentAt);
            }
            if (at + size > limit) {
                if (quote) {
                    return new Ipv6View(b, off, available, at, next, END_CUT, fragmentAt);
                }
                boolean pastPayload = at + size > declaredEnd;
                throw new PacketException("IPv6", at,
                        pastPayload ? "IPv6 extension header past payload length" : "IPv6 extension header past capture",
                        "header " + next + " needs " + size + " bytes, "
                                + Math.max(0, (pastPayload ? declaredEnd : capturedEnd) - at)
                                + (pastPayload ? " left in the payload length" : " captured"));
            }
            int following = Bytes.u8(b, at + EXT_NEXT_HEADER);
            if (next == FRAGMENT) {
                if (fragmentAt < 0) {
                    fragmentAt = at;
                }
                if ((Bytes.u16(b, at + FRAGMENT_OFFSET_FLAGS) >>> 3) != 0) {
                    return new Ipv6View(b, off, available, at + size, following, END_LATER_FRAGMENT, fragmentAt);
                }
            }
            at += size;
            next = following;
        }
    }

    public int offset() {
        return off;
    }

    /** Bytes available from the start of the header (captured or quoted). */
    public int capturedLength() {
        return captured;
    }

    public int version() {
        return 6;
    }

    public int trafficClass() {
        return (Bytes.u16(b, off + VERSION_CLASS_FLOW) >>> 4) & 0xff;
    }

    /** The 20-bit flow label (RFC 6437). */
    public int flowLabel() {
        return Bytes.s32(b, off + VERSION_CLASS_FLOW) & 0xfffff;
    }

    /** The payload length field as written (extension headers included; may lie). */
    public int declaredPayloadLength() {
        return Bytes.u16(b, off + PAYLOAD_LENGTH);
    }

    /** The Next Header field of the fixed header (an extension header or the upper layer). */
    public int nextHeader() {
        return Bytes.u8(b, off + NEXT_HEADER);
    }

    public int hopLimit() {
        return Bytes.u8(b, off + HOP_LIMIT);
    }

    public IpAddress source() {
        return IpAddress.ipv6At(b, off + SOURCE);
    }

    public IpAddress destination() {
        return IpAddress.ipv6At(b, off + DESTINATION);
    }

    /** The source address's first 64 bits, as {@link IpAddress#high()} holds them: compare without allocating. */
    public long sourceHigh() {
        return Bytes.u64(b, off + SOURCE);
    }

    /** The source address's last 64 bits, as {@link IpAddress#low()} holds them. */
    public long sourceLow() {
        return Bytes.u64(b, off + SOURCE + 8);
    }

    public long destinationHigh() {
        return Bytes.u64(b, off + DESTINATION);
    }

    public long destinationLow() {
        return Bytes.u64(b, off + DESTINATION + 8);
    }

    /** Absolute offset of the payload (the first extension header or the upper layer). */
    public int payloadOffset() {
        return off + HEADER;
    }

    /** Payload bytes present: min(payload length, available - 40), never negative. */
    public int payloadLength() {
        return Math.max(0, Math.min(declaredPayloadLength(), captured - HEADER));
    }

    /** True when every byte the payload length announces is present. */
    public boolean isComplete() {
        return captured >= HEADER + declaredPayloadLength();
    }

    /** How the extension header walk ended: {@link #END_UPPER_LAYER}, {@link #END_NO_NEXT_HEADER}... */
    public int walkEnd() {
        return end;
    }

    /**
     * The protocol number the walk ended at: the upper-layer protocol (17 UDP, 6 TCP, 58 ICMPv6, or unknown)
     * when {@link #walkEnd()} is {@link #END_UPPER_LAYER}; otherwise the header not walked (59, the later
     * fragment's next header, the cut or excess header).
     */
    public int upperLayerProtocol() {
        return upperProtocol;
    }

    /** True when the walk reached an upper-layer header and at least one of its bytes is present. */
    public boolean hasUpperLayer() {
        return end == END_UPPER_LAYER && upperLayerLength() > 0;
    }

    /** Absolute offset of the header that ended the walk (the upper-layer header for {@link #END_UPPER_LAYER}). */
    public int upperLayerOffset() {
        return upperOffset;
    }

    /**
     * Upper-layer bytes present: up to the payload length's end and what is there (a quote: what is there),
     * never negative.
     */
    public int upperLayerLength() {
        int present = off + captured - upperOffset;
        int declared = off + HEADER + declaredPayloadLength() - upperOffset;
        return Math.max(0, Math.min(present, declared));
    }

    /**
     * The upper-layer length as the pseudo-header counts it (RFC 8200 section 8.1): the payload length less
     * the extension headers before the upper layer, whatever was captured; never negative.
     */
    public int upperLayerDeclaredLength() {
        return Math.max(0, off + HEADER + declaredPayloadLength() - upperOffset);
    }

    /** True when the chain holds a Fragment header. */
    public boolean isFragment() {
        return fragmentAt >= 0;
    }

    /** Fragment offset in 8-byte units; 0 when not a fragment. */
    public int fragmentOffset() {
        return fragmentAt < 0 ? 0 : Bytes.u16(b, fragmentAt + FRAGMENT_OFFSET_FLAGS) >>> 3;
    }

    public boolean moreFragments() {
        return fragmentAt >= 0 && (Bytes.u16(b, fragmentAt + FRAGMENT_OFFSET_FLAGS) & FRAGMENT_M) != 0;
    }

    /** Only a first fragment (offset 0), or a datagram that is no fragment, carries the transport header. */
    public boolean isFirstFragment() {
        return fragmentOffset() == 0;
    }

    /** The Fragment header's 32-bit identification, IPv6's only "IP ID" (section 4.5); -1 when no fragment. */
    public long fragmentIdentification() {
        return fragmentAt < 0 ? -1 : Bytes.u32(b, fragmentAt + FRAGMENT_IDENTIFICATION);
    }
}
