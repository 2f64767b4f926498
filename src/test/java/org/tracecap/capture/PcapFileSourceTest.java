package org.tracecap.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tracecap.capture.CapturedFrames.Frame;
import org.tracecap.capture.CapturedFrames.Recorder;

class PcapFileSourceTest {
    private static final Path CAPTURES = CapturedFrames.CAPTURES;

    private static List<Frame> read(Path file) throws CaptureException {
        Recorder r = new Recorder();
        long n = PcapFileSource.read(file, r);
        assertEquals(r.frames().size(), n, "returned count equals frames delivered");
        return r.frames();
    }

    @Test
    void readsMicrosecondPcap() throws CaptureException {
        List<Frame> r = read(CAPTURES.resolve("straight-traceroute-udp.pcap"));
        // tcpdump -r ... | wc -l: 34; first frame 1795726783.788547 ARP request, 42 bytes
        assertEquals(34, r.size());
        Frame first = r.get(0);
        assertEquals(1_795_726_783_788_547_000L, first.timeNanos());
        assertEquals(1, first.linkType());
        assertEquals(42, first.bytes().length);
        assertEquals(42, first.wireLength());
        // Ethernet type ARP (0x0806) at offset 12
        assertEquals(0x08, first.bytes()[12]);
        assertEquals(0x06, first.bytes()[13]);
        for (int i = 1; i < r.size(); i++) {
            assertTrue(r.get(i).timeNanos() >= r.get(i - 1).timeNanos(), "file order");
        }
    }

    @Test
    void nanosecondPcapKeepsNanoseconds() throws CaptureException {
        List<Frame> r = read(CAPTURES.resolve("straight-traceroute-icmp-nano.pcap"));
        assertEquals(50, r.size());
        // tcpdump --nano -tt: 1795726825.265027670
        assertEquals(1_795_726_825_265_027_670L, r.get(0).timeNanos());
        assertTrue(r.stream().anyMatch(f -> f.timeNanos() % 1000 != 0), "sub-microsecond digits kept");
    }

    @Test
    void pcapngGivesTheSameFramesAsThePcapItWasConvertedFrom() throws CaptureException {
        assertSameFrames(read(CAPTURES.resolve("straight-traceroute-udp.pcap")),
                read(CAPTURES.resolve("straight-traceroute-udp.pcapng")));
    }

    @Test
    void bigEndianNanosecondPcapAndLittleEndianMicrosecondPcap(@TempDir Path dir) throws IOException,
            CaptureException {
        List<Frame> frames = read(CAPTURES.resolve("straight-traceroute-icmp-nano.pcap"));
        Path bigEndian = dir.resolve("be-nano.pcap");
        Files.write(bigEndian, pcapOf(frames, ByteOrder.BIG_ENDIAN, true));
        assertSameFrames(frames, read(bigEndian));
        Path micro = dir.resolve("le-micro.pcap");
        Files.write(micro, pcapOf(frames, ByteOrder.LITTLE_ENDIAN, false));
        List<Frame> coarse = read(micro);
        for (int i = 0; i < frames.size(); i++) {
            assertEquals(frames.get(i).timeNanos() / 1000 * 1000, coarse.get(i).timeNanos(), "frame " + (i + 1));
        }
    }

    @Test
    void pcapngInEitherByteOrderWithDecimalOrPowerOfTwoResolution(@TempDir Path dir) throws IOException,
            CaptureException {
        List<Frame> frames = read(CAPTURES.resolve("straight-traceroute-icmp-nano.pcap"));
        Path nanos = dir.resolve("be-nano.pcapng");
        Files.write(nanos, pcapngOf(frames, ByteOrder.BIG_ENDIAN, 9));
        assertSameFrames(frames, read(nanos));
        // if_tsresol with the high bit set: 2^-20 s units (pcapng section 4.2)
        Path binary = dir.resolve("le-binary.pcapng");
        Files.write(binary, pcapngOf(frames, ByteOrder.LITTLE_ENDIAN, 0x80 | 20));
        List<Frame> coarse = read(binary);
        assertEquals(frames.size(), coarse.size());
        for (int i = 0; i < frames.size(); i++) {
            long error = Math.abs(frames.get(i).timeNanos() - coarse.get(i).timeNanos());
            assertTrue(error < 1000, "2^-20 s is under a microsecond, error " + error + " ns at " + (i + 1));
            assertArrayEquals(frames.get(i).bytes(), coarse.get(i).bytes());
        }
    }

    @Test
    void reportsTheCapturesLinkType() throws CaptureException {
        List<Frame> r = read(CAPTURES.resolve("straight-traceroute-udp-any.pcap"));
        assertEquals(34, r.size());
        assertTrue(r.stream().allMatch(f -> f.linkType() == 276), "tcpdump -i any: LINUX_SLL2");
    }

    @Test
    void wireLengthComesFromTheRecordHeader(@TempDir Path dir) throws IOException, CaptureException {
        // One Ethernet frame captured with snaplen 20: caplen 20, original length 60.
        byte[] data = new byte[20];
        Arrays.fill(data, (byte) 0xab);
        Path file = dir.resolve("snap.pcap");
        Files.write(file, pcap(65535, 1, record(1_700_000_000, 123_456, 60, data)));
        List<Frame> r = read(file);
        assertEquals(1, r.size());
        Frame f = r.get(0);
        assertEquals(20, f.bytes().length);
        assertEquals(60, f.wireLength());
        assertEquals(1_700_000_000_123_456_000L, f.timeNanos());
    }

    @Test
    void readsFromAPipe(@TempDir Path dir) throws Exception {
        // as with tracecap replay <(tcpdump -w - ...): a FIFO, not a regular file
        Path fifo = dir.resolve("capture.fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        byte[] capture = bytesOf("straight-traceroute-udp.pcap");
        Thread writer = new Thread(() -> {
            try {
                Files.write(fifo, capture);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        writer.start();
        assertEquals(34, read(fifo).size());
        writer.join();
    }

    @Test
    void emptyCaptureDeliversNothing(@TempDir Path dir) throws IOException, CaptureException {
        Path file = dir.resolve("nothing.pcap");
        Files.write(file, pcap(65535, 1));
        assertEquals(0, read(file).size());
    }

    @Test
    void missingFile(@TempDir Path dir) {
        Path file = dir.resolve("absent.pcap");
        CaptureException e = assertThrows(CaptureException.class, () -> read(file));
        assertEquals(file + ": no such file: check the path", e.getMessage());
        assertEquals(0, e.packetsDelivered());
    }

    @Test
    void directory(@TempDir Path dir) {
        CaptureException e = assertThrows(CaptureException.class, () -> read(dir));
        assertEquals(dir + ": is a directory, not a capture file: give a .pcap or .pcapng file, or"
                + " either gzipped (tcpdump -w, tshark -w, Wireshark)", e.getMessage());
    }

    @Test
    void emptyFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("empty.pcap");
        Files.write(file, new byte[0]);
        CaptureException e = assertThrows(CaptureException.class, () -> read(file));
        assertEquals(file + ": empty file, not a capture: give a .pcap or .pcapng file, or"
                + " either gzipped (tcpdump -w, tshark -w, Wireshark)", e.getMessage());
    }

    @Test
    void notACapture(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("notes.pcap");
        Files.writeString(file, "these are notes, not packets\n", StandardCharsets.US_ASCII);
        CaptureException e = assertThrows(CaptureException.class, () -> read(file));
        assertEquals(file + ": not a pcap or pcapng capture: give a .pcap or .pcapng file, or either gzipped"
                + " (tcpdump -w, tshark -w, Wireshark)", e.getMessage());
    }

    @Test
    void fileHeaderCutShort(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("header.pcap");
        Files.write(file, Arrays.copyOf(bytesOf("straight-traceroute-udp.pcap"), 10));
        CaptureException e = assertThrows(CaptureException.class, () -> read(file));
        assertTrue(e.getMessage().startsWith(file + ": capture ends inside its file header (libpcap: truncated"),
                e.getMessage());
        assertOneLine(e.getMessage());
    }

    @Test
    void truncatedPcapDeliversTheFramesBeforeTheCut(@TempDir Path dir) throws IOException {
        byte[] whole = bytesOf("straight-traceroute-udp.pcap");
        Path file = dir.resolve("cut.pcap");
        Files.write(file, Arrays.copyOf(whole, whole.length / 2));
        Recorder r = new Recorder();
        CaptureException e = assertThrows(CaptureException.class, () -> PcapFileSource.read(file, r));
        assertTrue(r.frames().size() > 5, "frames before the cut were delivered: " + r.frames().size());
        assertEquals(r.frames().size(), e.packetsDelivered());
        assertTrue(e.getMessage().startsWith(file + ": capture is cut short after " + r.frames().size()
                + " packets (libpcap: truncated dump file; "), e.getMessage());
        assertTrue(e.getMessage().endsWith("): only the packets before that point were read"), e.getMessage());
        assertOneLine(e.getMessage());
    }

    @Test
    void truncatedPcapngDeliversTheFramesBeforeTheCut(@TempDir Path dir) throws IOException {
        byte[] whole = bytesOf("straight-traceroute-udp.pcapng");
        Path file = dir.resolve("cut.pcapng");
        Files.write(file, Arrays.copyOf(whole, whole.length / 2));
        Recorder r = new Recorder();
        CaptureException e = assertThrows(CaptureException.class, () -> PcapFileSource.read(file, r));
        assertTrue(r.frames().size() > 5, "frames before the cut were delivered: " + r.frames().size());
        assertEquals(r.frames().size(), e.packetsDelivered());
        assertTrue(e.getMessage().contains("capture is cut short after " + r.frames().size() + " packets"),
                e.getMessage());
    }

    @Test
    void impossibleRecordLengthIsCorrupt(@TempDir Path dir) throws IOException {
        byte[] good = new byte[42];
        byte[] file = pcap(65535, 1, record(1, 0, 42, good), record(2, 0, 42, good));
        // second record's caplen (offset 24 + 16 + 42 + 8) set far past the snaplen
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(24 + 16 + 42 + 8, 0x7fff_ff00);
        Path path = dir.resolve("corrupt.pcap");
        Files.write(path, file);
        Recorder r = new Recorder();
        CaptureException e = assertThrows(CaptureException.class, () -> PcapFileSource.read(path, r));
        assertEquals(1, r.frames().size());
        assertEquals(1, e.packetsDelivered());
        assertTrue(e.getMessage().startsWith(path + ": capture is corrupt after 1 packets (libpcap: invalid"),
                e.getMessage());
    }

    @Test
    void aFailingSinkStopsTheReadAndItsExceptionComesOut() {
        IllegalStateException boom = new IllegalStateException("boom");
        int[] calls = {0};
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> PcapFileSource.read(CAPTURES.resolve("straight-traceroute-udp.pcap"), (t, l, f, c, w) -> {
                    if (++calls[0] == 3) {
                        throw boom;
                    }
                }));
        assertSame(boom, thrown);
        assertEquals(3, calls[0], "no frame after the failure");
    }

    @Test
    void recognisesAMissingLibpcap() {
        assertTrue(PcapFileSource.isLibpcapMissing(new UnsatisfiedLinkError("Unable to load library 'pcap'")));
        assertTrue(PcapFileSource.isLibpcapMissing(
                new ExceptionInInitializerError(new UnsatisfiedLinkError("Unable to load library 'pcap'"))));
        assertTrue(PcapFileSource.isLibpcapMissing(
                new NoClassDefFoundError("Could not initialize class org.pcap4j.core.NativeMappings")));
        assertFalse(PcapFileSource.isLibpcapMissing(new NoClassDefFoundError("org/slf4j/LoggerFactory")));
    }

    @Test
    void describesOpenErrors() {
        assertTrue(PcapFileSource.describeOpenError("bad dump file format").startsWith("not a pcap or pcapng"));
        assertEquals("cannot open the capture (libpcap: something new): check it opens with tcpdump -r",
                PcapFileSource.describeOpenError("something\n new"));
        assertEquals("cannot open the capture (libpcap: no details): check it opens with tcpdump -r",
                PcapFileSource.describeOpenError(null));
    }

    private static void assertSameFrames(List<Frame> expected, List<Frame> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            Frame a = expected.get(i);
            Frame b = actual.get(i);
            assertEquals(a.timeNanos(), b.timeNanos(), "frame " + (i + 1));
            assertEquals(a.linkType(), b.linkType(), "frame " + (i + 1));
            assertEquals(a.wireLength(), b.wireLength(), "frame " + (i + 1));
            assertArrayEquals(a.bytes(), b.bytes(), "frame " + (i + 1));
        }
    }

    private static void assertOneLine(String message) {
        assertFalse(message.contains("\n") || message.contains("\r"), message);
    }

    private static byte[] bytesOf(String capture) throws IOException {
        return Files.readAllBytes(CAPTURES.resolve(capture));
    }

    /** A little-endian microsecond pcap: file header (magic a1b2c3d4, v2.4) then the records. */
    static byte[] pcap(int snaplen, int linkType, byte[]... records) {
        int size = 24 + Arrays.stream(records).mapToInt(r -> r.length).sum();
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(snaplen)
                .putInt(linkType);
        for (byte[] r : records) {
            b.put(r);
        }
        return b.array();
    }

    /** One record: seconds, microseconds, caplen = data.length, original length. */
    static byte[] record(int seconds, int micros, int originalLength, byte[] data) {
        return ByteBuffer.allocate(16 + data.length).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(seconds).putInt(micros).putInt(data.length).putInt(originalLength).put(data).array();
    }

    /** Classic pcap of {@code frames} in either byte order, magic a1b23c4d (ns) or a1b2c3d4 (us). */
    private static byte[] pcapOf(List<Frame> frames, ByteOrder order, boolean nanos) {
        int size = 24 + frames.stream().mapToInt(f -> 16 + f.bytes().length).sum();
        ByteBuffer b = ByteBuffer.allocate(size).order(order);
        b.putInt(nanos ? 0xa1b23c4d : 0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                .putInt(262144).putInt(frames.get(0).linkType());
        for (Frame f : frames) {
            long fraction = f.timeNanos() % 1_000_000_000L;
            b.putInt((int) (f.timeNanos() / 1_000_000_000L)).putInt((int) (nanos ? fraction : fraction / 1000))
                    .putInt(f.bytes().length).putInt(f.wireLength()).put(f.bytes());
        }
        return b.array();
    }

    /**
     * pcapng of {@code frames}: Section Header, one Interface Description with if_tsresol {@code tsresol}
     * (9: nanoseconds; high bit set: 2^-n s), one Enhanced Packet Block per frame.
     */
    private static byte[] pcapngOf(List<Frame> frames, ByteOrder order, int tsresol) {
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
            long units = f.timeNanos();
            if ((tsresol & 0x80) != 0) {
                long perSecond = 1L << (tsresol & 0x7f);
                units = f.timeNanos() / 1_000_000_000L * perSecond
                        + (f.timeNanos() % 1_000_000_000L) * perSecond / 1_000_000_000L;
            }
            ByteBuffer epb = ByteBuffer.allocate(length).order(order);
            epb.putInt(6).putInt(length).putInt(0).putInt((int) (units >>> 32)).putInt((int) units)
                    .putInt(f.bytes().length).putInt(f.wireLength()).put(f.bytes())
                    .put(new byte[padded - f.bytes().length]).putInt(length);
            out.writeBytes(epb.array());
        }
        return out.toByteArray();
    }
}
