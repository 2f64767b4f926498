package org.tracecap.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.Ipv4Address;
import org.tracecap.testnet.Namespace;
import org.tracecap.testnet.NetnsTopology;

class NeighbourLookupTest {
    static final int GATEWAY = Ipv4Address.parse("198.18.0.1");
    static final MacAddress OURS = MacAddress.parse("02:00:00:00:00:02");

    static final String ARP_TABLE = """
            IP address       HW type     Flags       HW address            Mask     Device
            198.18.0.1       0x1         0x2         0a:1b:2c:3d:4e:5f     *        eth0
            198.18.0.7       0x1         0x0         00:00:00:00:00:00     *        eth0
            198.18.0.1       0x1         0x2         11:11:11:11:11:11     *        eth1
            """;

    @Test
    void readsCompleteEntriesOfTheNeighbourTableOnly() {
        assertEquals(Optional.of(MacAddress.parse("0a:1b:2c:3d:4e:5f")),
                NeighbourLookup.parseArpTable(ARP_TABLE, GATEWAY, "eth0"));
        assertEquals(Optional.of(MacAddress.parse("11:11:11:11:11:11")),
                NeighbourLookup.parseArpTable(ARP_TABLE, GATEWAY, "eth1"));
        assertEquals(Optional.empty(), NeighbourLookup.parseArpTable(ARP_TABLE, Ipv4Address.parse("198.18.0.7"),
                "eth0"), "incomplete");
        assertEquals(Optional.empty(), NeighbourLookup.parseArpTable(ARP_TABLE, Ipv4Address.parse("198.18.0.8"),
                "eth0"));
    }

    @Test
    void buildsAnRfc826Request() {
        byte[] request = NeighbourLookup.arpRequest(OURS, Ipv4Address.parse("198.18.0.2"), GATEWAY);
        assertArrayEquals(HexFormat.of().parseHex("ffffffffffff" + "020000000002" + "0806"
                + "0001" + "0800" + "06" + "04" + "0001" + "020000000002" + "c6120002" + "000000000000" + "c6120001"),
                request);
    }

    @Test
    void takesTheSenderOfAReplyFromTheTargetOnly() {
        byte[] reply = HexFormat.of().parseHex("020000000002" + "0a1b2c3d4e5f" + "0806" + "0001" + "0800" + "06"
                + "04" + "0002" + "0a1b2c3d4e5f" + "c6120001" + "020000000002" + "c6120002");
        assertEquals(MacAddress.parse("0a:1b:2c:3d:4e:5f"), NeighbourLookup.senderOfReply(reply, reply.length,
                GATEWAY));
        assertNull(NeighbourLookup.senderOfReply(reply, reply.length, Ipv4Address.parse("198.18.0.9")));
        assertNull(NeighbourLookup.senderOfReply(reply, 41, GATEWAY));
        byte[] request = NeighbourLookup.arpRequest(OURS, GATEWAY, Ipv4Address.parse("198.18.0.2"));
        assertNull(NeighbourLookup.senderOfReply(request, request.length, GATEWAY), "a request is no answer");
    }

    @Test
    void theReplyFilterNamesTheTargetInEightHexDigits() {
        assertEquals("arp and arp[6:2] = 2 and arp[14:4] = 0xc6120001", NeighbourLookup.replyFilter(GATEWAY));
        for (String a : new String[] {"0.0.0.0", "10.0.0.1", "0.1.2.3", "255.255.255.255", "192.0.2.200"}) {
            int address = Ipv4Address.parse(a);
            assertEquals(String.format("arp and arp[6:2] = 2 and arp[14:4] = 0x%08x", address),
                    NeighbourLookup.replyFilter(address), a);
        }
    }

    @Test
    void theNoAnswerMessageNamesTheGatewayAndTheInterface() {
        Route viaGateway = new Route(IpAddress.parse("198.18.1.2"), "eth0", IpAddress.ipv4(GATEWAY),
                IpAddress.parse("198.18.0.2"), false);
        assertEquals("no ARP answer from gateway 198.18.0.1 on eth0 after 3 requests 1000 ms apart: check it is up"
                + " and on that link, or give its MAC with --gateway-mac",
                NeighbourLookup.noAnswerMessage(viaGateway, 3, Duration.ofSeconds(1)));
        Route onLink = new Route(IpAddress.parse("198.18.0.9"), "eth0", null,
                IpAddress.parse("198.18.0.2"), false);
        assertTrue(NeighbourLookup.noAnswerMessage(onLink, 1, Duration.ofMillis(200))
                .startsWith("no ARP answer from 198.18.0.9 (on-link) on eth0 after 1 request 200 ms apart"));
    }

    /**
     * {@code client}'s eth0 on 198.18.0.0/24 with a router at .1, the gateway of 198.18.1.0/24, and a silent
     * gateway, .99 (no such host), for 198.18.2.0/24; returns the router's MAC.
     */
    private static MacAddress gatewayAndSilentGateway(NetnsTopology net, Namespace client) {
        Namespace router = net.router("r1");
        net.link(client, "eth0", "198.18.0.2/24", router, "eth0", "198.18.0.1/24");
        client.run("ip", "route", "add", "198.18.1.0/24", "via", "198.18.0.1");
        client.run("ip", "route", "add", "198.18.2.0/24", "via", "198.18.0.99");
        return MacAddress.parse(router.mac("eth0"));
    }

    /**
     * In a namespace: the gateway's MAC by ARP when the neighbour table lacks it, from the table once the
     * kernel knows it, and a bounded failure for a gateway that does not exist.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void resolvesByArpAndFromTheTableAndGivesUpOnASilentGateway() throws Exception {
        try (NetnsTopology net = NetnsTopology.create()) {
            Namespace client = net.host("client");
            MacAddress routerMac = gatewayAndSilentGateway(net, client);
            client.run(() -> {
                Route route = RouteLookup.lookup(IpAddress.parse("198.18.1.2"), null, null);
                LinkInterface link = Interfaces.find("eth0");
                assertEquals(MacAddress.parse(client.mac("eth0")), link.mac());
                assertEquals(Optional.empty(), NeighbourLookup.fromTable(IpAddress.ipv4(GATEWAY), "eth0"),
                        "table empty at first");
                assertEquals(routerMac, NeighbourLookup.arp(route, link.mac(), Duration.ofSeconds(1), 3));
            });
            // What the kernel learns from traffic; set directly, so no ping is needed.
            client.run("ip", "neigh", "replace", "198.18.0.1", "lladdr", routerMac.toString(), "dev", "eth0", "nud",
                    "reachable");
            client.run(() -> {
                assertEquals(Optional.of(routerMac), NeighbourLookup.fromTable(IpAddress.ipv4(GATEWAY), "eth0"));
                Route route = RouteLookup.lookup(IpAddress.parse("198.18.1.2"), null, null);
                assertEquals(routerMac, NeighbourLookup.resolve(route, Interfaces.find("eth0"),
                        NeighbourLookup.DEFAULT_TIMEOUT, NeighbourLookup.DEFAULT_ATTEMPTS));

                Route silent = RouteLookup.lookup(IpAddress.parse("198.18.2.2"), null, null);
                long start = System.nanoTime();
                LiveCaptureException e = assertThrows(LiveCaptureException.class, () -> NeighbourLookup.resolve(
                        silent, Interfaces.find("eth0"), Duration.ofMillis(200), 2));
                long took = System.nanoTime() - start;
                assertEquals("no ARP answer from gateway 198.18.0.99 on eth0 after 2 requests 200 ms apart: check"
                        + " it is up and on that link, or give its MAC with --gateway-mac", e.getMessage());
                assertTrue(took >= TimeUnit.MILLISECONDS.toNanos(390) && took < TimeUnit.SECONDS.toNanos(3),
                        "gave up after " + took / 1e6 + " ms");
            });
        }
    }

    /**
     * In a namespace: the ARP exchange made on a trace's own port (opened with the gateway as ARP sender). The
     * answer comes through receiveArp and never reaches receive, which keeps delivering the trace filter's
     * frames; a silent gateway gives the same bounded failure as a port of its own; the port stays open.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void resolvesByArpOnATracePortWhoseReceiveNeverSeesTheArpFrames() throws Exception {
        try (NetnsTopology net = NetnsTopology.create()) {
            Namespace client = net.host("client");
            MacAddress routerMac = gatewayAndSilentGateway(net, client);
            client.run(() -> {
                Route route = RouteLookup.lookup(IpAddress.parse("198.18.1.2"), null, null);
                LinkInterface link = Interfaces.find("eth0");
                assertEquals(Optional.empty(), NeighbourLookup.known(route, link), "table empty at first");
                String filter = LivePort.traceFilter(route.source(), route.destination(), 33434, 33436);
                try (LivePort port = LivePort.openChecked("eth0", filter, route.nextHop().ipv4())) {
                    assertEquals(filter, port.filter());
                    assertEquals(routerMac, NeighbourLookup.resolve(route, link, Duration.ofSeconds(1), 3, port));
                    // The request went out and the answer came in: neither is the trace's.
                    int[] others = new int[1];
                    port.receive((time, type, frame, length, wire) -> others[0]++, TimeUnit.MILLISECONDS.toNanos(200));
                    assertEquals(0, others[0], "frames other than ARP replies delivered by receive");
                    assertEquals(0, port.receiveArp((t, l, f, n, w) -> { }, 0), "the answer was taken once");
                }

                try (LivePort plain = LivePort.openChecked("eth0", LivePort.NOTHING)) {
                    assertThrows(IllegalStateException.class, () -> plain.receiveArp((t, l, f, n, w) -> { }, 0),
                            "a port opened without an ARP sender");
                }

                Route silent = RouteLookup.lookup(IpAddress.parse("198.18.2.2"), null, null);
                String silentFilter = LivePort.traceFilter(silent.source(), silent.destination(), 33434, 33436);
                try (LivePort port = LivePort.openChecked("eth0", silentFilter, silent.nextHop().ipv4())) {
                    LiveCaptureException e = assertThrows(LiveCaptureException.class, () -> NeighbourLookup.resolve(
                            silent, link, Duration.ofMillis(200), 2, port));
                    assertEquals("no ARP answer from gateway 198.18.0.99 on eth0 after 2 requests 200 ms apart: check"
                            + " it is up and on that link, or give its MAC with --gateway-mac", e.getMessage());
                }
            });
        }
    }
}
