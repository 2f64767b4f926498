package org.tracecap.capture;

/**
 * A capture could not be read (to its end). The message is one line for a user: it names the file, says what
 * is wrong with it and what to do.
 *
 * <p>When a file breaks part way (truncated, corrupt record), the frames before the fault have already been
 * handed to the sink: {@link #packetsDelivered()} says how many.
 */
public final class CaptureException extends Exception {
    private static final long serialVersionUID = 1L;

    private final long packetsDelivered;

    public CaptureException(String message, long packetsDelivered, Throwable cause) {
        super(message, cause);
        this.packetsDelivered = packetsDelivered;
    }

    public CaptureException(String message, long packetsDelivered) {
        this(message, packetsDelivered, null);
    }

    /** How many frames reached the sink before the fault (0 when the file could not be opened). */
    public long packetsDelivered() {
        return packetsDelivered;
    }
}
