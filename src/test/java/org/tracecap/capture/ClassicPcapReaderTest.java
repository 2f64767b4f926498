package org.tracecap.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tracecap.match.FrameSink;

/**
 * The Java reader of classic pcap files against libpcap: every frame (time, link type, bytes, lengths) and
 * every error message must be the same whichever reads the file. {@link PcapFileSource#read} takes the Java
 * reader for these files, {@link PcapFileSource#readWithLibpcap} always libpcap.
 */
class ClassicPcapReaderTest {
    private static final Path CAPTURES = Path.of("captures");

    /** One delivered frame, bytes copied (the reader reuses its buffer). */
    record Frame(long timeNanos, int linkType, byte[] bytes, int wireLength) {
    }

    /** What a read gave: the frames, and the message and count of the exception it ended with, if any. */
    record Outcome(List<Frame> frames, String error, long delivered) {
    }

    private interface Reader {
        long read(Path file, FrameSink sink) throws CaptureException;
    }

    private static Outcome outcome(Reader reader, Path file) {
        List<Frame> frames = new ArrayList<>();
        FrameSink sink = (t, l, f, c, w) -> {
            assertTrue(c <= f.length, "caplen within the buffer");
            frames.add(new Frame(t, l, Arrays.copyOf(f, c), w));
        };
        try {
            long n = reader.read(file, sink);
            assertEquals(frames.size(), n, "returned count");
            return new Outcome(frames, null, n);
        } catch (CaptureException e) {
            assertEquals(frames.size(), e.packetsDelivered(), "delivered count");
            return new Outcome(frames, e.getMessage(), e.packetsDelivered());
        }
    }

    /** Reads {@code file} both ways and checks that the Java reader took it and gave what libpcap gives. */
    private static Outcome assertSameAsLibpcap(Path file) throws IOException {
        byte[] start = Arrays.copyOf(Files.readAllBytes(file), ClassicPcapReader.FILE_HEADER);
        assertNotNull(ClassicPcapReader.header(start, start.length), "read in Java: " + file);
        Outcome libpcap = outcome(PcapFileSource::readWithLibpcap, file);
        Outcome java = outcome(PcapFileSource::read, file);
        assertEquals(libpcap.error(), java.error());
        assertEquals(libpcap.delivered(), java.delivered());
        assertEquals(libpcap.frames().size(), java.frames().size());
        for (int i = 0; i < libpcap.frames().size(); i++) {
            Frame a = libpcap.frames().get(i);
            Frame b = java.frames().get(i);
            String where = file.getFileName() + " frame " + (i + 1);
            assertEquals(a.timeNanos(), b.timeNanos(), where);
            assertEquals(a.linkType(), b.linkType(), where);
            assertEquals(a.wireLength(), b.wireLength(), where);
            assertArrayEquals(a.bytes(), b.bytes(), where);
        }
        return java;
    }

    static Stream<Path> bundledPcaps() throws IOException {
        return Files.list(CAPTURES).filter(p -> p.toString().endsWith(".pcap")).sorted();
    }

    @ParameterizedTest
    @MethodSource("bundledPcaps")
    void everyBundledPcapReadsAsLibpcapReadsIt(Path capture) throws IOException {
        Outcome o = assertSameAsLibpcap(capture);
        assertNull(o.error());
        assertTrue(o.frames().size() > 0);
    }

    @Test
    void allFourMagicsBothByteOrdersAndResolutions(@TempDir Path dir) throws IOException {
        List<Frame> frames = outcome(PcapFileSource::readWithLibpcap,
                CAPTURES.resolve("straight-traceroute-icmp-nano.pcap")).frames();
        for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
            for (boolean nanos : List.of(true, false)) {
                Path file = dir.resolve(order + "-" + (nanos ? "ns" : "us") + ".pcap");
                Files.write(file, pcap(order, nanos, 65535, 1, records(frames, order, nanos)));
                Outcome o = assertSameAsLibpcap(file);
                assertEquals(frames.size(), o.frames().size());
                assertEquals(nanos ? frames.get(0).timeNanos() : frames.get(0).timeNanos() / 1000 * 1000,
                        o.frames().get(0).timeNanos());
            }
        }
    }

    @Test
    void linuxCookedRawAndPppLinkTypes(@TempDir Path dir) throws IOException {
        byte[] data = new byte[40];
        data[0] = 0x45;
        for (int linkType : new int[] {0, 9, 50, 51, 101, 104, 108, 113, 228, 276}) {
            Path file = dir.resolve("lt" + linkType + ".pcap");
            Files.write(file, pcap(ByteOrder.LITTLE_ENDIAN, false, 65535, linkType,
                    record(ByteOrder.LITTLE_ENDIAN, 1_800_000_000, 7, data.length, 60, data)));
            Outcome o = assertSameAsLibpcap(file);
            // libpcap reports LINKTYPE_RAW (101) as DLT_RAW, 12 on Linux
            assertEquals(linkType == 101 ? 12 : linkType, o.frames().get(0).linkType());
        }
    }

    @Test
    void aRecordLongerThanTheSnaplenIsCutToIt(@TempDir Path dir) throws IOException {
        byte[] data = new byte[100];
        Arrays.fill(data, (byte) 7);
        Path file = dir.resolve("snap.pcap");
        Files.write(file, pcap(ByteOrder.LITTLE_ENDIAN, false, 64, 1,
                record(ByteOrder.LITTLE_ENDIAN, 1, 0, 100, 100, data), record(ByteOrder.LITTLE_ENDIAN, 2, 0, 100, 150,
                        data)));
        Outcome o = assertSameAsLibpcap(file);
        assertEquals(2, o.frames().size());
        assertEquals(64, o.frames().get(1).bytes().length);
        assertEquals(150, o.frames().get(1).wireLength());
    }

    @Test
    void snaplenZeroOrPastAnIntMeansTheMaximum(@TempDir Path dir) throws IOException {
        byte[] data = new byte[60];
        for (long snaplen : new long[] {0, 0x8000_0000L, 0xffff_ffffL, 0x7fff_ffffL}) {
            Path file = dir.resolve("snap" + snaplen + ".pcap");
            Files.write(file, pcap(ByteOrder.BIG_ENDIAN, true, (int) snaplen, 1,
                    record(ByteOrder.BIG_ENDIAN, 1, 999_999_999, 60, 60, data)));
            assertEquals(1, assertSameAsLibpcap(file).frames().size());
        }
    }

    @Test
    void impossibleCaplenIsCorruptInLibpcapsWords(@TempDir Path dir) throws IOException {
        byte[] data = new byte[42];
        for (int snaplen : new int[] {0, 65535, 400_000}) {
            byte[] bytes = pcap(ByteOrder.LITTLE_ENDIAN, false, snaplen, 1,
                    record(ByteOrder.LITTLE_ENDIAN, 1, 0, 42, 42, data), record(ByteOrder.LITTLE_ENDIAN, 2, 0, 42, 42,
                            data));
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(24 + 16 + 42 + 8, 300_000);
            Path file = dir.resolve("corrupt" + snaplen + ".pcap");
            Files.write(file, bytes);
            Outcome o = assertSameAsLibpcap(file);
            assertEquals(1, o.delivered());
            assertTrue(o.error().startsWith(file + ": capture is corrupt after 1 packets (libpcap: invalid packet"
                    + " capture length 300000, bigger than "), o.error());
        }
    }

    @Test
    void cutInsideARecordHeaderOrItsFrame(@TempDir Path dir) throws IOException {
        byte[] whole = Files.readAllBytes(CAPTURES.resolve("straight-traceroute-udp.pcap"));
        // first record: header at 24, 42-byte ARP frame at 40, second record header at 82
        for (int cut : new int[] {24 + 5, 82 + 3, 82 + 16 + 10, whole.length - 1}) {
            Path file = dir.resolve("cut" + cut + ".pcap");
            Files.write(file, Arrays.copyOf(whole, cut));
            Outcome o = assertSameAsLibpcap(file);
            assertTrue(o.error().contains(": capture is cut short after " + o.delivered()
                    + " packets (libpcap: truncated dump file; tried to read "), o.error());
        }
    }

    @Test
    void cutInsideARecordLongerThanTheSnaplen(@TempDir Path dir) throws IOException {
        byte[] data = new byte[1000];
        byte[] bytes = pcap(ByteOrder.LITTLE_ENDIAN, false, 200, 1,
                record(ByteOrder.LITTLE_ENDIAN, 1, 0, 1000, 1000, data));
        // libpcap says "tried to read 200" when even the snaplen is not there, else "tried to read 1000"
        for (int have : new int[] {100, 500}) {
            Path file = dir.resolve("cut" + have + ".pcap");
            Files.write(file, Arrays.copyOf(bytes, 24 + 16 + have));
            Outcome o = assertSameAsLibpcap(file);
            assertTrue(o.error().contains("tried to read " + (have < 200 ? 200 : 1000) + " captured bytes, only got "
                    + have + ")"), o.error());
        }
    }

    @Test
    void emptyCaptureAndAFileHeaderOnly(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("empty.pcap");
        Files.write(file, pcap(ByteOrder.BIG_ENDIAN, false, 65535, 1));
        assertEquals(0, assertSameAsLibpcap(file).frames().size());
    }

    @Test
    void whatLibpcapKeepsReading() {
        byte[] h = pcap(ByteOrder.LITTLE_ENDIAN, false, 65535, 1);
        assertNotNull(ClassicPcapReader.header(h, h.length));
        assertNull(ClassicPcapReader.header(h, 23), "file header cut short");
        byte[] v23 = h.clone();
        v23[6] = 3;
        assertNull(ClassicPcapReader.header(v23, v23.length), "2.3: caplen and length may be swapped");
        byte[] kuznetzov = h.clone();
        ByteBuffer.wrap(kuznetzov).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 0xa1b2cd34);
        assertNull(ClassicPcapReader.header(kuznetzov, kuznetzov.length));
        byte[] pcapng = h.clone();
        ByteBuffer.wrap(pcapng).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 0x0a0d0d0a);
        assertNull(ClassicPcapReader.header(pcapng, pcapng.length));
        byte[] ieee80211 = pcap(ByteOrder.LITTLE_ENDIAN, false, 65535, 105);
        assertNull(ClassicPcapReader.header(ieee80211, ieee80211.length), "a link type tracecap does not decode");
    }

    @Test
    void otherLinkTypesAndVersionsStillReadThroughLibpcap(@TempDir Path dir) throws IOException, CaptureException {
        byte[] data = new byte[30];
        Path wifi = dir.resolve("wifi.pcap");
        Files.write(wifi, pcap(ByteOrder.LITTLE_ENDIAN, false, 65535, 105,
                record(ByteOrder.LITTLE_ENDIAN, 5, 6, 30, 30, data)));
        List<Integer> linkTypes = new ArrayList<>();
        assertEquals(1, PcapFileSource.read(wifi, (t, l, f, c, w) -> linkTypes.add(l)));
        assertEquals(List.of(105), linkTypes);
    }

    @Test
    void timestampsAreUnsignedSecondsAndFraction(@TempDir Path dir) throws IOException, CaptureException {
        // 0x80000000 s is 2038-01-19T03:14:08Z; libpcap sign-extends it in native-order files (to 1901)
        byte[] data = new byte[20];
        Path file = dir.resolve("y2038.pcap");
        Files.write(file, pcap(ByteOrder.LITTLE_ENDIAN, true, 65535, 1,
                record(ByteOrder.LITTLE_ENDIAN, 0x8000_0000, 5, 20, 20, data)));
        List<Long> times = new ArrayList<>();
        PcapFileSource.read(file, (t, l, f, c, w) -> times.add(t));
        assertEquals(List.of(0x8000_0000L * 1_000_000_000L + 5), times);
    }

    @Test
    void libpcapReadsAFractionOfOneSecondOrMoreAsACorruptRecord(@TempDir Path dir) throws IOException {
        // version 2.3 goes to libpcap; pcap4j cannot build a java.sql.Timestamp of 1.5 s past the second
        byte[] data = new byte[20];
        byte[] bytes = pcap(ByteOrder.LITTLE_ENDIAN, false, 65535, 1,
                record(ByteOrder.LITTLE_ENDIAN, 5, 6, 20, 20, data),
                record(ByteOrder.LITTLE_ENDIAN, 6, 1_500_000, 20, 20, data),
                record(ByteOrder.LITTLE_ENDIAN, 7, 8, 20, 20, data));
        bytes[6] = 3;
        Path file = dir.resolve("v23.pcap");
        Files.write(file, bytes);
        Outcome o = outcome(PcapFileSource::read, file);
        assertEquals(1, o.delivered());
        assertEquals(file + ": capture is corrupt after 1 packets (record 2 has a timestamp fraction of a second of"
                + " 1 s or more): only the packets before that point were read", o.error());
        // the Java reader takes the same record (as version 2.4) as a time
        bytes[6] = 4;
        Files.write(file, bytes);
        Outcome java = outcome(PcapFileSource::read, file);
        assertNull(java.error());
        assertEquals(7_500_000_000L, java.frames().get(1).timeNanos());
    }

    @Test
    void aFailingSinkStopsTheRead() {
        IllegalStateException boom = new IllegalStateException("boom");
        int[] calls = {0};
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> PcapFileSource.read(CAPTURES.resolve("straight-traceroute-udp.pcap"), (t, l, f, c, w) -> {
                    if (++calls[0] == 2) {
                        throw boom;
                    }
                }));
        assertEquals(boom, thrown);
        assertEquals(2, calls[0]);
    }

    @Test
    void recordsSpanningManyReadBuffers(@TempDir Path dir) throws IOException {
        // ~3 MiB of records of every size from 0 to 4000 bytes: records straddle the 1 MiB buffer ends
        List<byte[]> records = new ArrayList<>();
        int size = 0;
        for (int i = 0; size < 3 << 20; i++) {
            byte[] data = new byte[i % 4001];
            Arrays.fill(data, (byte) i);
            byte[] r = record(ByteOrder.BIG_ENDIAN, 1_800_000_000 + i, i % 1_000_000, data.length, data.length + 4,
                    data);
            records.add(r);
            size += r.length;
        }
        Path file = dir.resolve("many.pcap");
        Files.write(file, pcap(ByteOrder.BIG_ENDIAN, false, 0, 1, records.toArray(new byte[0][])));
        assertEquals(records.size(), assertSameAsLibpcap(file).frames().size());
    }

    private static byte[][] records(List<Frame> frames, ByteOrder order, boolean nanos) {
        byte[][] out = new byte[frames.size()][];
        for (int i = 0; i < out.length; i++) {
            Frame f = frames.get(i);
            long fraction = f.timeNanos() % 1_000_000_000L;
            out[i] = record(order, (int) (f.timeNanos() / 1_000_000_000L), (int) (nanos ? fraction : fraction / 1000),
                    f.bytes().length, f.wireLength(), f.bytes());
        }
        return out;
    }

    static byte[] pcap(ByteOrder order, boolean nanos, int snaplen, int linkType, byte[]... records) {
        int size = 24 + Arrays.stream(records).mapToInt(r -> r.length).sum();
        ByteBuffer b = ByteBuffer.allocate(size).order(order);
        b.putInt(nanos ? 0xa1b23c4d : 0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                .putInt(snaplen).putInt(linkType);
        for (byte[] r : records) {
            b.put(r);
        }
        return b.array();
    }

    static byte[] record(ByteOrder order, int seconds, int fraction, int caplen, int wireLength, byte[] data) {
        return ByteBuffer.allocate(16 + data.length).order(order).putInt(seconds).putInt(fraction).putInt(caplen)
                .putInt(wireLength).put(data).array();
    }
}
