package org.tracecap.packet;

/**
 * The one error of the packet layer: bytes that cannot be the header they claim to be.
 *
 * <p>It names the layer ("IPv4", "UDP", "ICMP quote", ...), the offset in the buffer where that layer
 * starts, and what was found against what was needed. Callers at the boundary turn it into a counted
 * "malformed" result; it never escapes a replay or a trace.
 */
public final class PacketException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String layer;
    private final int offset;
    private final String reason;

    public PacketException(String layer, int offset, String reason) {
        super(layer + " at offset " + offset + ": " + reason, null, false, false);
        this.layer = layer;
        this.offset = offset;
        this.reason = reason;
    }

    /** Throws unless {@code available >= needed}, naming both. */
    static void requireLength(String layer, int offset, int needed, int available) {
        if (available < needed) {
            throw new PacketException(layer, offset,
                    "header needs " + needed + " bytes, only " + Math.max(available, 0) + " captured");
        }
    }

    public String layer() {
        return layer;
    }

    public int offset() {
        return offset;
    }

    /** The short reason without layer and offset, used as a counter key ("UDP length 4 < 8"). */
    public String reason() {
        return reason;
    }
}
