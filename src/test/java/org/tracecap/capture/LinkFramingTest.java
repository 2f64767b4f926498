package org.tracecap.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.tracecap.packet.IpAddress;

/** The framing decided from libpcap's link type, and the line said where nothing can be sent. */
class LinkFramingTest {
    /** {@code ip -d -o link show} on a host with Ethernet, a WireGuard-like TUN, a PPP link and two GRE tunnels. */
    static final String LINKS = """
            1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00 promiscuity 0
            2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP mode DEFAULT group default qlen 1000\\    link/ether 02:00:c6:12:01:01 brd ff:ff:ff:ff:ff:ff promiscuity 0
            3: eth1: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\\    link/ether 02:00:c6:12:02:01 brd ff:ff:ff:ff:ff:ff promiscuity 0
            4: wg0: <POINTOPOINT,NOARP,UP,LOWER_UP> mtu 1420 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/none  promiscuity 0 allmulti 0 minmtu 0 maxmtu 2147483552
            5: ppp0: <POINTOPOINT,MULTICAST,NOARP,UP,LOWER_UP> mtu 1492 qdisc fq_codel state UNKNOWN mode DEFAULT group default qlen 3\\    link/ppp  promiscuity 0
            6: gre1@eth0: <POINTOPOINT,NOARP,UP,LOWER_UP> mtu 1476 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/gre 198.18.1.1 peer 198.18.9.2 promiscuity 0
            7: gre2@NONE: <POINTOPOINT,NOARP,UP,LOWER_UP> mtu 1476 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/gre 198.18.1.1 peer 198.18.9.3 promiscuity 0
            """;

    @Test
    void linkTypesMapToFramings() {
        assertEquals(LinkFraming.ETHERNET, LinkFraming.of(1));
        for (int raw : new int[] {12, 14, 101, 228}) {
            assertEquals(LinkFraming.RAW_IP, LinkFraming.of(raw), "link type " + raw);
        }
        for (int none : new int[] {113, 276, 9, 0, 229, 999}) {
            assertEquals(LinkFraming.NONE, LinkFraming.of(none), "link type " + none);
        }
    }

    @Test
    void readsIpLinkShow() {
        List<LinkFraming.Device> d = LinkFraming.devices(LINKS);
        assertEquals(7, d.size());
        assertEquals(new LinkFraming.Device("eth0", null, true, "ether", null), d.get(1));
        assertEquals(new LinkFraming.Device("eth1", null, false, "ether", null), d.get(2));
        assertEquals(new LinkFraming.Device("wg0", null, true, "none", null), d.get(3));
        assertEquals(new LinkFraming.Device("ppp0", null, true, "ppp", null), d.get(4));
        assertEquals(new LinkFraming.Device("gre1", "eth0", true, "gre", "198.18.9.2"), d.get(5));
        assertEquals(new LinkFraming.Device("gre2", "NONE", true, "gre", "198.18.9.3"), d.get(6));
        assertEquals(List.of(), LinkFraming.devices("garbage\n\n"));
    }

    @Test
    void cookedLinkNamesTheDeviceItRunsOver() {
        assertEquals("cannot send on gre1: libpcap gives it as LINUX_SLL (Linux cooked capture), on which it cannot"
                + " inject packets; use the device it runs over: -i eth0",
                LinkFraming.cannotSendMessage("gre1", 113, LINKS, null));
    }

    @Test
    void tunnelBoundToNoDeviceNamesTheInterfaceItsEndpointIsReachedBy() {
        Route toEndpoint = new Route(IpAddress.parse("198.18.9.3"), "eth0", IpAddress.parse("198.18.1.2"),
                IpAddress.parse("198.18.1.1"), false);
        assertEquals("cannot send on gre2: libpcap gives it as LINUX_SLL2 (Linux cooked capture), on which it cannot"
                + " inject packets; use the interface its endpoint 198.18.9.3 is reached by: -i eth0",
                LinkFraming.cannotSendMessage("gre2", 276, LINKS, toEndpoint));
    }

    @Test
    void otherwiseTheInterfacesThatAreUpWithEthernetOrRawIp() {
        assertEquals("cannot send on ppp0: libpcap gives it as LINUX_SLL (Linux cooked capture), on which it cannot"
                + " inject packets; interfaces with Ethernet or raw IP framing: eth0, wg0 (-i NAME)",
                LinkFraming.cannotSendMessage("ppp0", 113, LINKS, null));
        assertEquals("cannot send on ppp0: libpcap gives it as PPP, a link type tracecap cannot write; no interface"
                + " here has Ethernet or raw IP (TUN) framing to send on",
                LinkFraming.cannotSendMessage("ppp0", 9, LINKS.lines().filter(l -> l.contains("ppp0")).toList()
                        .get(0), null));
    }
}
