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

    // ---- MPLS and PPPoE (SYNTHETIC frames: this kernel forwards neither, so no capture has them; the
    // headers are written here from RFC 3032 and RFC 2516 around the IPv4 part of a real probe) ----

    private static final String MACS = "020000000002 020000000001 ";
    /** Label 16005, TC 0, S 0, TTL 64 and label 24001, TC 0, S 1 (bottom of stack), TTL 1. */
    private static final String LABEL = "03e85040 ";
    private static final String BOTTOM = "05dc1101 ";

    @Test
    void mplsStacksOfOneAndThreeLabelsUnicastAndMulticast() {
        assertEquals(18, offset(LinkLayer.ETHERNET, concat(MACS + "8847" + BOTTOM, IP)));
        assertEquals(26, offset(LinkLayer.ETHERNET, concat(MACS + "8847" + LABEL + LABEL + BOTTOM, IP)));
        assertEquals(18, offset(LinkLayer.ETHERNET, concat(MACS + "8848" + BOTTOM, IP)));
        byte[] f = concat(MACS + "8847" + LABEL + BOTTOM, IP);
        assertEquals(0x45, f[22] & 0xff, "the IPv4 header where the offset says");
    }

    @Test
    void mplsPayloadByFirstNibble() {
        byte[] v6 = concat(MACS + "8847" + BOTTOM + "60000000", new byte[40]);
        assertEquals(LinkLayer.NOT_IPV4, offset(LinkLayer.ETHERNET, v6));
        // A pseudowire control word (RFC 4385: first nibble 0) before an Ethernet frame: not IP.
        byte[] pw = concat(MACS + "8847" + BOTTOM + "00000001" + MACS + "0800", IP);
        assertEquals(LinkLayer.NOT_IPV4, offset(LinkLayer.ETHERNET, pw));
    }

    @Test
    void mplsStackCutOrWithoutBottomIsTruncated() {
        byte[] f = concat(MACS + "8847" + LABEL + LABEL + BOTTOM, IP);
        for (int cut : new int[] {14, 16, 17, 21, 22, 25, 26}) {
            PacketException e = assertThrows(PacketException.class, () -> LinkLayer.ipv4Offset(LinkLayer.ETHERNET, f, cut));
            assertEquals("link header truncated", e.reason(), "cut at " + cut);
        }
        assertEquals(26, LinkLayer.ipv4Offset(LinkLayer.ETHERNET, f, 27), "one byte is enough to see the nibble");
        // No entry has S set: the walk reaches the end of the frame (here 64 labels, none the last).
        StringBuilder labels = new StringBuilder(MACS + "8847");
        for (int i = 0; i < 64; i++) {
            labels.append(LABEL);
        }
        byte[] endless = Bytes.fromHex(labels.toString());
        PacketException e = assertThrows(PacketException.class, () -> offset(LinkLayer.ETHERNET, endless));
        assertEquals("link header truncated", e.reason());
        assertTrue(e.getMessage().contains("needs " + (endless.length + 4) + " bytes, only " + endless.length),
                e.getMessage());
    }

    @Test
    void vlanThenMplsAndSllThenMpls() {
        assertEquals(26, offset(LinkLayer.ETHERNET, concat(MACS + "8100 0064 8847" + LABEL + BOTTOM, IP)));
        assertEquals(26, offset(LinkLayer.ETHERNET, concat(MACS + "88a8 00c8 8100 0064 8847" + BOTTOM, IP)));
        assertEquals(24, offset(LinkLayer.LINUX_SLL, concat("0000 0001 0006 020000c61201 0000 8847" + LABEL + BOTTOM, IP)));
        assertEquals(24, offset(LinkLayer.LINUX_SLL2,
                concat("8847 0000 00000002 0001 00 06 020000c61201 0000" + BOTTOM, IP)));
        // libpcap puts a VLAN tag it reinserts behind the SLL protocol field too.
        assertEquals(20, offset(LinkLayer.LINUX_SLL, concat("0000 0001 0006 020000c61201 0000 8100 0064 0800", IP)));
    }

    /** PPPoE session header (RFC 2516 section 4): ver/type 0x11, code 0, session 0x1234, length. */
    private static final String PPPOE = "11 00 1234 003e ";

    @Test
    void pppoeSession() {
        assertEquals(22, offset(LinkLayer.ETHERNET, concat(MACS + "8864" + PPPOE + "0021", IP)));
        assertEquals(21, offset(LinkLayer.ETHERNET, concat(MACS + "8864" + PPPOE + "21", IP)), "compressed protocol");
        assertEquals(26, offset(LinkLayer.ETHERNET, concat(MACS + "8100 0064 8864" + PPPOE + "0021", IP)));
        assertEquals(26, offset(LinkLayer.ETHERNET, concat(MACS + "8864" + PPPOE + "0281" + BOTTOM, IP)), "MPLS over PPP");
        assertEquals(LinkLayer.NOT_IPV4, offset(LinkLayer.ETHERNET,
                concat(MACS + "8864" + PPPOE + "0057 60000000", new byte[40])), "IPv6");
        assertEquals(LinkLayer.NOT_IPV4, offset(LinkLayer.ETHERNET,
                concat(MACS + "8864" + PPPOE + "c021 01 01 000e", new byte[10])), "LCP");
        // Discovery stage (a PADI: code 0x09, session 0) and a session frame of another version: not IP.
        assertEquals(LinkLayer.NOT_IPV4, offset(LinkLayer.ETHERNET, concat(MACS + "8863 11 09 0000 0004 0101 0000", IP)));
        assertEquals(LinkLayer.NOT_IPV4, offset(LinkLayer.ETHERNET, concat(MACS + "8864 22 00 1234 003e 0021", IP)));
        assertEquals(LinkLayer.NOT_IPV4, offset(LinkLayer.ETHERNET, concat(MACS + "8864 11 09 1234 003e 0021", IP)));
    }

    @Test
    void pppoeCutIsTruncated() {
        byte[] f = concat(MACS + "8864" + PPPOE + "0021", IP);
        for (int cut : new int[] {15, 19, 20, 21}) {
            assertEquals("link header truncated",
                    assertThrows(PacketException.class, () -> LinkLayer.ipv4Offset(LinkLayer.ETHERNET, f, cut)).reason(),
                    "cut at " + cut);
        }
        assertEquals(22, LinkLayer.ipv4Offset(LinkLayer.ETHERNET, f, 22));
    }

    @Test
    void pppLinkTypes() {
        // LINKTYPE_PPP: with or without the HDLC address and control bytes, protocol compressed or not.
        assertEquals(4, offset(LinkLayer.PPP, concat("ff03 0021", IP)));
        assertEquals(2, offset(LinkLayer.PPP, concat("0021", IP)));
        assertEquals(1, offset(LinkLayer.PPP, concat("21", IP)));
        assertEquals(LinkLayer.NOT_IPV4, offset(LinkLayer.PPP, concat("ff03 c021", IP)));
        assertEquals(LinkLayer.NOT_IPV4, offset(LinkLayer.PPP, concat("ff05 0021", IP)));
        // LINKTYPE_PPP_HDLC: PPP in HDLC framing, or Cisco HDLC (address 0x0f / 0x8f, control 0, ethertype).
        assertEquals(4, offset(LinkLayer.PPP_HDLC, concat("ff03 0021", IP)));
        assertEquals(4, offset(LinkLayer.PPP_HDLC, concat("0f00 0800", IP)));
        assertEquals(8, offset(LinkLayer.PPP_HDLC, concat("8f00 8847" + BOTTOM, IP)));
        assertEquals(LinkLayer.NOT_IPV4, offset(LinkLayer.PPP_HDLC, concat("0021", IP)));
        // LINKTYPE_C_HDLC.
        assertEquals(4, offset(LinkLayer.C_HDLC, concat("0f00 0800", IP)));
        assertEquals(LinkLayer.NOT_IPV4, offset(LinkLayer.C_HDLC, concat("0f00 86dd", IP)));
        // LINKTYPE_PPP_ETHER: the PPPoE header first.
        assertEquals(8, offset(LinkLayer.PPP_ETHER, concat(PPPOE + "0021", IP)));
        assertEquals(LinkLayer.NOT_IPV4, offset(LinkLayer.PPP_ETHER, concat("11 09 0000 0004 0101 0000", IP)));
        for (int[] cut : new int[][] {{LinkLayer.PPP, 0}, {LinkLayer.PPP, 1}, {LinkLayer.PPP, 3},
            {LinkLayer.PPP_HDLC, 1}, {LinkLayer.PPP_HDLC, 3}, {LinkLayer.C_HDLC, 3}, {LinkLayer.PPP_ETHER, 7}}) {
            byte[] f = cut[0] == LinkLayer.PPP_ETHER ? concat(PPPOE + "0021", IP)
                    : cut[0] == LinkLayer.C_HDLC ? concat("0f00 0800", IP) : concat("ff03 0021", IP);
            assertThrows(PacketException.class, () -> LinkLayer.ipv4Offset(cut[0], f, cut[1]),
                    "link type " + cut[0] + " cut at " + cut[1]);
        }
    }

    @Test
    void supportAndNames() {
        for (int t : new int[] {0, 1, 9, 12, 14, 50, 51, 101, 104, 108, 113, 228, 276}) {
            assertTrue(LinkLayer.isSupported(t), "link type " + t);
        }
        assertFalse(LinkLayer.isSupported(105));
        assertEquals(LinkLayer.NOT_IPV4, offset(105, IP));
        assertEquals("EN10MB", LinkLayer.name(1));
        assertEquals("LINUX_SLL2", LinkLayer.name(276));
        assertEquals("PPP", LinkLayer.name(9));
        assertEquals("PPP_SERIAL", LinkLayer.name(50));
        assertEquals("PPP_ETHER", LinkLayer.name(51));
        assertEquals("C_HDLC", LinkLayer.name(104));
        assertEquals("LINKTYPE-105", LinkLayer.name(105));
    }
}
