package org.tracecap.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.tracecap.capture.Interfaces;
import org.tracecap.capture.LiveCaptureException;
import org.tracecap.capture.LivePort;
import org.tracecap.capture.TraceFilter;
import org.tracecap.capture.PcapFileWriter;
import org.tracecap.capture.Route;
import org.tracecap.model.StopReason;
import org.tracecap.model.Trace;
import org.tracecap.report.JsonLinesWriter;
import org.tracecap.report.ReverseDns;
import org.tracecap.report.TextReport;
import org.tracecap.report.TraceWriter;
import org.tracecap.trace.CampaignTracer;
import org.tracecap.trace.Clock;
import org.tracecap.trace.LinkFacts;

/**
 * {@code tracecap trace [OPTIONS] --targets FILE} or {@code tracecap trace [OPTIONS] HOST HOST...}: a campaign,
 * traced by a {@link CampaignTracer} over one {@link LivePort} whose capture keeps our probes and every ICMP (and
 * TCP SYN/RST) to our address ({@link TraceFilter#of(org.tracecap.packet.IpAddress)}).
 *
 * <ol>
 *   <li>Setup: options, the destinations read on a thread of their own ({@link CampaignTargets}: a bad line
 *       is one warning line and is skipped), the first destination's route and link as for one trace
 *       ({@link LinkSetup}): its interface and gateway are the campaign's.</li>
 *   <li>stdout: each trace's table as it finishes (header and hops, as {@code tracecap replay} prints
 *       them; hops learned from another trace end in {@code (from ADDRESS's trace)}); with {@code --json},
 *       one JSON line per trace as it finishes instead. {@code -o FILE}: the same JSON lines, written beside
 *       FILE and renamed over it at the end. {@code --save-pcap FILE}: the whole campaign's capture.</li>
 *   <li>stderr: a progress line, rewritten in place each second, only when stderr is a terminal; at the end
 *       one summary line.</li>
 *   <li>Ctrl-C: the tracer stops at once; the traces finished so far are written (whole lines), the unfinished
 *       ones are counted in the summary line, the files are completed, and the JVM exits 130.</li>
 * </ol>
 */
final class CampaignRun {
    private CampaignRun() {
    }

    static int run(TraceRequest request, InputStream stdin, PrintStream out, PrintStream err) {
        TraceRequest.Campaign c = request.campaign();
        TraceInterruption interruption = new TraceInterruption();
        interruption.install();
        AtomicOutputFile outputFile = null;
        LivePort port = null;
        PcapFileWriter pcap = null;
        CampaignTargets targets = null;
        try {
            Interfaces.prepare();
            LinkSetup.checkWritable(request.savePcap());
            if (request.output() != null) {
                try {
                    outputFile = AtomicOutputFile.create(request.output());
                } catch (IOException e) {
                    throw new LinkSetup.SetupException(AtomicOutputFile.cannotWrite(request.output(), e));
                }
            }
            targets = CampaignTargets.start(c.targets(), c.hosts(), stdin, c.targetsInFlight(),
                    request.options().sourceAddress(), request.interfaceName(), err);
            Route first;
            try {
                first = targets.firstRoute();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Main.FAILED;
            }
            if (first == null) {
                throw new LinkSetup.SetupException("no destination to trace"
                        + (c.targets() != null ? " in " + c.targets() : ""));
            }
            interruption.check();
            LinkSetup.CheckedLink checked = LinkSetup.link(request, first.destination(), interruption);
            if (first.onLink() && checked.link().mac() != null) {
                // On Ethernet each on-link destination has its own MAC: a campaign sends to one next hop.
                throw new LinkSetup.SetupException(first.destination() + " is on-link on " + checked.link().name()
                        + ": a campaign on an Ethernet link sends every probe to one gateway");
            }
            String filter = TraceFilter.of(checked.source());
            port = LinkSetup.open(checked, filter);
            LinkFacts facts = LinkSetup.facts(checked, port);
            interruption.check();
            pcap = LinkSetup.savePcap(request.savePcap(), port);
            return campaign(request, facts, port, pcap, outputFile, targets, interruption, out, err);
        } catch (LinkSetup.SetupException e) {
            err.println("tracecap: " + e.getMessage());
            return Main.FAILED;
        } catch (LiveCaptureException e) {
            err.println(TraceOutput.errorLine(e.getMessage()));
            return Main.FAILED;
        } catch (TraceInterruption.Interrupted e) {
            return Main.FAILED;
        } finally {
            if (targets != null) {
                targets.stop();
            }
            if (pcap != null) {
                pcap.discard();
            }
            if (port != null) {
                port.close();
            }
            if (outputFile != null) {
                outputFile.abandon();
            }
            out.flush();
            err.flush();
            interruption.finished();
        }
    }

    private static int campaign(TraceRequest request, LinkFacts facts, LivePort livePort, PcapFileWriter pcap,
            AtomicOutputFile outputFile, CampaignTargets targets, TraceInterruption interruption, PrintStream out,
            PrintStream err) {
        TraceRequest.Campaign c = request.campaign();
        ReverseDns names = request.names();
        WatchedPort port = new WatchedPort(livePort, pcap, facts.sourceAddress(), names);
        CampaignTracer tracer;
        try {
            tracer = new CampaignTracer(request.options(), facts, port, Clock.system(), c.settings());
        } catch (IllegalArgumentException e) {
            err.println("tracecap: cannot trace on " + facts.interfaceName() + ": " + e.getMessage());
            names.close();
            return Main.FAILED;
        }
        List<TraceWriter> writers = new ArrayList<>();
        CampaignProgress progress = stderrIsTerminal() ? new CampaignProgress(tracer, targets, c, err) : null;
        long[] reached = new long[1];
        IOException[] writeFailure = new IOException[1];
        String portFailure = null;
        boolean interrupted = false;
        int status = Main.OK;
        long start = System.nanoTime();
        try {
            if (request.json()) {
                writers.add(JsonLinesWriter.open(out));
            }
            if (outputFile != null) {
                writers.add(JsonLinesWriter.open(outputFile.stream()));
            }
            interruption.tracing(tracer::stop);
            if (progress != null) {
                progress.start();
            }
            try {
                interrupted = tracer.run(targets, trace -> {
                    if (StopReason.REACHED.equals(trace.stop().kind())) {
                        reached[0]++;
                    }
                    if (writeFailure[0] != null) {
                        return;
                    }
                    try {
                        write(trace, request, writers, names, progress, out);
                    } catch (IOException e) {
                        writeFailure[0] = e;
                        tracer.stop();
                    }
                });
            } catch (IOException e) {
                portFailure = TraceOutput.sendFailure(e.getMessage(), request.options().packetLength());
            }
            targets.stop();
            if (portFailure == null) {
                port.drain();
            }
        } catch (IOException e) {
            writeFailure[0] = e;
        } finally {
            if (progress != null) {
                progress.finish();
            }
            names.close();
        }
        for (TraceWriter w : writers) {
            try {
                w.finish(null);
            } catch (IOException e) {
                writeFailure[0] = writeFailure[0] != null ? writeFailure[0] : e;
            }
        }
        if (writeFailure[0] == null && outputFile != null) {
            try {
                outputFile.commit();
            } catch (IOException e) {
                writeFailure[0] = e;
            }
        }
        if (writeFailure[0] != null) {
            err.println("tracecap: " + AtomicOutputFile.cannotWrite(outputFile, writeFailure[0]));
            status = Main.FAILED;
        }
        status = Math.max(status, TraceOutput.closePcap(pcap, err));
        out.flush();
        if (portFailure != null) {
            err.println(portFailure);
            status = Main.FAILED;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        err.println(String.format(Locale.ROOT, "tracecap: campaign: %d traces (%d reached)%s, %d probes sent,"
                        + " %d replies used, %.1f s, %d frames captured, %d dropped",
                tracer.targetsDone(), reached[0],
                interrupted ? ", interrupted with " + tracer.unfinished() + " unfinished" : "",
                tracer.probesSent(), tracer.repliesUsed(), seconds, port.framesCaptured(), livePort.droppedFrames()));
        return status;
    }

    private static void write(Trace trace, TraceRequest request, List<TraceWriter> writers, ReverseDns names,
            CampaignProgress progress, PrintStream out) throws IOException {
        for (TraceWriter w : writers) {
            w.write(trace);
        }
        if (!request.json()) {
            StringBuilder text = new StringBuilder(1024);
            TextReport.writeTrace(trace, text, names, request.extensions());
            if (progress != null) {
                progress.clear();
            }
            out.print(text);
            out.flush();
        }
    }

    /** Whether stderr is a terminal (Linux: its descriptor links to a tty or a pseudo-terminal). */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }
}
