package org.tracecap.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tracecap.model.Hop;
import org.tracecap.model.Method;
import org.tracecap.model.ProbeResult;
import org.tracecap.model.StopReason;
import org.tracecap.model.Trace;
import org.tracecap.packet.IpAddress;

class TextReportTest {
    private static String text(Trace t) throws IOException {
        StringBuilder out = new StringBuilder();
        TextReport.write(List.of(t), out, true);
        return out.toString();
    }

    /** The hop lines the tool printed in captures/NAME.txt (everything after the header line). */
    private static String toolHops(String name) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("captures", name + ".txt"));
        return String.join("\n", lines.subList(1, lines.size())) + "\n";
    }

    private static String header(int hops) {
        return "traceroute to 198.18.5.2 (198.18.5.2) from 198.18.1.1, udp (traceroute, probes told apart by "
                + "udp-destination-port), " + hops + " hops\n";
    }

    @Test
    void straightPathPrintsWhatTracerouteDid() throws IOException {
        assertEquals(header(5) + toolHops("straight-traceroute-udp"), text(Samples.straight()));
        assertEquals(header(5)
                + " 1  198.18.1.2  0.164 ms  0.009 ms  0.007 ms\n"
                + " 2  198.18.2.2  0.153 ms  0.013 ms  0.009 ms\n"
                + " 3  198.18.3.2  0.028 ms  0.017 ms  0.021 ms\n"
                + " 4  198.18.4.2  0.062 ms  0.019 ms  0.018 ms\n"
                + " 5  198.18.5.2  0.039 ms  0.020 ms  0.025 ms\n", text(Samples.straight()));
    }

    @Test
    void annotationFollowsEachRtt() throws IOException {
        assertEquals(header(5) + toolHops("prohibited-traceroute-udp"), text(Samples.prohibited()));
        assertEquals(" 5  198.18.5.2  0.251 ms !X  0.200 ms !X  0.168 ms !X",
                text(Samples.prohibited()).lines().reduce((a, b) -> b).orElseThrow());
    }

    @Test
    void ecmpResponderChangeIsPrintedInlineAsTracerouteDoes() throws IOException {
        assertEquals(header(5) + toolHops("ecmp-traceroute-udp"), text(Samples.ecmp()));
        assertEquals(" 2  198.18.12.2  0.832 ms  0.791 ms 198.18.2.2  0.769 ms", text(Samples.ecmp()).lines()
                .skip(2).findFirst().orElseThrow());
    }

    @Test
    void silentHopIsThreeStars() throws IOException {
        assertEquals(header(5) + toolHops("silent-traceroute-udp"), text(Samples.silent()));
    }

    @Test
    void starsBetweenAnswersRepeatTheResponderAfterAStarOnlyWhenItChanged() throws IOException {
        // traceroute.c print_probe: unanswered probes are skipped when comparing with the previous answer.
        Hop hop = new Hop(3, List.of(
                Samples.udp(3, 6, null, 0, 0, 0),
                Samples.udp(3, 7, "198.18.3.2", 0.1004, 11, 0),
                Samples.udp(3, 8, null, 0, 0, 0),
                Samples.udp(3, 9, "198.18.3.2", 2.0005, 11, 0),
                Samples.udp(3, 10, "198.18.13.2", 12.3456, 11, 0)));
        StringBuilder out = new StringBuilder();
        TextReport.writeHop(hop, out, ReverseDns.numeric());
        assertEquals(" 3  * 198.18.3.2  0.100 ms *  2.001 ms 198.18.13.2  12.346 ms\n", out.toString());
    }

    @Test
    void twoDigitAndThreeDigitTtlsWidenTheColumnLikePrintf() throws IOException {
        StringBuilder out = new StringBuilder();
        TextReport.writeHop(new Hop(12, List.of(Samples.udp(12, 0, null, 0, 0, 0))), out, ReverseDns.numeric());
        TextReport.writeHop(new Hop(255, List.of(Samples.udp(255, 0, null, 0, 0, 0))), out, ReverseDns.numeric());
        assertEquals("12  *\n255  *\n", out.toString());
    }

    @Test
    void aTtlWithNoCapturedProbeSaysSo() throws IOException {
        StringBuilder out = new StringBuilder();
        TextReport.writeHop(new Hop(4, List.of()), out, ReverseDns.numeric());
        assertEquals(" 4  (no probe captured)\n", out.toString());
    }

    @Test
    void namesAreShownAsTracerouteDoesWithTheAddressWhenThereIsNoName() throws IOException {
        Map<IpAddress, String> ptr = Map.of(IpAddress.parse("198.18.1.2"), "r1.tcap.test",
                IpAddress.parse("198.18.5.2"), "srv.tcap.test");
        StringBuilder out = new StringBuilder();
        try (ReverseDns names = ReverseDns.using(ptr::get, 4, Duration.ofSeconds(1))) {
            TextReport.write(List.of(Samples.ecmp()), out, names);
        }
        List<String> lines = out.toString().lines().toList();
        assertEquals("traceroute to srv.tcap.test (198.18.5.2) from 198.18.1.1, udp (traceroute, probes told apart "
                + "by udp-destination-port), 5 hops", lines.get(0));
        assertEquals(" 1  r1.tcap.test (198.18.1.2)  0.943 ms  0.871 ms  0.851 ms", lines.get(1));
        assertEquals(" 2  198.18.12.2 (198.18.12.2)  0.832 ms  0.791 ms 198.18.2.2 (198.18.2.2)  0.769 ms",
                lines.get(2));
        assertEquals(" 5  srv.tcap.test (198.18.5.2)  0.318 ms  0.156 ms  0.125 ms", lines.get(5));
    }

    @Test
    void incompleteAndInterruptedTracesSaySoAfterTheTable() throws IOException {
        Trace t = Samples.trace(StopReason.incomplete(), Samples.straight().hops().get(0));
        assertEquals(header(1).replace("1 hops", "1 hop")
                + " 1  198.18.1.2  0.164 ms  0.009 ms  0.007 ms\n"
                + "(incomplete: the capture ended before this trace did)\n", text(t));
        StringBuilder out = new StringBuilder();
        TextReport.writeStop(StopReason.interrupted(), out);
        TextReport.writeStop(StopReason.maxTtl(), out);
        TextReport.writeStop(StopReason.reached(), out);
        TextReport.writeStop(StopReason.unreachable(13), out);
        assertEquals("(interrupted)\n", out.toString());
    }

    @Test
    void liveHeaderNamesTheHostAsTypedAndTheMaxTtl() throws IOException {
        StringBuilder out = new StringBuilder();
        TextReport.writeHeader("srv.example", IpAddress.ipv4(Samples.SERVER), IpAddress.ipv4(Samples.CLIENT),
                new Method("udp", "tracecap", "udp-destination-port"), 30, 60, out);
        assertEquals("traceroute to srv.example (198.18.5.2) from 198.18.1.1, udp (tracecap, probes told apart by "
                + "udp-destination-port), 30 hops max, 60 byte packets\n", out.toString());
    }

    @Test
    void severalTracesFollowEachOther() throws IOException {
        StringBuilder out = new StringBuilder();
        TextReport.write(List.of(Samples.straight(), Samples.silent()), out, true);
        assertEquals(text(Samples.straight()) + text(Samples.silent()), out.toString());
    }

    @Test
    void rttsRoundHalfUpToMicroseconds() {
        assertEquals("0.164", TextReport.millis3(164_499));
        assertEquals("0.165", TextReport.millis3(164_500));
        assertEquals("0.000", TextReport.millis3(0));
        assertEquals("0.000", TextReport.millis3(-499));
        assertEquals("-1.500", TextReport.millis3(-1_500_000));
        assertEquals("1234.568", TextReport.millis3(1_234_567_890));
    }

    @Test
    void tcpAndEchoRepliesPrintLikeUdp() throws IOException {
        List<ProbeResult> probes = new ArrayList<>();
        probes.add(new ProbeResult(5, Samples.START, 1, 40000, 80, null, null, null, 60, 51_000L,
                IpAddress.ipv4(Samples.SERVER), null, null, 0x14, "", 64, null, null, null, 40, List.of()));
        probes.add(new ProbeResult(5, Samples.START, 2, null, null, 7, 3, null, 60, 33_000L,
                IpAddress.ipv4(Samples.SERVER), 0, 0, null, "", 64, null, null, null, 60, List.of()));
        StringBuilder out = new StringBuilder();
        TextReport.writeHop(new Hop(5, probes), out, ReverseDns.numeric());
        assertEquals(" 5  198.18.5.2  0.051 ms  0.033 ms\n", out.toString());
    }

    /** The bytes of {@link TextReport.NumericTable} for {@code t}, or null when it declines the trace. */
    private static String numericTable(TextReport.NumericTable table, Trace t) {
        if (!table.write(t)) {
            return null;
        }
        return new String(table.bytes(), 0, table.length(), StandardCharsets.US_ASCII);
    }

    @Test
    void numericTableWritesTheSameTextForEveryTraceOfEveryBundledCapture() throws IOException {
        TextReport.NumericTable table = new TextReport.NumericTable();
        int traces = 0;
        for (Map.Entry<Path, List<Trace>> capture : BundledTraces.everyCapture().entrySet()) {
            for (Trace t : capture.getValue()) {
                assertEquals(text(t), numericTable(table, t), capture.getKey().toString());
                traces++;
            }
        }
        assertTrue(traces > 20, "traces compared: " + traces);
    }

    @Test
    void numericTableWritesTheSameTextAtTheEdges() throws IOException {
        TextReport.NumericTable table = new TextReport.NumericTable();
        long[] rtts = {0, 499, 500, -499, -500, -1_500_000, 1_234_567_890, Long.MAX_VALUE, Long.MIN_VALUE,
            Long.MIN_VALUE + 1, -Long.MAX_VALUE};
        int[] ttls = {1, 9, 10, 99, 100, 255, 0, -1, -10, Integer.MAX_VALUE, Integer.MIN_VALUE};
        List<Hop> hops = new ArrayList<>();
        for (int i = 0; i < ttls.length; i++) {
            List<ProbeResult> probes = new ArrayList<>();
            for (int j = 0; j < rtts.length; j++) {
                int responder = (i + j) % 3 == 0 ? Samples.SERVER : j * 0x01010101 ^ 0x80ff0a00;
                String annotation = j % 4 == 0 ? "!X" : j % 4 == 1 ? null : j % 4 == 2 ? "" : "!<10>";
                probes.add(new ProbeResult(ttls[i], Samples.START, j, 40000, 80, null, null, null, 60,
                        j % 5 == 4 ? null : rtts[j], j % 6 == 5 ? null : IpAddress.ipv4(responder), 11, 0, null,
                                annotation, 64,
                        null, null, null, 40, List.of()));
            }
            hops.add(new Hop(ttls[i], i % 4 == 3 ? List.of() : probes, i % 2 == 1));
        }
        for (StopReason stop : new StopReason[] {null, StopReason.reached(), StopReason.unreachable(13),
            StopReason.incomplete(), StopReason.interrupted(), StopReason.maxTtl()}) {
            Trace t = new Trace(IpAddress.ipv4(0xffffffff), IpAddress.ipv4(0), new Method("udp", "traceroute",
                    "udp-destination-port"),
                    Samples.START, Samples.START, stop, hops, null);
            assertEquals(text(t), numericTable(table, t));
            Trace one = new Trace(IpAddress.ipv4(Samples.SERVER), IpAddress.ipv4(0x0a000001), new Method("icmp",
                    "mtr", "icmp-sequence"),
                    Samples.START, Samples.START, stop, hops.subList(0, 1), null);
            assertEquals(text(one), numericTable(table, one));
            Trace none = new Trace(IpAddress.ipv4(Samples.SERVER), IpAddress.ipv4(0x0a000001), new Method("icmp",
                    "mtr", "icmp-sequence"),
                    Samples.START, Samples.START, stop, List.of(), null);
            assertEquals(text(none), numericTable(table, none));
        }
        // Not ASCII: left to the text path, which the caller encodes.
        List<ProbeResult> accented = List.of(new ProbeResult(1, Samples.START, 1, 40000, 80, null, null, null,
                60, 1000L, IpAddress.ipv4(Samples.SERVER), 3, 13, null, "!\u00e9", 64, null, null, null, 40,
                        List.of()));
        assertFalse(table.write(new Trace(IpAddress.ipv4(0), IpAddress.ipv4(0), new Method("udp", "traceroute",
                "udp-destination-port"),
                Samples.START, Samples.START, null, List.of(new Hop(1, accented)), null)));
        assertFalse(table.write(new Trace(IpAddress.ipv4(0), IpAddress.ipv4(0), new Method("udp", "trac\u00e9route",
                "udp-destination-port"),
                Samples.START, Samples.START, null, List.of(new Hop(1, accented.subList(0, 0))), null)));
        assertEquals(text(Samples.straight()), numericTable(table, Samples.straight()));
    }
}
