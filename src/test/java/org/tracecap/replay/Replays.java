package org.tracecap.replay;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.tracecap.capture.CaptureException;
import org.tracecap.capture.CapturedFrames;
import org.tracecap.capture.PcapFileSource;
import org.tracecap.model.Hop;
import org.tracecap.model.ProbeResult;
import org.tracecap.model.Trace;
import org.tracecap.packet.IpAddress;

/**
 * Replays a bundled capture through the real reader ({@link PcapFileSource}, libpcap) for the tests, and
 * prints traces compactly for failure messages.
 */
final class Replays {
    static final Path CAPTURES = CapturedFrames.CAPTURES;

    record Result(List<Trace> traces, ReplaySummary summary) {
    }

    private Replays() {
    }

    static Result replay(String name) {
        return replay(CAPTURES.resolve(name));
    }

    static Result replay(Path file) {
        List<Trace> traces = new ArrayList<>();
        Reconstructor r = new Reconstructor(traces::add);
        try {
            PcapFileSource.read(file, r);
        } catch (CaptureException e) {
            throw new AssertionError("bundled capture does not read: " + e.getMessage(), e);
        }
        ReplaySummary summary = r.finish(false);
        return new Result(traces, summary);
    }

    /** traceroute-like text of the traces, with method and stop, for assertion messages. */
    static String dump(List<Trace> traces) {
        StringBuilder sb = new StringBuilder();
        for (Trace t : traces) {
            sb.append("trace ").append(t.source()).append(" -> ")
                    .append(t.destination()).append(' ').append(t.method().describe())
                    .append(", stop ").append(t.stop()).append('\n');
            for (Hop h : t.hops()) {
                sb.append(String.format(Locale.ROOT, "%2d ", h.ttl()));
                for (ProbeResult p : h.probes()) {
                    if (!p.answered()) {
                        sb.append(" *");
                    } else {
                        sb.append(' ').append(p.responder())
                                .append(String.format(Locale.ROOT, " %.3f ms", p.rttMillis()));
                        if (!p.annotation().isEmpty()) {
                            sb.append(' ').append(p.annotation());
                        }
                    }
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }
}
