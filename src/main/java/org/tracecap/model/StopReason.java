package org.tracecap.model;

/**
 * Why a trace ended.
 *
 * @param kind one of {@link #REACHED}, {@link #UNREACHABLE}, {@link #MAX_TTL}, {@link #INCOMPLETE},
 *             {@link #INTERRUPTED}, {@link #GAP_LIMIT}
 * @param code the ICMP Destination Unreachable code when {@code kind} is {@link #UNREACHABLE}, else null
 */
public record StopReason(String kind, Integer code) {
    /** The destination answered: Port Unreachable, Echo Reply, TCP SYN-ACK/RST, or any reply from it. */
    public static final String REACHED = "reached";
    /** A Destination Unreachable other than Port Unreachable from the destination stopped the trace. */
    public static final String UNREACHABLE = "unreachable";
    /** The highest TTL probed got no answer from the destination. */
    public static final String MAX_TTL = "max-ttl";
    /** The capture ended (or was cut) before the trace showed how it ended. */
    public static final String INCOMPLETE = "incomplete";
    /** The user stopped a live trace (Ctrl-C). */
    public static final String INTERRUPTED = "interrupted";
    /** A multipath run met several TTLs in a row where no router answered (scamper tracelb's gap limit). */
    public static final String GAP_LIMIT = "gap-limit";

    public static StopReason reached() {
        return new StopReason(REACHED, null);
    }

    public static StopReason unreachable(int code) {
        return new StopReason(UNREACHABLE, code);
    }

    public static StopReason maxTtl() {
        return new StopReason(MAX_TTL, null);
    }

    public static StopReason incomplete() {
        return new StopReason(INCOMPLETE, null);
    }

    public static StopReason interrupted() {
        return new StopReason(INTERRUPTED, null);
    }

    public static StopReason gapLimit() {
        return new StopReason(GAP_LIMIT, null);
    }
}
