package org.tracecap.packet;

/** ICMP types and codes tracecap uses (RFC 792, RFC 1122, RFC 1812 5.2.7.1); unknown values stay numbers. */
public final class IcmpType {
    public static final int ECHO_REPLY = 0;
    public static final int DEST_UNREACHABLE = 3;
    public static final int SOURCE_QUENCH = 4;
    public static final int REDIRECT = 5;
    public static final int ECHO_REQUEST = 8;
    public static final int TIME_EXCEEDED = 11;
    public static final int PARAMETER_PROBLEM = 12;

    /** Destination Unreachable codes (RFC 792, RFC 1122 3.2.2.1, RFC 1812 5.2.7.1). */
    public static final int CODE_NET_UNREACHABLE = 0;
    public static final int CODE_HOST_UNREACHABLE = 1;
    public static final int CODE_PROTOCOL_UNREACHABLE = 2;
    public static final int CODE_PORT_UNREACHABLE = 3;
    public static final int CODE_FRAGMENTATION_NEEDED = 4;
    public static final int CODE_SOURCE_ROUTE_FAILED = 5;
    public static final int CODE_NET_PROHIBITED = 9;
    public static final int CODE_HOST_PROHIBITED = 10;
    public static final int CODE_ADMIN_PROHIBITED = 13;
    public static final int CODE_HOST_PRECEDENCE_VIOLATION = 14;
    public static final int CODE_PRECEDENCE_CUTOFF = 15;

    private IcmpType() {
    }

    /** True for the error types whose body quotes the offending datagram (RFC 792). */
    public static boolean isError(int type) {
        return type == DEST_UNREACHABLE || type == TIME_EXCEEDED || type == PARAMETER_PROBLEM
                || type == SOURCE_QUENCH || type == REDIRECT;
    }

    /** Wireshark-style name of a type, "type-N" when unknown. */
    public static String name(int type) {
        return switch (type) {
            case ECHO_REPLY -> "echo-reply";
            case DEST_UNREACHABLE -> "destination-unreachable";
            case SOURCE_QUENCH -> "source-quench";
            case REDIRECT -> "redirect";
            case ECHO_REQUEST -> "echo-request";
            case TIME_EXCEEDED -> "time-exceeded";
            case PARAMETER_PROBLEM -> "parameter-problem";
            default -> "type-" + type;
        };
    }

    /**
     * The annotation Linux traceroute (2.1, man page) prints after the RTT of a Destination Unreachable:
     * {@code !N !H !P !F-<mtu> !S !X !V !C}, {@code !<code>} for any other code; empty for port unreachable
     * (the destination was reached) and for anything that is not Destination Unreachable.
     */
    public static String annotation(int type, int code, int mtu) {
        if (type != DEST_UNREACHABLE) {
            return "";
        }
        return switch (code) {
            case CODE_NET_UNREACHABLE -> "!N";
            case CODE_HOST_UNREACHABLE -> "!H";
            case CODE_PROTOCOL_UNREACHABLE -> "!P";
            case CODE_PORT_UNREACHABLE -> "";
            case CODE_FRAGMENTATION_NEEDED -> "!F-" + mtu;
            case CODE_SOURCE_ROUTE_FAILED -> "!S";
            case CODE_ADMIN_PROHIBITED -> "!X";
            case CODE_HOST_PRECEDENCE_VIOLATION -> "!V";
            case CODE_PRECEDENCE_CUTOFF -> "!C";
            default -> "!" + code;
        };
    }
}
