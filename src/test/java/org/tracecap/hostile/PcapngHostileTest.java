package org.tracecap.hostile;

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
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tracecap.capture.CaptureException;
import org.tracecap.capture.PcapFileSource;

/**
 * The pcapng reader and the gzip stream under hostile bytes (issue 12): the bundled pcapng cut at every
 * offset, every 32-bit and 16-bit field of it lying, and its gzip cut at every offset. Read directly, each
 * gives its frames or one {@link CaptureException}, never another exception, and the exception's count is
 * the frames delivered; through the CLI (a sample of them), exit 0 or 2, no stack trace, and when the file
 * broke one error line, the last, naming it.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class PcapngHostileTest {
    static final Path GOOD = Path.of("captures/straight-traceroute-udp.pcapng");
    /** Values a length field may lie with: too small, unaligned, huge, sign bit. */
    static final int[] LIES = {0, 1, 7, 11, 12, 13, 0x7fff_fffc, 0x8000_0000, 0xffff_fffc, 0xffff_ffff};
    /** Every how many mutants also run through the CLI. */
    static final int CLI_EVERY = 23;

    @TempDir
    Path dir;
    int mutants;

    /** Reads {@code bytes} as a file; through the CLI too for every {@link #CLI_EVERY}th call. */
    void check(byte[] bytes, String what) throws IOException {
        Path file = dir.resolve("hostile.pcapng");
        Files.write(file, bytes);
        long[] delivered = {0};
        try {
            PcapFileSource.read(file, (t, l, f, c, w) -> {
                if (c < 0 || c > f.length) {
                    throw new AssertionError(what + ": captured length " + c);
                }
                delivered[0]++;
            });
        } catch (CaptureException e) {
            assertEquals(delivered[0], e.packetsDelivered(), what);
            assertTrue(e.getMessage().startsWith(file + ": "), what + ": " + e.getMessage());
            assertFalse(e.getMessage().contains("\n"), what + ": " + e.getMessage());
        } catch (RuntimeException e) {
            throw new AssertionError(what + ": " + e, e);
        }
        if (mutants++ % CLI_EVERY == 0) {
            CliResult r = CliResult.inProcess("replay", "-n", file.toString());
            r.assertNoStackTrace();
            assertTrue(r.status() == 0 || r.status() == 2, () -> what + ":\n" + r);
            if (r.status() == 2) {
                List<String> err = r.errLines();
                long errors = err.stream().filter(l -> l.startsWith("tracecap: " + file + ": ")).count();
                assertEquals(1, errors, () -> what + ":\n" + r);
                assertTrue(err.get(err.size() - 1).startsWith("tracecap: " + file + ": "), () -> what + ":\n" + r);
            }
        }
    }

    @Test
    void cutAtEveryOffset() throws IOException {
        byte[] good = Files.readAllBytes(GOOD);
        for (int cut = 0; cut <= good.length; cut++) {
            check(Arrays.copyOf(good, cut), "cut at " + cut);
        }
    }

    @Test
    void everyFieldLying() throws IOException {
        byte[] good = Files.readAllBytes(GOOD);
        ByteOrder order = good[8] == 0x4d ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        for (int at = 0; at + 4 <= good.length; at += 4) {
            for (int lie : LIES) {
                byte[] b = good.clone();
                ByteBuffer.wrap(b).order(order).putInt(at, lie);
                check(b, "0x" + Integer.toHexString(lie) + " at " + at);
            }
            byte[] b = good.clone();
            int value = ByteBuffer.wrap(b).order(order).getInt(at);
            ByteBuffer.wrap(b).order(order).putInt(at, value + 4);
            check(b, "+4 at " + at);
            for (int half = 0; half < 4; half += 2) {
                byte[] h = good.clone();
                ByteBuffer.wrap(h).order(order).putShort(at + half, (short) 0xffff);
                check(h, "0xffff at " + (at + half));
            }
        }
    }

    @Test
    void gzipCutAtEveryOffset() throws IOException {
        ByteArrayOutputStream packed = new ByteArrayOutputStream();
        try (OutputStream o = new GZIPOutputStream(packed)) {
            o.write(Files.readAllBytes(GOOD));
        }
        byte[] gz = packed.toByteArray();
        for (int cut = 0; cut < gz.length; cut++) {
            check(Arrays.copyOf(gz, cut), "gzip cut at " + cut);
            byte[] flipped = gz.clone();
            flipped[cut] ^= (byte) 0x5a;
            check(flipped, "gzip byte " + cut + " flipped");
        }
    }
}
