package org.tracecap.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** {@link LinkLayer#network}: the IP header of either family behind every link layer; IPv6 behind synthetic headers. */
class LinkLayerIpv6Test {
    /** The IPv6 part of a real traceroute -6 probe, to put behind synthetic link headers. */
    private static final byte[] IP6 = Arrays.copyOfRange(Bytes.fromHex(RealIpv6Frames.UDP_PROBE), 14, 94);
    private static final String MACS = "020000000002 020000000001";
    private static final String BOTTOM = "00010140";

    private static byte[] concat(String headerHex, byte[] tail) {
        byte[] head = Bytes.fromHex(headerHex);
        byte[] out = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, out, head.length, tail.length);
        return out;
    }

    /** Asserts IPv6 at {@code offset}, and that the IPv4-only answer says not IPv4. */
    private static void ipv6At(int offset, int linkType, byte[] frame) {
        int found = LinkLayer.network(linkType, frame, frame.length);
        assertTrue(found >= 0, "link type " + linkType);
        assertEquals(IpAddress.IPV6, LinkLayer.networkFamily(found), "link type " + linkType);
        assertEquals(offset, LinkLayer.networkOffset(found), "link type " + linkType);
        assertEquals(LinkLayer.NOT_IPV4, LinkLayer.ipv4Offset(linkType, frame, frame.length));
        Ipv6View.of(frame, offset, frame.length - offset);
    }

    @Test
    void realEthernetFrames() {
        ipv6At(14, LinkLayer.ETHERNET, Bytes.fromHex(RealIpv6Frames.UDP_PROBE));
        int v4 = LinkLayer.network(LinkLayer.ETHERNET, Bytes.fromHex(RealFrames.UDP_PROBE), 74);
        assertEquals(IpAddress.IPV4, LinkLayer.networkFamily(v4));
        assertEquals(14, LinkLayer.networkOffset(v4));
        assertEquals(LinkLayer.NOT_IP, LinkLayer.network(LinkLayer.ETHERNET, Bytes.fromHex(RealFrames.ARP_REQUEST),
                Bytes.fromHex(RealFrames.ARP_REQUEST).length));
    }

    @Test
    void ethertypeDispatchCarriesIpv6() {
        ipv6At(18, LinkLayer.ETHERNET, concat(MACS + "8100 0064 86dd", IP6));
        ipv6At(22, LinkLayer.ETHERNET, concat(MACS + "88a8 00c8 8100 0064 86dd", IP6));
        // MPLS: the payload's first nibble 6 (RFC 4928 section 2).
        ipv6At(18, LinkLayer.ETHERNET, concat(MACS + "8847" + BOTTOM, IP6));
        ipv6At(22, LinkLayer.ETHERNET, concat(MACS + "8100 0064 8847" + BOTTOM, IP6));
        // PPPoE session, PPP protocol 0x0057 (RFC 5072), and MPLS inside PPPoE.
        ipv6At(22, LinkLayer.ETHERNET, concat(MACS + "8864 1100 0001 0052 0057", IP6));
        ipv6At(26, LinkLayer.ETHERNET, concat(MACS + "8864 1100 0001 0056 0281" + BOTTOM, IP6));
        ipv6At(16, LinkLayer.LINUX_SLL, concat("0000 0001 0006 020000000001 0000 86dd", IP6));
        ipv6At(20, LinkLayer.LINUX_SLL2, concat("86dd 0000 00000002 0001 04 06 020000000001 0000", IP6));
        ipv6At(4, LinkLayer.C_HDLC, concat("0f00 86dd", IP6));
    }

    @Test
    void bsdLoopbackThreeInet6ValuesInEitherByteOrder() {
        for (String family : new String[] {"18000000", "1c000000", "1e000000", "00000018", "0000001c", "0000001e"}) {
            ipv6At(4, LinkLayer.NULL, concat(family, IP6));
        }
        for (String family : new String[] {"00000018", "0000001c", "0000001e"}) {
            ipv6At(4, LinkLayer.LOOP, concat(family, IP6));
        }
        assertEquals(LinkLayer.NOT_IP, LinkLayer.network(LinkLayer.NULL, concat("17000000", IP6), 84));
        assertEquals(LinkLayer.NOT_IP, LinkLayer.network(LinkLayer.LOOP, concat("1e000000", IP6), 84));
    }

    @Test
    void rawIpv6AndPppLinks() {
        ipv6At(0, LinkLayer.RAW, IP6);
        ipv6At(0, LinkLayer.DLT_RAW, IP6);
        ipv6At(0, LinkLayer.DLT_RAW_OPENBSD, IP6);
        ipv6At(0, LinkLayer.IPV6, IP6);
        ipv6At(4, LinkLayer.PPP, concat("ff03 0057", IP6));
        ipv6At(1, LinkLayer.PPP, concat("57", IP6));
        ipv6At(4, LinkLayer.PPP_HDLC, concat("ff03 0057", IP6));
        ipv6At(8, LinkLayer.PPP_ETHER, concat("1100 0001 0052 0057", IP6));
        assertTrue(LinkLayer.isSupported(LinkLayer.IPV6));
        assertEquals("IPV6", LinkLayer.name(229));
        byte[] zero = concat("00", IP6);
        assertEquals(LinkLayer.NOT_IP, LinkLayer.network(LinkLayer.RAW, zero, zero.length));
    }

    @Test
    void cutHeadersAreTruncatedAsForIpv4() {
        byte[] f = concat(MACS + "8100 0064 86dd", IP6);
        assertEquals("link header truncated", assertThrows(PacketException.class,
                () -> LinkLayer.network(LinkLayer.ETHERNET, f, 16)).reason());
        byte[] m = concat(MACS + "8847" + BOTTOM, IP6);
        assertThrows(PacketException.class, () -> LinkLayer.network(LinkLayer.ETHERNET, m, 18));
    }
}
