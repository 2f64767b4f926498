package org.tracecap.packet;

/**
 * A read-only view of a TCP header (RFC 9293 section 3.1) over a caller's bytes.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Sequence Number                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Acknowledgment Number                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Data |       |C|E|U|A|P|R|S|F|                               |
 * | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 * |       |       |R|E|G|K|H|T|N|N|                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Checksum            |         Urgent Pointer        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           [Options]                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>An ICMP error may quote only the first 8 bytes (ports and sequence number, RFC 792); {@link #ofQuote}
 * accepts that, and {@link #hasFullHeader()} says whether flags, acknowledgment and checksum are there
 * (they read as 0 when not).
 */
public final class TcpView {
    public static final int MIN_HEADER = 20;
    static final int QUOTE_MIN = 8;

    static final int SOURCE_PORT = 0;
    static final int DESTINATION_PORT = 2;
    static final int SEQUENCE = 4;
    static final int ACKNOWLEDGMENT = 8;
    static final int DATA_OFFSET = 12;
    static final int FLAGS = 13;
    static final int WINDOW = 14;
    static final int CHECKSUM = 16;
    static final int URGENT = 18;

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;

    private final byte[] b;
    private final int off;
    private final int captured;

    private TcpView(byte[] b, int off, int captured) {
        this.b = b;
        this.off = off;
        this.captured = captured;
    }

    /**
     * The TCP header of a captured segment; {@code len} is the IP payload length present.
     *
     * @throws PacketException "TCP header past capture", "TCP data offset < 5"
     */
    public static TcpView of(byte[] b, int off, int len) {
        int available = Math.min(len, b.length - off);
        PacketException.requireLength("TCP", off, MIN_HEADER, available, "TCP header past capture");
        TcpView v = new TcpView(b, off, available);
        int dataOffset = v.dataOffset();
        if (dataOffset < 5) {
            throw new PacketException("TCP", off, "TCP data offset < 5", "data offset " + dataOffset);
        }
        PacketException.requireLength("TCP", off, dataOffset * 4, available, "TCP header past capture");
        return v;
    }

    /**
     * The start of a TCP probe as an ICMP error quotes it: 8 bytes (ports, sequence) suffice.
     *
     * @throws PacketException "ICMP quote shorter than IP header + 8"
     */
    public static TcpView ofQuote(byte[] b, int off, int len) {
        int available = Math.min(len, b.length - off);
        PacketException.requireLength("ICMP quote", off, QUOTE_MIN, available,
                "ICMP quote shorter than IP header + 8");
        return new TcpView(b, off, available);
    }

    public int offset() {
        return off;
    }

    /** True when the 20-byte fixed header is present (flags, acknowledgment, window, checksum readable). */
    public boolean hasFullHeader() {
        return captured >= MIN_HEADER;
    }

    public int sourcePort() {
        return Bytes.u16(b, off + SOURCE_PORT);
    }

    public int destinationPort() {
        return Bytes.u16(b, off + DESTINATION_PORT);
    }

    public long sequence() {
        return Bytes.u32(b, off + SEQUENCE);
    }

    /** Acknowledgment number, 0 when not captured. */
    public long acknowledgment() {
        return hasFullHeader() ? Bytes.u32(b, off + ACKNOWLEDGMENT) : 0;
    }

    /** Data offset in 32-bit words, 0 when not captured. */
    public int dataOffset() {
        return captured > DATA_OFFSET ? Bytes.u8(b, off + DATA_OFFSET) >>> 4 : 0;
    }

    /** The 8 flag bits CWR..FIN, 0 when not captured. */
    public int flags() {
        return captured > FLAGS ? Bytes.u8(b, off + FLAGS) : 0;
    }

    public boolean isSyn() {
        return (flags() & SYN) != 0;
    }

    public boolean isAck() {
        return (flags() & ACK) != 0;
    }

    public boolean isRst() {
        return (flags() & RST) != 0;
    }

    public int window() {
        return hasFullHeader() ? Bytes.u16(b, off + WINDOW) : 0;
    }

    /** Checksum, 0 when not captured. */
    public int checksum() {
        return hasFullHeader() ? Bytes.u16(b, off + CHECKSUM) : 0;
    }
}
