package org.tracecap.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.tracecap.packet.Bytes;
import org.tracecap.packet.IcmpErrorEncoder;
import org.tracecap.packet.Icmpv6Type;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.IpProtocol;
import org.tracecap.packet.Ipv6View;
import org.tracecap.packet.LinkLayer;

/** IPv6 frames through {@link FrameClassifier} and {@link ProbeTable}: the same records as IPv4. */
class Ipv6ClassifierTest {
    static final long T = 1_700_000_000_000_000_000L;
    static final IpAddress CLIENT = IpAddress.parse("2001:db8:1::1");
    static final IpAddress R1 = IpAddress.parse("2001:db8:1::2");
    static final IpAddress SERVER = IpAddress.parse("2001:db8:5::2");

    // From captures/chain6-traceroute-udp.pcap (traceroute 2.1.2 -6, Linux namespaces): the first probe
    // (hop limit 1, flow label 0xdfb90, port 52887 -> 33434), r1's Time Exceeded quoting it, and the server's
    // Port Unreachable for the probe to port 33446 (flow label 0x2fe48).
    static final String PROBE = "0200c61201020200c612010186dd600dfb900028110120010db8000100000000000000000001"
            + "20010db8000500000000000000000002ce97829a00285dec404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f";
    static final String TIME_EXCEEDED = "0200c61201010200c612010286dd600523e600583a4020010db800010000000000000000000220010db8"
            + "0001000000000000000000010300346800000000600dfb900028110120010db800010000000000000000000120010db8000500000000"
            + "000000000002ce97829a00285dec404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f";
    static final String PORT_UNREACHABLE = "0200c61201010200c612010286dd60084e4c00583a3c20010db800050000000000000000000220010db8"
            + "0001000000000000000000010104" + "33b3000000006002fe480028110120010db800010000000000000000000120010db80005000000"
            + "00000000000002d3a882a6002858cf404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f";

    private final FrameClassifier classifier = new FrameClassifier();

    private Classified classify(int linkType, byte[] f) {
        return classifier.classify(T, linkType, f, f.length, f.length);
    }

    private Classified ethernet(String hex) {
        return classify(LinkLayer.ETHERNET, Bytes.fromHex(hex));
    }

    @Test
    void udpProbeCarriesHopLimitFlowLabelAndNoIpId() {
        SentProbe p = assertInstanceOf(SentProbe.class, ethernet(PROBE));
        assertEquals(new SentProbe(T, CLIENT, SERVER, IpProtocol.UDP, 1, 0, 80, 0, 52887, 33434, 0, 0, 0x5dec, 0,
                0x5dec, SentProbe.CHECKSUM_AS_CAPTURED, 0x40414243, 0, 0xdfb90), p);
    }

    @Test
    void timeExceededQuotesTheProbeAndIsAttributed() {
        SentProbe p = assertInstanceOf(SentProbe.class, ethernet(PROBE));
        IcmpReply r = assertInstanceOf(IcmpReply.class, ethernet(TIME_EXCEEDED));
        assertEquals(R1, r.source());
        assertEquals(Icmpv6Type.TIME_EXCEEDED, r.type());
        assertTrue(r.isTimeExceeded());
        assertFalse(r.isDestinationUnreachable());
        assertEquals(64, r.replyTtl());
        assertEquals(new QuotedProbe(CLIENT, SERVER, IpProtocol.UDP, 1, 0, 80, 0, 52887, 33434, 0, 0, 0x5dec, 0, 80,
                0xdfb90), r.quote());
        ProbeTable table = new ProbeTable(100);
        table.add(p);
        assertSame(p, table.attribute(r));
        // another flow label is another probe: not the exact rule's, found by the looser ones
        SentProbe relabelled = new SentProbe(T, CLIENT, SERVER, IpProtocol.UDP, 1, 0, 80, 0, 52887, 33434, 0, 0,
                0x5dec, 0, 0x5dec, SentProbe.CHECKSUM_AS_CAPTURED, 0x40414243, 0, 0x12345);
        assertFalse(relabelled.sameIdentification(r.quote()));
        assertTrue(p.sameIdentification(r.quote()));
    }

    @Test
    void portUnreachableIsReachedWithoutAnnotation() {
        IcmpReply r = assertInstanceOf(IcmpReply.class, ethernet(PORT_UNREACHABLE));
        assertEquals(SERVER, r.source());
        assertTrue(r.isDestinationUnreachable());
        assertTrue(r.isPortUnreachable());
        assertEquals("", r.annotation());
        assertEquals(33446, r.quote().destinationPort());
        assertEquals(0x2fe48, r.quote().flowLabel());
    }

    @Test
    void annotationsAreTraceroute6s() {
        byte[] probe = Arrays.copyOfRange(Bytes.fromHex(PROBE), 14, 94);
        String[] expected = {"!N", "!X", "!H", "!H", "", "!X", "!X", "!7"};
        for (int code = 0; code < expected.length; code++) {
            IcmpReply r = reply(IcmpErrorEncoder.destinationUnreachable(SERVER, CLIENT, code, probe, 0, probe.length));
            assertEquals(expected[code], r.annotation(), "code " + code);
            assertEquals(code == 4, r.isPortUnreachable());
        }
        IcmpReply big = reply(IcmpErrorEncoder.packetTooBig(R1, CLIENT, 1280, probe, 0, probe.length));
        assertEquals("!F-1280", big.annotation());
        assertEquals(1280, big.nextHopMtu());
        assertFalse(big.isDestinationUnreachable());
        assertEquals(52887, big.quote().sourcePort());
    }

    private IcmpReply reply(IcmpErrorEncoder e) {
        byte[] f = new byte[e.length()];
        e.encode(f, 0);
        return assertInstanceOf(IcmpReply.class, classify(LinkLayer.RAW, f));
    }

    /** The probe with a 16-byte Destination Options header between the IPv6 header and UDP (SYNTHETIC). */
    static byte[] probeWithDestinationOptions() {
        byte[] ip = Arrays.copyOfRange(Bytes.fromHex(PROBE), 14, 94);
        byte[] out = new byte[ip.length + 16];
        System.arraycopy(ip, 0, out, 0, 40);
        System.arraycopy(ip, 40, out, 56, ip.length - 40);
        Bytes.put16(out, 4, ip.length - 40 + 16);
        Bytes.put8(out, 6, Ipv6View.DESTINATION_OPTIONS);
        Bytes.put8(out, 40, IpProtocol.UDP);
        Bytes.put8(out, 41, 1);                  // (1 + 1) * 8 bytes
        Bytes.put8(out, 42, 1);                  // PadN over the rest
        Bytes.put8(out, 43, 12);
        return out;
    }

    @Test
    void extensionHeadersAreWalkedInProbeAndQuote() {
        byte[] ip = probeWithDestinationOptions();
        SentProbe p = assertInstanceOf(SentProbe.class, classify(LinkLayer.RAW, ip));
        assertEquals(52887, p.sourcePort());
        assertEquals(96, p.totalLength());
        IcmpReply r = reply(IcmpErrorEncoder.timeExceeded(R1, CLIENT, ip, 0, ip.length));
        assertEquals(52887, r.quote().sourcePort());
        assertEquals(0x5dec, r.quote().checksum());
        ProbeTable table = new ProbeTable(10);
        table.add(p);
        assertSame(p, table.attribute(r));
    }

    @Test
    void quoteCutInsideAnExtensionHeaderHasNoTransportAndIsUnattributed() {
        byte[] ip = probeWithDestinationOptions();
        SentProbe p = assertInstanceOf(SentProbe.class, classify(LinkLayer.RAW, ip));
        IcmpReply r = reply(IcmpErrorEncoder.timeExceeded(R1, CLIENT, ip, 0, ip.length).quoteLimit(48));
        assertEquals(Ipv6View.DESTINATION_OPTIONS, r.quote().protocol());
        assertEquals(0, r.quote().sourcePort());
        ProbeTable table = new ProbeTable(10);
        table.add(p);
        assertNull(table.attribute(r));
    }

    @Test
    void quoteWithTooLittleTransportIsMalformedAsOverIpv4() {
        byte[] ip = Arrays.copyOfRange(Bytes.fromHex(PROBE), 14, 94);
        IcmpErrorEncoder e = IcmpErrorEncoder.timeExceeded(R1, CLIENT, ip, 0, ip.length).quoteLimit(44);
        byte[] f = new byte[e.length()];
        e.encode(f, 0);
        assertEquals(FrameClassifier.SHORT_QUOTE,
                assertInstanceOf(Classified.Malformed.class, classify(LinkLayer.RAW, f)).reason());
    }

    @Test
    void echoRequestAndReplyOfIcmpv6() {
        byte[] data = new byte[8];
        IcmpErrorEncoder reply = IcmpErrorEncoder.echoReply(SERVER, CLIENT, 0x1234, 7, data, 0, data.length);
        IcmpReply r = reply(reply);
        assertTrue(r.isEchoReply());
        assertEquals(0x1234, r.echoId());
        assertNull(r.quote());
        // the same bytes as a request: type 128
        byte[] f = new byte[reply.length()];
        reply.encode(f, 0);
        Bytes.put8(f, 40, Icmpv6Type.ECHO_REQUEST);
        SentProbe p = assertInstanceOf(SentProbe.class, classify(LinkLayer.RAW, f));
        assertEquals(IpProtocol.ICMPV6, p.protocol());
        assertEquals(7, p.icmpSequence());
        byte[] swapped = f.clone();
        System.arraycopy(f, 8, swapped, 24, 16);
        System.arraycopy(f, 24, swapped, 8, 16);
        SentProbe request = assertInstanceOf(SentProbe.class, classify(LinkLayer.RAW, swapped));
        ProbeTable table = new ProbeTable(10);
        table.add(request);
        assertSame(request, table.attribute(r));
    }

    @Test
    void ipv6FramesThatCarryNoTransportAreIgnoredWithAReason() {
        byte[] ip = Arrays.copyOfRange(Bytes.fromHex(PROBE), 14, 94);
        Bytes.put8(ip, 6, Ipv6View.NO_NEXT_HEADER);
        assertEquals(new Classified.Ignored(FrameClassifier.IPV6_NOT_TRACED), classify(LinkLayer.RAW, ip));
        byte[] ns = new byte[48];
        Bytes.put8(ns, 0, 0x60);
        Bytes.put16(ns, 4, 8);
        Bytes.put8(ns, 6, IpProtocol.ICMPV6);
        Bytes.put8(ns, 40, Icmpv6Type.NEIGHBOR_SOLICITATION);
        assertEquals(new Classified.Ignored(FrameClassifier.OTHER_ICMPV6), classify(LinkLayer.RAW, ns));
    }

    @Test
    void partialChecksumOfAnIpv6ProbeIsCompletedOverTheIpv6PseudoHeader() {
        // SYNTHETIC: the real probe as a host sending with transmit checksum offload captures it (Linux
        // udp6_hwcsum_outgoing leaves ~csum_ipv6_magic(saddr, daddr, len, proto, 0) for the NIC)
        byte[] f = Bytes.fromHex(PROBE);
        int partial = org.tracecap.packet.Checksum.pseudoHeaderSumIpv6(CLIENT.high(), CLIENT.low(), SERVER.high(),
                SERVER.low(), IpProtocol.UDP, 40);
        Bytes.put16(f, 14 + 40 + 6, partial);
        SentProbe p = assertInstanceOf(SentProbe.class, classify(LinkLayer.ETHERNET, f));
        assertEquals(0x5dec, p.checksum());
        assertEquals(partial, p.capturedChecksum());
        assertEquals(SentProbe.CHECKSUM_COMPLETED, p.checksumState());
        // a router quoting either is quoting this probe
        assertTrue(p.checksumQuotedUnchanged(0x5dec) && p.checksumQuotedUnchanged(partial));
        // cut by the snap length: partial, real value unknown
        SentProbe cut = assertInstanceOf(SentProbe.class, classifier.classify(T, LinkLayer.ETHERNET, f, 70, f.length));
        assertEquals(SentProbe.CHECKSUM_PARTIAL, cut.checksumState());
    }
}
