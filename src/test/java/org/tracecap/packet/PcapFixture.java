package org.tracecap.packet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test-only reader of classic pcap files (both byte orders, micro- and nanosecond magic), so the packet and
 * match tests can use the real captures in {@code captures/} without the capture layer (which alone may
 * import pcap4j). Not for production use: no checks beyond what the tests need.
 */
public final class PcapFixture {
    public static final Path CAPTURES = Path.of("captures");

    /** One record: capture time (ns since the epoch), bytes as captured, original length. */
    public record Frame(int number, long timeNanos, byte[] bytes, int wireLength) {
    }

    /** A file's link type and frames (numbered from 1, as tshark numbers them). */
    public record Capture(int linkType, List<Frame> frames) {
        public Frame frame(int number) {
            return frames.get(number - 1);
        }
    }

    private PcapFixture() {
    }

    public static Capture read(String name) {
        return read(CAPTURES.resolve(name));
    }

    public static Capture read(Path file) {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteBuffer buf = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        int magic = buf.getInt(0);
        boolean nanos;
        if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d) {
            nanos = magic == 0xa1b23c4d;
        } else {
            buf.order(ByteOrder.BIG_ENDIAN);
            magic = buf.getInt(0);
            if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
                throw new IllegalArgumentException(file + ": not a classic pcap file");
            }
            nanos = magic == 0xa1b23c4d;
        }
        int linkType = buf.getInt(20) & 0x0fffffff;
        List<Frame> frames = new ArrayList<>();
        int at = 24;
        while (at + 16 <= all.length) {
            long sec = buf.getInt(at) & 0xffffffffL;
            long frac = buf.getInt(at + 4) & 0xffffffffL;
            int caplen = buf.getInt(at + 8);
            int wire = buf.getInt(at + 12);
            at += 16;
            byte[] bytes = new byte[caplen];
            System.arraycopy(all, at, bytes, 0, caplen);
            at += caplen;
            frames.add(new Frame(frames.size() + 1, sec * 1_000_000_000L + (nanos ? frac : frac * 1000), bytes, wire));
        }
        return new Capture(linkType, frames);
    }

    /** The classic pcap files in {@code captures/}, sorted by name. */
    public static List<Path> allCaptures() {
        try (var s = Files.list(CAPTURES)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".pcap")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
