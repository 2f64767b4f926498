package org.tracecap.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.Ipv4Address;
import org.tracecap.testnet.Namespace;
import org.tracecap.testnet.NetnsTopology;

class InterfacesTest {
    static LinkInterface.Address address(String cidr) {
        String[] parts = cidr.split("/");
        return new LinkInterface.Address(IpAddress.ipv4(Ipv4Address.parse(parts[0])), Integer.parseInt(parts[1]));
    }

    @Test
    void netmasksBecomePrefixLengths() throws Exception {
        assertEquals(24, Interfaces.prefixLength(InetAddress.getByName("255.255.255.0")));
        assertEquals(0, Interfaces.prefixLength(InetAddress.getByName("0.0.0.0")));
        assertEquals(32, Interfaces.prefixLength(InetAddress.getByName("255.255.255.255")));
        assertEquals(32, Interfaces.prefixLength(InetAddress.getByName("255.0.255.0")), "not contiguous");
        assertEquals(32, Interfaces.prefixLength(null), "point-to-point: no netmask");
    }

    @Test
    void theSourceTowardsANextHopIsTheAddressOfItsSubnet() {
        LinkInterface eth = new LinkInterface("eth0", MacAddress.parse("02:00:00:00:00:02"),
                List.of(address("198.18.0.2/24"), address("198.18.5.2/24")), false, true);
        assertEquals(IpAddress.parse("198.18.5.2"), eth.sourceFor(IpAddress.parse("198.18.5.1")));
        assertEquals(IpAddress.parse("198.18.0.2"), eth.sourceFor(IpAddress.parse("198.19.0.1")));
        assertTrue(eth.hasAddress(IpAddress.parse("198.18.5.2")));
        assertNull(new LinkInterface("tun0", null, List.of(), false, true).sourceFor(IpAddress.ipv4(1)));
        assertTrue(address("0.0.0.0/0").contains(IpAddress.parse("203.0.113.1")));
        assertThrows(IllegalArgumentException.class, () -> new LinkInterface.Address(IpAddress.ipv4(1), 33));
    }

    @Test
    void theUnknownInterfaceMessageListsTheOthersOnOneLine() {
        LinkInterface eth = new LinkInterface("eth0", null, List.of(address("198.18.0.2/24")), false, true);
        LinkInterface lo = new LinkInterface("lo", MacAddress.ZERO, List.of(), true, true);
        assertEquals("no interface named wlan0: choose one of eth0 (198.18.0.2/24), lo",
                Interfaces.unknownMessage("wlan0", List.of(eth, lo)));
        assertTrue(Interfaces.isPseudo("any") && Interfaces.isPseudo("nflog") && Interfaces.isPseudo("dbus-system"));
        assertFalse(Interfaces.isPseudo("eth0"));
    }

    @Test
    void macAddressesParseAndPrintAsIpLinkDoes() {
        MacAddress mac = MacAddress.parse("0A:1b:2c:3d:4e:5f");
        assertEquals("0a:1b:2c:3d:4e:5f", mac.toString());
        assertEquals(mac, MacAddress.parse("0a-1b-2c-3d-4e-5f"));
        assertThrows(IllegalArgumentException.class, () -> MacAddress.parse("0a:1b:2c:3d:4e"));
        assertThrows(IllegalArgumentException.class, () -> MacAddress.parse("0a:1b:2c:3d:4e:5g"));
        assertThrows(IllegalArgumentException.class, () -> new MacAddress(new byte[5]));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void listsANamespacesInterfacesWithAddressesAndMacs() throws Exception {
        try (NetnsTopology net = NetnsTopology.create()) {
            Namespace a = net.host("a");
            Namespace b = net.host("b");
            net.link(a, "eth0", "198.18.0.2/24", b, "eth0", "198.18.0.1/24");
            a.address("eth0", "198.18.7.2/25");
            String mac = a.mac("eth0");
            a.run(() -> {
                LinkInterface eth = Interfaces.find("eth0");
                assertEquals(MacAddress.parse(mac), eth.mac());
                assertEquals(List.of(address("198.18.0.2/24"), address("198.18.7.2/25")), eth.addresses());
                assertTrue(eth.up());
                assertFalse(eth.loopback());
                LinkInterface lo = Interfaces.find("lo");
                assertTrue(lo.loopback());
                assertEquals(MacAddress.ZERO, lo.mac());
                assertTrue(lo.hasAddress(IpAddress.parse("127.0.0.1")));
            });
        }
    }

    @Test
    void subnetsAreReadOverTheFamilysBits() {
        LinkInterface.Address v6 = new LinkInterface.Address(IpAddress.parse("2001:db8:0:5::2"), 64);
        assertTrue(v6.contains(IpAddress.parse("2001:db8:0:5:ffff::1")));
        assertFalse(v6.contains(IpAddress.parse("2001:db8:0:6::2")));
        assertFalse(v6.contains(IpAddress.parse("198.18.5.2")), "another family is never inside");
        LinkInterface.Address wide = new LinkInterface.Address(IpAddress.parse("2001:db8::2"), 29);
        assertTrue(wide.contains(IpAddress.parse("2001:dbf::1")));
        assertFalse(wide.contains(IpAddress.parse("2001:dc0::1")));
        LinkInterface.Address v4 = address("198.18.5.2/24");
        assertTrue(v4.contains(IpAddress.parse("198.18.5.200")));
        assertFalse(v4.contains(IpAddress.parse("::c612:502")), "the same low bits, IPv6");
        assertTrue(new LinkInterface.Address(IpAddress.parse("::"), 0).contains(IpAddress.parse("2001:db8::1")));
        assertEquals("2001:db8:0:5::2/64", v6.toString());
        LinkInterface both = new LinkInterface("eth0", MacAddress.parse("02:00:00:00:00:02"),
                List.of(v4, v6), false, true);
        assertEquals(IpAddress.parse("2001:db8:0:5::2"), both.sourceFor(IpAddress.parse("2001:db8:9::1")),
                "no subnet holds it: the first address of its family");
    }
}
