package org.tracecap.packet;

/** IP protocol numbers tracecap knows by name (IANA "Assigned Internet Protocol Numbers"); others stay numbers. */
public final class IpProtocol {
    public static final int ICMP = 1;
    public static final int TCP = 6;
    public static final int UDP = 17;
    /** ICMPv6 (RFC 4443), IPv6's next header 58. */
    public static final int ICMPV6 = 58;

    private IpProtocol() {
    }

    /** ICMP or ICMPv6: the Echo probes and replies of either family, which an identifier and sequence name. */
    public static boolean isIcmp(int protocol) {
        return protocol == ICMP || protocol == ICMPV6;
    }

    /** "udp", "icmp", "tcp", "icmpv6", or "proto-N" for any other number: never fails on an unknown value. */
    public static String name(int protocol) {
        return switch (protocol) {
            case ICMP -> "icmp";
            case TCP -> "tcp";
            case UDP -> "udp";
            case ICMPV6 -> "icmpv6";
            default -> "proto-" + protocol;
        };
    }
}
