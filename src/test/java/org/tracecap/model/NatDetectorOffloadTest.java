package org.tracecap.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tracecap.packet.IpAddress;

/**
 * NAT marks of probes captured with a partial checksum (transmit checksum offload). Classic traceroute's
 * probes (own ports per probe) all carry the same partial checksum, the pseudo-header sum (0x9261 for
 * 198.18.1.1 -> 198.18.5.2, 40 bytes), while each leaves with its own real checksum.
 */
class NatDetectorOffloadTest {
    static final int PARTIAL = 0x9261;

    /** A probe captured with {@link #PARTIAL}; {@code real} null when it could not be worked out. */
    static ProbeResult offloaded(int ttl, Integer real, Integer quoted) {
        ProbeResult.Builder b = new ProbeResult.Builder().probe(ttl, 0, ttl, 60).ports(40000 + ttl, 33434 + ttl)
                .capturedUdpChecksum(PARTIAL);
        if (real != null) {
            b.udpChecksum(real);
        }
        if (quoted != null) {
            b.reply(1000, IpAddress.ipv4(0x0a000000 + ttl), 64, 88).icmp(11, 0, "").quote(1,
                    ttl).quotedUdpChecksum(quoted);
        }
        return b.build();
    }

    static List<Boolean> marks(List<List<ProbeResult>> hops) {
        NatDetector d = new NatDetector();
        List<Boolean> out = new ArrayList<>();
        for (int i = 0; i < hops.size(); i++) {
            out.add(d.mark(new Hop(i + 1, hops.get(i))).nat());
        }
        return out;
    }

    @Test
    void theBuilderKeepsTheCapturedChecksumApart() {
        ProbeResult p = offloaded(1, 0x6d9e, 0x6d9e);
        assertTrue(p.udpChecksumPartial());
        assertEquals(0x6d9e, p.udpChecksum());
        assertEquals(PARTIAL, p.capturedUdpChecksum());
        ProbeResult unknown = offloaded(1, null, 0x6d9e);
        assertNull(unknown.udpChecksum());
        assertEquals(PARTIAL, unknown.capturedUdpChecksumOr(0));
        assertFalse(NatDetectorTest.probe(1, 1, 1).udpChecksumPartial());
    }

    @Test
    void routersQuotingTheRealChecksumMarkNothing() {
        // straight-traceroute-udp-offload-wire.pcap, hops 1-3: the quotes hold the real checksums.
        assertEquals(List.of(false, false, false), marks(List.of(
                List.of(offloaded(1, 0x6d9e, 0x6d9e), offloaded(1, 0x3c0b, 0x3c0b)),
                List.of(offloaded(2, 0x7404, 0x7404), offloaded(2, 0x11af, 0x11af)),
                List.of(offloaded(3, 0x66c3, 0x66c3)))));
    }

    @Test
    void routersQuotingThePartialChecksumAsCapturedMarkNothing() {
        // straight-traceroute-udp-offload.pcap: every link is virtual, nothing completes the checksum.
        assertEquals(List.of(false, false, false), marks(List.of(
                List.of(offloaded(1, 15646, PARTIAL), offloaded(1, 5529, PARTIAL)),
                List.of(offloaded(2, 10405, PARTIAL)),
                List.of(offloaded(3, 11202, PARTIAL)))));
    }

    @Test
    void aPartialChecksumWhoseRealValueIsUnknownChangesNothing() {
        // Cut by the snap length: whatever the routers quote cannot be compared with what was sent.
        assertEquals(List.of(false, false, false), marks(List.of(
                List.of(offloaded(1, null, 0x6d9e)),
                List.of(offloaded(2, null, 0x7404), offloaded(2, null, 0x11af)),
                List.of(offloaded(3, null, 0x1234)))));
    }

    @Test
    void aRealRewriteBehindOffloadIsMarkedOnceWhereItShows() {
        // Synthetic: a NAT between hops 2 and 3 that does not translate the quotes back adds 0x0100 to every
        // checksum (RFC 1624); the probes were captured with partial checksums.
        assertEquals(List.of(false, false, true, false), marks(List.of(
                List.of(offloaded(1, 0x6d9e, 0x6d9e), offloaded(1, 0x3c0b, 0x3c0b)),
                List.of(offloaded(2, 0x7404, 0x7404)),
                List.of(offloaded(3, 0x66c3, 0x67c3), offloaded(3, 0x6f8b, 0x708b)),
                List.of(offloaded(4, 0x50bb, 0x51bb), offloaded(4, null, 0x4444)))));
    }

    @Test
    void probesOfUnknownRealChecksumDoNotOutvoteTheKnownOnes() {
        // Hop 2: one probe known to be unchanged, two unknown ones: the hop shows no change.
        assertEquals(List.of(false, false), marks(List.of(
                List.of(offloaded(1, 0x6d9e, 0x6d9e)),
                List.of(offloaded(2, 0x7404, 0x7404), offloaded(2, null, 0x1111), offloaded(2, null, 0x2222)))));
    }
}
