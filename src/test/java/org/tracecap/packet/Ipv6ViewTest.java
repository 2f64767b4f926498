package org.tracecap.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class Ipv6ViewTest {
    private static final IpAddress CLIENT = IpAddress.parse("2001:db8:1::1");
    private static final IpAddress ROUTER = IpAddress.parse("2001:db8:1::2");
    private static final IpAddress SERVER = IpAddress.parse("2001:db8:2::2");

    private static byte[] frame(String hex) {
        return Bytes.fromHex(hex);
    }

    /**
     * Synthetic: a fixed IPv6 header from the real UDP probe, then {@code chain} (extension headers written
     * here, next-header values included), then 8 bytes of UDP; payload length = chain + 8 unless given.
     */
    private static byte[] withChain(int firstNext, String chain, int payloadLength) {
        byte[] probe = frame(RealIpv6Frames.UDP_PROBE);
        byte[] ext = Bytes.fromHex(chain);
        byte[] out = new byte[Ipv6View.HEADER + ext.length + 8];
        System.arraycopy(probe, 14, out, 0, Ipv6View.HEADER);
        System.arraycopy(ext, 0, out, Ipv6View.HEADER, ext.length);
        System.arraycopy(probe, 54, out, Ipv6View.HEADER + ext.length, 8);
        out[Ipv6View.NEXT_HEADER] = (byte) firstNext;
        Bytes.put16(out, Ipv6View.PAYLOAD_LENGTH, payloadLength < 0 ? ext.length + 8 : payloadLength);
        return out;
    }

    @Test
    void realUdpProbeEveryField() {
        byte[] f = frame(RealIpv6Frames.UDP_PROBE);
        Ipv6View ip = Ipv6View.of(f, 14, f.length - 14);
        assertEquals(6, ip.version());
        assertEquals(0, ip.trafficClass());
        assertEquals(0xf61de, ip.flowLabel());
        assertEquals(40, ip.declaredPayloadLength());
        assertEquals(IpProtocol.UDP, ip.nextHeader());
        assertEquals(1, ip.hopLimit());
        assertEquals(CLIENT, ip.source());
        assertEquals(SERVER, ip.destination());
        assertEquals(CLIENT.high(), ip.sourceHigh());
        assertEquals(CLIENT.low(), ip.sourceLow());
        assertEquals(SERVER.high(), ip.destinationHigh());
        assertEquals(SERVER.low(), ip.destinationLow());
        assertEquals(Ipv6View.END_UPPER_LAYER, ip.walkEnd());
        assertEquals(IpProtocol.UDP, ip.upperLayerProtocol());
        assertEquals(54, ip.upperLayerOffset());
        assertEquals(40, ip.upperLayerLength());
        assertTrue(ip.hasUpperLayer());
        assertTrue(ip.isComplete());
        assertFalse(ip.isFragment());
        assertEquals(-1, ip.fragmentIdentification());
        UdpView udp = UdpView.of(f, ip.upperLayerOffset(), ip.upperLayerLength());
        assertEquals(43619, udp.sourcePort());
        assertEquals(33434, udp.destinationPort());
        // The veth had transmit offload: the field 0x5bb1 is the IPv6 pseudo-header sum (RFC 8200 section 8.1)
        // Linux leaves for the NIC; completed, it is 0x8223, the checksum tshark -V says it should be.
        assertEquals(0x5bb1, udp.checksum());
        int pseudo = Checksum.pseudoHeaderSum(ip.source(), ip.destination(), IpProtocol.UDP, 40);
        assertEquals(0x5bb1, pseudo);
        assertEquals(0x8223, Checksum.offloadedIpv6(f, 54, 40, true, ip.sourceHigh(), ip.sourceLow(),
                ip.destinationHigh(), ip.destinationLow(), IpProtocol.UDP, udp.checksum()));
        assertEquals(Checksum.PARTIAL_CUT, Checksum.offloadedIpv6(f, 54, 40, false, ip.sourceHigh(),
                ip.sourceLow(), ip.destinationHigh(), ip.destinationLow(), IpProtocol.UDP, udp.checksum()));
    }

    @Test
    void realTimeExceededQuotesTheProbe() {
        byte[] f = frame(RealIpv6Frames.TIME_EXCEEDED);
        Ipv6View ip = Ipv6View.of(f, 14, f.length - 14);
        assertEquals(ROUTER, ip.source());
        assertEquals(64, ip.hopLimit());
        assertEquals(IpProtocol.ICMPV6, ip.upperLayerProtocol());
        IcmpView icmp = IcmpView.ofIcmpv6(f, ip.upperLayerOffset(), ip.upperLayerLength());
        assertTrue(icmp.isIcmpv6());
        assertEquals(Icmpv6Type.TIME_EXCEEDED, icmp.type());
        assertEquals(0, icmp.code());
        assertTrue(icmp.isTimeExceeded());
        assertTrue(icmp.isError());
        assertTrue(icmp.hasRfc4884Length());
        assertEquals(0, icmp.rfc4884Length());
        assertTrue(icmp.checksumValid(Checksum.pseudoHeaderSum(ip.source(), ip.destination(), IpProtocol.ICMPV6,
                ip.upperLayerLength())));
        Ipv6View quote = Ipv6View.ofQuote(f, icmp.bodyOffset(), icmp.bodyLength());
        assertEquals(CLIENT, quote.source());
        assertEquals(SERVER, quote.destination());
        assertEquals(1, quote.hopLimit());
        assertEquals(0xf61de, quote.flowLabel());
        assertEquals(IpProtocol.UDP, quote.upperLayerProtocol());
        assertEquals(43619, UdpView.of(f, quote.upperLayerOffset(), quote.upperLayerLength()).sourcePort());
        assertEquals("", Icmpv6Type.annotation(icmp.type(), icmp.code(), icmp.nextHopMtu()));
    }

    @Test
    void realPortUnreachableAndEcho() {
        byte[] f = frame(RealIpv6Frames.PORT_UNREACHABLE);
        Ipv6View ip = Ipv6View.of(f, 14, f.length - 14);
        IcmpView icmp = IcmpView.ofIcmpv6(f, ip.upperLayerOffset(), ip.upperLayerLength());
        assertEquals(Icmpv6Type.DEST_UNREACHABLE, icmp.type());
        assertEquals(Icmpv6Type.CODE_PORT_UNREACHABLE, icmp.code());
        assertTrue(icmp.isDestUnreachable());
        assertEquals(0, icmp.nextHopMtu());

        byte[] e = frame(RealIpv6Frames.ECHO_REQUEST);
        Ipv6View eip = Ipv6View.of(e, 14, e.length - 14);
        IcmpView echo = IcmpView.ofIcmpv6(e, eip.upperLayerOffset(), eip.upperLayerLength());
        assertEquals(Icmpv6Type.ECHO_REQUEST, echo.type());
        assertEquals(0x05e9, echo.identifier());
        assertEquals(1, echo.sequence());
        assertFalse(echo.isError());
        assertFalse(echo.hasRfc4884Length());
        byte[] r = frame(RealIpv6Frames.ECHO_REPLY);
        Ipv6View rip = Ipv6View.of(r, 14, r.length - 14);
        IcmpView reply = IcmpView.ofIcmpv6(r, rip.upperLayerOffset(), rip.upperLayerLength());
        assertEquals(Icmpv6Type.ECHO_REPLY, reply.type());
        assertEquals(2, reply.sequence());
        assertTrue(reply.checksumValid(Checksum.pseudoHeaderSum(rip.source(), rip.destination(),
                IpProtocol.ICMPV6, rip.upperLayerLength())));
    }

    @Test
    void realHopByHopIsWalked() {
        byte[] f = frame(RealIpv6Frames.MLD_HOP_BY_HOP);
        Ipv6View ip = Ipv6View.of(f, 14, f.length - 14);
        assertEquals(Ipv6View.HOP_BY_HOP, ip.nextHeader());
        assertEquals(IpProtocol.ICMPV6, ip.upperLayerProtocol());
        assertEquals(14 + 40 + 8, ip.upperLayerOffset());
        assertEquals(48, ip.upperLayerLength());
        assertEquals(48, ip.upperLayerDeclaredLength());
        assertEquals(143, IcmpView.ofIcmpv6(f, ip.upperLayerOffset(), ip.upperLayerLength()).type());
    }

    @Test
    void hopByHopFragmentDestinationOptionsChain() {
        // Synthetic: HBH (8) -> Fragment (offset 0, M, id 0xdeadbeef) -> Destination Options (16) -> UDP.
        byte[] p = withChain(Ipv6View.HOP_BY_HOP,
                "2c00 010400000000" + "3c00 0001 deadbeef" + "1101 0000000000000000000000000000", -1);
        Ipv6View ip = Ipv6View.of(p, 0, p.length);
        assertEquals(Ipv6View.END_UPPER_LAYER, ip.walkEnd());
        assertEquals(IpProtocol.UDP, ip.upperLayerProtocol());
        assertEquals(40 + 32, ip.upperLayerOffset());
        assertEquals(8, ip.upperLayerLength());
        assertTrue(ip.isFragment());
        assertTrue(ip.isFirstFragment());
        assertTrue(ip.moreFragments());
        assertEquals(0, ip.fragmentOffset());
        assertEquals(0xdeadbeefL, ip.fragmentIdentification());
        assertEquals(43619, UdpView.of(p, ip.upperLayerOffset(), ip.upperLayerLength()).sourcePort());
    }

    @Test
    void laterFragmentCarriesNoTransport() {
        // Synthetic: Fragment offset 185 (1480 bytes), last fragment, id 7.
        byte[] p = withChain(Ipv6View.FRAGMENT, "1100 05c8 00000007", -1);
        Ipv6View ip = Ipv6View.of(p, 0, p.length);
        assertEquals(Ipv6View.END_LATER_FRAGMENT, ip.walkEnd());
        assertFalse(ip.hasUpperLayer());
        assertEquals(185, ip.fragmentOffset());
        assertFalse(ip.isFirstFragment());
        assertFalse(ip.moreFragments());
        assertEquals(7, ip.fragmentIdentification());
        assertEquals(IpProtocol.UDP, ip.upperLayerProtocol());
    }

    @Test
    void authenticationHeaderByItsOwnLengthRule() {
        // Synthetic: AH with payload len 4 = (4 + 2) * 4 = 24 bytes (RFC 4302 section 2.2), then UDP.
        byte[] p = withChain(Ipv6View.AUTHENTICATION, "1104 0000" + "00".repeat(20), -1);
        Ipv6View ip = Ipv6View.of(p, 0, p.length);
        assertEquals(IpProtocol.UDP, ip.upperLayerProtocol());
        assertEquals(64, ip.upperLayerOffset());
    }

    @Test
    void noNextHeaderAndUnknownHeadersEndTheWalkUntraced() {
        byte[] none = withChain(Ipv6View.DESTINATION_OPTIONS, "3b00 000000000000", -1);
        Ipv6View a = Ipv6View.of(none, 0, none.length);
        assertEquals(Ipv6View.END_NO_NEXT_HEADER, a.walkEnd());
        assertFalse(a.hasUpperLayer());
        // ESP (50) is not walked: the walk ends there, an upper layer nobody traces, not malformed.
        byte[] esp = withChain(50, "", -1);
        Ipv6View b = Ipv6View.of(esp, 0, esp.length);
        assertEquals(Ipv6View.END_UPPER_LAYER, b.walkEnd());
        assertEquals(50, b.upperLayerProtocol());
    }

    @Test
    void walkIsBounded() {
        String one = "3c00 000000000000";
        byte[] p = withChain(Ipv6View.DESTINATION_OPTIONS, one.repeat(Ipv6View.MAX_EXTENSION_HEADERS + 3), -1);
        Ipv6View ip = Ipv6View.of(p, 0, p.length);
        assertEquals(Ipv6View.END_TOO_MANY, ip.walkEnd());
        assertEquals(40 + 8 * Ipv6View.MAX_EXTENSION_HEADERS, ip.upperLayerOffset());
    }

    @Test
    void chainLongerThanThePacket() {
        // Hdr Ext Len 200 = 1608 bytes: past the payload length, and past the capture.
        byte[] p = withChain(Ipv6View.HOP_BY_HOP, "11c8 000000000000", -1);
        PacketException e = assertThrows(PacketException.class, () -> Ipv6View.of(p, 0, p.length));
        assertEquals("IPv6 extension header past payload length", e.reason());
        assertEquals(40, e.offset());
        assertEquals("IPv6", e.layer());
        // A payload length that covers it but a capture that does not.
        byte[] q = withChain(Ipv6View.HOP_BY_HOP, "11c8 000000000000", 2000);
        assertEquals("IPv6 extension header past capture",
                assertThrows(PacketException.class, () -> Ipv6View.of(q, 0, q.length)).reason());
        // A payload length that lies short: it ends inside the Fragment header.
        byte[] r = withChain(Ipv6View.FRAGMENT, "1100 0001 00000001", 4);
        assertEquals("IPv6 extension header past payload length",
                assertThrows(PacketException.class, () -> Ipv6View.of(r, 0, r.length)).reason());
    }

    @Test
    void payloadLengthThatLiesLongIsClamped() {
        byte[] f = frame(RealIpv6Frames.UDP_PROBE);
        Bytes.put16(f, 14 + Ipv6View.PAYLOAD_LENGTH, 1000);
        Ipv6View ip = Ipv6View.of(f, 14, f.length - 14);
        assertFalse(ip.isComplete());
        assertEquals(40, ip.payloadLength());
        assertEquals(40, ip.upperLayerLength());
        assertEquals(1000, ip.upperLayerDeclaredLength());
    }

    @Test
    void quoteCutInsideAnExtensionHeaderReadsWhatIsThere() {
        byte[] p = withChain(Ipv6View.HOP_BY_HOP, "2c00 010400000000" + "1100 0001 deadbeef", -1);
        // Cut 4 bytes into the Fragment header: the walk ends there, no transport.
        Ipv6View cut = Ipv6View.ofQuote(p, 0, 40 + 8 + 4);
        assertEquals(Ipv6View.END_CUT, cut.walkEnd());
        assertFalse(cut.hasUpperLayer());
        assertEquals(48, cut.upperLayerOffset());
        assertEquals(Ipv6View.FRAGMENT, cut.upperLayerProtocol());
        // Cut right after the fixed header: the first header is not there at all.
        assertEquals(Ipv6View.END_CUT, Ipv6View.ofQuote(p, 0, 40).walkEnd());
        // The whole quote: the walk reaches UDP and the quoted payload length is not trusted against it.
        Bytes.put16(p, Ipv6View.PAYLOAD_LENGTH, 3);
        Ipv6View whole = Ipv6View.ofQuote(p, 0, p.length);
        assertEquals(IpProtocol.UDP, whole.upperLayerProtocol());
        assertEquals(0xdeadbeefL, whole.fragmentIdentification());
    }

    @Test
    void headerValidation() {
        byte[] f = frame(RealIpv6Frames.UDP_PROBE);
        assertEquals("IPv6 header past capture",
                assertThrows(PacketException.class, () -> Ipv6View.of(f, 14, 39)).reason());
        assertEquals("quoted IPv6 header past capture",
                assertThrows(PacketException.class, () -> Ipv6View.ofQuote(f, 14, 39)).reason());
        byte[] v4 = Arrays.copyOf(f, f.length);
        v4[14] = 0x45;
        assertEquals("IPv6 version not 6",
                assertThrows(PacketException.class, () -> Ipv6View.of(v4, 14, v4.length - 14)).reason());
        assertEquals("ICMPv6 header past capture",
                assertThrows(PacketException.class, () -> IcmpView.ofIcmpv6(f, 54, 7)).reason());
    }
}
