package org.tracecap.trace;

import java.util.Objects;
import org.tracecap.packet.IpAddress;

/**
 * What a live trace needs to know about the link it sends on, found by the caller (route and neighbour
 * lookups, or ARP): the interface's name and MAC, the MAC of the next hop (the gateway, or the destination
 * itself when it is on-link), and the source and destination addresses of the probes.
 *
 * @param interfaceName      e.g. "eth0" (reported, not used to send: the port already is that interface)
 * @param sourceMac          6 bytes: the interface's MAC, the probes' Ethernet source
 * @param gatewayMac         6 bytes: the next hop's MAC, the probes' Ethernet destination
 * @param sourceAddress      the probes' source address
 * @param destinationAddress the traced host
 */
public record LinkFacts(String interfaceName, byte[] sourceMac, byte[] gatewayMac, IpAddress sourceAddress,
                        IpAddress destinationAddress) {

    public LinkFacts {
        Objects.requireNonNull(interfaceName, "interfaceName");
        Objects.requireNonNull(sourceAddress, "sourceAddress");
        Objects.requireNonNull(destinationAddress, "destinationAddress");
        sourceMac = mac("source MAC", sourceMac);
        gatewayMac = mac("gateway MAC", gatewayMac);
    }

    @Override
    public byte[] sourceMac() {
        return sourceMac.clone();
    }

    @Override
    public byte[] gatewayMac() {
        return gatewayMac.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LinkFacts f && interfaceName.equals(f.interfaceName)
                && java.util.Arrays.equals(sourceMac, f.sourceMac) && java.util.Arrays.equals(gatewayMac, f.gatewayMac)
                && sourceAddress.equals(f.sourceAddress) && destinationAddress.equals(f.destinationAddress);
    }

    @Override
    public int hashCode() {
        return Objects.hash(interfaceName, java.util.Arrays.hashCode(sourceMac), java.util.Arrays.hashCode(gatewayMac),
                sourceAddress, destinationAddress);
    }

    @Override
    public String toString() {
        return "LinkFacts[" + interfaceName + " " + formatMac(sourceMac) + " -> " + formatMac(gatewayMac) + ", "
                + sourceAddress + " -> " + destinationAddress + "]";
    }

    /** "02:00:5e:10:00:01": lower-case hex pairs joined by colons, as {@code ip link} prints them. */
    public static String formatMac(byte[] mac) {
        StringBuilder s = new StringBuilder(17);
        for (int i = 0; i < mac.length; i++) {
            if (i > 0) {
                s.append(':');
            }
            s.append(Character.forDigit((mac[i] >>> 4) & 0xf, 16)).append(Character.forDigit(mac[i] & 0xf, 16));
        }
        return s.toString();
    }

    private static byte[] mac(String name, byte[] mac) {
        Objects.requireNonNull(mac, name);
        if (mac.length != 6) {
            throw new IllegalArgumentException(name + " has " + mac.length + " bytes, not 6");
        }
        return mac.clone();
    }
}
