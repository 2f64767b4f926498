package org.tracecap.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.tracecap.capture.CaptureException;
import org.tracecap.capture.PcapFileSource;
import org.tracecap.graph.Graph;
import org.tracecap.graph.GraphBuilder;
import org.tracecap.model.Trace;
import org.tracecap.replay.ReplaySummary;
import org.tracecap.replay.ThreadedReconstructor;
import org.tracecap.report.BackgroundTraceWriter;
import org.tracecap.report.GraphDot;
import org.tracecap.report.GraphText;
import org.tracecap.report.JsonDocumentWriter;
import org.tracecap.report.JsonLinesWriter;
import org.tracecap.report.ReportSummary;
import org.tracecap.report.ReverseDns;
import org.tracecap.report.TraceWriter;

/**
 * {@code tracecap replay [-n] [-e] [--json] [-o FILE] [--jsonl] CAPTURE}: reads a capture (a file, gzipped or
 * not, or {@code -}: standard input), reconstructs its traces and writes each as soon as it is complete.
 *
 * <ol>
 *   <li>stdout: the traceroute tables, or with {@code --json} the hop JSON document ({@code --jsonl}: one
 *       trace per line);</li>
 *   <li>{@code -o FILE}: the hop JSON document (or JSON Lines with {@code --jsonl}), written to a temporary
 *       file beside FILE and renamed over it at the end;</li>
 *   <li>stderr: one summary line (packets read, probes and traces found, probes left out past a trace's
 *       stop, replies attributed and not, malformed frames, duplicate copies folded), a line each with the
 *       malformed frames, the extension warnings and the frames set aside by reason when there are any, and an
 *       error line if the capture broke.</li>
 * </ol>
 *
 * <p>A capture that breaks part way (truncated, corrupt record) still gives the traces reconstructed from
 * the frames before the fault, on stdout and in FILE, then the error line and exit status 2. A capture that
 * cannot be opened at all gives the error line only, and an existing FILE is left untouched.
 *
 * <p>Ctrl-C (SIGINT, also SIGTERM and SIGHUP) while the capture is read stops the reading at the next frame:
 * the traces reconstructed so far are printed and written as for a capture that ends there (the traces still
 * open come out incomplete), FILE is completed and renamed as usual, the summary line ends with
 * {@code , interrupted} and the exit status is {@value #INTERRUPTED} (128 + SIGINT, as a shell reports it).
 * Reading standard input ({@code CAPTURE} is {@code -}), a Ctrl-C also ends a read waiting for input.
 */
final class ReplayCommand {
    static final String HELP = """
            usage: tracecap replay [-n] [-e] [--json] [-o FILE] [--jsonl] [--multipath] [--dot FILE] CAPTURE

            Reconstructs every traceroute in CAPTURE (a .pcap or .pcapng file made by any tool:
            traceroute, mtr, scamper, dublin-traceroute...; also gzipped, .pcap.gz or .pcapng.gz)
            and prints one traceroute table per trace, each as soon as it is complete. CAPTURE -
            reads the capture from standard input as it arrives (tcpdump -U -w - | tracecap
            replay -). A summary of what was read goes to stderr.

            options:
              -n, --numeric       print addresses only, no reverse DNS lookups
              -e, --extensions    show the ICMP extensions of each reply after its responder, as
                                  traceroute -e: MPLS label stacks (RFC 4950) and interface
                                  information (RFC 5837); hop JSON always has them
                  --json          print hop JSON (docs/hop-json.md) instead of the tables
              -o, --output FILE   also write hop JSON to FILE (replaced only once it is complete)
                  --jsonl         write JSON Lines instead of one document: one trace per line,
                                  each written as soon as it is complete
                  --multipath     print the multipath graph of each source and destination
                                  (routers per TTL, links, flows: docs/multipath.md) instead of
                                  the tables, built from every probe of every trace; in JSON,
                                  add it as "graphs" (not with --jsonl)
                  --dot FILE      also write the graphs for Graphviz to FILE (implies --multipath)
              -h, --help          show this help

            exit status: 0 done, 2 bad usage, or a capture that cannot be read to its end (the
            traces found before the fault are still printed and written), 130 interrupted by
            Ctrl-C (the traces found so far are printed and written).
            """;

    private static final String TRY = "tracecap replay --help";
    /** Exit status after a Ctrl-C: 128 + SIGINT, what the JVM itself exits with on SIGINT. */
    static final int INTERRUPTED = 130;
    /** How long a Ctrl-C waits for the report to be printed and written before the JVM halts. */
    static final long INTERRUPT_GRACE_MILLIS = 10_000;

    private ReplayCommand() {
    }

    private static Options options() {
        Options o = new Options();
        o.addOption(Option.builder("n").longOpt("numeric").build());
        o.addOption(Option.builder("e").longOpt("extensions").build());
        o.addOption(Option.builder().longOpt("json").build());
        o.addOption(Option.builder("o").longOpt("output").hasArg().argName("FILE").build());
        o.addOption(Option.builder().longOpt("jsonl").build());
        o.addOption(Option.builder().longOpt("multipath").build());
        o.addOption(Option.builder().longOpt("dot").hasArg().argName("FILE").build());
        o.addOption(Option.builder("h").longOpt("help").build());
        return o;
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine line;
        try {
            line = DefaultParser.builder().setAllowPartialMatching(false).build().parse(options(), args);
        } catch (ParseException e) {
            return Main.usageError(err, "replay: " + Main.lowerFirst(e.getMessage()), TRY);
        }
        if (line.hasOption("help")) {
            out.print(HELP);
            return Main.OK;
        }
        List<String> files = line.getArgList();
        if (files.isEmpty()) {
            return Main.usageError(err, "replay: no capture file given", TRY);
        }
        if (files.size() > 1) {
            return Main.usageError(err, "replay: one capture file at a time, got " + files.size() + ": "
                    + String.join(" ", files), TRY);
        }
        boolean json = line.hasOption("json");
        boolean jsonl = line.hasOption("jsonl");
        String output = line.getOptionValue("output");
        if (jsonl && !json && output == null) {
            return Main.usageError(err, "replay: --jsonl says how to write JSON: add --json or -o FILE", TRY);
        }
        boolean multipath = line.hasOption("multipath") || line.hasOption("dot");
        if (multipath && jsonl) {
            return Main.usageError(err, "replay: --jsonl writes traces only: --multipath's graphs need --json or"
                    + " -o FILE", TRY);
        }
        Path capture;
        Path outputPath;
        Path dot;
        try {
            capture = Path.of(files.get(0));
            outputPath = output == null ? null : Path.of(output);
            dot = line.hasOption("dot") ? Path.of(line.getOptionValue("dot")) : null;
        } catch (InvalidPathException e) {
            return Main.usageError(err, "replay: not a usable path: " + e.getInput(), TRY);
        }
        boolean extensions = line.hasOption("extensions");
        if (extensions && multipath) {
            return Main.usageError(err, "replay: -e shows extensions in the tables: not with --multipath's graphs",
                    TRY);
        }
        return replay(capture, outputPath, json, jsonl, line.hasOption("numeric"), extensions,
                multipath ? new Graphs(dot) : null, out, err);
    }

    /** {@code --multipath}: graphs instead of tables, and {@code --dot FILE} (or null). */
    record Graphs(Path dot) {
    }

    private static int replay(Path capture, Path outputPath, boolean json, boolean jsonl, boolean numeric,
            boolean extensions, Graphs graphs, PrintStream out, PrintStream err) {
        ReplayInterruption interruption = new ReplayInterruption();
        interruption.install();
        try {
            return replay(capture, outputPath, json, jsonl, numeric, extensions, graphs, interruption, out, err);
        } finally {
            out.flush();
            err.flush();
            interruption.finished();
        }
    }

    static int replay(Path capture, Path outputPath, boolean json, boolean jsonl, boolean numeric,
            ReplayInterruption interruption, PrintStream out, PrintStream err) {
        return replay(capture, outputPath, json, jsonl, numeric, false, null, interruption, out, err);
    }

    /** {@code extensions}: {@code -e}, the ICMP extension text in the tables. */
    static int replay(Path capture, Path outputPath, boolean json, boolean jsonl, boolean numeric,
            boolean extensions, Graphs graphs, ReplayInterruption interruption, PrintStream out, PrintStream err) {
        AtomicOutputFile outputFile = null;
        AtomicOutputFile dotFile = null;
        List<TraceWriter> writers = new ArrayList<>();
        // --multipath: every trace is kept for the graphs, which come at the end
        List<Trace> kept = graphs == null ? null : new ArrayList<>();
        try {
            if (outputPath != null) {
                try {
                    outputFile = AtomicOutputFile.create(outputPath);
                } catch (IOException e) {
                    err.println("tracecap: " + AtomicOutputFile.cannotWrite(outputPath, e));
                    return Main.FAILED;
                }
            }
            if (graphs != null && graphs.dot() != null) {
                try {
                    dotFile = AtomicOutputFile.create(graphs.dot());
                } catch (IOException e) {
                    err.println("tracecap: " + AtomicOutputFile.cannotWrite(graphs.dot(), e));
                    return Main.FAILED;
                }
            }
            // Opened on the first trace (or at the end): a capture that cannot be opened prints nothing.
            // A regular file is read as fast as the disk goes: stdout is flushed after a trace once
            // STDOUT_FLUSH_NANOS have passed since the last flush (and at the end), not with a write(2) per
            // trace. A pipe (tcpdump -U -w - | tracecap replay -) may pause for as long as the network
            // does: each trace is flushed as it completes. The output file appears only once complete
            // (AtomicOutputFile), so flushing it before the end would serve nobody.
            long stdoutFlush = isRegularFile(capture) ? STDOUT_FLUSH_NANOS : 0;
            // Each output is written on a thread of its own (BackgroundTraceWriter), while this one reads and
            // reconstructs: writing is most of a replay's work, and the machine has more than one core. From
            // a regular file traces go over in batches (fewer thread wake-ups), from a pipe one by one.
            int batch = stdoutFlush == 0 ? 1 : WRITE_BATCH;
            if (json || graphs == null) {
                writers.add(new BackgroundTraceWriter(new LazyWriter(() -> json
                        ? jsonWriter(out, jsonl, stdoutFlush)
                        : new TextTraceWriter(out, numeric, extensions, stdoutFlush)), "tracecap-stdout", batch));
            }
            if (outputFile != null) {
                AtomicOutputFile file = outputFile;
                writers.add(new BackgroundTraceWriter(new LazyWriter(
                        () -> jsonWriter(file.stream(), jsonl, Long.MAX_VALUE)), "tracecap-output", batch));
            }
            // From a regular file, frames are classified on this thread and reconstructed on another
            // (ThreadedReconstructor, in batches); from a pipe, each as it comes, here.
            ThreadedReconstructor reconstructor = new ThreadedReconstructor(trace -> {
                if (kept != null) {
                    kept.add(trace);
                }
                for (TraceWriter w : writers) {
                    try {
                        w.write(trace);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }, stdoutFlush == 0 ? 1 : ThreadedReconstructor.BATCH);

            CaptureException failure = null;
            boolean interrupted = false;
            try {
                if (isStandardInput(capture)) {
                    interruption.readingStandardInput();
                    try {
                        PcapFileSource.readStandardInput(interruption.guard(reconstructor));
                    } finally {
                        interruption.readingDone();
                    }
                } else {
                    PcapFileSource.read(capture, interruption.guard(reconstructor));
                }
            } catch (CaptureException e) {
                // A Ctrl-C ends a read of stdin waiting for input with a closed channel: that is the interruption.
                if (interruption.requested()) {
                    interrupted = true;
                } else {
                    failure = e;
                }
            } catch (ReplayInterruption.Stop e) {
                interrupted = true;
            }
            if (failure != null && failure.packetsDelivered() == 0) {
                // Nothing was read: no empty report, and an existing output file stays as it was.
                err.println("tracecap: " + failure.getMessage());
                return Main.FAILED;
            }
            ReplaySummary summary = reconstructor.finish(failure != null || interrupted);
            ReportSummary reportSummary = new ReportSummary(summary.packetsRead(), summary.traces(),
                    summary.probesFound(), summary.probesPastStop(), summary.repliesAttributed(),
                    summary.repliesUnattributed(), summary.malformed(), summary.warnings(), null,
                    summary.copiesFolded(), summary.setAside());
            List<Graph> built = kept == null ? List.of() : GraphBuilder.fromTraces(kept);
            if (graphs != null && !json) {
                try (ReverseDns names = numeric ? ReverseDns.numeric() : ReverseDns.system()) {
                    for (Graph g : built) {
                        GraphText.write(g, null, out, names);
                    }
                }
            }
            for (TraceWriter w : writers) {
                w.finish(built, reportSummary);
            }
            if (outputFile != null) {
                outputFile.commit();
            }
            if (dotFile != null) {
                Writer w = new OutputStreamWriter(dotFile.stream(), StandardCharsets.UTF_8);
                GraphDot.write(built, w);
                w.flush();
                dotFile.commit();
            }
            out.flush();
            printSummary(summary, interrupted, err);
            if (interrupted) {
                return INTERRUPTED;
            }
            if (failure != null) {
                err.println("tracecap: " + failure.getMessage());
                return Main.FAILED;
            }
            return Main.OK;
        } catch (UncheckedIOException e) {
            return cannotWrite(err, outputFile, e.getCause());
        } catch (IOException e) {
            return cannotWrite(err, outputFile, e);
        } finally {
            for (TraceWriter w : writers) {
                closeQuietly(w);
            }
            if (outputFile != null) {
                outputFile.abandon();
            }
            if (dotFile != null) {
                dotFile.abandon();
            }
        }
    }

    /** A writer made when first needed. */
    private static final class LazyWriter implements TraceWriter {
        interface Opener {
            TraceWriter open() throws IOException;
        }

        private final Opener opener;
        private TraceWriter writer;

        LazyWriter(Opener opener) {
            this.opener = opener;
        }

        private TraceWriter writer() throws IOException {
            if (writer == null) {
                writer = opener.open();
            }
            return writer;
        }

        @Override
        public void write(Trace trace) throws IOException {
            writer().write(trace);
        }

        @Override
        public void finish(ReportSummary summary) throws IOException {
            writer().finish(summary);
        }

        @Override
        public void finish(List<Graph> graphs, ReportSummary summary) throws IOException {
            writer().finish(graphs, summary);
        }

        /** Finishes a writer already opened; one never opened writes nothing. */
        @Override
        public void close() throws IOException {
            if (writer != null) {
                writer.close();
            }
        }
    }

    /** {@code tracecap replay -}: the capture comes on standard input. */
    static boolean isStandardInput(Path capture) {
        return capture.toString().equals("-");
    }

    /** A regular file, also when it is standard input redirected from one ({@code < FILE}). */
    private static boolean isRegularFile(Path capture) {
        try {
            return Files.isRegularFile(isStandardInput(capture) ? Path.of("/dev/stdin") : capture);
        } catch (InvalidPathException | SecurityException e) {
            return false;
        }
    }

    /** Traces handed to a writer thread at a time when replaying a regular file. */
    static final int WRITE_BATCH = 256;

    /** How long a complete trace may wait in stdout's buffer during a replay: 100 ms. */
    static final long STDOUT_FLUSH_NANOS = 100_000_000L;

    private static TraceWriter jsonWriter(OutputStream stream, boolean jsonl, long flushIntervalNanos)
            throws IOException {
        return jsonl ? JsonLinesWriter.open(stream, flushIntervalNanos) : JsonDocumentWriter.open(stream, true);
    }

    /** stdout never fails (PrintStream keeps its errors), so a write error is the output file's. */
    private static int cannotWrite(PrintStream err, AtomicOutputFile file, IOException e) {
        err.println("tracecap: " + AtomicOutputFile.cannotWrite(file, e));
        return Main.FAILED;
    }

    private static void closeQuietly(TraceWriter w) {
        try {
            w.close();
        } catch (IOException | UncheckedIOException ignored) {
            // already reported, or the output is being abandoned
        }
    }

    /**
     * One line, {@code tracecap: 34 packets read, 15 probes in 1 trace (+1 sent past the last hop, not shown),
     * 16 replies attributed, 0 unattributed, 0 malformed} (the parenthesis only when probes were left out, a
     * {@code , N extension warnings} and {@code , N duplicate copies folded} only when there are any); then,
     * when any, one line of malformed frames by reason, one of extension warnings by reason and one of the
     * frames set aside (neither probes nor replies) by reason; when no trace came out, one of the frames the
     * classifier ignored by reason (not IP, ICMPv6 types not traced, fragments...).
     */
    static void printSummary(ReplaySummary s, PrintStream err) {
        printSummary(s, false, err);
    }

    /** As {@link #printSummary(ReplaySummary, PrintStream)}; the line ends with {@code , interrupted} after a Ctrl-C. */
    static void printSummary(ReplaySummary s, boolean interrupted, PrintStream err) {
        StringBuilder line = new StringBuilder("tracecap: ")
                .append(Main.count(s.packetsRead(), "packet")).append(" read, ")
                .append(Main.count(s.probesFound(), "probe")).append(" in ")
                .append(Main.count(s.traces(), "trace"));
        if (s.probesPastStop() > 0) {
            line.append(" (+").append(s.probesPastStop()).append(" sent past the last hop, not shown)");
        }
        line.append(", ").append(Main.count(s.repliesAttributed(), "reply", "replies")).append(" attributed, ")
                .append(s.repliesUnattributed()).append(" unattributed, ")
                .append(s.malformedTotal()).append(" malformed");
        if (s.warningsTotal() > 0) {
            line.append(", ").append(Main.count(s.warningsTotal(), "extension warning"));
        }
        if (s.copiesFolded() > 0) {
            line.append(", ").append(Main.count(s.copiesFolded(), "duplicate copy", "duplicate copies"))
                    .append(" folded");
        }
        if (interrupted) {
            line.append(", interrupted");
        }
        err.println(line);
        printByReason("malformed", s.malformed(), err);
        printByReason("extension warnings", s.warnings(), err);
        printByReason("set aside", s.setAside(), err);
        if (s.traces() == 0) {
            // nothing came out: say what the frames were, so that no capture replays to nothing without a word
            printByReason("ignored", s.ignored(), err);
        }
    }

    private static void printByReason(String what, Map<String, Long> byReason, PrintStream err) {
        if (!byReason.isEmpty()) {
            err.println("tracecap: " + what + ": " + byReason.entrySet().stream()
                    .map((Map.Entry<String, Long> e) -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(", ")));
        }
    }
}
