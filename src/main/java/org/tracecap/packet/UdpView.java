package org.tracecap.packet;

/**
 * A read-only view of a UDP header (RFC 768) over a caller's bytes.
 *
 * <pre>
 *  0      7 8     15 16    23 24    31
 * +--------+--------+--------+--------+
 * |     Source      |   Destination   |
 * |      Port       |      Port       |
 * +--------+--------+--------+--------+
 * |     Length      |    Checksum     |
 * +--------+--------+--------+--------+
 * |          data octets ...
 * +---------------- ...
 * </pre>
 *
 * <p>Length counts the 8-byte header. A checksum of 0 means "none was computed" (RFC 768).
 */
public final class UdpView {
    public static final int HEADER = 8;

    static final int SOURCE_PORT = 0;
    static final int DESTINATION_PORT = 2;
    static final int LENGTH = 4;
    static final int CHECKSUM = 6;

    private final byte[] b;
    private final int off;
    private final int captured;

    private UdpView(byte[] b, int off, int captured) {
        this.b = b;
        this.off = off;
        this.captured = captured;
    }

    /**
     * The UDP header of a captured datagram; {@code len} is the IP payload length present.
     *
     * @throws PacketException "UDP header past capture", "UDP length < 8"
     */
    public static UdpView of(byte[] b, int off, int len) {
        int available = Math.min(len, b.length - off);
        PacketException.requireLength("UDP", off, HEADER, available, "UDP header past capture");
        UdpView v = new UdpView(b, off, available);
        if (v.length() < HEADER) {
            throw new PacketException("UDP", off, "UDP length < 8", "length " + v.length());
        }
        return v;
    }

    /**
     * The first 8 bytes of a UDP probe as an ICMP error quotes them: ports, length and checksum are read,
     * the length is not checked (it describes the probe, not the quote).
     *
     * @throws PacketException "ICMP quote shorter than IP header + 8"
     */
    public static UdpView ofQuote(byte[] b, int off, int len) {
        int available = Math.min(len, b.length - off);
        PacketException.requireLength("ICMP quote", off, HEADER, available, "ICMP quote shorter than IP header + 8");
        return new UdpView(b, off, available);
    }

    public int offset() {
        return off;
    }

    public int sourcePort() {
        return Bytes.u16(b, off + SOURCE_PORT);
    }

    public int destinationPort() {
        return Bytes.u16(b, off + DESTINATION_PORT);
    }

    public int length() {
        return Bytes.u16(b, off + LENGTH);
    }

    public int checksum() {
        return Bytes.u16(b, off + CHECKSUM);
    }

    public int payloadOffset() {
        return off + HEADER;
    }

    /** min(length - 8, captured - 8), never negative. */
    public int payloadLength() {
        return Math.max(0, Math.min(length(), captured) - HEADER);
    }
}
