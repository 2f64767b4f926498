package org.tracecap.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tracecap.capture.CapturedFrames;
import org.tracecap.model.Hop;
import org.tracecap.model.ProbeResult;
import org.tracecap.model.Trace;
import org.tracecap.packet.Bytes;
import org.tracecap.packet.Checksum;
import org.tracecap.packet.Ipv4Address;

/**
 * Replays of captures taken on a host sending with transmit checksum offload (captures/README.md): the NAT
 * marks show what the quotes show, and every probe says its captured checksum was partial.
 */
class OffloadReplayTest {

    private static Trace only(Replays.Result r, String name) {
        assertEquals(1, r.traces().size(), name);
        return r.traces().get(0);
    }

    private static List<Boolean> marks(Trace t) {
        List<Boolean> marks = new ArrayList<>();
        for (Hop h : t.hops()) {
            marks.add(h.nat());
        }
        return marks;
    }

    @ParameterizedTest
    @ValueSource(strings = {"straight-traceroute-udp-offload.pcap", "straight-traceroute-udp-offload-wire.pcap",
            "nat-traceroute-udp-offload.pcap"})
    void offloadedProbesAreCompletedAndNoHopIsMarked(String name) {
        Trace t = only(Replays.replay(name), name);
        assertEquals(List.of(false, false, false, false, false), marks(t), Replays.dump(List.of(t)));
        for (Hop h : t.hops()) {
            for (ProbeResult p : h.probes()) {
                assertTrue(p.udpChecksumPartial(), name);
                assertEquals(0x9261, p.capturedUdpChecksum(), name + ": 198.18.1.1 -> 198.18.5.2, 40 bytes");
                assertTrue(p.has(ProbeResult.HAS_UDP_CHECKSUM), name);
                // Routers quote the checksum the wire carried: the real one, or (virtual links that never
                // complete it) the partial one as captured.
                int quoted = p.quotedUdpChecksum();
                assertTrue(quoted == p.udpChecksum() || quoted == p.capturedUdpChecksum(), name);
            }
        }
    }

    @Test
    void behindMasqueradeTheQuotesAreTranslatedBackChecksumIncluded() {
        // r2 (hop 2) masquerades with conntrack: r3, r4 and the server quote the rewritten probe, and r2
        // translates their quotes back, the UDP checksum included, so no quote shows the NAT (with or
        // without offload), and no hop is marked.
        for (String name : List.of("nat-traceroute-udp.pcap", "nat-traceroute-udp-offload.pcap")) {
            Trace t = only(Replays.replay(name), name);
            assertEquals(List.of(false, false, false, false, false), marks(t), name);
            for (Hop h : t.hops()) {
                for (ProbeResult p : h.probes()) {
                    assertEquals(p.udpChecksum(), p.quotedUdpChecksum(), name + " hop " + h.ttl());
                }
            }
        }
    }

    @Test
    void aStatelessNatBehindOffloadIsMarkedOnlyWhereTheQuotesChange() {
        // Synthetic, built by code from straight-traceroute-udp-offload-wire.pcap: the ICMP errors of hops 3-5
        // (r3, r4, the server) rewritten as they would come back through a stateless source NAT at r2 that
        // does not translate the quote back (the NAT of DublinNatLiveTest): quoted source 198.18.99.1 and the
        // quoted UDP checksum updated for it (RFC 1624). The probes keep their partial checksums.
        List<Trace> traces = new ArrayList<>();
        Reconstructor replay = new Reconstructor(traces::add);
        int nat = Ipv4Address.parse("198.18.99.1");
        for (CapturedFrames.Frame f : CapturedFrames.read("straight-traceroute-udp-offload-wire.pcap")) {
            byte[] b = f.bytes();
            if (b.length > 70 && b[12] == 0x08 && b[13] == 0 && b[23] == 1 && Bytes.u8(b, 34) != 0
                    && Bytes.u8(b, 28) >= 3) {
                // outer source 198.18.k.2 with k >= 3: hop 3 or later
                natQuote(b, nat);
            }
            replay.frame(f.timeNanos(), f.linkType(), b, b.length, f.wireLength());
        }
        replay.finish(false);
        assertEquals(1, traces.size());
        Trace t = traces.get(0);
        assertEquals(List.of(false, false, true, false, false), marks(t), Replays.dump(traces));
        ProbeResult p = t.hops().get(2).probes().get(0);
        assertTrue(p.udpChecksumPartial());
        assertFalse(p.udpChecksum().equals(p.quotedUdpChecksum()));
    }

    /**
     * Rewrites the quote of an Ethernet + IPv4 + ICMP error frame in place: inner source address to {@code to},
     * the inner UDP checksum shifted by the same change (RFC 1624 eqn. 3), the inner IP header checksum and
     * the ICMP checksum redone.
     */
    private static void natQuote(byte[] b, int to) {
        int icmp = 34;
        int inner = icmp + 8;
        int udp = inner + 20;
        int from = Bytes.s32(b, inner + 12);
        Bytes.put32(b, inner + 12, to & 0xffffffffL);
        int hc = Bytes.u16(b, udp + 6);
        long s = (~hc & 0xffff) + (~(from >>> 16) & 0xffff) + (~from & 0xffff) + (to >>> 16) + (to & 0xffff);
        while ((s >>> 16) != 0) {
            s = (s & 0xffff) + (s >>> 16);
        }
        Bytes.put16(b, udp + 6, (int) (~s & 0xffff));
        Bytes.put16(b, inner + 10, 0);
        Bytes.put16(b, inner + 10, Checksum.compute(b, inner, 20));
        Bytes.put16(b, icmp + 2, 0);
        Bytes.put16(b, icmp + 2, Checksum.compute(b, icmp, b.length - icmp));
    }
}
