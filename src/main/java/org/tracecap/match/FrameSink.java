package org.tracecap.match;

/**
 * Receives captured frames as raw bytes, exactly as the capture layer hands them over. The bytes are only
 * valid during the call (the caller may reuse the buffer).
 */
@FunctionalInterface
public interface FrameSink {
    /**
     * @param timeNanos   capture time, nanoseconds since the Unix epoch
     * @param linkType    the capture's DLT / LINKTYPE number (1 Ethernet, 113 SLL, 276 SLL2, 101 raw, 0 BSD loopback...)
     * @param frame       the bytes; only {@code [0, capturedLength)} are valid
     * @param capturedLength how many bytes were captured
     * @param wireLength  how long the frame was on the wire
     */
    void frame(long timeNanos, int linkType, byte[] frame, int capturedLength, int wireLength);
}
