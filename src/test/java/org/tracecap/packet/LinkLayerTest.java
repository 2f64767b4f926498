package org.tracecap.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tracecap.packet.RealFrames.bytes;

import org.junit.jupiter.api.Test;

class LinkLayerTest {
    /** The IPv4 part of a real probe, to put behind synthetic link headers. */
    private static final byte[] IP = java.util.Arrays.copyOfRange(bytes(RealFrames.UDP_PROBE), 14, 74);

    private static byte[] concat(String headerHex, byte[] tail) {
        byte[] head = Bytes.fromHex(headerHex);
        byte[] out = new byte[head.length + tail.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(tail, 0, out, head.length, tail.length);
        return out;
    }

    private static int offset(int linkType, byte[] frame) {
        return LinkLayer.ipv4Offset(linkType, frame, frame.length);
    }

    @Test
    void ethernet() {
        assertEquals(14, offset(LinkLayer.ETHERNET, bytes(RealFrames.UDP_PROBE)));
        assertEquals(LinkLayer.NOT_IPV4, offset(LinkLayer.ETHERNET, bytes(RealFrames.ARP_REQUEST)));
    }

    @Test
    void ethernetWith8021qTagFromVlanCapture() {
        assertEquals(18, offset(LinkLayer.ETHERNET, bytes(RealFrames.VLAN_UDP_PROBE)));
    }

    @Test
    void stacked8021adAnd8021qTags() {
        byte[] f = concat("020000000002 020000000001 88a8 00c8 8100 0064 0800", IP);
        assertEquals(22, offset(LinkLayer.ETHERNET, f));
        byte[] v6 = concat("020000000002 020000000001 8100 0064 86dd", IP);
        assertEquals(LinkLayer.NOT_IPV4, offset(LinkLayer.ETHERNET, v6));
    }

    @Test
    void linuxCookedSll2FromAnyCapture() {
        assertEquals(20, offset(LinkLayer.LINUX_SLL2, bytes(RealFrames.SLL2_UDP_PROBE)));
        byte[] arp = concat("0806 0000 00000002 0001 04 06 020000c61201 0000", new byte[28]);
        assertEquals(LinkLayer.NOT_IPV4, offset(LinkLayer.LINUX_SLL2, arp));
    }

    @Test
    void linuxCookedSll() {
        // packet type 4 (outgoing), ARPHRD_ETHER 1, address length 6, address, protocol 0x0800
        assertEquals(16, offset(LinkLayer.LINUX_SLL, concat("0004 0001 0006 020000c61201 0000 0800", IP)));
        assertEquals(LinkLayer.NOT_IPV4, offset(LinkLayer.LINUX_SLL, concat("0004 0001 0006 020000c61201 0000 86dd", IP)));
    }

    @Test
    void bsdNullInEitherByteOrderAndOpenBsdLoop() {
        assertEquals(4, offset(LinkLayer.NULL, concat("02000000", IP)));
        assertEquals(4, offset(LinkLayer.NULL, concat("00000002", IP)));
        assertEquals(LinkLayer.NOT_IPV4, offset(LinkLayer.NULL, concat("1e000000", IP)));
        assertEquals(4, offset(LinkLayer.LOOP, concat("00000002", IP)));
        assertEquals(LinkLayer.NOT_IPV4, offset(LinkLayer.LOOP, concat("02000000", IP)));
    }

    @Test
    void rawByVersionNibbleAndIpv4Always() {
        for (int raw : new int[] {LinkLayer.RAW, LinkLayer.DLT_RAW, LinkLayer.DLT_RAW_OPENBSD}) {
            assertEquals(0, offset(raw, IP));
            assertEquals(LinkLayer.NOT_IPV4, offset(raw, Bytes.fromHex("6000000000000000")));
        }
        assertEquals(0, offset(LinkLayer.IPV4, IP));
    }

    @Test
    void truncatedLinkHeaders() {
        PacketException e = assertThrows(PacketException.class,
                () -> LinkLayer.ipv4Offset(LinkLayer.ETHERNET, bytes(RealFrames.UDP_PROBE), 13));
        assertEquals("link header truncated", e.reason());
        assertEquals("link", e.layer());
        assertTrue(e.getMessage().contains("needs 14 bytes, only 13 captured"), e.getMessage());
        byte[] tagged = bytes(RealFrames.VLAN_UDP_PROBE);
        assertThrows(PacketException.class, () -> LinkLayer.ipv4Offset(LinkLayer.ETHERNET, tagged, 17));
        assertThrows(PacketException.class, () -> LinkLayer.ipv4Offset(LinkLayer.LINUX_SLL2, IP, 19));
        assertThrows(PacketException.class, () -> LinkLayer.ipv4Offset(LinkLayer.LINUX_SLL, IP, 15));
        assertThrows(PacketException.class, () -> LinkLayer.ipv4Offset(LinkLayer.NULL, IP, 3));
        assertThrows(PacketException.class, () -> LinkLayer.ipv4Offset(LinkLayer.RAW, IP, 0));
    }

    @Test
    void supportAndNames() {
        for (int t : new int[] {0, 1, 12, 14, 101, 108, 113, 228, 276}) {
            assertTrue(LinkLayer.isSupported(t), "link type " + t);
        }
        assertFalse(LinkLayer.isSupported(105));
        assertEquals(LinkLayer.NOT_IPV4, offset(105, IP));
        assertEquals("EN10MB", LinkLayer.name(1));
        assertEquals("LINUX_SLL2", LinkLayer.name(276));
        assertEquals("LINKTYPE-105", LinkLayer.name(105));
    }
}
