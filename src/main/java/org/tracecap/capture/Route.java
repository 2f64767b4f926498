package org.tracecap.capture;

import org.tracecap.packet.Ipv4Address;

/**
 * The kernel's route to one destination.
 *
 * @param destination   the address looked up
 * @param interfaceName the egress interface
 * @param gateway       the next router, or 0 when the destination is on-link (then it is its own next hop)
 * @param source        the preferred source address ({@code src} of {@code ip route get})
 * @param local         whether the destination is one of this host's own addresses (route type local)
 */
public record Route(int destination, String interfaceName, int gateway, int source, boolean local) {

    /** Whether the destination is reached directly, without a gateway. */
    public boolean onLink() {
        return gateway == 0;
    }

    /** The address whose MAC frames go to: the gateway, or the destination itself when on-link. */
    public int nextHop() {
        return onLink() ? destination : gateway;
    }

    @Override
    public String toString() {
        return Ipv4Address.format(destination) + (onLink() ? "" : " via " + Ipv4Address.format(gateway))
                + " dev " + interfaceName + " src " + Ipv4Address.format(source) + (local ? " (local)" : "");
    }
}
