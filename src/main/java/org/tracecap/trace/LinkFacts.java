package org.tracecap.trace;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.tracecap.packet.IpAddress;
import org.tracecap.packet.LinkLayer;

/**
 * What a live trace needs to know about the link it sends on, found by the caller (route and neighbour
 * lookups, or ARP): the interface's name and MAC, the MAC of the next hop (the gateway, or the destination
 * itself when it is on-link), and the source and destination addresses of the probes. A link without Ethernet (a TUN
 * device, PPP, a cellular modem: libpcap's RAW or IPV4 link type) has no MACs: its probes are raw IP datagrams.
 *
 * @param interfaceName      e.g. "eth0" (reported, not used to send: the port already is that interface)
 * @param linkType           libpcap's name of the link type sent and captured on ("EN10MB", "RAW", "IPV4")
 * @param sourceMac          6 bytes: the interface's MAC, the probes' Ethernet source; null on a link without
 *                           Ethernet (then {@code gatewayMac} is null too)
 * @param gatewayMac         6 bytes: the next hop's MAC, the probes' Ethernet destination; null without Ethernet
 * @param sourceAddress      the probes' source address
 * @param destinationAddress the traced host
 */
public record LinkFacts(String interfaceName, String linkType, byte[] sourceMac, byte[] gatewayMac,
                        IpAddress sourceAddress, IpAddress destinationAddress) {

    public LinkFacts {
        Objects.requireNonNull(interfaceName, "interfaceName");
        Objects.requireNonNull(linkType, "linkType");
        Objects.requireNonNull(sourceAddress, "sourceAddress");
        Objects.requireNonNull(destinationAddress, "destinationAddress");
        if ((sourceMac == null) != (gatewayMac == null)) {
            throw new IllegalArgumentException("an Ethernet link needs both MACs, a raw IP link neither");
        }
        sourceMac = sourceMac == null ? null : mac("source MAC", sourceMac);
        gatewayMac = gatewayMac == null ? null : mac("gateway MAC", gatewayMac);
    }

    /** An Ethernet link (EN10MB): both MACs. */
    public LinkFacts(String interfaceName, byte[] sourceMac, byte[] gatewayMac, IpAddress sourceAddress,
                     IpAddress destinationAddress) {
        this(interfaceName, ETHERNET, mac("source MAC", sourceMac), mac("gateway MAC", gatewayMac), sourceAddress,
                destinationAddress);
    }

    /** libpcap's name of Ethernet. */
    public static final String ETHERNET = "EN10MB";

    /** A link without Ethernet (libpcap's {@code linkType}: "RAW", "IPV4"): probes go as raw IP, no MACs. */
    public static LinkFacts rawIp(String interfaceName, String linkType, IpAddress sourceAddress,
                                  IpAddress destinationAddress) {
        return new LinkFacts(interfaceName, linkType, null, null, sourceAddress, destinationAddress);
    }

    /**
     * Checks that frames of these facts can go out on a port of libpcap link type {@code portLinkType}: Ethernet
     * frames on EN10MB, raw IP datagrams on RAW or IPV4.
     *
     * @throws IllegalArgumentException they cannot
     */
    public void checkPort(int portLinkType) {
        boolean fits = sourceMac != null ? portLinkType == LinkLayer.ETHERNET
                : portLinkType == LinkLayer.DLT_RAW || portLinkType == LinkLayer.DLT_RAW_OPENBSD
                || portLinkType == LinkLayer.RAW || portLinkType == LinkLayer.IPV4;
        if (!fits) {
            throw new IllegalArgumentException("probes are " + (sourceMac != null ? "Ethernet frames" : "raw IP")
                    + ", the port's link type is " + LinkLayer.name(portLinkType));
        }
    }

    /** The interface's MAC, or null on a link without Ethernet. */
    @Override
    public byte[] sourceMac() {
        return sourceMac == null ? null : sourceMac.clone();
    }

    /** The next hop's MAC, or null on a link without Ethernet. */
    @Override
    public byte[] gatewayMac() {
        return gatewayMac == null ? null : gatewayMac.clone();
    }

    /**
     * The facts a live trace's JSON carries ({@code live}): {@code interface}, {@code link_type}, and
     * {@code source_mac} and {@code gateway_mac} only on Ethernet.
     */
    public Map<String, String> live() {
        Map<String, String> live = new LinkedHashMap<>();
        live.put("interface", interfaceName);
        live.put("link_type", linkType);
        if (sourceMac != null) {
            live.put("source_mac", formatMac(sourceMac));
            live.put("gateway_mac", formatMac(gatewayMac));
        }
        return live;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LinkFacts f && interfaceName.equals(f.interfaceName) && linkType.equals(f.linkType)
                && java.util.Arrays.equals(sourceMac, f.sourceMac) && java.util.Arrays.equals(gatewayMac, f.gatewayMac)
                && sourceAddress.equals(f.sourceAddress) && destinationAddress.equals(f.destinationAddress);
    }

    @Override
    public int hashCode() {
        return Objects.hash(interfaceName, linkType, java.util.Arrays.hashCode(sourceMac),
                java.util.Arrays.hashCode(gatewayMac), sourceAddress, destinationAddress);
    }

    @Override
    public String toString() {
        return "LinkFacts[" + interfaceName + " " + (sourceMac == null ? linkType
                : formatMac(sourceMac) + " -> " + formatMac(gatewayMac)) + ", "
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
