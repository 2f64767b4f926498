package org.tracecap.packet;

/**
 * What an ICMP or ICMPv6 type and code mean to a traceroute, the family as data: the one place that reads
 * {@link IcmpType} for IPv4 ({@link IpAddress#IPV4}) and {@link Icmpv6Type} for IPv6 (RFC 4443), so that the
 * stop rules, the annotations and the reports ask "is this a Time Exceeded" and never compare a type number
 * of the wrong family.
 */
public final class IcmpMeaning {
    private IcmpMeaning() {
    }

    public static boolean isTimeExceeded(int family, int type) {
        return type == (family == IpAddress.IPV6 ? Icmpv6Type.TIME_EXCEEDED : IcmpType.TIME_EXCEEDED);
    }

    public static boolean isDestinationUnreachable(int family, int type) {
        return type == (family == IpAddress.IPV6 ? Icmpv6Type.DEST_UNREACHABLE : IcmpType.DEST_UNREACHABLE);
    }

    /** Port Unreachable (ICMP 3/3, ICMPv6 1/4): the destination was reached. */
    public static boolean isPortUnreachable(int family, int type, int code) {
        return isDestinationUnreachable(family, type)
                && code == (family == IpAddress.IPV6 ? Icmpv6Type.CODE_PORT_UNREACHABLE : IcmpType.CODE_PORT_UNREACHABLE);
    }

    public static boolean isEchoReply(int family, int type) {
        return type == (family == IpAddress.IPV6 ? Icmpv6Type.ECHO_REPLY : IcmpType.ECHO_REPLY);
    }

    public static boolean isEchoRequest(int family, int type) {
        return type == (family == IpAddress.IPV6 ? Icmpv6Type.ECHO_REQUEST : IcmpType.ECHO_REQUEST);
    }

    /** Whether the message quotes the offending datagram (the four ICMPv6 errors of RFC 4443 section 3). */
    public static boolean quotes(int family, int type) {
        return family == IpAddress.IPV6 ? type >= Icmpv6Type.DEST_UNREACHABLE && type <= Icmpv6Type.PARAMETER_PROBLEM
                : IcmpType.isError(type);
    }

    /** The annotation traceroute (or traceroute6) prints after the RTT: {@link IcmpType#annotation}, {@link Icmpv6Type#annotation}. */
    public static String annotation(int family, int type, int code, int mtu) {
        return family == IpAddress.IPV6 ? Icmpv6Type.annotation(type, code, mtu)
                : IcmpType.annotation(type, code, mtu);
    }

    /** Wireshark-style name of a type of the family. */
    public static String name(int family, int type) {
        return family == IpAddress.IPV6 ? Icmpv6Type.name(type) : IcmpType.name(type);
    }
}
