package org.tracecap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tracecap.capture.MacAddress;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.Ipv4Address;
import org.tracecap.trace.ProbeMethod;
import org.tracecap.trace.ProbeProtocol;
import org.tracecap.trace.TraceOptions;

/** {@code tracecap trace} without the network: options, usage errors, help, and the setup steps before root. */
class TraceCommandTest {
    private static final String TRY = "try 'tracecap trace --help'";

    @Test
    void helpMatchesTheGoldenText() throws IOException {
        for (String flag : List.of("--help", "-h")) {
            CliRun run = CliRun.of("trace", flag);
            assertEquals(0, run.status());
            assertEquals(MainTest.golden("trace-help.txt"), run.out());
            assertEquals("", run.err());
        }
        // --help wins over everything else, even a command line that would be an error.
        assertEquals(0, CliRun.of("trace", "-q", "99", "--help").status());
    }

    @Test
    void helpLinesFitAnEightyColumnTerminal() throws IOException {
        for (String name : List.of("trace-help.txt", "main-help.txt")) {
            MainTest.golden(name).lines().forEach(l -> assertTrue(l.length() <= 90, l));
        }
    }

    @Test
    void mainHelpListsTheTraceCommand() {
        assertTrue(CliRun.of("--help").out().contains("\n  trace HOST "));
    }

    @Test
    void defaultsAreTraceroutes() throws Exception {
        TraceRequest r = TraceOptionsParser.parse("198.18.5.2");
        assertEquals("198.18.5.2", r.host());
        assertEquals(TraceOptions.defaults(), r.options());
        assertNull(r.interfaceName());
        assertNull(r.gatewayMac());
        assertFalse(r.numeric() || r.json() || r.jsonl() || r.extensions());
        assertNull(r.output());
        assertNull(r.savePcap());
    }

    @Test
    void extensionsOption() throws Exception {
        assertTrue(TraceOptionsParser.parse("-e", "198.18.5.2").extensions());
        assertTrue(TraceOptionsParser.parse("--extensions", "-n", "198.18.5.2").extensions());
        TraceOptionsParser.UsageException e = assertThrows(TraceOptionsParser.UsageException.class,
                () -> TraceOptionsParser.parse("-e", "--multipath", "198.18.5.2"));
        assertEquals("-e shows extensions in the table: not with --multipath's graph", e.getMessage());
    }

    @Test
    void everyOptionIsRead() throws Exception {
        TraceRequest r = TraceOptionsParser.parse("-i", "eth1", "-f", "2", "-m", "12", "-q", "4", "-p", "40000",
                "-w", "2,1.5,4", "-N", "8", "-z", "50", "-s", "198.18.1.1", "-t", "16", "-F", "-n",
                "--gateway-mac", "02:00:c6:12:01:02", "--json", "-o", "out.json", "--jsonl", "--save-pcap",
                "t.pcap", "example.test", "100");
        TraceOptions o = r.options();
        assertEquals(2, o.firstTtl());
        assertEquals(12, o.maxTtl());
        assertEquals(4, o.probesPerHop());
        assertEquals(40000, o.basePort());
        assertEquals(new TraceOptions.Wait(2, 1.5, 4), o.waiting());
        assertEquals(8, o.simultaneous());
        assertEquals(50_000_000L, o.sendIntervalNanos());
        assertEquals(IpAddress.parse("198.18.1.1"), o.sourceAddress());
        assertEquals(16, o.tos());
        assertTrue(o.dontFragment());
        assertEquals(100, o.packetLength());
        assertEquals("eth1", r.interfaceName());
        assertEquals(MacAddress.parse("02:00:c6:12:01:02"), r.gatewayMac());
        assertTrue(r.numeric() && r.json() && r.jsonl());
        assertEquals(Path.of("out.json"), r.output());
        assertEquals(Path.of("t.pcap"), r.savePcap());
        assertEquals("example.test", r.host());
    }

    @Test
    void longOptionsAreTraceroutes() throws Exception {
        TraceRequest r = TraceOptionsParser.parse("--first=3", "--max-hops=9", "--queries=1", "--port=50000",
                "--wait=1", "--sim-queries=1", "--sendwait=0.2", "--tos=8", "--dont-fragment", "--numeric",
                "--interface=eth0", "--source=198.18.1.1", "--output=x.json", "198.18.5.2");
        TraceOptions o = r.options();
        assertEquals(List.of(3, 9, 1, 50000, 1, 8), List.of(o.firstTtl(), o.maxTtl(), o.probesPerHop(),
                o.basePort(), o.simultaneous(), o.tos()));
        assertEquals(new TraceOptions.Wait(1, 3, 10), o.waiting());
        assertEquals(200_000_000L, o.sendIntervalNanos());
        assertTrue(o.dontFragment() && r.numeric());
        assertEquals("eth0", r.interfaceName());
    }

    @ParameterizedTest
    @CsvSource({
        "5, 5, 3, 10",
        "2.5, 2.5, 3, 10",
        "'1,0', 1, 0, 10",
        "'1,2,0', 1, 2, 0",
        "1/2/3, 1, 2, 3",
    })
    void waitTakesOneToThreeNumbers(String text, double max, double here, double near) throws Exception {
        assertEquals(new TraceOptions.Wait(max, here, near), TraceOptionsParser.waiting(text));
    }

    @ParameterizedTest
    @CsvSource({
        // traceroute: above 10 the value is milliseconds, else seconds.
        "0, 0",
        "0.5, 500000000",
        "10, 10000000000",
        "10.5, 10500000",
        "20, 20000000",
        "500, 500000000",
    })
    void sendWaitIsSecondsOrMillisecondsAboveTen(String text, long nanos) throws Exception {
        assertEquals(nanos, TraceOptionsParser.sendWait(text));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "|tracecap: trace: no host given",
        "198.18.5.2 60 7|tracecap: trace: too many arguments: 7 (HOST and PACKET_LENGTH only)",
        "-q 11 198.18.5.2|tracecap: trace: -q: probes per hop must be 1..10, got 11",
        "-q 0 198.18.5.2|tracecap: trace: -q: probes per hop must be 1..10, got 0",
        "-q x 198.18.5.2|tracecap: trace: -q: probes per hop must be a whole number, got 'x'",
        "-m 256 198.18.5.2|tracecap: trace: -m: max TTL must be 1..255, got 256",
        "-f 0 198.18.5.2|tracecap: trace: -f: first TTL must be 1..255, got 0",
        "-f 9 -m 3 198.18.5.2|tracecap: trace: first TTL 9 (-f) is above max TTL 3 (-m)",
        "-N 0 198.18.5.2|tracecap: trace: -N: probes in flight must be 1..1024, got 0",
        "-t 256 198.18.5.2|tracecap: trace: -t: TOS must be 0..255, got 256",
        "-p 0 198.18.5.2|tracecap: trace: -p: base port must be 1..65535, got 0",
        "-p 65530 198.18.5.2|tracecap: trace: base port 65530 + 90 probes passes port 65535: lower the base"
            + " port, max TTL or probes per hop",
        "-w 0 198.18.5.2|tracecap: trace: -w: MAX must be above 0 and at most 3600 seconds, got 0",
        "-w 5,x 198.18.5.2|tracecap: trace: -w: not a number: '5,x' (MAX[,HERE,NEAR])",
        "-w 1,2,3,4 198.18.5.2|tracecap: trace: -w: MAX[,HERE,NEAR] takes at most three numbers, got"
            + " '1,2,3,4'",
        "-w 5,1001 198.18.5.2|tracecap: trace: -w: HERE and NEAR must be 0..1000, got '5,1001'",
        "-z -1 198.18.5.2|tracecap: trace: -z: not a number of 0 or more: '-1'",
        "-z NaN 198.18.5.2|tracecap: trace: -z: not a number of 0 or more: 'NaN'",
        "-z 3600001 198.18.5.2|tracecap: trace: -z: the send interval must be at most 3600 s, got 3600001",
        "-s example.test 198.18.5.2|tracecap: trace: -s: not an IPv4 address: 'example.test'",
        "--gateway-mac 12:34 198.18.5.2|tracecap: trace: --gateway-mac: not a MAC address (6 hex pairs like"
            + " 02:00:5e:10:00:01): 12:34",
        "198.18.5.2 27|tracecap: trace: packet length must be 28..65535, got 27",
        "198.18.5.2 big|tracecap: trace: packet length must be a whole number, got 'big'",
        "--jsonl 198.18.5.2|tracecap: trace: --jsonl says how to write JSON: add --json or -o FILE",
        "--frobnicate 198.18.5.2|tracecap: trace: unrecognized option: --frobnicate",
        "-q|tracecap: trace: missing argument for option: q",
        "-I -T 198.18.5.2|tracecap: trace: -I, -T and -U each choose the probes: give one",
        "-I --method dublin 198.18.5.2|tracecap: trace: --method dublin probes UDP only, not icmp",
        "-U --multipath 198.18.5.2|tracecap: trace: --multipath needs many flows: UDP to many ports, -I or -T,"
            + " not -U",
        "-T 198.18.5.2 100|tracecap: trace: TCP probes are 60 bytes (a SYN with Linux's options), not 100",
        "-T -p 0 198.18.5.2|tracecap: trace: -p: port must be 1..65535, got 0",
        "-I -p 65536 198.18.5.2|tracecap: trace: -p: first ICMP sequence number must be 0..65535, got 65536",
    })
    void usageErrorsAreTwoLinesAndStatusTwo(String args, String message) {
        String[] argv = args == null ? new String[0] : args.split(" ");
        String[] full = new String[argv.length + 1];
        full[0] = "trace";
        System.arraycopy(argv, 0, full, 1, argv.length);
        MainTest.assertUsageError(CliRun.of(full), message, TRY);
    }

    @Test
    void anIpv6AddressIsRefusedInOneLineForNow() {
        // live tracing is IPv4 only until the IPv6 route, neighbour and filter lookups exist
        CliRun run = CliRun.of("trace", "-n", "2001:DB8:0::1");
        assertEquals(2, run.status(), run.err());
        assertEquals(List.of("tracecap: cannot trace 2001:db8::1: live tracing is IPv4 only for now"), run.errLines());
    }

    @Test
    void anUnresolvableHostIsOneLine() {
        // RFC 6761: .invalid names never resolve.
        CliRun run = CliRun.of("trace", "-n", "no-such-host.invalid");
        assertEquals(2, run.status(), run.err());
        assertEquals(1, run.errLines().size(), run.err());
        assertTrue(run.err().startsWith("tracecap: cannot resolve no-such-host.invalid: "), run.err());
        assertEquals("", run.out());
    }

    @Test
    void anOutputFileThatCannotBeWrittenFailsBeforeAnyProbe(@TempDir Path dir) throws IOException {
        CliRun missing = CliRun.of("trace", "-o", dir.resolve("no/such/dir.json").toString(), "198.18.5.2");
        assertEquals(2, missing.status());
        assertEquals(List.of("tracecap: cannot write " + dir.resolve("no/such/dir.json") + ": no such directory"),
                missing.errLines());
        CliRun directory = CliRun.of("trace", "--save-pcap", dir.toString(), "198.18.5.2");
        assertEquals(List.of("tracecap: cannot write " + dir + ": is a directory"), directory.errLines());
        assertEquals(2, directory.status());
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count(), "nothing left behind");
        }
    }

    @Test
    void errorLinesNameTracecapOnce() {
        assertEquals("tracecap: needs root or CAP_NET_RAW",
                TraceOutput.errorLine("tracecap needs root or CAP_NET_RAW"));
        assertEquals("tracecap: no route to host 10.0.0.1", TraceOutput.errorLine("no route to host\n10.0.0.1"));
    }

    @Test
    void aFrameTooLongForTheLinkSaysWhy() {
        assertEquals("cannot send a 9014-byte frame on eth0: send: Message too long (tracecap does not fragment"
                + " probes: packet length 9000 must fit the interface's MTU)",
                TraceOutput.sendAdvice("cannot send a 9014-byte frame on eth0: send: Message too long", 9000));
        assertEquals("cannot send: Network is down", TraceOutput.sendAdvice("cannot send: Network is down", 60));
    }

    @Test
    void icmpTcpAndUdpToOnePortTakeTraceroutesPortDefaults() throws Exception {
        TraceOptions icmp = TraceOptionsParser.parse("-I", "198.18.5.2").options();
        assertEquals(ProbeProtocol.ICMP, icmp.protocol());
        assertEquals(1, icmp.basePort(), "traceroute -I: -p is the first sequence number, 1 by default");
        TraceOptions tcp = TraceOptionsParser.parse("--tcp", "--method", "paris", "198.18.5.2").options();
        assertEquals(ProbeProtocol.TCP, tcp.protocol());
        assertEquals(ProbeMethod.PARIS, tcp.method());
        assertEquals(80, tcp.basePort());
        assertEquals(60, tcp.packetLength());
        assertEquals(443, TraceOptionsParser.parse("-T", "-p", "443", "198.18.5.2").options().basePort());
        TraceOptions udp = TraceOptionsParser.parse("-U", "198.18.5.2").options();
        assertEquals(ProbeProtocol.UDP_PORT, udp.protocol());
        assertEquals(53, udp.basePort());
        assertEquals(ProbeProtocol.UDP, TraceOptionsParser.parse("198.18.5.2").options().protocol());
    }

    @Test
    void parseReturnsNullForHelp() throws Exception {
        assertNull(TraceOptionsParser.parse("--help"));
        assertThrows(TraceOptionsParser.UsageException.class, () -> TraceOptionsParser.parse("-q"));
    }

    @Test
    void multipathOptions() throws Exception {
        assertNull(TraceOptionsParser.parse("198.18.5.2").multipath());
        TraceRequest r = TraceOptionsParser.parse("--multipath", "198.18.5.2");
        assertEquals(95, r.multipath().confidence());
        assertNull(r.multipath().dot());
        r = TraceOptionsParser.parse("--multipath", "--confidence", "99", "--dot", "graph.dot", "-m", "12", "-o",
                "g.json", "198.18.5.2");
        assertEquals(99, r.multipath().confidence());
        assertEquals(java.nio.file.Path.of("graph.dot"), r.multipath().dot());
        assertEquals(12, r.options().maxTtl());
    }

    @Test
    void multipathOptionsThatDoNotGoTogether() {
        String[][] bad = {
            {"--confidence", "99", "198.18.5.2"},
            {"--dot", "g.dot", "198.18.5.2"},
            {"--multipath", "--confidence", "90", "198.18.5.2"},
            {"--multipath", "--confidence", "high", "198.18.5.2"},
            {"--multipath", "--method", "paris", "198.18.5.2"},
            {"--multipath", "--flows", "4", "198.18.5.2"},
            {"--multipath", "-q", "3", "198.18.5.2"},
            {"--multipath", "--json", "--jsonl", "198.18.5.2"},
        };
        for (String[] args : bad) {
            TraceOptionsParser.UsageException e = assertThrows(TraceOptionsParser.UsageException.class,
                    () -> TraceOptionsParser.parse(args));
            assertTrue(e.getMessage().contains("--multipath") || e.getMessage().contains("--confidence"),
                    String.join(" ", args) + ": " + e.getMessage());
        }
        CliRun run = CliRun.of("trace", "--confidence", "99", "198.18.5.2");
        assertEquals(2, run.status());
        assertEquals("tracecap: trace: --confidence goes with --multipath\ntry 'tracecap trace --help'\n", run.err());
    }
}
