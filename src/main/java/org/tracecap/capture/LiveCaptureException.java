package org.tracecap.capture;

/**
 * Live capture cannot start or go on: no privilege, unknown interface, no route, no ARP answer, libpcap
 * refused the interface. The message is one line for a user, naming the interface or address and saying what
 * to do; the cause (a libpcap error, an I/O error) is kept.
 */
public final class LiveCaptureException extends Exception {
    private static final long serialVersionUID = 1L;

    public LiveCaptureException(String message) {
        super(message);
    }

    public LiveCaptureException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A native or I/O message made into one line ("no details" when there is none). */
    static String oneLine(String message) {
        if (message == null || message.isBlank()) {
            return "no details";
        }
        return message.replaceAll("\\s+", " ").strip();
    }
}
