package org.tracecap.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tracecap.report.HopJsonSchema;

class ReplayCommandTest {
    private static final String STRAIGHT = "captures/straight-traceroute-udp.pcap";
    private static final String MULTI = "captures/multi-traceroute-udp.pcap";
    private static final String SUMMARY = "tracecap: \\d+ packets? read, \\d+ probes? in \\d+ traces?"
            + "( \\(\\+\\d+ sent past the last hop, not shown\\))?, \\d+ repl(y|ies) attributed, \\d+ unattributed,"
            + " \\d+ malformed(, \\d+ extension warnings?)?(, \\d+ duplicate cop(y|ies) folded)?";
    private static final String WHAT_TO_GIVE = "give a .pcap or .pcapng file, or either gzipped (tcpdump -w,"
            + " tshark -w, Wireshark)";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void printsTheTableAndOneSummaryLine() {
        CliRun run = CliRun.of("replay", "-n", STRAIGHT);
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().startsWith("traceroute to 198.18.5.2 (198.18.5.2) from 198.18.1.1"), run.out());
        assertTrue(run.out().contains(" 1  198.18.1.2  "), run.out());
        assertTrue(run.out().contains(" 5  198.18.5.2  "), run.out());
        assertEquals(1, run.errLines().size(), run.err());
        assertTrue(run.errLines().get(0).matches(SUMMARY), run.err());
        // tshark: 16 probes, 16 replies; the 16th probe (TTL 6, port 33449) left before the destination's
        // Port Unreachable at TTL 5 came back, and was answered too.
        assertEquals("tracecap: 34 packets read, 15 probes in 1 trace (+1 sent past the last hop, not shown),"
                + " 16 replies attributed, 0 unattributed, 0 malformed", run.errLines().get(0));
    }

    @Test
    void copiesFoldedAndFramesSetAsideAreInTheSummary() {
        CliRun router = CliRun.of("replay", "-n", "captures/routercap-traceroute-udp.pcap");
        assertEquals(0, router.status(), router.err());
        assertEquals(List.of("tracecap: 62 packets read, 15 probes in 1 trace (+1 sent past the last hop, not shown),"
                + " 16 replies attributed, 0 unattributed, 0 malformed, 26 duplicate copies folded"), router.errLines());
        assertTrue(router.errLines().get(0).matches(SUMMARY), router.err());
        CliRun late = CliRun.of("replay", "-n", "captures/lateresolver-traceroute-udp.pcap");
        assertEquals(0, late.status(), late.err());
        assertEquals(List.of("tracecap: 51 packets read, 15 probes in 1 trace (+1 sent past the last hop, not shown),"
                + " 16 replies attributed, 0 unattributed, 0 malformed",
                "tracecap: set aside: outside its run's TTLs and identities (not a probe)=5,"
                + " sent by the prober (not a reply)=5"), late.errLines());
    }

    @Test
    void ipv6CaptureReplaysAsTraceroute6PrintsIt() {
        CliRun run = CliRun.of("replay", "-n", "captures/chain6-traceroute-udp.pcap");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().startsWith("traceroute to 2001:db8:5::2 (2001:db8:5::2) from 2001:db8:1::1, udp"
                + " (traceroute, probes told apart by udp-destination-port), 5 hops"), run.out());
        assertTrue(run.out().contains("\n 2  2001:db8:2::2  "), run.out());
        assertEquals(List.of("tracecap: 35 packets read, 15 probes in 1 trace (+1 sent past the last hop, not shown),"
                + " 16 replies attributed, 0 unattributed, 0 malformed"), run.errLines());
    }

    @Test
    void aCaptureWithNoTraceSaysWhatItsFramesWere(@TempDir Path dir) throws IOException {
        // SYNTHETIC: two ICMPv6 Neighbor Solicitations, nothing a traceroute sent
        Path file = dir.resolve("nd.pcap");
        try (org.tracecap.capture.PcapFileWriter w = org.tracecap.capture.PcapFileWriter.create(file,
                org.tracecap.packet.LinkLayer.RAW, 65535)) {
            byte[] ns = new byte[48];
            ns[0] = 0x60;
            ns[5] = 8;
            ns[6] = 58;
            ns[40] = (byte) 135;
            w.frame(1_000_000_000L, org.tracecap.packet.LinkLayer.RAW, ns, ns.length, ns.length);
            w.frame(2_000_000_000L, org.tracecap.packet.LinkLayer.RAW, ns, ns.length, ns.length);
        }
        CliRun run = CliRun.of("replay", "-n", file.toString());
        assertEquals(0, run.status(), run.err());
        assertEquals(List.of("tracecap: 2 packets read, 0 probes in 0 traces, 0 replies attributed, 0 unattributed,"
                + " 0 malformed", "tracecap: ignored: ICMPv6 type not traced=2"), run.errLines());
    }

    @Test
    void optionsMayFollowTheFile() {
        assertEquals(CliRun.of("replay", "-n", STRAIGHT).out(), CliRun.of("replay", STRAIGHT, "--numeric").out());
    }

    @Test
    void jsonOnStdoutIsOneDocument() throws IOException {
        CliRun run = CliRun.of("replay", "-n", "--json", MULTI);
        assertEquals(0, run.status(), run.err());
        JsonNode doc = JSON.readTree(run.out());
        assertEquals(3, doc.get("traces").size(), run.out());
        assertTrue(doc.has("summary"), run.out());
    }

    @Test
    void jsonLinesOnStdoutIsOneTracePerLine() throws IOException {
        CliRun run = CliRun.of("replay", "--json", "--jsonl", MULTI);
        assertEquals(0, run.status(), run.err());
        assertEquals(3, run.outLines().size(), run.out());
        for (String line : run.outLines()) {
            assertTrue(JSON.readTree(line).isObject(), line);
        }
    }

    @Test
    void outputFileHoldsTheSameDocumentAsStdoutAndNoTemporaryFileIsLeft(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("hops.json");
        CliRun run = CliRun.of("replay", "-n", "-o", file.toString(), MULTI);
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().startsWith("traceroute to "), "the table still goes to stdout");
        String stdoutJson = CliRun.of("replay", "-n", "--json", MULTI).out();
        assertEquals(stdoutJson, Files.readString(file));
        assertEquals(List.of(file), list(dir));
    }

    @Test
    void outputFileAsJsonLines(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("hops.jsonl");
        Files.writeString(file, "old contents\n");
        CliRun run = CliRun.of("replay", "--jsonl", "--output", file.toString(), MULTI);
        assertEquals(0, run.status(), run.err());
        List<String> lines = Files.readAllLines(file);
        assertEquals(3, lines.size());
        for (String line : lines) {
            assertEquals("198.18.1.1", JSON.readTree(line).get("source").asText(), line);
        }
        assertEquals(List.of(file), list(dir));
    }

    @Test
    void missingCaptureIsOneLineAndLeavesTheOutputFileAlone(@TempDir Path dir) throws IOException {
        Path capture = dir.resolve("absent.pcap");
        Path file = dir.resolve("hops.json");
        Files.writeString(file, "kept\n");
        CliRun run = CliRun.of("replay", "--json", "-o", file.toString(), capture.toString());
        assertFailsWithOneLine(run, "tracecap: " + capture + ": no such file: check the path");
        assertEquals("kept\n", Files.readString(file));
        assertEquals(List.of(file), list(dir));
    }

    @Test
    void notACaptureIsOneLine(@TempDir Path dir) throws IOException {
        Path capture = dir.resolve("notes.txt");
        Files.writeString(capture, "not a capture at all\n");
        assertFailsWithOneLine(CliRun.of("replay", capture.toString()), "tracecap: " + capture + ": not a pcap or"
                + " pcapng capture: " + WHAT_TO_GIVE);
    }

    @Test
    void truncatedCaptureShowsWhatCameBeforeTheCutThenTheError(@TempDir Path dir) throws IOException {
        Path capture = cut(dir, 2, 3);
        Path file = dir.resolve("hops.jsonl");
        CliRun run = CliRun.of("replay", "-n", "--jsonl", "-o", file.toString(), capture.toString());
        assertEquals(2, run.status(), run.err());
        assertTrue(run.out().startsWith("traceroute to "), "traces before the cut are printed: " + run.out());
        List<String> err = run.errLines();
        assertTrue(err.get(0).matches(SUMMARY), run.err());
        String last = err.get(err.size() - 1);
        assertTrue(last.startsWith("tracecap: " + capture + ": capture is cut short after "), last);
        assertFalse(Files.readAllLines(file).isEmpty(), "traces before the cut are written");
        assertEquals(run.outLines().stream().filter(l -> l.startsWith("traceroute to ")).count(),
                Files.readAllLines(file).size(), "each trace printed is written");
        assertFalse(run.err().contains("\tat "), "no stack trace");
    }

    @Test
    void directoryIsOneLine(@TempDir Path dir) {
        assertFailsWithOneLine(CliRun.of("replay", "-n", dir.toString()),
                "tracecap: " + dir + ": is a directory, not a capture file: " + WHAT_TO_GIVE);
    }

    @Test
    void emptyFileIsOneLineAndWritesNoOutputFile(@TempDir Path dir) throws IOException {
        Path capture = dir.resolve("empty.pcap");
        Files.write(capture, new byte[0]);
        Path file = dir.resolve("hops.json");
        assertFailsWithOneLine(CliRun.of("replay", "--json", "-o", file.toString(), capture.toString()),
                "tracecap: " + capture + ": empty file, not a capture: " + WHAT_TO_GIVE);
        assertEquals(List.of(capture), list(dir), "no output file, no temporary file");
    }

    @Test
    void truncatedCaptureStillWritesTheJsonDocumentOfTheTracesBeforeTheCut(@TempDir Path dir) throws IOException {
        // Cut inside the second run (to 198.18.3.2), after its TTL 2 probes and before the destination answers.
        Path capture = cut(dir, 9, 20);
        Path file = dir.resolve("hops.json");
        CliRun run = CliRun.of("replay", "-n", "-o", file.toString(), capture.toString());
        assertEquals(2, run.status(), run.err());
        List<String> tables = run.outLines().stream().filter(l -> l.startsWith("traceroute to ")).toList();
        assertEquals(2, tables.size(), "the first run, and the second up to the cut: " + run.out());
        JsonNode doc = JSON.readTree(file.toFile());
        assertEquals(tables.size(), doc.get("traces").size(), "the same traces in the file");
        assertEquals("198.18.3.2", doc.at("/traces/1/destination").asText());
        assertEquals("incomplete", doc.at("/traces/1/stop/reason").asText(), "the cut trace says so");
        assertEquals(2, doc.at("/traces/1/hops").size());
        assertEquals("reached", doc.at("/traces/0/stop/reason").asText());
        assertEquals(2, doc.at("/summary/traces").asInt());
        assertEquals(List.of(), HopJsonSchema.load().validate(doc, "#"));
        List<String> err = run.errLines();
        assertEquals(2, err.size(), "the summary, then one line for the error: " + run.err());
        assertTrue(err.get(0).matches(SUMMARY), run.err());
        assertTrue(err.get(1).matches("tracecap: " + Pattern.quote(capture.toString()) + ": capture is cut short"
                + " after \\d+ packets \\(.*\\): only the packets before that point were read"), err.get(1));
        assertEquals(List.of(capture, file), list(dir), "no temporary file left");
    }

    @Test
    void unwritableOutputIsOneLine(@TempDir Path dir) {
        Path file = dir.resolve("no-such-dir").resolve("hops.json");
        assertFailsWithOneLine(CliRun.of("replay", "-o", file.toString(), STRAIGHT),
                "tracecap: cannot write " + file + ": no such directory");
        assertFailsWithOneLine(CliRun.of("replay", "-o", dir.toString(), STRAIGHT),
                "tracecap: cannot write " + dir + ": is a directory");
    }

    @Test
    void replayHelpMatchesTheGoldenText() throws IOException {
        CliRun run = CliRun.of("replay", "--help");
        assertEquals(0, run.status());
        assertEquals(MainTest.golden("replay-help.txt"), run.out());
        assertEquals(run.out(), CliRun.of("replay", "-h").out());
    }

    @Test
    void usageErrors() {
        String tryLine = "try 'tracecap replay --help'";
        MainTest.assertUsageError(CliRun.of("replay"), "tracecap: replay: no capture file given", tryLine);
        MainTest.assertUsageError(CliRun.of("replay", "a.pcap", "b.pcap"),
                "tracecap: replay: one capture file at a time, got 2: a.pcap b.pcap", tryLine);
        MainTest.assertUsageError(CliRun.of("replay", "--bogus", STRAIGHT),
                "tracecap: replay: unrecognized option: --bogus", tryLine);
        MainTest.assertUsageError(CliRun.of("replay", STRAIGHT, "-o"),
                "tracecap: replay: missing argument for option: o", tryLine);
        MainTest.assertUsageError(CliRun.of("replay", "--jsonl", STRAIGHT),
                "tracecap: replay: --jsonl says how to write JSON: add --json or -o FILE", tryLine);
    }

    @Test
    void missingLibpcapIsOneLineWithTheInstallCommand(@TempDir Path dir) throws Exception {
        // A separate JVM told to load a libpcap that does not exist (pcap4j's org.pcap4j.core.pcapLibName),
        // reading a version 2.3 classic pcap: pcap 2.4 and pcapng are read in Java, 2.3 still needs libpcap.
        byte[] v23 = Files.readAllBytes(Path.of(STRAIGHT));
        v23[6] = 3; // version minor, little-endian file
        Path old = dir.resolve("v23.pcap");
        Files.write(old, v23);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Dorg.pcap4j.core.pcapLibName=tracecap-no-such-libpcap",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "replay", old.toString())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), err);
        assertEquals("tracecap: libpcap not found: install it with apt-get install libpcap0.8\n", err);
        assertArrayEquals(new byte[0], out);
    }

    /** The multi-run capture cut short: its first {@code numerator / denominator} bytes. */
    private static Path cut(Path dir, int numerator, int denominator) throws IOException {
        byte[] whole = Files.readAllBytes(Path.of(MULTI));
        Path capture = dir.resolve("cut.pcap");
        Files.write(capture, Arrays.copyOf(whole, whole.length * numerator / denominator));
        return capture;
    }

    /** Exit status 2, nothing on stdout, and exactly this one line on stderr (so no stack trace). */
    private static void assertFailsWithOneLine(CliRun run, String line) {
        assertEquals(2, run.status(), run.err());
        assertEquals(List.of(line), run.errLines());
        assertEquals("", run.out());
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    private static final String TRACELB = "captures/ecmp-scamper-tracelb.pcap";

    @Test
    void multipathPrintsTheGraphInsteadOfTheTables() {
        CliRun run = CliRun.of("replay", "-n", "--multipath", TRACELB);
        assertEquals(0, run.status(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals("multipath to 198.18.5.2 (198.18.5.2) from 198.18.1.1, udp (scamper, probes told apart by"
                + " udp-checksum)", lines.get(0));
        assertTrue(lines.get(2).matches(" 2  198\\.18\\.2\\.2  \\S+ ms  \\d+ flows  <- 198\\.18\\.1\\.2"), lines.get(2));
        assertTrue(lines.get(3).matches("    198\\.18\\.12\\.2  \\S+ ms  \\d+ flows  <- 198\\.18\\.1\\.2"), lines.get(3));
        assertTrue(lines.get(4).endsWith("<- 198.18.2.2, 198.18.12.2"), lines.get(4));
        assertEquals("6 nodes, 6 links, 11 flows, 25 probes", lines.get(lines.size() - 1));
        assertTrue(run.err().startsWith("tracecap: 54 packets read, 25 probes in 1 trace"), run.err());
    }

    @Test
    void multipathJsonHasTheTracesAndTheGraphs(@TempDir Path dir) throws IOException {
        CliRun run = CliRun.of("replay", "-n", "--multipath", "--json", MULTI);
        assertEquals(0, run.status(), run.err());
        JsonNode doc = new ObjectMapper().readTree(run.out());
        assertEquals(List.of(), HopJsonSchema.load().validate(doc, "#"));
        assertEquals(3, doc.get("traces").size());
        // two destinations: one graph each
        assertEquals(2, doc.get("graphs").size());
        assertEquals("198.18.5.2", doc.at("/graphs/0/destination").asText());
        assertEquals("198.18.3.2", doc.at("/graphs/1/destination").asText());
        assertTrue(doc.at("/graphs/0/confidence").isMissingNode());
        Path file = dir.resolve("g.json");
        assertEquals(0, CliRun.of("replay", "-n", "--multipath", "-o", file.toString(), MULTI).status());
        assertEquals(run.out(), Files.readString(file));
    }

    @Test
    void dotFileImpliesMultipath(@TempDir Path dir) throws IOException {
        Path dot = dir.resolve("g.dot");
        CliRun run = CliRun.of("replay", "-n", "--dot", dot.toString(), TRACELB);
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().startsWith("multipath to 198.18.5.2"), run.out());
        String text = Files.readString(dot);
        assertTrue(text.startsWith("digraph \"tracecap\" {\n"), text);
        assertTrue(text.contains(" -> "), text);
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(dot), left.toList(), "no temporary file left");
        }
    }

    @Test
    void multipathWithJsonLinesIsAUsageError() {
        CliRun run = CliRun.of("replay", "--multipath", "--json", "--jsonl", TRACELB);
        assertEquals(2, run.status());
        assertEquals("", run.out());
        assertTrue(run.err().startsWith("tracecap: replay: --jsonl writes traces only"), run.err());
        CliRun missingDir = CliRun.of("replay", "--dot", "/nonexistent/dir/g.dot", TRACELB);
        assertEquals(2, missingDir.status());
        assertEquals(1, missingDir.err().lines().count(), missingDir.err());
        assertEquals("", missingDir.out());
    }
}
