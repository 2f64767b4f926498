package org.tracecap.replay;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tracecap.match.FrameSink;

/**
 * Test-only reader of classic pcap (microsecond magic a1b2c3d4 and nanosecond magic a1b23c4d, both byte
 * orders) and pcapng (Section Header, Interface Description with if_tsresol, Enhanced Packet and Simple
 * Packet blocks, both byte orders), so the replay tests do not depend on the capture layer. It throws
 * IOException on anything it does not understand; it is not meant for damaged files.
 */
final class TestCaptureReader {
    private static final int PCAP_MICROS = 0xa1b2c3d4;
    private static final int PCAP_NANOS = 0xa1b23c4d;
    private static final int SHB = 0x0a0d0d0a;
    private static final int BYTE_ORDER_MAGIC = 0x1a2b3c4d;
    private static final int IDB = 1;
    private static final int SPB = 3;
    private static final int EPB = 6;
    private static final int OPT_IF_TSRESOL = 9;

    private TestCaptureReader() {
    }

    /** Delivers every frame of {@code file} to {@code sink}; returns how many. */
    static long read(Path file, FrameSink sink) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        if (b.remaining() < 24) {
            throw new IOException(file + ": too short for a capture");
        }
        b.order(ByteOrder.BIG_ENDIAN);
        int magic = b.getInt(0);
        if (magic == SHB) {
            return readPcapng(file, b, sink);
        }
        for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
            b.order(order);
            magic = b.getInt(0);
            if (magic == PCAP_MICROS || magic == PCAP_NANOS) {
                return readPcap(file, b, magic == PCAP_NANOS, sink);
            }
        }
        throw new IOException(file + ": not a pcap or pcapng file");
    }

    private static long readPcap(Path file, ByteBuffer b, boolean nanos, FrameSink sink) throws IOException {
        int linkType = b.getInt(20) & 0xffff;
        long n = 0;
        int at = 24;
        while (at < b.limit()) {
            if (at + 16 > b.limit()) {
                throw new IOException(file + ": truncated record header at " + at);
            }
            long seconds = b.getInt(at) & 0xffffffffL;
            long fraction = b.getInt(at + 4) & 0xffffffffL;
            int caplen = b.getInt(at + 8);
            int wire = b.getInt(at + 12);
            at += 16;
            if (caplen < 0 || at + caplen > b.limit()) {
                throw new IOException(file + ": truncated record at " + at);
            }
            byte[] frame = new byte[caplen];
            b.get(at, frame);
            at += caplen;
            long time = seconds * 1_000_000_000L + (nanos ? fraction : fraction * 1000L);
            sink.frame(time, linkType, frame, caplen, wire);
            n++;
        }
        return n;
    }

    private record Interface(int linkType, long unitsPerSecond) {
    }

    private static long readPcapng(Path file, ByteBuffer b, FrameSink sink) throws IOException {
        List<Interface> interfaces = new ArrayList<>();
        long n = 0;
        int at = 0;
        while (at < b.limit()) {
            if (at + 12 > b.limit()) {
                throw new IOException(file + ": truncated block at " + at);
            }
            int type = b.getInt(at);
            if (type == SHB) {
                b.order(ByteOrder.BIG_ENDIAN);
                if (b.getInt(at + 8) != BYTE_ORDER_MAGIC) {
                    b.order(ByteOrder.LITTLE_ENDIAN);
                }
                if (b.getInt(at + 8) != BYTE_ORDER_MAGIC) {
                    throw new IOException(file + ": bad byte-order magic at " + at);
                }
                interfaces.clear();
            }
            int length = b.getInt(at + 4);
            if (length < 12 || length % 4 != 0 || at + length > b.limit()) {
                throw new IOException(file + ": bad block length " + length + " at " + at);
            }
            int body = at + 8;
            int bodyEnd = at + length - 4;
            switch (type) {
                case IDB -> interfaces.add(new Interface(b.getShort(body) & 0xffff,
                        resolution(b, body + 8, bodyEnd)));
                case EPB -> {
                    Interface itf = interfaces.get(b.getInt(body));
                    long ts = ((b.getInt(body + 4) & 0xffffffffL) << 32) | (b.getInt(body + 8) & 0xffffffffL);
                    int caplen = b.getInt(body + 12);
                    int wire = b.getInt(body + 16);
                    byte[] frame = new byte[caplen];
                    b.get(body + 20, frame);
                    sink.frame(toNanos(ts, itf.unitsPerSecond()), itf.linkType(), frame, caplen, wire);
                    n++;
                }
                case SPB -> {
                    Interface itf = interfaces.get(0);
                    int wire = b.getInt(body);
                    int caplen = Math.min(wire, bodyEnd - body - 4);
                    byte[] frame = new byte[caplen];
                    b.get(body + 4, frame);
                    sink.frame(0, itf.linkType(), frame, caplen, wire);
                    n++;
                }
                default -> {
                }
            }
            at += length;
        }
        return n;
    }

    /** if_tsresol (pcapng 4.2): high bit clear: 10^-v s, set: 2^-v s; default microseconds. */
    private static long resolution(ByteBuffer b, int at, int end) {
        while (at + 4 <= end) {
            int code = b.getShort(at) & 0xffff;
            int len = b.getShort(at + 2) & 0xffff;
            if (code == 0) {
                break;
            }
            if (code == OPT_IF_TSRESOL && len >= 1) {
                int v = b.get(at + 4) & 0xff;
                int exponent = v & 0x7f;
                if ((v & 0x80) != 0) {
                    return 1L << exponent;
                }
                long units = 1;
                for (int i = 0; i < exponent; i++) {
                    units *= 10;
                }
                return units;
            }
            at += 4 + ((len + 3) & ~3);
        }
        return 1_000_000L;
    }

    private static long toNanos(long ts, long unitsPerSecond) {
        long seconds = ts / unitsPerSecond;
        long rest = ts % unitsPerSecond;
        return seconds * 1_000_000_000L + rest * 1_000_000_000L / unitsPerSecond;
    }
}
