package org.tracecap.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.tracecap.packet.Bytes;
import org.tracecap.packet.IcmpErrorEncoder;
import org.tracecap.packet.IpProtocol;
import org.tracecap.packet.Ipv6View;
import org.tracecap.packet.LinkLayer;
import org.tracecap.replay.Reconstructor;
import org.tracecap.replay.ReplaySummary;

/**
 * IPv6 frames that lie, through the classifier and a replay: a payload length that lies, extension header chains
 * longer than the packet, quotes cut inside an extension header. Each gives a record or a counted reason, never
 * an exception. The frames start from a real probe of captures/chain6-traceroute-udp.pcap
 * ({@link Ipv6ClassifierTest#PROBE}) and are changed here (SYNTHETIC).
 */
class Ipv6HostileFrameProperties {
    private static final byte[] PROBE_IP = Arrays.copyOfRange(Bytes.fromHex(Ipv6ClassifierTest.PROBE), 14, 94);

    private static Classified classify(byte[] f, int caplen) {
        return new FrameClassifier().classify(0, LinkLayer.RAW, f, caplen, f.length);
    }

    /** Classified, then replayed with the real probe before it: the replay counts it and never throws. */
    private static Classified classifyAndReplay(byte[] f, int caplen) {
        Classified c = classify(f, caplen);
        assertNotNull(c);
        Reconstructor r = new Reconstructor(t -> { });
        r.frame(0, LinkLayer.RAW, PROBE_IP, PROBE_IP.length, PROBE_IP.length);
        r.frame(1_000, LinkLayer.RAW, f, caplen, f.length);
        ReplaySummary s = r.finish(false);
        assertEquals(2, s.packetsRead());
        if (c instanceof Classified.Malformed m) {
            assertEquals(1L, s.malformed().get(m.reason()));
        }
        return c;
    }

    @Property(tries = 1000)
    void payloadLengthLies(@ForAll @IntRange(min = 0, max = 0xffff) int payloadLength,
            @ForAll @IntRange(min = 0, max = 80) int caplen) {
        byte[] f = PROBE_IP.clone();
        Bytes.put16(f, 4, payloadLength);
        Classified c = classifyAndReplay(f, caplen);
        if (caplen < Ipv6View.HEADER) {
            // raw IP: no byte for the version nibble is a link header cut short
            assertEquals(caplen == 0 ? "link header truncated" : "IPv6 header past capture",
                    assertInstanceOf(Classified.Malformed.class, c).reason());
        } else if (c instanceof SentProbe p) {
            // the header says what it says; the ports come from what is there
            assertEquals(40 + payloadLength, p.totalLength());
            assertEquals(52887, p.sourcePort());
        } else {
            assertInstanceOf(Classified.Malformed.class, c);
        }
    }

    /** The probe behind {@code lengths.size()} Destination Options headers of (length + 1) * 8 bytes each. */
    private static byte[] chain(List<Integer> lengths) {
        int extra = 0;
        for (int l : lengths) {
            extra += (l + 1) * 8;
        }
        byte[] out = new byte[PROBE_IP.length + extra];
        System.arraycopy(PROBE_IP, 0, out, 0, 40);
        Bytes.put8(out, 6, lengths.isEmpty() ? IpProtocol.UDP : Ipv6View.DESTINATION_OPTIONS);
        Bytes.put16(out, 4, PROBE_IP.length - 40 + extra);
        int at = 40;
        for (int i = 0; i < lengths.size(); i++) {
            Bytes.put8(out, at, i + 1 < lengths.size() ? Ipv6View.DESTINATION_OPTIONS : IpProtocol.UDP);
            Bytes.put8(out, at + 1, lengths.get(i));
            at += (lengths.get(i) + 1) * 8;
        }
        System.arraycopy(PROBE_IP, 40, out, at, PROBE_IP.length - 40);
        return out;
    }

    @Property(tries = 1000)
    void extensionChainLongerThanThePacket(@ForAll @Size(max = 20) List<@IntRange(min = 0, max = 8) Integer> lengths,
            @ForAll @IntRange(min = 0, max = 1000) int cut, @ForAll @IntRange(min = 0, max = 0xffff) int payloadLength,
            @ForAll boolean lie) {
        byte[] f = chain(lengths);
        if (lie) {
            Bytes.put16(f, 4, payloadLength);
        }
        int caplen = Math.min(cut, f.length);
        Classified c = classifyAndReplay(f, caplen);
        if (c instanceof SentProbe p) {
            assertTrue(lengths.size() <= Ipv6View.MAX_EXTENSION_HEADERS);
            assertEquals(52887, p.sourcePort());
        } else if (c instanceof Classified.Ignored i) {
            // past 16 headers the walk gives up: not traced
            assertEquals(FrameClassifier.IPV6_NOT_TRACED, i.reason());
            assertTrue(lengths.size() > Ipv6View.MAX_EXTENSION_HEADERS);
        } else {
            assertInstanceOf(Classified.Malformed.class, c);
        }
    }

    @Property(tries = 600)
    void quoteCutAnywhere(@ForAll @Size(min = 1, max = 3) List<@IntRange(min = 0, max = 4) Integer> lengths,
            @ForAll @IntRange(min = 0, max = 200) int quoteLimit) {
        byte[] probe = chain(lengths);
        int ext = 0;
        for (int l : lengths) {
            ext += (l + 1) * 8;
        }
        IcmpErrorEncoder e = IcmpErrorEncoder.timeExceeded(Ipv6ClassifierTest.R1, Ipv6ClassifierTest.CLIENT, probe, 0,
                probe.length).quoteLimit(quoteLimit);
        byte[] f = new byte[e.length()];
        e.encode(f, 0);
        Classified c = classifyAndReplay(f, f.length);
        int quoted = Math.min(quoteLimit, probe.length);
        if (quoted < Ipv6View.HEADER) {
            assertEquals("quoted IPv6 header past capture", assertInstanceOf(Classified.Malformed.class, c).reason());
        } else if (quoted < 40 + ext) {
            // cut inside an extension header: no transport, attributed to no probe
            IcmpReply r = assertInstanceOf(IcmpReply.class, c);
            assertEquals(Ipv6View.DESTINATION_OPTIONS, r.quote().protocol());
            assertEquals(0, r.quote().sourcePort());
        } else if (quoted < 40 + ext + 8) {
            assertEquals(FrameClassifier.SHORT_QUOTE, assertInstanceOf(Classified.Malformed.class, c).reason());
        } else {
            IcmpReply r = assertInstanceOf(IcmpReply.class, c);
            assertEquals(IpProtocol.UDP, r.quote().protocol());
            assertEquals(52887, r.quote().sourcePort());
            assertEquals(0xdfb90, r.quote().flowLabel());
        }
    }
}
