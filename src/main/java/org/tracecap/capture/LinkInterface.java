package org.tracecap.capture;

import java.util.List;
import org.tracecap.packet.IpAddress;

/**
 * A network interface as libpcap lists it.
 *
 * @param name      the name to open ({@code eth0})
 * @param mac       its Ethernet address, or null when it has none (tunnels, raw IP links)
 * @param addresses its IPv4 addresses with their prefix lengths, in the kernel's order
 * @param loopback  whether it is the loopback device
 * @param up        whether it is administratively up
 */
public record LinkInterface(String name, MacAddress mac, List<Address> addresses, boolean loopback, boolean up) {

    /** One address of an interface and its prefix length (198.18.0.2/24, 2001:db8::2/64). */
    public record Address(IpAddress address, int prefixLength) {
        public Address {
            int bits = address.isIpv4() ? 32 : 128;
            if (prefixLength < 0 || prefixLength > bits) {
                throw new IllegalArgumentException((address.isIpv4() ? "IPv4" : "IPv6") + " prefix length must be 0.."
                        + bits + ", got " + prefixLength);
            }
        }

        /** Whether {@code other} is inside this address's subnet (an address of another family never is). */
        public boolean contains(IpAddress other) {
            if (other.family() != address.family()) {
                return false;
            }
            // the prefix over the 128 bits of high then low (an IPv4 address: the low 32 bits of low)
            int length = address.isIpv4() ? 96 + prefixLength : prefixLength;
            long highMask = length >= 64 ? -1L : length == 0 ? 0 : -1L << (64 - length);
            long lowMask = length <= 64 ? 0 : length >= 128 ? -1L : -1L << (128 - length);
            return ((address.high() ^ other.high()) & highMask) == 0 && ((address.low() ^ other.low()) & lowMask) == 0;
        }

        @Override
        public String toString() {
            return address + "/" + prefixLength;
        }
    }

    public LinkInterface {
        addresses = List.copyOf(addresses);
    }

    /** Whether {@code address} is one of this interface's addresses. */
    public boolean hasAddress(IpAddress address) {
        return addresses.stream().anyMatch(a -> a.address().equals(address));
    }

    /**
     * The address to send from towards {@code nextHop}: the first address whose subnet holds it, else the first
     * address of its family; null when the interface has none of that family.
     */
    public IpAddress sourceFor(IpAddress nextHop) {
        for (Address a : addresses) {
            if (a.contains(nextHop)) {
                return a.address();
            }
        }
        for (Address a : addresses) {
            if (a.address().family() == nextHop.family()) {
                return a.address();
            }
        }
        return null;
    }
}
