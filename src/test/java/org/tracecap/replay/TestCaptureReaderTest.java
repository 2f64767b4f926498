package org.tracecap.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test-only reader gives the same frames whatever the byte order, magic or pcapng time resolution. */
class TestCaptureReaderTest {
    private record Frame(long time, int linkType, byte[] bytes, int wire) {
    }

    @TempDir
    Path dir;

    private static List<Frame> read(Path file) throws IOException {
        List<Frame> frames = new ArrayList<>();
        TestCaptureReader.read(file, (t, l, f, c, w) -> frames.add(new Frame(t, l, java.util.Arrays.copyOf(f, c), w)));
        return frames;
    }

    private static void assertSameFrames(List<Frame> expected, List<Frame> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).time(), actual.get(i).time(), "frame " + (i + 1));
            assertEquals(expected.get(i).linkType(), actual.get(i).linkType());
            assertEquals(expected.get(i).wire(), actual.get(i).wire());
            assertArrayEquals(expected.get(i).bytes(), actual.get(i).bytes());
        }
    }

    @Test
    void bundledPcapngHoldsTheSameFramesAsItsPcap() throws IOException {
        List<Frame> pcap = read(Replays.CAPTURES.resolve("straight-traceroute-udp.pcap"));
        assertEquals(34, pcap.size());
        assertEquals(1, pcap.get(0).linkType());
        assertSameFrames(pcap, read(Replays.CAPTURES.resolve("straight-traceroute-udp.pcapng")));
    }

    @Test
    void bigEndianNanosecondPcap() throws IOException {
        List<Frame> frames = read(Replays.CAPTURES.resolve("straight-traceroute-icmp-nano.pcap"));
        Path file = dir.resolve("be.pcap");
        Files.write(file, pcap(frames, ByteOrder.BIG_ENDIAN, true));
        assertSameFrames(frames, read(file));
        Path micro = dir.resolve("le-micro.pcap");
        Files.write(micro, pcap(frames, ByteOrder.LITTLE_ENDIAN, false));
        List<Frame> truncated = read(micro);
        assertEquals(frames.get(5).time() / 1000 * 1000, truncated.get(5).time());
    }

    @Test
    void bigEndianPcapngWithNanosecondAndPowerOfTwoResolutions() throws IOException {
        List<Frame> frames = read(Replays.CAPTURES.resolve("straight-traceroute-icmp-nano.pcap"));
        Path nanos = dir.resolve("be.pcapng");
        Files.write(nanos, pcapng(frames, ByteOrder.BIG_ENDIAN, 9));
        assertSameFrames(frames, read(nanos));
        Path binary = dir.resolve("le2.pcapng");
        Files.write(binary, pcapng(frames, ByteOrder.LITTLE_ENDIAN, 0x80 | 20));
        List<Frame> coarse = read(binary);
        for (int i = 0; i < frames.size(); i++) {
            long error = Math.abs(frames.get(i).time() - coarse.get(i).time());
            assertTrue(error < 1000, "2^-20 s is under a microsecond, error " + error + " ns");
        }
    }

    @Test
    void notACapture() throws IOException {
        Path file = dir.resolve("text.pcap");
        Files.writeString(file, "this is not a capture file at all");
        assertThrows(IOException.class, () -> read(file));
    }

    private static byte[] pcap(List<Frame> frames, ByteOrder order, boolean nanos) {
        int size = 24 + frames.stream().mapToInt(f -> 16 + f.bytes().length).sum();
        ByteBuffer b = ByteBuffer.allocate(size).order(order);
        b.putInt(nanos ? 0xa1b23c4d : 0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                .putInt(262144).putInt(frames.get(0).linkType());
        for (Frame f : frames) {
            long fraction = f.time() % 1_000_000_000L;
            b.putInt((int) (f.time() / 1_000_000_000L)).putInt((int) (nanos ? fraction : fraction / 1000))
                    .putInt(f.bytes().length).putInt(f.wire()).put(f.bytes());
        }
        return b.array();
    }

    private static byte[] pcapng(List<Frame> frames, ByteOrder order, int tsresol) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer shb = ByteBuffer.allocate(28).order(order);
        shb.putInt(0x0a0d0d0a).putInt(28).putInt(0x1a2b3c4d).putShort((short) 1).putShort((short) 0).putLong(-1)
                .putInt(28);
        out.writeBytes(shb.array());
        ByteBuffer idb = ByteBuffer.allocate(32).order(order);
        idb.putInt(1).putInt(32).putShort((short) frames.get(0).linkType()).putShort((short) 0).putInt(0)
                .putShort((short) 9).putShort((short) 1).put((byte) tsresol).put(new byte[3])
                .putShort((short) 0).putShort((short) 0).putInt(32);
        out.writeBytes(idb.array());
        for (Frame f : frames) {
            int padded = (f.bytes().length + 3) & ~3;
            int length = 32 + padded;
            long units;
            if ((tsresol & 0x80) != 0) {
                long perSecond = 1L << (tsresol & 0x7f);
                units = f.time() / 1_000_000_000L * perSecond + (f.time() % 1_000_000_000L) * perSecond / 1_000_000_000L;
            } else {
                units = f.time();
            }
            ByteBuffer epb = ByteBuffer.allocate(length).order(order);
            epb.putInt(6).putInt(length).putInt(0).putInt((int) (units >>> 32)).putInt((int) units)
                    .putInt(f.bytes().length).putInt(f.wire()).put(f.bytes()).put(new byte[padded - f.bytes().length])
                    .putInt(length);
            out.writeBytes(epb.array());
        }
        return out.toByteArray();
    }
}
