package org.tracecap.capture;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes synthetic pcapng files for the tests (draft-ietf-opsawg-pcapng): blocks in either byte order, each
 * built from its fields, so that a test says what is in the file and can make any field lie. Not a
 * general writer: tracecap itself writes classic pcap ({@link PcapFileWriter}).
 */
public final class PcapngBuilder {
    public static final int SHB = 0x0A0D0D0A;
    public static final int IDB = 1;
    public static final int PB = 2;
    public static final int SPB = 3;
    public static final int NRB = 4;
    public static final int ISB = 5;
    public static final int EPB = 6;
    public static final int DSB = 0x0000000A;
    public static final int CUSTOM = 0x00000BAD;
    public static final int CUSTOM_NO_COPY = 0x40000BAD;

    private final ByteOrder order;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public PcapngBuilder(ByteOrder order) {
        this.order = order;
    }

    public static PcapngBuilder little() {
        return new PcapngBuilder(ByteOrder.LITTLE_ENDIAN);
    }

    public static PcapngBuilder big() {
        return new PcapngBuilder(ByteOrder.BIG_ENDIAN);
    }

    /** A Section Header Block, version 1.0, section length -1 (not given). */
    public PcapngBuilder section() {
        return block(SHB, buffer(16).putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1)
                .array());
    }

    /** An Interface Description Block with no options. */
    public PcapngBuilder iface(int linkType, int snaplen) {
        return iface(linkType, snaplen, new byte[0]);
    }

    /** An Interface Description Block; {@code options} as {@link #option} makes them, end of options added. */
    public PcapngBuilder iface(int linkType, int snaplen, byte[] options) {
        return block(IDB, concat(buffer(8).putShort((short) linkType).putShort((short) 0).putInt(snaplen)
                .array(), options));
    }

    /** An Enhanced Packet Block: the whole frame captured. */
    public PcapngBuilder epb(int iface, long timestamp, byte[] frame) {
        return epb(iface, timestamp, frame, frame.length, new byte[0]);
    }

    public PcapngBuilder epb(int iface, long timestamp, byte[] frame, int wireLength, byte[] options) {
        ByteBuffer b = buffer(20).putInt(iface).putInt((int) (timestamp >>> 32)).putInt((int) timestamp)
                .putInt(frame.length).putInt(wireLength);
        return block(EPB, concat(b.array(), padded(frame), options));
    }

    /** An obsolete Packet Block (Appendix A): 16-bit interface id, drops count. */
    public PcapngBuilder pb(int iface, long timestamp, byte[] frame) {
        ByteBuffer b = buffer(20).putShort((short) iface).putShort((short) 0).putInt((int) (timestamp >>> 32))
                .putInt((int) timestamp).putInt(frame.length).putInt(frame.length);
        return block(PB, concat(b.array(), padded(frame)));
    }

    /** A Simple Packet Block holding {@code frame}, whose original length is {@code wireLength}. */
    public PcapngBuilder spb(byte[] frame, int wireLength) {
        return block(SPB, concat(buffer(4).putInt(wireLength).array(), padded(frame)));
    }

    /** Any block: type, total length, body padded to 4 bytes, total length. */
    public PcapngBuilder block(int type, byte[] body) {
        byte[] padded = padded(body);
        int total = 12 + padded.length;
        out.writeBytes(buffer(8).putInt(type).putInt(total).array());
        out.writeBytes(padded);
        out.writeBytes(buffer(4).putInt(total).array());
        return this;
    }

    /** Raw bytes, for blocks that lie. */
    public PcapngBuilder raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    public byte[] bytes() {
        return out.toByteArray();
    }

    public ByteOrder order() {
        return order;
    }

    /** One option (code, length, value padded to 4 bytes). */
    public byte[] option(int code, byte[] value) {
        return concat(buffer(4).putShort((short) code).putShort((short) value.length).array(), padded(value));
    }

    /** The options given, then opt_endofopt. */
    public byte[] options(byte[]... options) {
        return concat(concat(options), new byte[4]);
    }

    /** if_tsresol (option 9). */
    public byte[] tsresol(int units) {
        return option(9, new byte[] {(byte) units});
    }

    /** if_tsoffset (option 14), seconds. */
    public byte[] tsoffset(long seconds) {
        return option(14, buffer(8).putLong(seconds).array());
    }

    /** epb_flags (option 2): direction in bits 0-1. */
    public byte[] epbFlags(int flags) {
        return option(2, buffer(4).putInt(flags).array());
    }

    private ByteBuffer buffer(int size) {
        return ByteBuffer.allocate(size).order(order);
    }

    static byte[] padded(byte[] b) {
        return java.util.Arrays.copyOf(b, (b.length + 3) & ~3);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }
}
