package org.tracecap.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The IPv6 encoders rebuild the real traceroute -6 frames of {@link RealIpv6Frames} byte for byte. */
class Ipv6EncoderTest {
    private static final IpAddress CLIENT = IpAddress.parse("2001:db8:1::1");
    private static final IpAddress ROUTER = IpAddress.parse("2001:db8:1::2");
    private static final IpAddress SERVER = IpAddress.parse("2001:db8:2::2");
    private static final byte[] CLIENT_MAC = Bytes.fromHex("b2a89e7fac81");
    private static final byte[] ROUTER_MAC = Bytes.fromHex("4e0a23e28deb");

    private static byte[] pattern(int first, int n) {
        byte[] p = new byte[n];
        for (int i = 0; i < n; i++) {
            p[i] = (byte) (first + i);
        }
        return p;
    }

    private static ProbeEncoder.Udp6Probe udpProbe(int checksum) {
        return new ProbeEncoder.Udp6Probe(ROUTER_MAC, CLIENT_MAC, CLIENT, SERVER, 1, 0, 0xf61de, 43619, 33434, 32,
                checksum, pattern(0x40, 32));
    }

    @Test
    void udpProbeAsTracerouteSentIt() {
        byte[] real = Bytes.fromHex(RealIpv6Frames.UDP_PROBE);
        byte[] out = new byte[real.length];
        assertEquals(real.length, ProbeEncoder.encode(udpProbe(ProbeEncoder.NATURAL_CHECKSUM), out, 0));
        // The real frame holds the offload's partial checksum 0x5bb1; ours is the complete one tshark computes.
        assertEquals(0x8223, Bytes.u16(out, 14 + 40 + UdpView.CHECKSUM));
        Bytes.put16(out, 14 + 40 + UdpView.CHECKSUM, 0x5bb1);
        assertArrayEquals(real, out);
    }

    @Test
    void udpProbeWithForcedChecksumAndWithoutLinkHeader() {
        byte[] out = new byte[200];
        ProbeEncoder.Udp6Probe p = new ProbeEncoder.Udp6Probe(null, null, CLIENT, SERVER, 7, 0xb8, 0x12345, 33000,
                33434, 30, 0x1234, null);
        assertEquals(40 + 8 + 30, ProbeEncoder.encode(p, out, 10));
        Ipv6View ip = Ipv6View.of(out, 10, 78);
        assertEquals(7, ip.hopLimit());
        assertEquals(0xb8, ip.trafficClass());
        assertEquals(0x12345, ip.flowLabel());
        UdpView udp = UdpView.of(out, ip.upperLayerOffset(), ip.upperLayerLength());
        assertEquals(0x1234, udp.checksum());
        int pseudo = Checksum.pseudoHeaderSum(CLIENT, SERVER, IpProtocol.UDP, 38);
        assertEquals(0xffff, Checksum.sum(out, ip.upperLayerOffset(), 38, pseudo));
        assertEquals(Checksum.NOT_PARTIAL, Checksum.offloadedIpv6(out, ip.upperLayerOffset(), 38, true,
                CLIENT.high(), CLIENT.low(), SERVER.high(), SERVER.low(), IpProtocol.UDP, udp.checksum()));
        assertThrows(IllegalArgumentException.class, () -> new ProbeEncoder.Udp6Probe(null, null,
                IpAddress.parse("198.18.1.1"), SERVER, 1, 0, 0, 1, 2, 0, ProbeEncoder.NATURAL_CHECKSUM, null));
        assertThrows(IllegalArgumentException.class, () -> new ProbeEncoder.Udp6Probe(null, null, CLIENT, SERVER,
                1, 0, 0x100000, 1, 2, 0, ProbeEncoder.NATURAL_CHECKSUM, null));
    }

    @Test
    void echoRequestAsTracerouteSentIt() {
        byte[] real = Bytes.fromHex(RealIpv6Frames.ECHO_REQUEST);
        ProbeEncoder.Echo6Probe p = new ProbeEncoder.Echo6Probe(ROUTER_MAC, CLIENT_MAC, CLIENT, SERVER, 1, 0, 0xe20fc,
                0x05e9, 1, 32, ProbeEncoder.NATURAL_CHECKSUM, pattern(0x48, 32));
        byte[] out = new byte[p.frameLength()];
        ProbeEncoder.encode(p, out, 0);
        assertArrayEquals(real, out);
        // A forced checksum through the first two data bytes.
        ProbeEncoder.Echo6Probe forced = new ProbeEncoder.Echo6Probe(null, null, CLIENT, SERVER, 3, 0, 0, 7, 9, 16,
                0xbeef, null);
        byte[] f = new byte[forced.frameLength()];
        ProbeEncoder.encode(forced, f, 0);
        assertEquals(0xbeef, Bytes.u16(f, 40 + IcmpView.CHECKSUM));
        assertTrue(IcmpView.ofIcmpv6(f, 40, 24).checksumValid(
                Checksum.pseudoHeaderSum(CLIENT, SERVER, IpProtocol.ICMPV6, 24)));
    }

    @Test
    void timeExceededPortUnreachableAndEchoReplyAsTheKernelsWroteThem() {
        byte[] probe = Bytes.fromHex(RealIpv6Frames.UDP_PROBE);
        byte[] te = IcmpErrorEncoder.timeExceeded(ROUTER, CLIENT, probe, 14, 80).ttl(64).flowLabel(0x523e6)
                .ethernet(CLIENT_MAC, ROUTER_MAC).toBytes();
        assertArrayEquals(Bytes.fromHex(RealIpv6Frames.TIME_EXCEEDED), te);

        byte[] realDu = Bytes.fromHex(RealIpv6Frames.PORT_UNREACHABLE);
        byte[] du = IcmpErrorEncoder.destinationUnreachable(SERVER, CLIENT, Icmpv6Type.CODE_PORT_UNREACHABLE,
                realDu, 62, 80).ttl(63).flowLabel(0x7ef6b).ethernet(CLIENT_MAC, ROUTER_MAC).toBytes();
        assertArrayEquals(realDu, du);

        byte[] realReply = Bytes.fromHex(RealIpv6Frames.ECHO_REPLY);
        byte[] reply = IcmpErrorEncoder.echoReply(SERVER, CLIENT, 0x05e9, 2, pattern(0x48, 32), 0, 32).ttl(63)
                .flowLabel(0xa8fa7).ethernet(CLIENT_MAC, ROUTER_MAC).toBytes();
        assertArrayEquals(realReply, reply);
    }

    @Test
    void packetTooBigCarriesA32BitMtu() {
        byte[] probe = Bytes.fromHex(RealIpv6Frames.UDP_PROBE);
        byte[] ptb = IcmpErrorEncoder.packetTooBig(ROUTER, CLIENT, 1280, probe, 14, 80).toBytes();
        Ipv6View ip = Ipv6View.of(ptb, 0, ptb.length);
        IcmpView icmp = IcmpView.ofIcmpv6(ptb, ip.upperLayerOffset(), ip.upperLayerLength());
        assertEquals(Icmpv6Type.PACKET_TOO_BIG, icmp.type());
        assertEquals(1280, icmp.nextHopMtu());
        assertEquals("!F-1280", Icmpv6Type.annotation(icmp.type(), icmp.code(), icmp.nextHopMtu()));
        assertTrue(icmp.checksumValid(Checksum.pseudoHeaderSum(ROUTER, CLIENT, IpProtocol.ICMPV6, icmp.length())));
        assertEquals(Ipv6View.HEADER + 8 + 80, ptb.length);
    }

    @Test
    void quoteKeptWithinTheIpv6MinimumMtu() {
        byte[] big = new byte[3000];
        ProbeEncoder.encode(new ProbeEncoder.Udp6Probe(null, null, CLIENT, SERVER, 1, 0, 0, 1, 2, 2952,
                ProbeEncoder.NATURAL_CHECKSUM, null), big, 0);
        byte[] te = IcmpErrorEncoder.timeExceeded(ROUTER, CLIENT, big, 0, 3000).toBytes();
        assertEquals(1280, te.length);
        byte[] asked = IcmpErrorEncoder.timeExceeded(ROUTER, CLIENT, big, 0, 3000).quoteLimit(5000).toBytes();
        assertEquals(1280, asked.length);
    }

    @Test
    void rfc4884ExtensionsInIcmpv6CountSixtyFourBitWords() {
        byte[] probe = Bytes.fromHex(RealIpv6Frames.UDP_PROBE);
        List<IcmpExtension> mpls = List.of(IcmpExtensions.mplsObject(List.of(new MplsEntry(16005, 0, true, 1))));
        byte[] te = IcmpErrorEncoder.timeExceeded(ROUTER, CLIENT, probe, 14, 80).extensions(mpls).toBytes();
        Ipv6View ip = Ipv6View.of(te, 0, te.length);
        IcmpView icmp = IcmpView.ofIcmpv6(te, ip.upperLayerOffset(), ip.upperLayerLength());
        assertEquals(16, icmp.rfc4884Length());
        assertEquals(8, icmp.rfc4884Unit());
        assertEquals(16, Bytes.u8(te, 40 + 4));
        IcmpExtensions.Parsed parsed = IcmpExtensions.parse(icmp, ip.upperLayerLength());
        assertEquals(128, parsed.datagramField());
        assertEquals(mpls, parsed.extensions());
        assertEquals(null, parsed.warning());
        // The non-compliant layout (length 0, structure at 128) is recognised for ICMPv6 too.
        byte[] compat = IcmpErrorEncoder.timeExceeded(ROUTER, CLIENT, probe, 14, 80).extensions(mpls)
                .compatibilityLayout().toBytes();
        IcmpView c = IcmpView.ofIcmpv6(compat, 40, compat.length - 40);
        assertEquals(0, c.rfc4884Length());
        assertEquals(mpls, IcmpExtensions.parse(c, compat.length - 40).extensions());
        // A garbage length (as in ICMP: 1 word) is ignored with a warning, the layout rules still find them.
        byte[] garbage = IcmpErrorEncoder.timeExceeded(ROUTER, CLIENT, probe, 14, 80).extensions(mpls)
                .compatibilityLayout().lengthField(1).toBytes();
        IcmpExtensions.Parsed g = IcmpExtensions.parse(IcmpView.ofIcmpv6(garbage, 40, garbage.length - 40),
                garbage.length - 40);
        assertEquals(mpls, g.extensions());
        assertEquals(IcmpExtensions.SHORT_DATAGRAM_FIELD, g.warning());
        // Parameter Problem has no length field in ICMPv6 (its pointer is 32 bits): the whole body is the quote.
        byte[] pp = IcmpErrorEncoder.error(Icmpv6Type.PARAMETER_PROBLEM, 0, ROUTER, CLIENT, probe, 14, 80).toBytes();
        IcmpView ppv = IcmpView.ofIcmpv6(pp, 40, pp.length - 40);
        assertEquals(0, ppv.rfc4884Length());
        assertEquals(80, IcmpExtensions.parse(ppv, pp.length - 40).datagramField());
    }

    @Test
    void ipv4MessagesFromIpAddressFactoriesAreTheIntOnes() {
        byte[] probe = Bytes.fromHex(RealFrames.UDP_PROBE);
        IpAddress r1 = IpAddress.parse("198.18.1.2");
        IpAddress client = IpAddress.parse("198.18.1.1");
        assertArrayEquals(IcmpErrorEncoder.timeExceeded(r1.ipv4(), client.ipv4(), probe, 14, 60).toBytes(),
                IcmpErrorEncoder.timeExceeded(r1, client, probe, 14, 60).toBytes());
        assertThrows(IllegalArgumentException.class,
                () -> IcmpErrorEncoder.timeExceeded(r1, CLIENT, probe, 14, 60));
    }

    /**
     * Checksums tshark 3.x -V calls correct, for frames these calls wrote (text2pcap of their hex): the UDP
     * probe with pattern 01 02 03 (0x8289), Packet Too Big quoting the forced Echo Request (0x033b), Time
     * Exceeded quoting it with an MPLS object (0xf6ee, extension structure 0x8a0d).
     */
    @Test
    void checksumsTsharkVerified() {
        byte[] mac1 = Bytes.fromHex("020000000001");
        byte[] mac2 = Bytes.fromHex("020000000002");
        ProbeEncoder.Udp6Probe u = new ProbeEncoder.Udp6Probe(mac2, mac1, CLIENT, SERVER, 5, 0, 0, 33000, 33434, 30,
                ProbeEncoder.NATURAL_CHECKSUM, new byte[] {1, 2, 3});
        byte[] b = new byte[u.frameLength()];
        ProbeEncoder.encode(u, b, 0);
        assertEquals(0x8289, Bytes.u16(b, 14 + 40 + UdpView.CHECKSUM));
        ProbeEncoder.Echo6Probe e = new ProbeEncoder.Echo6Probe(mac2, mac1, CLIENT, SERVER, 5, 0, 0, 7, 9, 16, 0xbeef,
                null);
        byte[] echo = new byte[e.frameLength()];
        ProbeEncoder.encode(e, echo, 0);
        byte[] ptb = IcmpErrorEncoder.packetTooBig(ROUTER, CLIENT, 1280, echo, 14, echo.length - 14)
                .ethernet(mac1, mac2).toBytes();
        assertEquals(0x033b, Bytes.u16(ptb, 14 + 40 + IcmpView.CHECKSUM));
        byte[] te = IcmpErrorEncoder.timeExceeded(ROUTER, CLIENT, echo, 14, echo.length - 14).ethernet(mac1, mac2)
                .extensions(List.of(IcmpExtensions.mplsObject(List.of(new MplsEntry(16005, 0, true, 1)))))
                .toBytes();
        assertEquals(0xf6ee, Bytes.u16(te, 14 + 40 + IcmpView.CHECKSUM));
        assertEquals(0x8a0d, Bytes.u16(te, 14 + 40 + 8 + 128 + 2));
    }
}
