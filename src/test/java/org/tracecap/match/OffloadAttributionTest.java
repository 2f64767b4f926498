package org.tracecap.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tracecap.capture.CapturedFrames;
import org.tracecap.packet.Bytes;
import org.tracecap.packet.Checksum;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.IpProtocol;
import org.tracecap.packet.Ipv4Address;
import org.tracecap.packet.LinkLayer;
import org.tracecap.packet.RealFrames;

/**
 * Probes captured on a host sending with transmit checksum offload: the classifier gives them the checksum
 * they left with, and the probe table matches quotes by it (rule 1).
 */
class OffloadAttributionTest {
    /** Client captures partial checksums, r1 and the routers past it quote the real ones (captures/README.md). */
    static final String WIRE = "straight-traceroute-udp-offload-wire.pcap";
    /** Every link of the path leaves the checksums partial, so the routers quote the partial one. */
    static final String VIRTUAL = "straight-traceroute-udp-offload.pcap";
    static final int ETHERNET_IP_UDP = 14 + 20 + 8;

    private static Classified classify(CapturedFrames.Frame f, int caplen) {
        return new FrameClassifier().classify(f.timeNanos(), f.linkType(), f.bytes(), caplen, f.wireLength());
    }

    @Test
    void aWholeOffloadedProbeCarriesTheChecksumItLeftWith() {
        // Frame 3: the first probe, field 0x9261 (the pseudo-header sum); frame 4 quotes it with 0x6d9e.
        CapturedFrames.Frame frame = CapturedFrames.frame(WIRE, 3);
        SentProbe p = assertInstanceOf(SentProbe.class, classify(frame, frame.bytes().length));
        assertEquals(0x6d9e, p.checksum());
        assertEquals(0x9261, p.capturedChecksum());
        assertEquals(SentProbe.CHECKSUM_COMPLETED, p.checksumState());
        assertTrue(p.checksumPartial());
        assertTrue(p.checksumKnown());
        CapturedFrames.Frame timeExceeded = CapturedFrames.frame(WIRE, 4);
        IcmpReply r = assertInstanceOf(IcmpReply.class, classify(timeExceeded, timeExceeded.bytes().length));
        assertEquals(0x6d9e, r.quote().checksum());
        assertTrue(p.checksumQuotedUnchanged(r.quote().checksum()));
    }

    @Test
    void anOffloadedProbeCutBySnapLengthKeepsItsPartialChecksumAsUnknown() {
        CapturedFrames.Frame frame = CapturedFrames.frame(WIRE, 3);
        SentProbe p = assertInstanceOf(SentProbe.class, classify(frame, ETHERNET_IP_UDP));
        assertEquals(0x9261, p.checksum());
        assertEquals(0x9261, p.capturedChecksum());
        assertEquals(SentProbe.CHECKSUM_PARTIAL, p.checksumState());
        assertTrue(p.checksumPartial());
        assertFalse(p.checksumKnown());
    }

    @Test
    void aProbeWithItsRealChecksumIsAsCaptured() {
        CapturedFrames.Frame frame = CapturedFrames.frame("straight-traceroute-udp.pcap", 3);
        SentProbe p = assertInstanceOf(SentProbe.class, classify(frame, frame.bytes().length));
        assertEquals(SentProbe.CHECKSUM_AS_CAPTURED, p.checksumState());
        assertEquals(p.capturedChecksum(), p.checksum());
        assertFalse(p.checksumPartial());
    }

    @Test
    void aTcpSynWithAPartialChecksumIsCompletedToItsRealOne() {
        // RealFrames.TCP_SYN (straight-traceroute-tcp.pcap frame 27) carries its real checksum 0xe0bc; Linux
        // traceroute -T computes its own, so offload never shows in its captures. Synthetic: the same frame
        // with the field set to the TCP pseudo-header sum, as a kernel TCP socket behind offload leaves it.
        byte[] f = RealFrames.bytes(RealFrames.TCP_SYN);
        FrameClassifier classifier = new FrameClassifier();
        SentProbe real = assertInstanceOf(SentProbe.class, classifier.classify(0, LinkLayer.ETHERNET, f, f.length,
                f.length));
        assertEquals(0xe0bc, real.checksum());
        assertEquals(SentProbe.CHECKSUM_AS_CAPTURED, real.checksumState());
        int tcpAt = 14 + 20;
        int pseudo = Checksum.pseudoHeaderSum(real.source().ipv4(), real.destination().ipv4(), IpProtocol.TCP, 40);
        Bytes.put16(f, tcpAt + 16, pseudo);
        SentProbe partial = assertInstanceOf(SentProbe.class, classifier.classify(0, LinkLayer.ETHERNET, f,
                f.length, f.length));
        assertEquals(0xe0bc, partial.checksum());
        assertEquals(pseudo, partial.capturedChecksum());
        assertEquals(SentProbe.CHECKSUM_COMPLETED, partial.checksumState());
        assertEquals(real.tcpSequence(), partial.tcpSequence());
    }

    @Test
    void everyReplyOfBothOffloadCapturesMatchesItsProbeExactly() {
        for (String name : List.of(WIRE, VIRTUAL, "nat-traceroute-udp-offload.pcap")) {
            CaptureAttributionTest.Result r = CaptureAttributionTest.run(CapturedFrames.read(name));
            assertEquals(16, r.probes().size(), name);
            for (SentProbe p : r.probes()) {
                assertEquals(SentProbe.CHECKSUM_COMPLETED, p.checksumState(), name);
            }
            for (int i = 0; i < r.replies().size(); i++) {
                IcmpReply reply = (IcmpReply) r.replies().get(i);
                SentProbe p = r.attributed().get(i);
                assertEquals(reply.quote().ipId(), p.ipId(), name);
                assertTrue(p.checksumQuotedUnchanged(reply.quote().checksum()), name + " reply " + i);
            }
        }
    }

    @Test
    void ruleOneMatchesAnOffloadedProbeByItsRealOrItsPartialChecksum() {
        // Synthetic: two probes of one flow with the same IP ID; the older left with 0x6d9e (captured 0x9261),
        // the newer with 0x1111. Rule 2 (same flow and IP ID) would take the newer; rule 1 finds the older.
        int src = CaptureAttributionTest.CLIENT;
        int dst = Ipv4Address.parse("198.18.5.2");
        SentProbe older = new SentProbe(1_000, IpAddress.ipv4(src), IpAddress.ipv4(dst), IpProtocol.UDP, 1, 7, 60, 0,
                34872, 33434, 0, 0, 0x6d9e,
                0, 0x9261, SentProbe.CHECKSUM_COMPLETED, 0, 0);
        SentProbe newer = new SentProbe(2_000, IpAddress.ipv4(src), IpAddress.ipv4(dst), IpProtocol.UDP, 1, 7, 60, 0,
                34872, 33434, 0, 0, 0x1111, 0);
        ProbeTable table = new ProbeTable(16);
        table.add(older);
        table.add(newer);
        assertSame(older, table.attribute(reply(src, dst, 0x6d9e)));
        assertSame(older, table.attribute(reply(src, dst, 0x9261)));
        assertSame(newer, table.attribute(reply(src, dst, 0x1111)));
        assertSame(newer, table.attribute(reply(src, dst, 0x2222)), "rule 2: same flow and IP ID, newest");
    }

    private static IcmpReply reply(int src, int dst, int quotedChecksum) {
        QuotedProbe q = new QuotedProbe(IpAddress.ipv4(src), IpAddress.ipv4(dst), IpProtocol.UDP, 1, 7, 60, 0, 34872,
                33434, 0, 0, quotedChecksum, 0,
                60);
        return new IcmpReply(3_000, IpAddress.parse("198.18.1.2"), IpAddress.ipv4(src), 64, 88, 11,
                0, 0, q,
                0, 0, List.of());
    }
}
