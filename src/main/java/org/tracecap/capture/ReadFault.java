package org.tracecap.capture;

import java.io.IOException;

/**
 * A capture that breaks part way, found by one of the Java readers ({@link ClassicPcapReader},
 * {@link PcapngReader}) or by the gzip stream under them: the frames before the fault have been delivered.
 * {@link PcapFileSource} turns it into the one-line {@link CaptureException}.
 */
final class ReadFault extends Exception {
    private static final long serialVersionUID = 1L;
    /** Frames delivered before the fault. */
    final long delivered;
    /** Who says what is wrong: "libpcap" (the classic reader keeps libpcap's words), "pcapng", "gzip". */
    final String source;
    /** The file ends inside a record or block ("cut short"), rather than holding an impossible one ("corrupt"). */
    final boolean cutShort;

    ReadFault(String source, String detail, boolean cutShort, long delivered, Throwable cause) {
        super(detail, cause);
        this.source = source;
        this.cutShort = cutShort;
        this.delivered = delivered;
    }

    /** A fault in libpcap's words ({@link ClassicPcapReader}): "truncated ..." is a file cut short. */
    ReadFault(String libpcapDetail, long delivered, Throwable cause) {
        this("libpcap", libpcapDetail, libpcapDetail.contains("truncated"), delivered, cause);
    }

    /** A read that failed: the gzip stream under the reader is broken, or the read itself failed. */
    static ReadFault reading(IOException e, long delivered) {
        if (e instanceof CaptureStreams.GzipException g) {
            return new ReadFault("gzip", g.getMessage(), g.cutShort, delivered, e);
        }
        return new ReadFault("error reading dump file: " + e.getMessage(), delivered, e);
    }
}
