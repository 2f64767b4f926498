package org.tracecap.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Whatever the bytes, {@link PcapFileSource#read} gives frames or one {@link CaptureException} whose count
 * is the frames delivered; never another exception, never a frame longer than the reader's buffer. The
 * files are synthetic pcapng (written by {@link PcapngBuilder}: two sections in both byte orders, Ethernet
 * and NULL interfaces with time stamp options, Enhanced, Simple and obsolete Packet Blocks, options, a Name
 * Resolution and a custom block) with 32-bit words lied in, bytes flipped, cut anywhere, and gzipped.
 */
class PcapngReaderProperties {
    private static final byte[] GOOD = good();

    private static byte[] good() {
        byte[] frame = new byte[74];
        Arrays.fill(frame, (byte) 0x45);
        PcapngBuilder le = PcapngBuilder.little();
        le.section().iface(1, 65535, le.options(le.tsresol(9), le.tsoffset(3))).iface(0, 0)
                .epb(0, 1_000, frame, 74, le.options(le.epbFlags(1)))
                .block(PcapngBuilder.NRB, le.options(le.option(1, "198.18.0.1\0r1\0".getBytes())))
                .epb(1, 2_000, Arrays.copyOf(frame, 40)).spb(frame, 100).pb(1, 3_000, frame)
                .block(PcapngBuilder.CUSTOM, new byte[24]);
        PcapngBuilder be = PcapngBuilder.big();
        be.section().iface(0, 64, be.options(be.tsresol(0x80 | 20))).epb(0, 5L << 20, frame).spb(frame, 74);
        return PcapngBuilder.concat(le.bytes(), be.bytes());
    }

    /** Reads {@code bytes}; fails the property on anything but frames or one clear CaptureException. */
    private static void readsOrFailsClearly(byte[] bytes) throws IOException {
        Path file = Files.createTempFile("tcap-pcapng-property", ".pcapng");
        try {
            Files.write(file, bytes);
            long[] delivered = {0};
            try {
                long n = PcapFileSource.read(file, (t, l, f, c, w) -> {
                    assertTrue(c >= 0 && c <= f.length && c <= ClassicPcapReader.MAX_SNAPLEN, "captured " + c);
                    delivered[0]++;
                });
                assertEquals(delivered[0], n);
            } catch (CaptureException e) {
                assertEquals(delivered[0], e.packetsDelivered(), e.getMessage());
                assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
                assertFalse(e.getMessage().contains("\n"), e.getMessage());
            }
        } finally {
            Files.delete(file);
        }
    }

    @Property(tries = 300)
    void lyingWordsNeverBreakTheReader(@ForAll @Size(max = 6) List<@IntRange(min = 0, max = 1 << 16) Integer> at,
            @ForAll @Size(min = 6, max = 6) List<Integer> values, @ForAll boolean bigEndianLies) throws IOException {
        byte[] b = GOOD.clone();
        ByteBuffer bb = ByteBuffer.wrap(b).order(bigEndianLies ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < at.size(); i++) {
            int offset = (at.get(i) % (b.length / 4)) * 4;
            bb.putInt(offset, values.get(i));
        }
        readsOrFailsClearly(b);
    }

    @Property(tries = 300)
    void flippedBytesAndCutsNeverBreakTheReader(@ForAll @Size(max = 8) List<@IntRange(min = 0, max = 1 << 16) Integer> flips,
            @ForAll @IntRange(min = 0, max = 1 << 16) int cut, @ForAll boolean gzip) throws IOException {
        byte[] b = GOOD.clone();
        for (int f : flips) {
            b[f % b.length] ^= (byte) (1 << (f & 7));
        }
        b = Arrays.copyOf(b, 4 + cut % (b.length - 3));
        if (gzip) {
            ByteArrayOutputStream packed = new ByteArrayOutputStream();
            try (OutputStream o = new GZIPOutputStream(packed)) {
                o.write(b);
            }
            b = packed.toByteArray();
        }
        readsOrFailsClearly(b);
    }

    @Property(tries = 50)
    void theGoodFileReadsWhole(@ForAll boolean gzip) throws Exception {
        byte[] b = GOOD;
        if (gzip) {
            ByteArrayOutputStream packed = new ByteArrayOutputStream();
            try (OutputStream o = new GZIPOutputStream(packed)) {
                o.write(b);
            }
            b = packed.toByteArray();
        }
        Path file = Files.createTempFile("tcap-pcapng-property", ".pcapng");
        try {
            Files.write(file, b);
            CapturedFrames.Recorder r = new CapturedFrames.Recorder();
            assertEquals(6, PcapFileSource.read(file, r));
            // 10^-9 units, 3 s offset; NULL in microseconds; SPB no time; 2^-20 units: 5 s. Lengths: the SPB
            // of original length 100 holds 74 bytes padded to 76 (section 4.4: min of 100, 76, snaplen); the
            // last SPB is cut to its interface's 64-byte snaplen
            assertEquals(List.of(3_000_001_000L, 2_000_000L, 0L, 3_000_000L, 5_000_000_000L, 0L),
                    r.frames().stream().map(CapturedFrames.Frame::timeNanos).toList());
            assertEquals(List.of(1, 0, 1, 0, 0, 0), r.frames().stream().map(CapturedFrames.Frame::linkType).toList());
            assertEquals(List.of(74, 40, 76, 74, 74, 64), r.frames().stream().map(f -> f.bytes().length).toList());
        } finally {
            Files.delete(file);
        }
    }
}
