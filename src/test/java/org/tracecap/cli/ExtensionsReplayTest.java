package org.tracecap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tracecap.capture.CapturedFrames;
import org.tracecap.capture.PcapFileWriter;
import org.tracecap.model.Hop;
import org.tracecap.model.ProbeResult;
import org.tracecap.packet.Bytes;
import org.tracecap.packet.IcmpErrorEncoder;
import org.tracecap.packet.IcmpExtension;
import org.tracecap.packet.IcmpExtensions;
import org.tracecap.packet.IcmpType;
import org.tracecap.packet.InterfaceInformation;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.IpProtocol;
import org.tracecap.packet.Ipv4Address;
import org.tracecap.packet.LinkLayer;
import org.tracecap.packet.MplsEntry;
import org.tracecap.report.ReverseDns;

/**
 * {@code tracecap replay -e} on a SYNTHETIC capture: captures/straight-traceroute-udp.pcap (a real Linux
 * traceroute through four Linux routers) with every Time Exceeded rebuilt by this test (same addresses, TTL,
 * TOS, IP ID, quote, timestamps) with RFC 4884 extensions, since Linux routers send neither RFC 4950 nor
 * RFC 5837 objects: r1 a single label, r2 a stack of three, r3 a label and its incoming and outgoing
 * interfaces (RFC 5837), r4 a different label per probe (traceroute -e then prints the address again).
 */
class ExtensionsReplayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int R1 = Ipv4Address.parse("198.18.1.2");
    private static final int R2 = Ipv4Address.parse("198.18.2.2");
    private static final int R3 = Ipv4Address.parse("198.18.3.2");
    private static final int R4 = Ipv4Address.parse("198.18.4.2");
    private static final List<MplsEntry> R2_STACK = List.of(new MplsEntry(16005, 0, false, 1),
            new MplsEntry(16002, 0, false, 1), new MplsEntry(300, 5, true, 1));
    private static final InterfaceInformation R3_IN = new InterfaceInformation(InterfaceInformation.ROLE_INCOMING,
            3L, IpAddress.parse("198.18.3.2"), "eth1", 1500L);
    private static final InterfaceInformation R3_OUT = new InterfaceInformation(InterfaceInformation.ROLE_OUTGOING,
            4L, IpAddress.parse("198.18.4.1"), "eth2", 1500L);

    /** Writes the rewritten capture; {@code lying}: r3's incoming object says ifIndex only but holds 8 bytes. */
    private static Path rewrite(Path file, boolean lying) throws IOException {
        int r4Replies = 0;
        int rebuilt = 0;
        try (PcapFileWriter w = PcapFileWriter.create(file, LinkLayer.ETHERNET, 65535)) {
            for (CapturedFrames.Frame f : CapturedFrames.read("straight-traceroute-udp.pcap")) {
                byte[] out = f.bytes();
                if (Bytes.u16(out, 12) == LinkLayer.ETHERTYPE_IPV4 && Bytes.u8(out, 14 + 9) == IpProtocol.ICMP
                        && Bytes.u8(out, 14 + 20) == IcmpType.TIME_EXCEEDED) {
                    byte[] ip = Arrays.copyOfRange(out, 14, 14 + Bytes.u16(out, 16));
                    int router = Bytes.s32(ip, 12);
                    List<IcmpExtension> objects = new ArrayList<>();
                    if (router == R1) {
                        objects.add(IcmpExtensions.mplsObject(List.of(new MplsEntry(24001, 0, true, 1))));
                    } else if (router == R2) {
                        objects.add(IcmpExtensions.mplsObject(R2_STACK));
                    } else if (router == R3) {
                        objects.add(IcmpExtensions.mplsObject(List.of(new MplsEntry(24003, 0, true, 1))));
                        objects.add(lying ? new IcmpExtension(InterfaceInformation.CLASS_NUM, 0x08, "0000000300000000",
                                null) : R3_IN.toExtension());
                        objects.add(R3_OUT.toExtension());
                    } else if (router == R4) {
                        objects.add(IcmpExtensions.mplsObject(List.of(new MplsEntry(24010 + r4Replies++ % 2, 0, true,
                                1))));
                    }
                    byte[] quote = Arrays.copyOfRange(ip, 28, ip.length);
                    out = IcmpErrorEncoder.error(Bytes.u8(ip, 20), Bytes.u8(ip, 21), router, Bytes.s32(ip, 16),
                                    quote, 0, quote.length)
                            .ttl(Bytes.u8(ip, 8)).tos(Bytes.u8(ip, 1)).ipId(Bytes.u16(ip, 4))
                            .ethernet(Arrays.copyOfRange(out, 0, 6), Arrays.copyOfRange(out, 6, 12))
                            .extensions(objects).toBytes();
                    rebuilt++;
                }
                w.frame(f.timeNanos(), f.linkType(), out, out.length, out.length);
            }
        }
        assertEquals(12, rebuilt, "a Time Exceeded from each of 4 routers for each of 3 probes");
        return file;
    }

    private static final String HEADER = "traceroute to 198.18.5.2 (198.18.5.2) from 198.18.1.1, udp (traceroute, "
            + "probes told apart by udp-destination-port), 5 hops\n";

    @Test
    void replayWithExtensionsPrintsThemAsTracerouteE(@TempDir Path dir) throws IOException {
        Path file = rewrite(dir.resolve("mpls.pcap"), false);
        CliRun run = CliRun.of("replay", "-e", "-n", file.toString());
        assertEquals(0, run.status(), run.err());
        assertEquals(HEADER
                + " 1  198.18.1.2 <MPLS:L=24001,E=0,S=1,T=1>  0.128 ms  0.006 ms  0.005 ms\n"
                + " 2  198.18.2.2 <MPLS:L=16005,E=0,S=0,T=1/L=16002,E=0,S=0,T=1/L=300,E=5,S=1,T=1>"
                + "  0.150 ms  0.009 ms  0.006 ms\n"
                + " 3  198.18.3.2 <MPLS:L=24003,E=0,S=1,T=1;INC:3,198.18.3.2,\"eth1\",mtu=1500;"
                + "OUT:4,198.18.4.1,\"eth2\",mtu=1500>  0.026 ms  0.014 ms  0.017 ms\n"
                + " 4  198.18.4.2 <MPLS:L=24010,E=0,S=1,T=1>  0.058 ms"
                + " 198.18.4.2 <MPLS:L=24011,E=0,S=1,T=1>  0.015 ms"
                + " 198.18.4.2 <MPLS:L=24010,E=0,S=1,T=1>  0.014 ms\n"
                + " 5  198.18.5.2  0.036 ms  0.017 ms  0.020 ms\n", run.out());
        assertTrue(run.err().startsWith("tracecap: 34 packets read,"), run.err());
        // --extensions is -e; without it the table is exactly the original capture's
        assertEquals(run.out(), CliRun.of("replay", "--extensions", "-n", file.toString()).out());
        assertEquals(CliRun.of("replay", "-n", "captures/straight-traceroute-udp.pcap").out(),
                CliRun.of("replay", "-n", file.toString()).out());
    }

    @Test
    void hopJsonHasTheDecodedInterfaces(@TempDir Path dir) throws IOException {
        Path file = rewrite(dir.resolve("mpls.pcap"), false);
        CliRun run = CliRun.of("replay", "--json", "-n", file.toString());
        assertEquals(0, run.status(), run.err());
        JsonNode ext = JSON.readTree(run.out()).at("/traces/0/hops/2/probes/1/extensions");
        assertEquals("{\"role\":\"incoming\",\"if_index\":3,\"address\":\"198.18.3.2\",\"name\":\"eth1\",\"mtu\":1500}",
                ext.at("/1/interface").toString());
        assertEquals("{\"role\":\"outgoing\",\"if_index\":4,\"address\":\"198.18.4.1\",\"name\":\"eth2\",\"mtu\":1500}",
                ext.at("/2/interface").toString());
        assertEquals(143, ext.at("/2/c_type").asInt(), "outgoing (2 << 6) with all four sub-objects");
    }

    @Test
    void aLyingInterfaceObjectIsShownRawAndCounted(@TempDir Path dir) throws IOException {
        Path file = rewrite(dir.resolve("lying.pcap"), true);
        CliRun run = CliRun.of("replay", "-e", "-n", file.toString());
        assertEquals(0, run.status(), run.err());
        assertEquals(" 3  198.18.3.2 <MPLS:L=24003,E=0,S=1,T=1;2/8:00000003,00000000;"
                + "OUT:4,198.18.4.1,\"eth2\",mtu=1500>  0.026 ms  0.014 ms  0.017 ms",
                run.out().lines().skip(3).findFirst().orElseThrow());
        assertTrue(run.err().contains("3 extension warnings"), run.err());
        assertTrue(run.err().contains("ICMP extension interface information=3"), run.err());
    }

    /** The live path: {@link HopPrinter} prints each settled hop with {@code -e} as replay does. */
    @Test
    void livePrinterShowsTheExtensionsOfEachHop() {
        List<IcmpExtension> objects = List.of(IcmpExtensions.mplsObject(List.of(new MplsEntry(24001, 0, true, 1))),
                R3_IN.toExtension());
        ProbeResult p = new ProbeResult(1, 0, 0x4000, 40000, 33434, null, null, 0x1234, 60, 153_000L, IpAddress.ipv4(R1),
                IcmpType.TIME_EXCEEDED, 0, null, null, 64, 1, 0x4000, 0x1234, 200, objects);
        Hop hop = new Hop(1, List.of(p));
        for (boolean extensions : new boolean[] {true, false}) {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            java.io.PrintStream out = new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8);
            HopPrinter printer = new HopPrinter(out, ReverseDns.numeric(), false, extensions);
            printer.hopSettled(0, hop);
            printer.finish();
            assertEquals(extensions
                    ? " 1  198.18.1.2 <MPLS:L=24001,E=0,S=1,T=1;INC:3,198.18.3.2,\"eth1\",mtu=1500>  0.153 ms\n"
                    : " 1  198.18.1.2  0.153 ms\n", bytes.toString(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @Test
    void extensionsDoNotGoWithMultipathGraphs() {
        CliRun run = CliRun.of("replay", "-e", "--multipath", "captures/straight-traceroute-udp.pcap");
        assertEquals(2, run.status());
        assertTrue(run.err().startsWith("tracecap: replay: -e shows extensions in the tables"), run.err());
    }
}
