package org.tracecap.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tracecap.capture.CapturedFrames.Frame;
import org.tracecap.capture.CapturedFrames.Recorder;

/**
 * {@link PcapngReader} on synthetic pcapng files written by {@link PcapngBuilder} (every file here is made by
 * the test, none recorded), read through {@link PcapFileSource#read} as the CLI reads them.
 */
class PcapngReaderTest {
    private static final int ETHERNET = 1;
    private static final int NULL = 0;
    /** 2026-01-01T00:00:00Z. */
    private static final long SECONDS = 1_767_225_600L;

    @TempDir
    Path dir;

    private static byte[] frame(int size, int seed) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (seed + i);
        }
        return b;
    }

    private Path write(byte[] bytes) throws IOException {
        Path file = Files.createTempFile(dir, "synthetic", ".pcapng");
        Files.write(file, bytes);
        return file;
    }

    private List<Frame> read(byte[] bytes) throws Exception {
        Recorder r = new Recorder();
        long n = PcapFileSource.read(write(bytes), r);
        assertEquals(r.frames().size(), n);
        return r.frames();
    }

    private CaptureException fails(byte[] bytes, int delivered) throws IOException {
        Path file = write(bytes);
        Recorder r = new Recorder();
        CaptureException e = assertThrows(CaptureException.class, () -> PcapFileSource.read(file, r));
        assertEquals(delivered, r.frames().size(), e.getMessage());
        assertEquals(delivered, e.packetsDelivered());
        assertTrue(e.getMessage().startsWith(file + ": capture is "), e.getMessage());
        assertTrue(e.getMessage().contains(" after " + delivered + " packets (pcapng: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e;
    }

    @Test
    void theBundledPcapngGivesWhatLibpcapGivesAndWhatItsPcapGives() throws Exception {
        Path pcapng = CapturedFrames.CAPTURES.resolve("straight-traceroute-udp.pcapng");
        Recorder java = new Recorder();
        Recorder libpcap = new Recorder();
        PcapFileSource.read(pcapng, java);
        PcapFileSource.readWithLibpcap(pcapng, libpcap);
        List<Frame> classic = CapturedFrames.read("straight-traceroute-udp.pcap");
        assertEquals(34, java.frames().size());
        for (List<Frame> other : List.of(libpcap.frames(), classic)) {
            assertEquals(other.size(), java.frames().size());
            for (int i = 0; i < other.size(); i++) {
                Frame a = java.frames().get(i);
                Frame b = other.get(i);
                assertEquals(b.timeNanos(), a.timeNanos());
                assertEquals(b.linkType(), a.linkType());
                assertEquals(b.wireLength(), a.wireLength());
                assertArrayEquals(b.bytes(), a.bytes());
            }
        }
    }

    private static PcapngBuilder twoFrames(PcapngBuilder b) {
        return b.section().iface(ETHERNET, 65535)
                .epb(0, SECONDS * 1_000_000 + 250_000, frame(60, 1))
                .epb(0, SECONDS * 1_000_000 + 500_001, frame(61, 2), 1500, new byte[0]);
    }

    @Test
    void bothByteOrdersGiveTheSameFrames() throws Exception {
        List<Frame> little = read(twoFrames(PcapngBuilder.little()).bytes());
        List<Frame> big = read(twoFrames(PcapngBuilder.big()).bytes());
        assertEquals(2, little.size());
        for (int i = 0; i < 2; i++) {
            assertEquals(little.get(i).timeNanos(), big.get(i).timeNanos());
            assertEquals(little.get(i).wireLength(), big.get(i).wireLength());
            assertArrayEquals(little.get(i).bytes(), big.get(i).bytes());
            assertEquals(ETHERNET, big.get(i).linkType());
        }
        // default if_tsresol: microseconds
        assertEquals(SECONDS * 1_000_000_000L + 250_000_000L, little.get(0).timeNanos());
        assertEquals(SECONDS * 1_000_000_000L + 500_001_000L, little.get(1).timeNanos());
        assertArrayEquals(frame(61, 2), little.get(1).bytes());
        assertEquals(1500, little.get(1).wireLength());
    }

    @Test
    void interfacesHaveTheirOwnLinkTypesAndRestartWithEachSection() throws Exception {
        // Section 1 little-endian: 0 Ethernet, 1 NULL (Windows: Ethernet plus the loopback adapter).
        PcapngBuilder one = PcapngBuilder.little().section().iface(ETHERNET, 0).iface(NULL, 0)
                .epb(1, 10, frame(40, 3)).epb(0, 11, frame(50, 4));
        // Section 2 big-endian: interface 0 is now NULL.
        PcapngBuilder two = PcapngBuilder.big().section().iface(NULL, 262144).epb(0, 12, frame(44, 5));
        List<Frame> frames = read(PcapngBuilder.concat(one.bytes(), two.bytes()));
        assertEquals(List.of(NULL, ETHERNET, NULL), frames.stream().map(Frame::linkType).toList());
        assertEquals(List.of(10_000L, 11_000L, 12_000L), frames.stream().map(Frame::timeNanos).toList());
        assertArrayEquals(frame(44, 5), frames.get(2).bytes());

        // Interface 1 of section 1 is not an interface of section 2.
        byte[] stale = PcapngBuilder.big().section().iface(NULL, 0).epb(1, 13, frame(44, 6)).bytes();
        CaptureException e = fails(PcapngBuilder.concat(one.bytes(), stale), 2);
        assertTrue(e.getMessage().contains("enhanced packet block names interface 1, but its section has described"
                + " 1"), e.getMessage());
    }

    @Test
    void linuxRawIsDeliveredAsLibpcapsDlt() throws Exception {
        List<Frame> frames = read(PcapngBuilder.little().section().iface(101, 0).epb(0, 1, frame(20, 0)).bytes());
        assertEquals(12, frames.get(0).linkType());
        frames = read(PcapngBuilder.little().section().iface(147, 0).epb(0, 1, frame(20, 0)).bytes());
        assertEquals(147, frames.get(0).linkType(), "a link type tracecap does not decode is handed on as is");
    }

    @Test
    void tsresolAndTsoffsetGiveNanosecondsSinceTheEpoch() throws Exception {
        PcapngBuilder b = PcapngBuilder.big();
        b.section()
                .iface(ETHERNET, 0, b.options(b.tsresol(9)))
                .iface(ETHERNET, 0, b.options(b.tsresol(0x80 | 30)))
                .iface(ETHERNET, 0, b.options(b.tsresol(3), b.tsoffset(SECONDS)))
                .iface(ETHERNET, 0, b.options(b.tsresol(12)))
                .iface(ETHERNET, 0, b.options(b.tsoffset(-5)))
                .epb(0, SECONDS * 1_000_000_000L + 123_456_789L, frame(20, 0))
                // 2^-30 s units: half a second is 1 << 29
                .epb(1, (SECONDS << 30) | (1L << 29), frame(20, 0))
                .epb(2, 1_234, frame(20, 0))
                // picoseconds: truncated to nanoseconds
                .epb(3, 123_456_789_999L, frame(20, 0))
                .epb(4, 7_000_000, frame(20, 0));
        List<Long> times = read(b.bytes()).stream().map(Frame::timeNanos).toList();
        long epoch = SECONDS * 1_000_000_000L;
        assertEquals(List.of(epoch + 123_456_789L, epoch + 500_000_000L, epoch + 1_234_000_000L, 123_456_789L,
                2_000_000_000L), times);
    }

    @Test
    void timeUnitsConvertExactly() {
        assertEquals(1_000L, TimeUnits.nanos(1, 6));
        assertEquals(7L, TimeUnits.nanos(7, 9));
        assertEquals(5_000_000_000L, TimeUnits.nanos(5, 0));
        assertEquals(1L, TimeUnits.nanos(1_999, 12), "finer than nanoseconds: truncated");
        // 2^-1 s units: 3 units = 1.5 s; 2^-32: 2^31 units = 0.5 s
        assertEquals(1_500_000_000L, TimeUnits.nanos(3, 0x81));
        assertEquals(500_000_000L, TimeUnits.nanos(1L << 31, 0x80 | 32));
        // 2^-62 s units: 2^62 - 1 units is 1 s less 2^-62 s, truncated to 999999999 ns
        assertEquals(999_999_999L, TimeUnits.nanos((1L << 62) - 1, 0x80 | 62));
        assertEquals(0xffff_ffffL * 1_000_000_000L, TimeUnits.nanos(0xffff_ffffL << 32, 0x80 | 32));
        assertTrue(TimeUnits.readable(19));
        assertFalse(TimeUnits.readable(20));
        assertTrue(TimeUnits.readable(0x80 | 63));
        assertFalse(TimeUnits.readable(0x80 | 64));
    }

    @Test
    void simplePacketBlocksTakeTheSmallestOfTheirLengths() throws Exception {
        byte[] f = frame(100, 7);
        List<Frame> frames = read(PcapngBuilder.little().section().iface(ETHERNET, 64)
                // original length 100, snaplen 64: 64 bytes
                .spb(f, 100)
                // original length 30, block room 100: 30 bytes
                .spb(f, 30).bytes());
        assertEquals(2, frames.size());
        assertArrayEquals(Arrays.copyOf(f, 64), frames.get(0).bytes());
        assertEquals(100, frames.get(0).wireLength());
        assertArrayEquals(Arrays.copyOf(f, 30), frames.get(1).bytes());
        assertEquals(0, frames.get(0).timeNanos(), "a simple packet block has no time stamp");

        // snaplen 0: no limit; original length 1500 bigger than the block: what the block holds
        frames = read(PcapngBuilder.big().section().iface(ETHERNET, 0).spb(f, 1500).bytes());
        assertArrayEquals(f, frames.get(0).bytes());
        assertEquals(1500, frames.get(0).wireLength());

        CaptureException e = fails(PcapngBuilder.big().section().spb(f, 100).bytes(), 0);
        assertTrue(e.getMessage().contains("simple packet block before any interface description block"),
                e.getMessage());
    }

    @Test
    void obsoletePacketBlocksAreRead() throws Exception {
        List<Frame> frames = read(PcapngBuilder.big().section().iface(ETHERNET, 0).iface(NULL, 0)
                .pb(1, 2_000_001, frame(33, 9)).bytes());
        assertEquals(1, frames.size());
        assertEquals(NULL, frames.get(0).linkType());
        assertEquals(2_000_001_000L, frames.get(0).timeNanos());
        assertArrayEquals(frame(33, 9), frames.get(0).bytes());
    }

    @ParameterizedTest
    @ValueSource(strings = {"LITTLE_ENDIAN", "BIG_ENDIAN"})
    void otherBlocksAreSkippedWholeHoweverLong(String order) throws Exception {
        PcapngBuilder b = new PcapngBuilder("BIG_ENDIAN".equals(order) ? ByteOrder.BIG_ENDIAN
                : ByteOrder.LITTLE_ENDIAN);
        b.section().iface(ETHERNET, 0)
                .block(PcapngBuilder.NRB, b.options(b.option(1, "198.18.0.1\0router\0".getBytes())))
                .epb(0, 1, frame(60, 1), 60, b.options(b.epbFlags(1), b.option(1, "a comment".getBytes())))
                .block(PcapngBuilder.ISB, new byte[20])
                .block(PcapngBuilder.CUSTOM, frame(33, 0))
                .block(PcapngBuilder.CUSTOM_NO_COPY, frame(8, 0))
                .block(PcapngBuilder.DSB, frame(16, 0))
                .block(0x7654_3210, new byte[0])
                // a block of 5 MiB: longer than the reader's buffer, skipped as it streams past
                .block(PcapngBuilder.CUSTOM, new byte[5 << 20])
                .epb(0, 2, frame(60, 2));
        List<Frame> frames = read(b.bytes());
        assertEquals(List.of(1_000L, 2_000L), frames.stream().map(Frame::timeNanos).toList());
    }

    @Test
    void lyingLengthsStopTheReadingAfterTheFramesBefore() throws Exception {
        PcapngBuilder good = twoFrames(PcapngBuilder.little());
        byte[] g = good.bytes();
        int firstEpb = 28 + 20;
        int secondEpb = firstEpb + 28 + 60 + 4;
        ByteBuffer b = ByteBuffer.wrap(g.clone()).order(ByteOrder.LITTLE_ENDIAN);

        assertTrue(fails(patch(g, secondEpb + 4, 98), 1).getMessage().contains("total length 98, not a multiple of 4"));
        assertTrue(fails(patch(g, secondEpb + 4, 7), 1).getMessage().contains("total length 7, less than 12"));
        assertTrue(fails(patch(g, secondEpb + 4, 8), 1).getMessage().contains("total length 8, less than 12"));
        assertTrue(fails(patch(g, secondEpb + 4, 0x8000_0000), 1).getMessage().contains("more than"));
        assertTrue(fails(patch(g, secondEpb + 4, 28 + 64 + 4 + 8), 1).getMessage().contains("cut short"));
        // trailing length differs from the leading one
        int trailer = secondEpb + b.getInt(secondEpb + 4) - 4;
        assertTrue(fails(patch(g, trailer, 100), 1).getMessage().contains("at its start and 100 at its end"));
        // captured length past the block
        assertTrue(fails(patch(g, secondEpb + 20, 65), 1).getMessage().contains("captured length 65, past its end"));
        assertTrue(fails(patch(g, secondEpb + 20, -1), 1).getMessage().contains("captured length 4294967295"));
        // an interface not described
        assertTrue(fails(patch(g, secondEpb + 8, 1), 1).getMessage().contains("names interface 1"));
        // the section header's byte-order magic and version
        assertTrue(fails(patch(g, 8, 0x1234_5678), 0).getMessage().contains("byte-order magic"));
        assertTrue(fails(patch(g, 12, 2), 0).getMessage().contains("version 2.0"));
        // bytes after the last block, less than a block header
        assertTrue(fails(PcapngBuilder.concat(g, new byte[5]), 2).getMessage().contains("cut short"));
    }

    @Test
    void optionsRunningPastTheirBlockAreCorrupt() throws Exception {
        PcapngBuilder b = PcapngBuilder.big();
        byte[] ok = b.section().iface(ETHERNET, 0).epb(0, 1, frame(20, 0)).bytes();
        // an if_tsresol claiming 200 bytes, in an interface block of 24 + 8 bytes
        PcapngBuilder lie = PcapngBuilder.big();
        byte[] tsresol = lie.tsresol(6);
        tsresol[3] = (byte) 200;
        byte[] idbLie = lie.section().iface(ETHERNET, 0, tsresol).epb(0, 1, frame(20, 0)).bytes();
        assertTrue(fails(idbLie, 0).getMessage().contains("option 9 of 200 bytes runs past the end of its interface"
                + " description block"));
        PcapngBuilder lie2 = PcapngBuilder.big();
        byte[] flags = lie2.epbFlags(2);
        flags[3] = 40;
        byte[] epbLie = lie2.section().iface(ETHERNET, 0).epb(0, 1, frame(20, 0)).epb(0, 2, frame(20, 0), 20, flags)
                .bytes();
        assertTrue(fails(epbLie, 1).getMessage().contains("option 2 of 40 bytes runs past the end of its packet block"));
        PcapngBuilder lie3 = PcapngBuilder.big();
        byte[] shortFlags = lie3.option(2, new byte[2]);
        assertTrue(fails(lie3.section().iface(ETHERNET, 0).epb(0, 1, frame(20, 0), 20, shortFlags).bytes(), 0)
                .getMessage().contains("epb_flags of 2 bytes, not 4"));
        PcapngBuilder lie4 = PcapngBuilder.little();
        assertTrue(fails(lie4.section().iface(ETHERNET, 0, lie4.tsresol(0x80 | 70)).bytes(), 0).getMessage()
                .contains("units of 2^-70 s"));
        assertEquals(1, read(ok).size());
    }

    @Test
    void aFileCutAnywhereDeliversTheWholePacketsBeforeTheCut() throws Exception {
        PcapngBuilder b = PcapngBuilder.big();
        b.section().iface(ETHERNET, 0, b.options(b.tsresol(9)))
                .epb(0, 1, frame(60, 1)).block(PcapngBuilder.NRB, new byte[12]).spb(frame(40, 2), 40)
                .pb(0, 3, frame(50, 3)).iface(NULL, 0).epb(1, 4, frame(30, 4), 30, b.options(b.epbFlags(2)));
        byte[] whole = b.bytes();
        // where each packet's block ends
        int[] packetEnds = new int[4];
        int at = 0;
        int packets = 0;
        ByteBuffer bb = ByteBuffer.wrap(whole);
        while (at < whole.length) {
            int type = bb.getInt(at);
            at += bb.getInt(at + 4);
            if (type == PcapngBuilder.EPB || type == PcapngBuilder.SPB || type == PcapngBuilder.PB) {
                packetEnds[packets++] = at;
            }
        }
        assertEquals(4, packets);
        assertEquals(4, read(whole).size());
        // from 4 bytes on, the section header's type says pcapng
        for (int cut = 4; cut < whole.length; cut++) {
            int before = 0;
            while (before < 4 && packetEnds[before] <= cut) {
                before++;
            }
            Path file = write(Arrays.copyOf(whole, cut));
            Recorder r = new Recorder();
            try {
                PcapFileSource.read(file, r);
                // a cut between blocks is a shorter file, not a fault
                assertTrue(isBlockBoundary(whole, cut), "cut at " + cut + " read without a fault");
                assertEquals(before, r.frames().size());
            } catch (CaptureException e) {
                assertFalse(isBlockBoundary(whole, cut) && cut >= 28, "cut at " + cut + ": " + e.getMessage());
                assertEquals(before, r.frames().size(), "cut at " + cut);
                assertEquals(before, e.packetsDelivered());
                assertTrue(e.getMessage().startsWith(file + ": capture is cut short after " + before + " packets"),
                        "cut at " + cut + ": " + e.getMessage());
            }
        }
    }

    private static boolean isBlockBoundary(byte[] whole, int offset) {
        ByteBuffer bb = ByteBuffer.wrap(whole);
        int at = 0;
        while (at < offset) {
            at += bb.getInt(at + 4);
        }
        return at == offset;
    }

    private static byte[] patch(byte[] file, int at, int value) {
        byte[] b = file.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
        return b;
    }
}
