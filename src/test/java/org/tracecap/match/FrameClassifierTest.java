package org.tracecap.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tracecap.packet.RealFrames.bytes;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tracecap.packet.Bytes;
import org.tracecap.packet.Checksum;
import org.tracecap.packet.Encapsulation;
import org.tracecap.packet.IcmpErrorEncoder;
import org.tracecap.packet.IcmpExtensions;
import org.tracecap.packet.IcmpType;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.IpProtocol;
import org.tracecap.packet.Ipv4Address;
import org.tracecap.packet.LinkLayer;
import org.tracecap.packet.MplsEntry;
import org.tracecap.packet.RealFrames;

class FrameClassifierTest {
    static final int CLIENT = Ipv4Address.parse("198.18.1.1");
    static final int SERVER = Ipv4Address.parse("198.18.5.2");
    static final int R1 = Ipv4Address.parse("198.18.1.2");
    static final long T = 1_700_000_000_123_456_789L;

    private final FrameClassifier classifier = new FrameClassifier();

    private Classified classify(int linkType, byte[] f) {
        return classifier.classify(T, linkType, f, f.length, f.length);
    }

    private Classified ethernet(String hex) {
        return classify(LinkLayer.ETHERNET, bytes(hex));
    }

    private String malformed(int linkType, byte[] f) {
        return assertInstanceOf(Classified.Malformed.class, classify(linkType, f)).reason();
    }

    @Test
    void udpProbe() {
        SentProbe p = assertInstanceOf(SentProbe.class, ethernet(RealFrames.UDP_PROBE));
        // Linux traceroute's payload "@ABC..." (0x40 + i), no DF
        assertEquals(new SentProbe(T, IpAddress.ipv4(CLIENT), IpAddress.ipv4(SERVER), IpProtocol.UDP, 1, 0x54d3, 60,
                0, 37888, 33434, 0, 0, 0x61d6, 0,
                0x61d6, SentProbe.CHECKSUM_AS_CAPTURED, 0x40414243, 0), p);
    }

    @Test
    void udpProbeBehindVlanTagAndSll2() {
        SentProbe v = assertInstanceOf(SentProbe.class, ethernet(RealFrames.VLAN_UDP_PROBE));
        assertEquals(41303, v.sourcePort());
        SentProbe s = assertInstanceOf(SentProbe.class, classify(LinkLayer.LINUX_SLL2, bytes(RealFrames.SLL2_UDP_PROBE)));
        assertEquals(37555, s.sourcePort());
        assertEquals(0xedd7, s.ipId());
    }

    @Test
    void udpProbeBehindMplsAndPppoe() {
        // SYNTHETIC framing (no MPLS or PPPoE forwarding in this kernel) around a real probe's IPv4 bytes.
        byte[] ip = Arrays.copyOfRange(bytes(RealFrames.UDP_PROBE), 14, 74);
        SentProbe plain = assertInstanceOf(SentProbe.class, ethernet(RealFrames.UDP_PROBE));
        byte[] mpls = Encapsulation.ethernet(Encapsulation.ROUTER_MAC, Encapsulation.HOST_MAC)
                .tag(LinkLayer.ETHERTYPE_VLAN, 100).u16(LinkLayer.ETHERTYPE_MPLS).labels(Encapsulation.stack(3)).then(ip);
        assertEquals(plain, classify(LinkLayer.ETHERNET, mpls));
        byte[] pppoe = Encapsulation.ethernet(Encapsulation.ROUTER_MAC, Encapsulation.HOST_MAC)
                .u16(LinkLayer.ETHERTYPE_PPPOE_SESSION).pppoe(7, LinkLayer.PPP_IPV4, ip.length).then(ip);
        assertEquals(plain, classify(LinkLayer.ETHERNET, pppoe));
        assertEquals("link header truncated", malformed(LinkLayer.ETHERNET, Arrays.copyOf(mpls, 14 + 4 + 8)));
        byte[] lcp = Encapsulation.ethernet(Encapsulation.ROUTER_MAC, Encapsulation.HOST_MAC)
                .u16(LinkLayer.ETHERTYPE_PPPOE_SESSION).pppoe(7, LinkLayer.PPP_LCP, 10).then(new byte[10]);
        assertEquals(new Classified.Ignored(FrameClassifier.NOT_IP), classify(LinkLayer.ETHERNET, lcp));
    }

    @Test
    void echoRequestAndTcpSynAreProbes() {
        SentProbe echo = assertInstanceOf(SentProbe.class, ethernet(RealFrames.ECHO_REQUEST));
        // traceroute -I fills its data with 0x40 + i counted from the ICMP header's start: "HIJK..."
        assertEquals(new SentProbe(T, IpAddress.ipv4(CLIENT), IpAddress.ipv4(SERVER), IpProtocol.ICMP, 5, 0x3690, 60,
                0, 0, 0, 0x6724, 13, 0x1b49, 0,
                0x1b49, SentProbe.CHECKSUM_AS_CAPTURED, 0x48494a4b, 0), echo);
        SentProbe syn = assertInstanceOf(SentProbe.class, ethernet(RealFrames.TCP_SYN));
        // a SYN carries no data after its 40-byte header (options included): head 0, nothing non-zero
        assertEquals(new SentProbe(T, IpAddress.ipv4(CLIENT), IpAddress.ipv4(SERVER), IpProtocol.TCP, 5, 0x1ec9, 60,
                0, 39547, 80, 0, 0, 0xe0bc,
                1598006561L, 0xe0bc, SentProbe.CHECKSUM_AS_CAPTURED, 0, SentProbe.ZERO_TAIL), syn);
    }

    @Test
    void eachAddressSeenAgainIsTheSameObject() {
        // the classifier interns addresses (AddressCache): a steady replay makes no address object per frame
        SentProbe probe = assertInstanceOf(SentProbe.class, ethernet(RealFrames.UDP_PROBE));
        IcmpReply reply = assertInstanceOf(IcmpReply.class, ethernet(RealFrames.TIME_EXCEEDED));
        SentProbe again = assertInstanceOf(SentProbe.class, ethernet(RealFrames.UDP_PROBE));
        assertSame(probe.source(), again.source());
        assertSame(probe.destination(), again.destination());
        assertSame(probe.source(), reply.destination());
        assertSame(probe.source(), reply.quote().source());
        assertSame(probe.destination(), reply.quote().destination());
        assertEquals(IpAddress.parse("198.18.1.1"), probe.source());
    }

    @Test
    void timeExceededQuotesTheProbe() {
        IcmpReply r = assertInstanceOf(IcmpReply.class, ethernet(RealFrames.TIME_EXCEEDED));
        assertEquals(IpAddress.ipv4(R1), r.source());
        assertEquals(IpAddress.ipv4(CLIENT), r.destination());
        assertEquals(64, r.replyTtl());
        assertEquals(88, r.totalLength());
        assertEquals(IcmpType.TIME_EXCEEDED, r.type());
        assertEquals(0, r.code());
        assertEquals(0, r.nextHopMtu());
        assertTrue(r.extensions().isEmpty());
        assertEquals(new QuotedProbe(IpAddress.ipv4(CLIENT), IpAddress.ipv4(SERVER), IpProtocol.UDP, 1, 0x54d3, 60, 0,
                37888, 33434, 0, 0, 0x61d6, 0, 60),
                r.quote());
    }

    @Test
    void adminProhibitedAndEchoReplyAndRst() {
        IcmpReply du = assertInstanceOf(IcmpReply.class, ethernet(RealFrames.ADMIN_PROHIBITED));
        assertEquals(IcmpType.DEST_UNREACHABLE, du.type());
        assertEquals(13, du.code());
        assertEquals(33446, du.quote().destinationPort());
        IcmpReply echo = assertInstanceOf(IcmpReply.class, ethernet(RealFrames.ECHO_REPLY));
        assertNull(echo.quote());
        assertEquals(0x6724, echo.echoId());
        assertEquals(13, echo.echoSequence());
        assertEquals(IpAddress.ipv4(SERVER), echo.source());
        TcpReply rst = assertInstanceOf(TcpReply.class, ethernet(RealFrames.TCP_RST));
        assertEquals(new TcpReply(T, IpAddress.ipv4(SERVER), IpAddress.ipv4(CLIENT), 60, 40, 80, 39547, 0,
                1598006562L, TcpReply.RST | TcpReply.ACK), rst);
    }

    @Test
    void rfc792QuoteOfHeaderPlus8AndTcpQuote() {
        byte[] syn = bytes(RealFrames.TCP_SYN);
        byte[] te = IcmpErrorEncoder.timeExceeded(R1, CLIENT, syn, 14, 60).quoteLimit(28).toBytes();
        IcmpReply r = assertInstanceOf(IcmpReply.class, classify(LinkLayer.IPV4, te));
        QuotedProbe q = r.quote();
        assertEquals(39547, q.sourcePort());
        assertEquals(80, q.destinationPort());
        assertEquals(1598006561L, q.tcpSequence());
        assertEquals(0, q.checksum(), "TCP checksum not in an 8-byte quote");
        assertEquals(28, q.quotedLength());
    }

    @Test
    void quotedEchoRequest() {
        byte[] req = bytes(RealFrames.ECHO_REQUEST);
        byte[] te = IcmpErrorEncoder.timeExceeded(R1, CLIENT, req, 14, 60).toBytes();
        QuotedProbe q = assertInstanceOf(IcmpReply.class, classify(LinkLayer.RAW, te)).quote();
        assertEquals(IpProtocol.ICMP, q.protocol());
        assertEquals(0x6724, q.icmpId());
        assertEquals(13, q.icmpSequence());
        assertEquals(0x1b49, q.checksum());
    }

    @Test
    void syntheticMplsExtensionsReachTheReply() {
        // SYNTHETIC (Linux routers emit no RFC 4950 objects): built with the project's encoder.
        List<MplsEntry> stack = List.of(new MplsEntry(24001, 0, true, 1));
        byte[] te = IcmpErrorEncoder.timeExceeded(R1, CLIENT, bytes(RealFrames.UDP_PROBE), 14, 60)
                .extensions(List.of(IcmpExtensions.mplsObject(stack))).toBytes();
        IcmpReply r = assertInstanceOf(IcmpReply.class, classify(LinkLayer.IPV4, te));
        assertEquals(stack, r.extensions().get(0).mpls());
        assertEquals(37888, r.quote().sourcePort());
        assertEquals(60, r.quote().quotedLength(), "padding is not part of the quote");

        te[te.length - 1] ^= 1; // bad extension checksum: reply kept, extensions dropped, counted
        IcmpReply kept = assertInstanceOf(IcmpReply.class, classify(LinkLayer.IPV4, te));
        assertTrue(kept.extensions().isEmpty());
        assertEquals(Map.of(IcmpExtensions.BAD_CHECKSUM, 1L), classifier.warnings());
    }

    @Test
    void extensionObjectLengthPastTheEndDropsTheExtensionOnly() {
        byte[] te = IcmpErrorEncoder.timeExceeded(R1, CLIENT, bytes(RealFrames.UDP_PROBE), 14, 60)
                .extensions(List.of(IcmpExtensions.mplsObject(List.of(new MplsEntry(1, 0, true, 1))))).toBytes();
        int ext = 20 + 8 + 128;
        Bytes.put16(te, ext + 4, 40);
        Bytes.put16(te, ext + 2, 0);
        Bytes.put16(te, ext + 2, Checksum.compute(te, ext, te.length - ext));
        IcmpReply r = assertInstanceOf(IcmpReply.class, classify(LinkLayer.IPV4, te));
        assertTrue(r.extensions().isEmpty());
        assertEquals(37888, r.quote().sourcePort());
        assertEquals(Map.of(IcmpExtensions.BAD_OBJECT_LENGTH, 1L), classifier.warnings());
    }

    // ---- Routers that write garbage into the RFC 4884 length field (SYNTHETIC: Linux routers write it
    // right, so these replies are built with the project's encoder, quoting a real probe) ----

    private static IcmpErrorEncoder realProbeTimeExceeded() {
        return IcmpErrorEncoder.timeExceeded(R1, CLIENT, bytes(RealFrames.UDP_PROBE), 14, 60);
    }

    /** The reply is kept, quotes the whole 60-byte probe, has no extensions, and one warning says why. */
    private void assertKeptWhole(byte[] te, String warning) {
        IcmpReply r = assertInstanceOf(IcmpReply.class, classify(LinkLayer.IPV4, te));
        assertEquals(new QuotedProbe(IpAddress.ipv4(CLIENT), IpAddress.ipv4(SERVER), IpProtocol.UDP, 1, 0x54d3, 60, 0,
                37888, 33434, 0, 0, 0x61d6, 0, 60),
                r.quote());
        assertTrue(r.extensions().isEmpty());
        assertEquals(warning == null ? Map.of() : Map.of(warning, 1L), classifier.warnings());
    }

    @Test
    void lengthFieldHoldingTheProbesIpId() {
        // The probe's IP ID 0x54d3: either byte of it in the length field is past the 60-byte body.
        assertKeptWhole(realProbeTimeExceeded().lengthField(0x54d3 & 0xff).toBytes(), IcmpExtensions.LENGTH_PAST_END);
        FrameClassifier other = new FrameClassifier();
        byte[] high = realProbeTimeExceeded().lengthField(0x54d3 >>> 8).toBytes();
        assertEquals(60, assertInstanceOf(IcmpReply.class, other.classify(T, LinkLayer.IPV4, high, high.length,
                high.length)).quote().quotedLength());
        assertEquals(Map.of(IcmpExtensions.LENGTH_PAST_END, 1L), other.warnings());
    }

    @Test
    void lengthFieldOfOneWord() {
        // Before: the quote was cut to 4 bytes and the reply dropped as malformed (the hop printed *).
        assertKeptWhole(realProbeTimeExceeded().lengthField(1).toBytes(), IcmpExtensions.SHORT_DATAGRAM_FIELD);
    }

    @Test
    void lengthFieldTooLargeOnADestinationUnreachable() {
        byte[] du = IcmpErrorEncoder.destinationUnreachable(SERVER, CLIENT, IcmpType.CODE_PORT_UNREACHABLE,
                bytes(RealFrames.UDP_PROBE), 14, 60).lengthField(255).toBytes();
        IcmpReply r = assertInstanceOf(IcmpReply.class, classify(LinkLayer.IPV4, du));
        assertEquals(60, r.quote().quotedLength());
        assertEquals(Map.of(IcmpExtensions.LENGTH_PAST_END, 1L), classifier.warnings());
    }

    @Test
    void lengthZeroWithAValidStructureAt128DecodesTheMplsStack() {
        List<MplsEntry> stack = List.of(new MplsEntry(16005, 0, false, 254), new MplsEntry(24001, 0, true, 1));
        byte[] te = realProbeTimeExceeded().extensions(List.of(IcmpExtensions.mplsObject(stack)))
                .compatibilityLayout().toBytes();
        assertEquals(0, te[20 + 5]);
        IcmpReply r = assertInstanceOf(IcmpReply.class, classify(LinkLayer.IPV4, te));
        assertEquals(stack, r.extensions().get(0).mpls());
        assertEquals(60, r.quote().quotedLength());
        assertTrue(classifier.warnings().isEmpty());
        // The same stack from a router that also writes garbage into the length field: decoded, one warning.
        byte[] garbage = realProbeTimeExceeded().extensions(List.of(IcmpExtensions.mplsObject(stack)))
                .compatibilityLayout().lengthField(0xd3).toBytes();
        IcmpReply g = assertInstanceOf(IcmpReply.class, classify(LinkLayer.IPV4, garbage));
        assertEquals(r.extensions(), g.extensions());
        assertEquals(Map.of(IcmpExtensions.LENGTH_PAST_END, 1L), classifier.warnings());
    }

    @Test
    void lengthZeroWithRandomBytesAt128IsNoExtension() {
        // A 300-byte probe quoted as Linux quotes (548 bytes max): bytes 128.. are the probe's own payload.
        byte[] probe = Arrays.copyOf(Arrays.copyOfRange(bytes(RealFrames.UDP_PROBE), 14, 74), 300);
        java.util.Random random = new java.util.Random(4884);
        for (int i = 60; i < probe.length; i++) {
            probe[i] = (byte) random.nextInt(256);
        }
        probe[128] = 0x20; // even a version 2 nibble at 128 of the quote
        Bytes.put16(probe, 2, 300);
        byte[] te = IcmpErrorEncoder.timeExceeded(R1, CLIENT, probe, 0, 300).toBytes();
        IcmpReply r = assertInstanceOf(IcmpReply.class, classify(LinkLayer.IPV4, te));
        assertTrue(r.extensions().isEmpty());
        assertEquals(300, r.quote().quotedLength());
        assertTrue(classifier.warnings().isEmpty());
    }

    @Test
    void compliantLengthWithABadChecksumKeepsTheReply() {
        byte[] te = realProbeTimeExceeded()
                .extensions(List.of(IcmpExtensions.mplsObject(List.of(new MplsEntry(24001, 0, true, 1))))).toBytes();
        te[te.length - 2] ^= 0x40;
        assertKeptWhole(te, IcmpExtensions.BAD_CHECKSUM);
    }

    @Test
    void ignoredFrames() {
        assertEquals(new Classified.Ignored("not IP"), ethernet(RealFrames.ARP_REQUEST)); // neither IPv4 nor IPv6
        assertEquals(new Classified.Ignored("unsupported link type"), classify(147, bytes(RealFrames.UDP_PROBE)));
        byte[] frag = bytes(RealFrames.UDP_PROBE);
        Bytes.put16(frag, 20, 0x0010);
        assertEquals(new Classified.Ignored(FrameClassifier.FRAGMENT), classify(LinkLayer.ETHERNET, frag));
        byte[] gre = bytes(RealFrames.UDP_PROBE);
        gre[23] = 47;
        assertEquals(new Classified.Ignored(FrameClassifier.OTHER_PROTOCOL), classify(LinkLayer.ETHERNET, gre));
        byte[] ack = bytes(RealFrames.TCP_SYN);
        ack[47] = 0x10;
        assertEquals(new Classified.Ignored(FrameClassifier.OTHER_TCP), classify(LinkLayer.ETHERNET, ack));
        byte[] timestamp = bytes(RealFrames.ECHO_REQUEST);
        timestamp[34] = 13;
        assertEquals(new Classified.Ignored(FrameClassifier.OTHER_ICMP), classify(LinkLayer.ETHERNET, timestamp));
    }

    @Test
    void malformedReasons() {
        byte[] probe = bytes(RealFrames.UDP_PROBE);
        assertEquals("link header truncated", malformed(LinkLayer.ETHERNET, Arrays.copyOf(probe, 10)));
        assertEquals("IPv4 header past capture", malformed(LinkLayer.ETHERNET, Arrays.copyOf(probe, 30)));
        byte[] ihl = probe.clone();
        ihl[14] = 0x43;
        assertEquals("IPv4 IHL < 5", malformed(LinkLayer.ETHERNET, ihl));
        byte[] version = probe.clone();
        version[14] = 0x55;
        assertEquals("IPv4 version not 4", malformed(LinkLayer.ETHERNET, version));
        byte[] total = probe.clone();
        Bytes.put16(total, 16, 12);
        assertEquals("IPv4 total length < header", malformed(LinkLayer.ETHERNET, total));
        byte[] udpLength = probe.clone();
        Bytes.put16(udpLength, 38, 7);
        assertEquals("UDP length < 8", malformed(LinkLayer.ETHERNET, udpLength));
        assertEquals("UDP header past capture", malformed(LinkLayer.ETHERNET, Arrays.copyOf(probe, 40)));
        assertEquals("TCP header past capture", malformed(LinkLayer.ETHERNET, Arrays.copyOf(bytes(RealFrames.TCP_SYN), 50)));
        byte[] dataOffset = bytes(RealFrames.TCP_SYN);
        dataOffset[46] = 0x20;
        assertEquals("TCP data offset < 5", malformed(LinkLayer.ETHERNET, dataOffset));
        assertEquals("ICMP header past capture", malformed(LinkLayer.ETHERNET, Arrays.copyOf(bytes(RealFrames.ECHO_REPLY), 40)));
    }

    @Test
    void shortQuotesAreMalformed() {
        byte[] probe = bytes(RealFrames.UDP_PROBE);
        for (int quoted : new int[] {0, 20, 27}) {
            byte[] te = IcmpErrorEncoder.timeExceeded(R1, CLIENT, probe, 14, 60).quoteLimit(quoted).toBytes();
            assertEquals("ICMP quote shorter than IP header + 8", malformed(LinkLayer.IPV4, te), "quote " + quoted);
        }
        // IHL 6 in the quote: 24 + 8 bytes are needed, 28 are there.
        byte[] withOptions = Arrays.copyOfRange(probe, 14, 74);
        withOptions[0] = 0x46;
        byte[] te = IcmpErrorEncoder.timeExceeded(R1, CLIENT, withOptions, 0, 60).quoteLimit(28).toBytes();
        assertEquals("ICMP quote shorter than IP header + 8", malformed(LinkLayer.IPV4, te));
        byte[] badQuote = Arrays.copyOfRange(probe, 14, 74);
        badQuote[0] = 0x42;
        byte[] te2 = IcmpErrorEncoder.timeExceeded(R1, CLIENT, badQuote, 0, 60).toBytes();
        assertEquals("quoted IPv4 IHL < 5", malformed(LinkLayer.IPV4, te2));
    }

    @Test
    void truncatedCaptureOfAReplyStillQuotes() {
        byte[] te = bytes(RealFrames.TIME_EXCEEDED);
        Classified c = classifier.classify(T, LinkLayer.ETHERNET, te, 14 + 20 + 8 + 28, te.length);
        assertEquals(28, assertInstanceOf(IcmpReply.class, c).quote().quotedLength());
    }
}
