package org.tracecap.capture;

import java.util.Objects;
import org.tracecap.packet.IpAddress;

/**
 * The kernel's route to one destination.
 *
 * @param destination   the address looked up
 * @param interfaceName the egress interface
 * @param gateway       the next router, or null when the destination is on-link (then it is its own next hop)
 * @param source        the preferred source address ({@code src} of {@code ip route get})
 * @param local         whether the destination is one of this host's own addresses (route type local)
 */
public record Route(IpAddress destination, String interfaceName, IpAddress gateway, IpAddress source,
                    boolean local) {

    public Route {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(source, "source");
    }

    /** Whether the destination is reached directly, without a gateway. */
    public boolean onLink() {
        return gateway == null;
    }

    /** The address whose MAC frames go to: the gateway, or the destination itself when on-link. */
    public IpAddress nextHop() {
        return onLink() ? destination : gateway;
    }

    @Override
    public String toString() {
        return destination + (onLink() ? "" : " via " + gateway) + " dev " + interfaceName + " src " + source
                + (local ? " (local)" : "");
    }
}
