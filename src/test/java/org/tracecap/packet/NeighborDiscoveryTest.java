package org.tracecap.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NeighborDiscoveryTest {
    private static final IpAddress CLIENT = IpAddress.parse("2001:db8:1::1");
    private static final IpAddress ROUTER = IpAddress.parse("2001:db8:1::2");

    @Test
    void solicitationAsTheKernelSentIt() {
        byte[] out = new byte[NeighborDiscovery.SOLICITATION_FRAME];
        assertEquals(86, NeighborDiscovery.encodeSolicitation(out, 0, Bytes.fromHex("b2a89e7fac81"), CLIENT, ROUTER));
        assertArrayEquals(Bytes.fromHex(RealIpv6Frames.NEIGHBOR_SOLICITATION), out);
        assertEquals("ff02::1:ff00:2", NeighborDiscovery.solicitedNode(ROUTER).toString());
        assertEquals("ff02::1:ffab:cdef",
                NeighborDiscovery.solicitedNode(IpAddress.parse("2001:db8::12ab:cdef")).toString());
    }

    @Test
    void realAdvertisement() {
        byte[] f = Bytes.fromHex(RealIpv6Frames.NEIGHBOR_ADVERTISEMENT);
        Ipv6View ip = Ipv6View.of(f, 14, f.length - 14);
        assertEquals(NeighborDiscovery.HOP_LIMIT, ip.hopLimit());
        NeighborDiscovery.Advertisement na = NeighborDiscovery.Advertisement.of(f, ip.upperLayerOffset(),
                ip.upperLayerLength());
        assertEquals(ROUTER, na.target());
        assertTrue(na.solicited());
        assertTrue(na.override());
        assertTrue(na.router()); // flags 0xe0: the sender forwards (R), answers (S), overrides (O)
        assertTrue(na.hasTargetLinkLayerAddress());
        assertArrayEquals(Bytes.fromHex("4e0a23e28deb"), na.targetLinkLayerAddress());
    }

    @Test
    void malformedAdvertisements() {
        byte[] f = Bytes.fromHex(RealIpv6Frames.NEIGHBOR_ADVERTISEMENT);
        int icmp = 54;
        assertEquals("Neighbor Advertisement past capture", assertThrows(PacketException.class,
                () -> NeighborDiscovery.Advertisement.of(f, icmp, 23)).reason());
        assertEquals("ND option past capture", assertThrows(PacketException.class,
                () -> NeighborDiscovery.Advertisement.of(f, icmp, 30)).reason());
        byte[] zero = f.clone();
        zero[icmp + 25] = 0;
        assertEquals("ND option length 0", assertThrows(PacketException.class,
                () -> NeighborDiscovery.Advertisement.of(zero, icmp, 32)).reason());
        byte[] ns = Bytes.fromHex(RealIpv6Frames.NEIGHBOR_SOLICITATION);
        assertEquals("not a Neighbor Advertisement", assertThrows(PacketException.class,
                () -> NeighborDiscovery.Advertisement.of(ns, icmp, 32)).reason());
        // Without options: no target link-layer address.
        assertFalse(NeighborDiscovery.Advertisement.of(f, icmp, 24).hasTargetLinkLayerAddress());
    }
}
