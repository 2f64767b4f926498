package org.tracecap.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tracecap.capture.CapturedFrames;
import org.tracecap.packet.IcmpType;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.IpProtocol;
import org.tracecap.packet.Ipv4Address;

/**
 * Every reply in every real capture of {@code captures/} (made by captures/make-captures.sh with the Debian
 * tools on Linux routers in namespaces) is attributed to a probe that the quote or the answer names; the
 * ICMP errors and TCP RSTs that the client itself sends are no replies and are left out.
 */
class CaptureAttributionTest {
    static final int CLIENT = Ipv4Address.parse("198.18.1.1");

    /** Classifies a capture and attributes its replies in order, as a replay does. */
    record Result(List<SentProbe> probes, List<Classified> replies, List<SentProbe> attributed,
                  List<Classified.Malformed> malformed) {
    }

    static Result run(List<CapturedFrames.Frame> frames) {
        FrameClassifier classifier = new FrameClassifier();
        ProbeTable table = new ProbeTable(4096);
        List<SentProbe> probes = new ArrayList<>();
        List<Classified> replies = new ArrayList<>();
        List<SentProbe> attributed = new ArrayList<>();
        List<Classified.Malformed> malformed = new ArrayList<>();
        for (CapturedFrames.Frame f : frames) {
            Classified c = classifier.classify(f.timeNanos(), f.linkType(), f.bytes(), f.bytes().length,
                    f.wireLength());
            if (c instanceof SentProbe p) {
                probes.add(p);
                table.add(p);
            } else if (c instanceof IcmpReply r) {
                replies.add(r);
                attributed.add(table.attribute(r));
            } else if (c instanceof TcpReply r) {
                replies.add(r);
                attributed.add(table.attribute(r));
            } else if (c instanceof Classified.Malformed m) {
                malformed.add(m);
            }
        }
        return new Result(probes, replies, attributed, malformed);
    }

    static Stream<Path> captures() {
        return CapturedFrames.bundled().stream();
    }

    @ParameterizedTest
    @MethodSource("captures")
    void everyReplyIsAttributedToTheProbeItNames(Path file) {
        Result r = run(CapturedFrames.read(file));
        boolean offload = file.getFileName().toString().contains("offload");
        assertTrue(r.malformed().isEmpty(), () -> "malformed: " + r.malformed());
        assertTrue(r.probes().size() >= 5, "probes found");
        assertTrue(r.replies().size() >= 5, "replies found");
        Set<SentProbe> seen = new HashSet<>();
        for (int i = 0; i < r.replies().size(); i++) {
            Classified reply = r.replies().get(i);
            SentProbe p = r.attributed().get(i);
            if ((reply instanceof IcmpReply ir && ir.source().equals(IpAddress.ipv4(CLIENT)))
                    || (reply instanceof TcpReply tr && tr.source().equals(IpAddress.ipv4(CLIENT)))) {
                // the prober's own kernel answering what it received (a late DNS answer, a SYN-ACK): no
                // reply to a probe; the replay sets it aside (rule 11 of replay.Reconstructor)
                continue;
            }
            assertNotNull(p, () -> file + ": unattributed " + reply);
            assertTrue(r.probes().stream().anyMatch(x -> x == p), "the very instance that was added");
            if (reply instanceof IcmpReply ir) {
                assertEquals(p.source(), ir.destination(), "a reply goes back to the probe's source");
                assertTrue(p.timeNanos() <= ir.timeNanos());
                if (ir.quote() != null) {
                    QuotedProbe q = ir.quote();
                    assertEquals(p.ipId(), q.ipId(), "IP ID quoted as sent");
                    assertEquals(p.source(), q.source());
                    assertEquals(p.destination(), q.destination());
                    if (!offload && p.protocol() != IpProtocol.TCP) {
                        assertEquals(p.checksum(), q.checksum(), "exact match on the checksum");
                    }
                    // Time Exceeded comes from a router on the way when the probe's TTL ran out there.
                    if (ir.type() == IcmpType.TIME_EXCEEDED) {
                        assertTrue(q.ttl() <= 1);
                    }
                } else {
                    assertEquals(ir.source(), p.destination());
                    assertEquals(ir.echoSequence(), p.icmpSequence());
                }
            } else if (reply instanceof TcpReply tr) {
                assertEquals(tr.destinationPort(), p.sourcePort());
                assertEquals(tr.acknowledgment(), (p.tcpSequence() + 1) & 0xffffffffL);
            }
            seen.add(p);
        }
        assertTrue(!seen.isEmpty());
    }

    @Test
    void paris_probes_share_the_flow_and_are_told_apart_by_ip_id_and_checksum() {
        Result r = run(CapturedFrames.read("straight-scamper-udp-paris.pcap"));
        Set<Integer> ports = new HashSet<>();
        for (SentProbe p : r.probes()) {
            ports.add(p.sourcePort() << 16 | p.destinationPort());
        }
        assertEquals(1, ports.size(), "one 5-tuple for the whole run");
        for (SentProbe p : r.attributed()) {
            assertEquals(p.ipId(), p.checksum(), "scamper: IP ID and UDP checksum both = probe number");
        }
        assertEquals(r.replies().size(), new HashSet<>(r.attributed()).size(), "each reply its own probe");
    }

    @Test
    void offloaded_checksums_still_attribute_each_reply_to_its_own_probe() {
        Result r = run(CapturedFrames.read("straight-traceroute-udp-offload.pcap"));
        for (int i = 0; i < r.replies().size(); i++) {
            IcmpReply reply = (IcmpReply) r.replies().get(i);
            assertEquals(reply.quote().sourcePort(), r.attributed().get(i).sourcePort());
            assertEquals(reply.quote().destinationPort(), r.attributed().get(i).destinationPort());
        }
    }

    @Test
    void back_to_back_runs_to_the_same_ports_pick_the_probe_of_the_current_run() {
        Result r = run(CapturedFrames.read("multi-traceroute-udp.pcap"));
        for (int i = 0; i < r.replies().size(); i++) {
            IcmpReply reply = (IcmpReply) r.replies().get(i);
            SentProbe p = r.attributed().get(i);
            // The most recent probe with that identity, sent before the reply.
            for (SentProbe other : r.probes()) {
                if (other != p && other.sourcePort() == p.sourcePort() && other.destinationPort() == p.destinationPort()
                        && other.ipId() == p.ipId() && other.destination().equals(p.destination())) {
                    assertTrue(other.timeNanos() < p.timeNanos() || other.timeNanos() > reply.timeNanos());
                }
            }
        }
        assertSame(r.replies().size(), r.attributed().size());
    }
}
