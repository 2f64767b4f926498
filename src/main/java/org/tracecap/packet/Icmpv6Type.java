package org.tracecap.packet;

/**
 * ICMPv6 types and codes tracecap uses (RFC 4443 sections 3-4, RFC 4861 section 4); unknown values stay
 * numbers. The message layout is ICMP's ({@link IcmpView} reads both, the family as data).
 */
public final class Icmpv6Type {
    public static final int DEST_UNREACHABLE = 1;
    public static final int PACKET_TOO_BIG = 2;
    public static final int TIME_EXCEEDED = 3;
    public static final int PARAMETER_PROBLEM = 4;
    public static final int ECHO_REQUEST = 128;
    public static final int ECHO_REPLY = 129;
    public static final int NEIGHBOR_SOLICITATION = 135;
    public static final int NEIGHBOR_ADVERTISEMENT = 136;

    /** Destination Unreachable codes (RFC 4443 section 3.1). */
    public static final int CODE_NO_ROUTE = 0;
    public static final int CODE_ADMIN_PROHIBITED = 1;
    public static final int CODE_BEYOND_SCOPE = 2;
    public static final int CODE_ADDRESS_UNREACHABLE = 3;
    public static final int CODE_PORT_UNREACHABLE = 4;
    public static final int CODE_SOURCE_POLICY_FAILED = 5;
    public static final int CODE_REJECT_ROUTE = 6;
    public static final int CODE_SOURCE_ROUTING_HEADER = 7;

    /** Time Exceeded codes (RFC 4443 section 3.3). */
    public static final int CODE_HOP_LIMIT_EXCEEDED = 0;
    public static final int CODE_REASSEMBLY_TIME_EXCEEDED = 1;

    private Icmpv6Type() {
    }

    /**
     * True for the error messages (types 0-127, RFC 4443 section 2.1); the four defined ones quote the
     * offending packet.
     */
    public static boolean isError(int type) {
        return type >= 0 && type < 128;
    }

    /** Wireshark-style name of a type, "type-N" when unknown. */
    public static String name(int type) {
        return switch (type) {
            case DEST_UNREACHABLE -> "destination-unreachable";
            case PACKET_TOO_BIG -> "packet-too-big";
            case TIME_EXCEEDED -> "time-exceeded";
            case PARAMETER_PROBLEM -> "parameter-problem";
            case ECHO_REQUEST -> "echo-request";
            case ECHO_REPLY -> "echo-reply";
            case NEIGHBOR_SOLICITATION -> "neighbor-solicitation";
            case NEIGHBOR_ADVERTISEMENT -> "neighbor-advertisement";
            default -> "type-" + type;
        };
    }

    /**
     * The annotation traceroute prints after the RTT, as {@link IcmpType#annotation} does for IPv4: Linux
     * traceroute 2.1 reads ICMPv6 errors through the kernel's mapping (net/ipv6/icmp.c tab_unreach: no route
     * ENETUNREACH {@code !N}; administratively prohibited, source policy failed and reject route EACCES
     * {@code !X}; beyond scope and address unreachable EHOSTUNREACH {@code !H}; port unreachable: reached,
     * nothing) and Packet Too Big as {@code !F-<mtu>}, the annotation of IPv4's Fragmentation Needed.
     * {@code !<code>} for any other Destination Unreachable code; empty for everything else.
     */
    public static String annotation(int type, int code, long mtu) {
        if (type == PACKET_TOO_BIG) {
            return "!F-" + mtu;
        }
        if (type != DEST_UNREACHABLE) {
            return "";
        }
        return switch (code) {
            case CODE_NO_ROUTE -> "!N";
            case CODE_ADMIN_PROHIBITED, CODE_SOURCE_POLICY_FAILED, CODE_REJECT_ROUTE -> "!X";
            case CODE_BEYOND_SCOPE, CODE_ADDRESS_UNREACHABLE -> "!H";
            case CODE_PORT_UNREACHABLE -> "";
            default -> "!" + code;
        };
    }
}
