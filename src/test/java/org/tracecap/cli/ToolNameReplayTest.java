package org.tracecap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tracecap.capture.PcapFileWriter;
import org.tracecap.packet.IcmpErrorEncoder;
import org.tracecap.packet.IcmpType;
import org.tracecap.packet.Ipv4Address;
import org.tracecap.packet.LinkLayer;
import org.tracecap.replay.ToolProbes;

/**
 * {@code tracecap replay} names the tool in the table's header for captures of tools that no bundled capture
 * holds: a BSD traceroute and a Windows tracert. Both captures are synthetic, written here frame by frame (the
 * kernel of this machine runs neither tool); the probes' fields are those ToolRecognizerTest cites.
 */
class ToolNameReplayTest {
    private static final long MS = 1_000_000L;
    private static final long T0 = 1_795_726_800_000_000_000L;
    private static final int HOPS = 4;

    private static int router(int ttl) {
        return Ipv4Address.parse("198.18." + ttl + ".2");
    }

    private static void frame(PcapFileWriter w, long t, byte[] packet) {
        byte[] f = new byte[14 + packet.length];
        f[12] = 0x08; // Ethernet II, IPv4
        System.arraycopy(packet, 0, f, 14, packet.length);
        w.frame(t, LinkLayer.ETHERNET, f, f.length, f.length);
    }

    /** Each probe answered 1 ms later: Time Exceeded by the routers, {@code last} at the destination. */
    private interface Answer {
        byte[] at(byte[] probe, int seq);
    }

    private static Path capture(Path dir, String name, boolean icmp, Answer last) throws IOException {
        Path file = dir.resolve(name);
        int ident = (4242 & 0xffff) | 0x8000;
        try (PcapFileWriter w = PcapFileWriter.create(file, LinkLayer.ETHERNET, 65535)) {
            long t = T0;
            int seq = icmp ? 0x0126 : 0;
            for (int ttl = 1; ttl <= HOPS; ttl++) {
                for (int q = 0; q < 3; q++) {
                    seq++;
                    byte[] probe = icmp
                            // tracert: ICMP Echo, identifier 1, 64 zero data bytes (92-byte packets)
                            ? ToolProbes.echo(ttl, 0x3a00 + seq, 1, seq, ToolProbes.NATURAL, ToolProbes.zeros(64))
                            // FreeBSD traceroute: sport ident, dport 33434 + seq, IP ID ident + seq, 40 bytes
                            : ToolProbes.udp(ttl, ident + seq, false, ident, 33434 + seq, ToolProbes.NATURAL,
                                    ToolProbes.zeros(12));
                    frame(w, t, probe);
                    byte[] reply = ttl < HOPS
                            ? IcmpErrorEncoder.timeExceeded(router(ttl), ToolProbes.CLIENT, probe, 0, probe.length)
                                    .ttl(65 - ttl).toBytes()
                            : last.at(probe, seq);
                    frame(w, t + MS, reply);
                    t += 2 * MS;
                }
            }
        }
        return file;
    }

    @Test
    void bsdTracerouteIsNamedInTheHeader(@TempDir Path dir) throws IOException {
        Path file = capture(dir, "bsd-traceroute.pcap", false, (probe, seq) -> IcmpErrorEncoder
                .destinationUnreachable(ToolProbes.SERVER, ToolProbes.CLIENT, IcmpType.CODE_PORT_UNREACHABLE, probe,
                        0, probe.length).ttl(61).toBytes());
        CliRun run = CliRun.of("replay", "-n", file.toString());
        assertEquals(0, run.status(), run.err());
        assertEquals("traceroute to 198.18.5.2 (198.18.5.2) from 198.18.1.1,"
                + " udp (traceroute-bsd, probes told apart by udp-destination-port), 4 hops", run.outLines().get(0));
        assertTrue(run.err().contains("12 probes in 1 trace, 12 replies attributed, 0 unattributed"), run.err());
        assertTrue(run.out().contains(" 4  198.18.5.2  "), run.out());
    }

    @Test
    void windowsTracertIsNamedInTheHeader(@TempDir Path dir) throws IOException {
        Path file = capture(dir, "tracert.pcap", true, (probe, seq) -> IcmpErrorEncoder
                .echoReply(ToolProbes.SERVER, ToolProbes.CLIENT, 1, seq, probe, 28, 64).ttl(124).toBytes());
        CliRun run = CliRun.of("replay", "-n", file.toString());
        assertEquals(0, run.status(), run.err());
        assertEquals("traceroute to 198.18.5.2 (198.18.5.2) from 198.18.1.1,"
                + " icmp (tracert, probes told apart by icmp-sequence), 4 hops", run.outLines().get(0));
        assertTrue(run.err().contains("12 probes in 1 trace, 12 replies attributed, 0 unattributed"), run.err());
        assertTrue(run.out().contains(" 4  198.18.5.2  "), run.out());
    }
}
