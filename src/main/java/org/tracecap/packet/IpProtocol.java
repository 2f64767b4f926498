package org.tracecap.packet;

/** IP protocol numbers tracecap knows by name (IANA "Assigned Internet Protocol Numbers"); others stay numbers. */
public final class IpProtocol {
    public static final int ICMP = 1;
    public static final int TCP = 6;
    public static final int UDP = 17;

    private IpProtocol() {
    }

    /** "udp", "icmp", "tcp", or "proto-N" for any other number: never fails on an unknown value. */
    public static String name(int protocol) {
        return switch (protocol) {
            case ICMP -> "icmp";
            case TCP -> "tcp";
            case UDP -> "udp";
            default -> "proto-" + protocol;
        };
    }
}
