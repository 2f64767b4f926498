package org.tracecap.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import org.tracecap.capture.PcapFileWriter;
import org.tracecap.graph.Graph;
import org.tracecap.model.Trace;
import org.tracecap.report.JsonDocumentWriter;
import org.tracecap.report.JsonLinesWriter;
import org.tracecap.report.ReportSummary;
import org.tracecap.report.TraceWriter;
import org.tracecap.trace.Tracer;

/**
 * What {@code tracecap trace} writes when a run ends, for a trace and a multipath run alike: the
 * {@code --save-pcap} file closed, hop JSON to stdout and {@code -o}, the summary line, and each error as one
 * line on stderr.
 */
final class TraceOutput {
    private TraceOutput() {
    }

    /** Closes the {@code --save-pcap} file (null: none): OK, or FAILED after saying why. */
    static int closePcap(PcapFileWriter pcap, PrintStream err) {
        if (pcap != null) {
            try {
                pcap.close();
            } catch (IOException e) {
                err.println("tracecap: " + oneLine(e.getMessage()));
                return Main.FAILED;
            }
        }
        return Main.OK;
    }

    /**
     * Hop JSON to stdout ({@code --json}) and {@code -o}: the traces, the multipath graphs (none for a trace
     * without {@code --multipath}) and the summary. Returns the exit status so far: OK, or FAILED after saying
     * which output could not be written.
     */
    static int writeJson(TraceRequest request, AtomicOutputFile outputFile, List<Trace> traces,
            List<Graph> graphs, ReportSummary summary, PrintStream out, PrintStream err) {
        List<TraceWriter> writers = new ArrayList<>();
        try {
            if (request.json()) {
                writers.add(jsonWriter(out, request.jsonl()));
            }
            if (outputFile != null) {
                writers.add(jsonWriter(outputFile.stream(), request.jsonl()));
            }
            for (TraceWriter w : writers) {
                for (Trace trace : traces) {
                    w.write(trace);
                }
                w.finish(graphs, summary);
            }
            if (outputFile != null) {
                outputFile.commit();
            }
            return Main.OK;
        } catch (IOException e) {
            err.println("tracecap: " + AtomicOutputFile.cannotWrite(outputFile, e));
            return Main.FAILED;
        } finally {
            for (TraceWriter w : writers) {
                try {
                    w.close();
                } catch (IOException ignored) {
                    // reported above
                }
            }
            out.flush();
        }
    }

    /** {@code tracecap: MESSAGE}, without saying "tracecap" twice when the message starts with it. */
    static String errorLine(String message) {
        String m = oneLine(message);
        return "tracecap: " + (m.startsWith("tracecap ") ? m.substring("tracecap ".length()) : m);
    }

    private static TraceWriter jsonWriter(OutputStream stream, boolean jsonl) throws IOException {
        return jsonl ? JsonLinesWriter.open(stream) : JsonDocumentWriter.open(stream, true);
    }

    /** A send that failed for the frame's size gets the reason tracecap can name. */
    static String sendAdvice(String message, int packetLength) {
        if (message.toLowerCase(Locale.ROOT).contains("message too long")) {
            return message + " (tracecap does not fragment probes: packet length " + packetLength
                    + " must fit the interface's MTU)";
        }
        return message;
    }

    /** {@code tracecap: } and a failed send's message on one line, with {@link #sendAdvice}. */
    static String sendFailure(String message, int packetLength) {
        return "tracecap: " + sendAdvice(oneLine(message), packetLength);
    }

    /**
     * {@code tracecap: 16 probes sent (+1 past the last hop, not shown), 15 replies attributed, 1 unattributed
     * (probe past the last hop=1), 34 frames captured, 0 malformed, 0 dropped}: "unattributed" counts the replies
     * to this host that answer no probe shown (late ones, those to probes past the last hop, another trace's,
     * forged ones), then, when there are any, how many for each reason ({@link Tracer}'s, and
     * {@value WatchedPort#AFTER_THE_END} for those captured after the trace ended).
     */
    static String summaryLine(WatchedPort port, ReportSummary s, long dropped) {
        StringBuilder line = new StringBuilder("tracecap: ").append(Main.count(port.probesSent(), "probe"))
                .append(" sent");
        if (s.probesPastStop() > 0) {
            line.append(" (+").append(s.probesPastStop()).append(" past the last hop, not shown)");
        }
        line.append(", ").append(Main.count(s.repliesAttributed(), "reply", "replies")).append(" attributed, ")
                .append(s.repliesUnattributed()).append(" unattributed");
        if (s.unattributed() != null && !s.unattributed().isEmpty()) {
            line.append(s.unattributed().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(", ", " (", ")")));
        }
        line.append(", ")
                .append(Main.count(s.packetsRead(), "frame")).append(" captured, ")
                .append(s.malformed().values().stream().mapToLong(Long::longValue).sum()).append(" malformed, ")
                .append(dropped).append(" dropped");
        return line.toString();
    }

    static String oneLine(String message) {
        return message == null ? "no details" : message.replaceAll("\\s+", " ").strip();
    }
}
