package org.tracecap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tracecap.capture.CapturedFrames;
import org.tracecap.capture.CapturedFrames.Frame;
import org.tracecap.capture.PcapngBuilder;

/**
 * Captures as people keep them (issue 12): pcapng, several link types in one pcapng, gzip, and standard
 * input, each replaying to the traces of the plain classic pcap of the same packets.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CaptureFormatsReplayTest {
    static final Path CAPTURES = Path.of("captures");
    static final Path UDP = CAPTURES.resolve("straight-traceroute-udp.pcap");
    static final Path MULTI = CAPTURES.resolve("multi-traceroute-udp.pcap");

    @TempDir
    Path dir;

    private static CliRun replay(Path capture) {
        CliRun run = CliRun.of("replay", "-n", capture.toString());
        assertEquals(0, run.status(), run::toString);
        return run;
    }

    @Test
    void theBundledPcapngReplaysAsThePcap() {
        CliRun pcap = replay(UDP);
        CliRun pcapng = replay(CAPTURES.resolve("straight-traceroute-udp.pcapng"));
        assertFalse(pcap.out().isEmpty());
        assertEquals(pcap.out(), pcapng.out());
        assertEquals(pcap.err(), pcapng.err());
    }

    /**
     * Synthetic: a Windows-style capture on all interfaces, Ethernet and a NULL (loopback) interface, written
     * by the test: the IPv4 frames of the bundled capture alternate between the two interfaces (on the NULL one
     * without their Ethernet header, behind a 4-byte AF_INET in little-endian order), with nanosecond time
     * stamps. libpcap refused such a file ("corrupt after 0 packets").
     */
    @Test
    void aPcapngWithEthernetAndNullInterfacesReplaysToTheSameTrace() throws IOException {
        List<Frame> frames = CapturedFrames.read(UDP);
        PcapngBuilder b = PcapngBuilder.little();
        b.section().iface(0, 262144, b.options(b.tsresol(9))).iface(1, 262144, b.options(b.tsresol(9)));
        int onNull = 0;
        for (Frame f : frames) {
            boolean ipv4 = (f.bytes()[12] & 0xff) == 0x08 && f.bytes()[13] == 0;
            if (ipv4 && f.number() % 2 == 0) {
                byte[] bytes = f.bytes();
                byte[] loop = new byte[4 + bytes.length - 14];
                loop[0] = 2; // AF_INET, in the capturing host's (little-endian) byte order
                System.arraycopy(bytes, 14, loop, 4, bytes.length - 14);
                b.epb(0, f.timeNanos(), loop, loop.length, new byte[0]);
                onNull++;
            } else {
                b.epb(1, f.timeNanos(), f.bytes(), f.wireLength(), new byte[0]);
            }
        }
        assertTrue(onNull > 10);
        Path file = dir.resolve("windows-all-interfaces.pcapng");
        Files.write(file, b.bytes());
        CliRun pcap = replay(UDP);
        CliRun mixed = replay(file);
        assertEquals(pcap.out(), mixed.out());
        assertEquals(pcap.err(), mixed.err());
    }

    @Test
    void gzippedCapturesReplayAsThePlainFiles() throws IOException {
        for (String name : List.of("straight-traceroute-udp.pcap", "straight-traceroute-udp.pcapng",
                "straight-traceroute-icmp-nano.pcap", "multi-traceroute-udp.pcap")) {
            Path gz = dir.resolve(name + ".gz");
            try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
                o.write(Files.readAllBytes(CAPTURES.resolve(name)));
            }
            CliRun plain = replay(CAPTURES.resolve(name));
            CliRun gzipped = replay(gz);
            assertEquals(plain.out(), gzipped.out(), name);
            assertEquals(plain.err(), gzipped.err(), name);
        }
    }

    @Test
    void aGzipStreamCutShortGivesTheTracesBeforeAndOneLine() throws IOException {
        ByteArrayOutputStream packed = new ByteArrayOutputStream();
        // four copies of the capture's records, one after another: a long stream to cut in its middle
        byte[] once = Files.readAllBytes(MULTI);
        try (OutputStream o = new GZIPOutputStream(packed)) {
            o.write(once);
        }
        byte[] gz = packed.toByteArray();
        Path cut = dir.resolve("cut.pcap.gz");
        Files.write(cut, java.util.Arrays.copyOf(gz, gz.length * 3 / 4));
        CliRun run = CliRun.of("replay", "-n", cut.toString());
        assertEquals(2, run.status(), run::toString);
        List<String> err = run.errLines();
        String last = err.get(err.size() - 1);
        assertTrue(last.matches("tracecap: " + java.util.regex.Pattern.quote(cut.toString()) + ": capture is cut"
                + " short after [1-9][0-9]* packets \\(gzip: stream cut short: .*\\): only the packets before that"
                + " point were read"), last);
        assertFalse(run.out().isEmpty(), "the traces completed before the cut are printed");
    }

    /** {@code tracecap replay -} in a child JVM, the capture written to its stdin through a pipe. */
    private static Process replayStdin(String... options) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName(), "replay"));
        command.addAll(List.of(options));
        command.add("-");
        return new ProcessBuilder(command).start();
    }

    @Test
    void standardInputReplaysEveryFormat() throws Exception {
        ByteArrayOutputStream packed = new ByteArrayOutputStream();
        try (OutputStream o = new GZIPOutputStream(packed)) {
            o.write(Files.readAllBytes(CAPTURES.resolve("straight-traceroute-udp.pcapng")));
        }
        CliRun expected = replay(UDP);
        for (byte[] input : List.of(Files.readAllBytes(UDP),
                Files.readAllBytes(CAPTURES.resolve("straight-traceroute-udp.pcapng")), packed.toByteArray())) {
            Process p = replayStdin("-n");
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            try (OutputStream in = p.getOutputStream()) {
                in.write(input);
            }
            String out = readAll(p.getInputStream());
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), err.get());
            assertEquals(expected.out(), out);
            assertEquals(expected.err(), err.get());
        }
    }

    /**
     * A trace that is complete is printed while the capture is still arriving: the pipe stays open (as
     * {@code tcpdump -U -w -} keeps it). Synthetic stream: the bundled capture's frames, then the same frames
     * 100 s later (a pcapng written by the test); by the reconstruction's rules the first copy's runs close
     * once the capture has gone on past their inactivity time, so they must come out before the pipe closes.
     */
    @Test
    void standardInputPrintsEachTraceBeforeTheCaptureEnds() throws Exception {
        List<Frame> frames = CapturedFrames.read(MULTI);
        PcapngBuilder b = PcapngBuilder.big();
        b.section().iface(1, 262144, b.options(b.tsresol(9)));
        for (long shift : new long[] {0, 100_000_000_000L}) {
            for (Frame f : frames) {
                b.epb(0, f.timeNanos() + shift, f.bytes(), f.wireLength(), new byte[0]);
            }
        }
        Path whole = dir.resolve("twice.pcapng");
        Files.write(whole, b.bytes());
        CliRun expected = replay(whole);
        String firstCopy = replay(MULTI).out();
        assertTrue(expected.out().startsWith(firstCopy));

        Process p = replayStdin("-n");
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        OutputStream in = p.getOutputStream();
        in.write(b.bytes());
        in.flush();
        BufferedReader reader = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        int lines = (int) firstCopy.lines().count();
        CompletableFuture<String> early = CompletableFuture.supplyAsync(() -> {
            StringBuilder got = new StringBuilder();
            try {
                for (int i = 0; i < lines; i++) {
                    got.append(reader.readLine()).append('\n');
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return got.toString();
        });
        // the pipe is still open: the first copy's traces come out anyway
        assertEquals(firstCopy, early.get(30, TimeUnit.SECONDS));
        assertTrue(p.isAlive(), "still reading its stdin");
        in.close();
        StringBuilder all = new StringBuilder(firstCopy);
        for (String line; (line = reader.readLine()) != null;) {
            all.append(line).append('\n');
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err.get());
        assertEquals(expected.out(), all.toString());
        assertEquals(expected.err(), err.get());
    }

    /**
     * Ctrl-C while {@code tracecap replay -} waits for more input (the writer still has the pipe open): the
     * read is interrupted at once, the traces reconstructed so far are printed, the summary says
     * "interrupted" and the exit status is 130, well before the shutdown hook's grace time.
     */
    @Test
    void ctrlCWhileStandardInputWaitsPrintsWhatWasRead() throws Exception {
        CliRun expected = replay(MULTI);
        // SIGINT reset to its default before java starts (a background job may have it ignored)
        List<String> command = new ArrayList<>(List.of("python3", "-c",
                "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL);"
                        + " os.execv(sys.argv[1], sys.argv[1:])",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "replay", "-n", "-"));
        Process p = new ProcessBuilder(command).start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        OutputStream in = p.getOutputStream();
        in.write(Files.readAllBytes(MULTI));
        in.flush();
        // the traces wait for the capture to go on (or end): give the JVM time to start and read the frames
        Thread.sleep(3000);
        assertTrue(p.isAlive(), "still waiting for input");
        long signalled = System.nanoTime();
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "still running after SIGINT");
        long ms = (System.nanoTime() - signalled) / 1_000_000;
        in.close();
        String said = err.get(10, TimeUnit.SECONDS);
        assertEquals(130, p.exitValue(), said);
        assertTrue(ms < ReplayCommand.INTERRUPT_GRACE_MILLIS / 2, "took " + ms + " ms");
        List<String> lines = said.lines().toList();
        assertEquals(1, lines.size(), said);
        assertTrue(lines.get(0).startsWith("tracecap: 98 packets read, ") && lines.get(0).endsWith(", interrupted"),
                said);
        // the traces as far as they got: their hops are all there, the last marked as the capture ended
        assertTrue(out.get(10, TimeUnit.SECONDS).startsWith(expected.out().lines().findFirst().orElseThrow()),
                out.get());
        assertEquals(expected.out().lines().count(), out.get().lines().count(), out.get());
    }

    @Test
    void standardInputThatIsNotACaptureIsOneLine() throws Exception {
        Process p = replayStdin("-n");
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        try (OutputStream in = p.getOutputStream()) {
            in.write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        String out = readAll(p.getInputStream());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue());
        assertEquals("", out);
        assertEquals(List.of("tracecap: stdin: not a pcap or pcapng capture: give a .pcap or .pcapng file, or either"
                + " gzipped (tcpdump -w, tshark -w, Wireshark)"), err.get().lines().toList());
    }

    private static String readAll(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
