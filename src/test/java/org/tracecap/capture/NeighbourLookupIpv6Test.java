package org.tracecap.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.tracecap.packet.Bytes;
import org.tracecap.packet.Checksum;
import org.tracecap.packet.Icmpv6Type;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.IpProtocol;
import org.tracecap.packet.LinkLayer;
import org.tracecap.packet.NeighborDiscovery;
import org.tracecap.packet.ProbeEncoder;

/**
 * IPv6 routes and neighbours from what {@code ip -6} printed in a namespace (iproute2 6.x, recorded for these
 * tests), and the Neighbor Advertisement read back from a frame.
 */
class NeighbourLookupIpv6Test {
    static final IpAddress DESTINATION = IpAddress.parse("2001:db8:5::2");
    static final IpAddress GATEWAY = IpAddress.parse("fe80::c6ff:fe12:102");
    static final byte[] GATEWAY_MAC = {2, 0, (byte) 0xc6, 0x12, 1, 2};

    @Test
    void readsAGatewayRouteThroughALinkLocalAddress() throws Exception {
        Route r = RouteLookup.parseIpRouteGet(DESTINATION, "2001:db8:5::2 from :: via fe80::c6ff:fe12:102 dev x src"
                + " 2001:db8:1::1 metric 1024 pref medium\n");
        assertEquals(new Route(DESTINATION, "x", GATEWAY, IpAddress.parse("2001:db8:1::1"), false), r);
        assertEquals(GATEWAY, r.nextHop());
    }

    @Test
    void readsAnOnLinkRouteTheSourceAskedForAndALocalOne() throws Exception {
        IpAddress neighbour = IpAddress.parse("2001:db8:1::2");
        Route onLink = RouteLookup.parseIpRouteGet(neighbour, "2001:db8:1::2 from :: dev x proto kernel src"
                + " 2001:db8:1::1 metric 256 pref medium\n");
        assertEquals(neighbour, onLink.nextHop(), "from :: is no gateway and no source");
        assertEquals(IpAddress.parse("2001:db8:1::1"), onLink.source());
        Route from = RouteLookup.parseIpRouteGet(DESTINATION, "2001:db8:5::2 from 2001:db8:1::1 via"
                + " fe80::c6ff:fe12:102 dev x src 2001:db8:1::1 metric 1024 pref medium\n");
        assertEquals(IpAddress.parse("2001:db8:1::1"), from.source());
        IpAddress self = IpAddress.parse("2001:db8:1::1");
        Route local = RouteLookup.parseIpRouteGet(self, "local 2001:db8:1::1 from :: dev lo table local proto kernel"
                + " src 2001:db8:1::1 metric 0 pref medium\n");
        assertEquals(true, local.local());
    }

    @Test
    void aRouteWithoutAnIpv6SourceOrWithAnotherFamilyIsOneLine() {
        LiveCaptureException e = assertThrows(LiveCaptureException.class, () -> RouteLookup.parseIpRouteGet(
                DESTINATION, "2001:db8:5::2 from :: dev tun0 metric 1024 pref medium\n"));
        assertEquals("the route to 2001:db8:5::2 (2001:db8:5::2 from :: dev tun0 metric 1024 pref medium) has no"
                + " IPv6 source address: give interface tun0 an address or use -s", e.getMessage());
        e = assertThrows(LiveCaptureException.class, () -> RouteLookup.parseIpRouteGet(DESTINATION,
                "2001:db8:5::2 via 198.18.0.1 dev x src 2001:db8:1::1\n"));
        assertEquals("cannot read ip route get's answer: 2001:db8:5::2 via 198.18.0.1 dev x src 2001:db8:1::1",
                e.getMessage());
        assertEquals("no route to host 2001:db8:5::2 (RTNETLINK answers: Network is unreachable): check ip -6 route",
                RouteLookup.noRouteMessage(DESTINATION, "RTNETLINK answers: Network is unreachable\n"));
    }

    @Test
    void readsTheIpv6NeighbourTable() {
        String table = "2001:db8:1::9 INCOMPLETE\n"
                + "fe80::c6ff:fe12:102 lladdr 02:00:c6:12:01:02 router STALE\n"
                + "2001:db8:1::7 lladdr 02:00:00:00:00:07 FAILED\n";
        assertEquals(Optional.of(new MacAddress(GATEWAY_MAC)), NeighbourLookup.parseIpNeigh(table, GATEWAY));
        assertEquals(Optional.empty(), NeighbourLookup.parseIpNeigh(table, IpAddress.parse("2001:db8:1::9")),
                "incomplete: no MAC yet");
        assertEquals(Optional.empty(), NeighbourLookup.parseIpNeigh(table, IpAddress.parse("2001:db8:1::7")),
                "failed");
        assertEquals(Optional.empty(), NeighbourLookup.parseIpNeigh(table, IpAddress.parse("2001:db8:1::8")));
    }

    /**
     * An Ethernet frame holding a Neighbor Advertisement for {@code target} to {@code to}, solicited and override
     * set, with the Target Link-Layer Address option (the gateway's MAC) when {@code option} (RFC 4861 4.4).
     */
    static byte[] advertisement(IpAddress target, IpAddress to, boolean option) {
        int icmpLength = 24 + (option ? 8 : 0);
        byte[] f = new byte[ProbeEncoder.ETHERNET_HEADER + ProbeEncoder.IPV6_HEADER + icmpLength];
        byte[] other = {2, 0, 0, 0, 0, 0x33};
        System.arraycopy(new byte[] {2, 0, 0, 0, 0, 1}, 0, f, 0, 6);
        System.arraycopy(option ? other : GATEWAY_MAC, 0, f, 6, 6);
        Bytes.put16(f, 12, LinkLayer.ETHERTYPE_IPV6);
        int ip = ProbeEncoder.ETHERNET_HEADER;
        Bytes.put32(f, ip, 0x60000000L); // version 6, traffic class 0, flow label 0 (RFC 8200 section 3)
        Bytes.put16(f, ip + 4, icmpLength);
        Bytes.put8(f, ip + 6, IpProtocol.ICMPV6);
        Bytes.put8(f, ip + 7, NeighborDiscovery.HOP_LIMIT);
        Bytes.put64(f, ip + 8, target.high());
        Bytes.put64(f, ip + 16, target.low());
        Bytes.put64(f, ip + 24, to.high());
        Bytes.put64(f, ip + 32, to.low());
        int icmp = ip + ProbeEncoder.IPV6_HEADER;
        Bytes.put8(f, icmp, Icmpv6Type.NEIGHBOR_ADVERTISEMENT);
        Bytes.put32(f, icmp + 4, 0x60000000L);
        Bytes.put64(f, icmp + 8, target.high());
        Bytes.put64(f, icmp + 16, target.low());
        if (option) {
            Bytes.put8(f, icmp + 24, NeighborDiscovery.OPTION_TARGET_LINK_LAYER);
            Bytes.put8(f, icmp + 25, 1);
            System.arraycopy(GATEWAY_MAC, 0, f, icmp + 26, 6);
        }
        int pseudo = Checksum.pseudoHeaderSum(target, to, IpProtocol.ICMPV6, icmpLength);
        Bytes.put16(f, icmp + 2, ~Checksum.sum(f, icmp, icmpLength, pseudo) & 0xffff);
        return f;
    }

    static String advertisementFilterBeside(String traceFilter, IpAddress neighbour) {
        return "(" + traceFilter + ") or (" + NeighbourLookup.replyFilter(neighbour) + ")";
    }

    @Test
    void readsTheGatewaysMacFromItsAdvertisement() {
        IpAddress client = IpAddress.parse("2001:db8:1::1");
        byte[] withOption = advertisement(GATEWAY, client, true);
        assertEquals(new MacAddress(GATEWAY_MAC), NeighbourLookup.advertised(withOption, withOption.length, GATEWAY),
                "from the Target Link-Layer Address option, not the frame's source");
        byte[] without = advertisement(GATEWAY, client, false);
        assertEquals(new MacAddress(GATEWAY_MAC), NeighbourLookup.advertised(without, without.length, GATEWAY),
                "no option: the Ethernet source");
        assertNull(NeighbourLookup.advertised(withOption, withOption.length, IpAddress.parse("fe80::9")),
                "another target");
        assertNull(NeighbourLookup.advertised(withOption, 14 + 40 + 10, GATEWAY), "cut short: no answer");
    }
}
