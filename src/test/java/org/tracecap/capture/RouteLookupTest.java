package org.tracecap.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.Ipv4Address;
import org.tracecap.testnet.Namespace;
import org.tracecap.testnet.NetnsTopology;

class RouteLookupTest {
    static final int DESTINATION = Ipv4Address.parse("198.18.1.2");

    @Test
    void readsAGatewayRoute() throws Exception {
        Route r = RouteLookup.parseIpRouteGet(DESTINATION,
                "198.18.1.2 via 198.18.0.1 dev eth0 src 198.18.0.2 uid 0 \n    cache \n");
        assertEquals(new Route(IpAddress.ipv4(DESTINATION), "eth0", IpAddress.parse("198.18.0.1"),
                IpAddress.parse("198.18.0.2"),
                false), r);
        assertFalse(r.onLink());
        assertEquals(IpAddress.parse("198.18.0.1"), r.nextHop());
    }

    @Test
    void readsAnOnLinkRouteWithExtraFields() throws Exception {
        Route r = RouteLookup.parseIpRouteGet(DESTINATION,
                "198.18.1.2 dev veth0 table 100 src 198.18.1.1 uid 1000 \n    cache expires 5sec mtu 1400\n");
        assertTrue(r.onLink());
        assertEquals(IpAddress.ipv4(DESTINATION), r.nextHop());
        assertEquals("veth0", r.interfaceName());
    }

    @Test
    void readsTheSourceAskedForWhenIpPrintsItAsFrom() throws Exception {
        Route r = RouteLookup.parseIpRouteGet(DESTINATION,
                "198.18.1.2 from 198.18.0.2 via 198.18.0.1 dev eth0 uid 0 \n    cache \n");
        assertEquals(IpAddress.parse("198.18.0.2"), r.source());
        assertEquals(IpAddress.parse("198.18.0.1"), r.gateway());
    }

    @Test
    void readsALocalRoute() throws Exception {
        Route r = RouteLookup.parseIpRouteGet(Ipv4Address.parse("127.0.0.1"),
                "local 127.0.0.1 dev lo src 127.0.0.1 uid 0 \n    cache <local> \n");
        assertTrue(r.local());
        assertEquals("lo", r.interfaceName());
    }

    @Test
    void rejectRoutesAndMissingFieldsAreOneLineErrors() {
        LiveCaptureException e = assertThrows(LiveCaptureException.class, () -> RouteLookup.parseIpRouteGet(
                DESTINATION, "unreachable 198.18.1.2 table main uid 0 \n    cache \n"));
        assertEquals("no route to host 198.18.1.2 (route type unreachable): check ip route", e.getMessage());
        e = assertThrows(LiveCaptureException.class,
                () -> RouteLookup.parseIpRouteGet(DESTINATION, "198.18.1.2 dev tun0 uid 0\n"));
        assertEquals("the route to 198.18.1.2 (198.18.1.2 dev tun0 uid 0) has no IPv4 source address: give"
                + " interface tun0 an address or use -s", e.getMessage());
    }

    @Test
    void searchesProcNetRouteByLongestPrefixThenMetric() {
        // /proc/net/route on x86: addresses are little-endian hex. Default via 198.18.0.1 on eth0 (metric 100),
        // 198.18.0.0/24 on-link on eth0, 198.18.4.0/22 via 198.18.0.9 (metric 5 and, worse, 10).
        String table = """
                Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
                eth0\t00000000\t010012C6\t0003\t0\t0\t100\t00000000\t0\t0\t0
                eth0\t000012C6\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
                eth1\t000412C6\t090012C6\t0003\t0\t0\t10\t00FCFFFF\t0\t0\t0
                eth0\t000412C6\t090012C6\t0003\t0\t0\t5\t00FCFFFF\t0\t0\t0
                eth0\t000812C6\t00000000\t0201\t0\t0\t0\t00FFFFFF\t0\t0\t0
                """;
        if (java.nio.ByteOrder.nativeOrder() != java.nio.ByteOrder.LITTLE_ENDIAN) {
            return;
        }
        RouteLookup.ProcRoute viaDefault = RouteLookup.bestProcRoute(table, Ipv4Address.parse("8.8.8.8"), null);
        assertEquals(Ipv4Address.parse("198.18.0.1"), viaDefault.gateway());
        RouteLookup.ProcRoute onLink = RouteLookup.bestProcRoute(table, Ipv4Address.parse("198.18.0.7"), null);
        assertEquals(0, onLink.gateway());
        RouteLookup.ProcRoute specific = RouteLookup.bestProcRoute(table, Ipv4Address.parse("198.18.6.1"), null);
        assertEquals("eth0", specific.interfaceName());
        assertEquals(Ipv4Address.parse("198.18.0.9"), specific.gateway());
        assertEquals("eth1",
                RouteLookup.bestProcRoute(table, Ipv4Address.parse("198.18.6.1"), "eth1").interfaceName());
        assertNull(RouteLookup.bestProcRoute(table, Ipv4Address.parse("198.18.8.1"), null), "reject route");
        assertNull(RouteLookup.bestProcRoute(table, Ipv4Address.parse("8.8.8.8"), "eth1"));
    }

    /** The kernel's answers in a namespace: via the gateway, on-link, unreachable, no route at all. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void asksTheKernelInsideANamespace() throws Exception {
        try (NetnsTopology net = NetnsTopology.create()) {
            Namespace client = net.host("client");
            Namespace router = net.router("r1");
            net.link(client, "eth0", "198.18.0.2/24", router, "eth0", "198.18.0.1/24");
            client.run("ip", "route", "add", "198.18.1.0/24", "via", "198.18.0.1");
            client.run("ip", "route", "add", "unreachable", "198.18.9.0/24");
            client.run(() -> {
                Route via = RouteLookup.lookup(IpAddress.ipv4(DESTINATION), null, null);
                assertEquals(new Route(IpAddress.ipv4(DESTINATION), "eth0",
                        IpAddress.parse("198.18.0.1"),
                        IpAddress.parse("198.18.0.2"), false), via);
                Route onLink = RouteLookup.lookup(IpAddress.parse("198.18.0.1"), null, "eth0");
                assertTrue(onLink.onLink());
                assertEquals(IpAddress.parse("198.18.0.2"), onLink.source());
                Route withSource = RouteLookup.lookup(IpAddress.ipv4(DESTINATION), IpAddress.parse("198.18.0.2"), null);
                assertEquals(via, withSource);
                assertTrue(RouteLookup.lookup(IpAddress.parse("198.18.0.2"), null, null).local());

                LiveCaptureException unreachable = assertThrows(LiveCaptureException.class,
                        () -> RouteLookup.lookup(IpAddress.parse("198.18.9.9"), null, null));
                assertTrue(unreachable.getMessage().startsWith("no route to host 198.18.9.9 ("),
                        unreachable.getMessage());
                LiveCaptureException none = assertThrows(LiveCaptureException.class,
                        () -> RouteLookup.lookup(IpAddress.parse("198.19.200.1"), null, null));
                assertEquals("no route to host 198.19.200.1 (RTNETLINK answers: Network is unreachable): check"
                        + " ip route", none.getMessage());
            });
        }
    }
}
