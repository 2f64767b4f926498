package org.tracecap.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapFileWriterTest {
    /** A UDP probe as tracecap sends it: TTL 1, 198.18.0.2:50001 -> 198.18.1.2:33434, IP length 60. */
    static final byte[] PROBE = LivePortTest.probe(MacAddress.parse("02:00:00:00:00:02"),
            MacAddress.parse("02:00:00:00:00:01"), 1, 33434);
    static final long PROBE_TIME = 1_790_000_000_123_456_789L;

    @Test
    void writesANanosecondPcapThatTcpdumpTsharkAndPcapFileSourceRead(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("out.pcap");
        try (PcapFileWriter w = PcapFileWriter.create(file, 1, 65535)) {
            w.frame(PROBE_TIME, 1, PROBE, PROBE.length, PROBE.length);
            byte[] longer = Arrays.copyOf(PROBE, PROBE.length + 10);
            w.frame(PROBE_TIME + 1, 1, longer, PROBE.length, PROBE.length + 10);
            assertEquals(2, w.framesWritten());
            assertFalse(Files.exists(file), "nothing under the target name before close");
        }
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xa1b23c4d, b.getInt(0));
        assertEquals(2, b.getShort(4));
        assertEquals(4, b.getShort(6));
        assertEquals(65535, b.getInt(16));
        assertEquals(1, b.getInt(20));
        assertEquals(1_790_000_000, b.getInt(24));
        assertEquals(123_456_789, b.getInt(28));
        assertEquals(PROBE.length, b.getInt(32));
        assertEquals(PROBE.length, b.getInt(36));
        assertEquals(24 + 2 * (16 + PROBE.length), bytes.length);

        List<Long> times = new ArrayList<>();
        List<Integer> wire = new ArrayList<>();
        assertEquals(2, PcapFileSource.read(file, (t, l, f, n, w) -> {
            times.add(t);
            wire.add(w);
            assertArrayEquals(PROBE, Arrays.copyOf(f, n));
        }));
        assertEquals(List.of(PROBE_TIME, PROBE_TIME + 1), times);
        assertEquals(List.of(PROBE.length, PROBE.length + 10), wire);
        assertToolsRead(file, 2, "33434");
    }

    @Test
    void cutsFramesToTheSnaplenAndKeepsTheWireLength(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("short.pcap");
        try (PcapFileWriter w = PcapFileWriter.create(file, 1, 34)) {
            w.frame(PROBE_TIME, 1, PROBE, PROBE.length, PROBE.length);
        }
        int[] lengths = new int[2];
        PcapFileSource.read(file, (t, l, f, n, w) -> {
            lengths[0] = n;
            lengths[1] = w;
        });
        assertArrayEquals(new int[] {34, PROBE.length}, lengths);
    }

    @Test
    void replacesAnExistingFileOnlyOnCloseAndDiscardLeavesItAlone(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("keep.pcap");
        Files.writeString(file, "old");
        PcapFileWriter w = PcapFileWriter.create(file, 1, 65535);
        w.frame(PROBE_TIME, 1, PROBE, PROBE.length, PROBE.length);
        w.discard();
        assertEquals("old", Files.readString(file));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "the temporary file is gone");
        }
        try (PcapFileWriter again = PcapFileWriter.create(file, 1, 65535)) {
            again.frame(PROBE_TIME, 1, PROBE, PROBE.length, PROBE.length);
        }
        assertEquals(24 + 16 + PROBE.length, Files.size(file));
    }

    @Test
    void theFileGetsTheUsualPermissionsAsTcpdumpsDo(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("shared.pcap");
        try (PcapFileWriter w = PcapFileWriter.create(file, 1, 65535)) {
            w.frame(PROBE_TIME, 1, PROBE, PROBE.length, PROBE.length);
        }
        Path plain = Files.createFile(dir.resolve("plain")); // what the umask gives a new file
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(file));
    }

    @Test
    void aDirectoryThatDoesNotExistIsSaidAtCreate(@TempDir Path dir) {
        Path file = dir.resolve("missing/out.pcap");
        IOException e = assertThrows(IOException.class, () -> PcapFileWriter.create(file, 1, 65535));
        assertTrue(e.getMessage().startsWith(file + ": cannot create a capture file there"), e.getMessage());
    }

    /** tcpdump -r and tshark -r both read {@code file}: {@code frames} lines, one containing {@code expect}. */
    static void assertToolsRead(Path file, int frames, String expect) throws Exception {
        for (List<String> command : List.of(List.of("tcpdump", "-nn", "-tt", "-r", file.toString()),
                List.of("tshark", "-n", "-r", file.toString()))) {
            Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), command + " did not finish");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), command + ": " + err);
            assertEquals(frames, out.lines().count(), command + " printed:\n" + out);
            assertTrue(out.toLowerCase(java.util.Locale.ROOT).contains(expect), command + " printed:\n" + out);
        }
    }

    /** libpcap's DLT_RAW (12 on Linux, 14 on OpenBSD) is LINKTYPE_RAW (101) in a file; other types stay as they are. */
    @Test
    void rawIpIsWrittenAsLinktypeRaw(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("raw.pcap");
        byte[] ip = Arrays.copyOfRange(PROBE, 14, PROBE.length);
        try (PcapFileWriter w = PcapFileWriter.create(file, 12, 65535)) {
            w.frame(PROBE_TIME, 12, ip, ip.length, ip.length);
        }
        assertEquals(101, ByteBuffer.wrap(Files.readAllBytes(file), 20, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
        List<Integer> linkTypes = new ArrayList<>();
        PcapFileSource.read(file, (time, linkType, frame, caplen, wirelen) -> linkTypes.add(linkType));
        assertEquals(List.of(12), linkTypes, "read back as libpcap's DLT_RAW, as a live port gives it");
        assertEquals(101, PcapFileWriter.fileLinkType(14));
        assertEquals(1, PcapFileWriter.fileLinkType(1));
        assertEquals(228, PcapFileWriter.fileLinkType(228));
        assertEquals(113, PcapFileWriter.fileLinkType(113));
    }
}
