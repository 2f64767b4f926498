package org.tracecap.capture;

import java.util.List;
import org.tracecap.packet.Ipv4Address;

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

    /** One IPv4 address of an interface and its prefix length (198.18.0.2/24). */
    public record Address(int address, int prefixLength) {
        public Address {
            if (prefixLength < 0 || prefixLength > 32) {
                throw new IllegalArgumentException("IPv4 prefix length must be 0..32, got " + prefixLength);
            }
        }

        /** Whether {@code other} is inside this address's subnet. */
        public boolean contains(int other) {
            int mask = prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
            return (address & mask) == (other & mask);
        }

        @Override
        public String toString() {
            return Ipv4Address.format(address) + "/" + prefixLength;
        }
    }

    public LinkInterface {
        addresses = List.copyOf(addresses);
    }

    /** Whether {@code address} is one of this interface's IPv4 addresses. */
    public boolean hasAddress(int address) {
        return addresses.stream().anyMatch(a -> a.address() == address);
    }

    /**
     * The address to send from towards {@code nextHop}: the first address whose subnet holds it, else the first
     * address; null when the interface has no IPv4 address.
     */
    public Integer sourceFor(int nextHop) {
        for (Address a : addresses) {
            if (a.contains(nextHop)) {
                return a.address();
            }
        }
        return addresses.isEmpty() ? null : addresses.get(0).address();
    }
}
