package org.tracecap.packet;

/**
 * The one error of the packet layer: bytes that cannot be the header they claim to be.
 *
 * <p>It names the layer ("IPv4", "UDP", "ICMP quote", ...), the offset in the buffer where that layer
 * starts, a short stable reason (a counter key such as "IPv4 IHL < 5") and, in the message, the detail:
 * what was found against what was needed ("header needs 20 bytes, only 12 captured"). Callers at the
 * boundary turn it into a counted "malformed" result; it never escapes a replay or a trace. It carries no
 * stack trace: it is data about the input, not about the program.
 */
public final class PacketException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String layer;
    private final int offset;
    private final String reason;

    public PacketException(String layer, int offset, String reason) {
        this(layer, offset, reason, null);
    }

    /**
     * @param reason short stable counter key
     * @param detail what was found against what was needed; may be null
     */
    public PacketException(String layer, int offset, String reason, String detail) {
        super(layer + " at offset " + offset + ": " + reason + (detail == null ? "" : " (" + detail + ")"),
                null, false, false);
        this.layer = layer;
        this.offset = offset;
        this.reason = reason;
    }

    /** Throws {@code reason} unless {@code available >= needed}, naming both in the detail. */
    static void requireLength(String layer, int offset, int needed, int available, String reason) {
        if (available < needed) {
            throw new PacketException(layer, offset, reason,
                    "header needs " + needed + " bytes, only " + Math.max(available, 0) + " captured");
        }
    }

    public String layer() {
        return layer;
    }

    public int offset() {
        return offset;
    }

    /** The short stable reason without layer, offset or numbers, used as a counter key ("UDP length < 8"). */
    public String reason() {
        return reason;
    }
}
