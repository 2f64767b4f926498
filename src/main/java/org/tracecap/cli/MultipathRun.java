package org.tracecap.cli;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.tracecap.capture.LivePort;
import org.tracecap.capture.PcapFileWriter;
import org.tracecap.report.GraphDot;
import org.tracecap.report.GraphText;
import org.tracecap.report.ReportSummary;
import org.tracecap.report.ReverseDns;
import org.tracecap.trace.Clock;
import org.tracecap.trace.LinkFacts;
import org.tracecap.trace.MultipathTracer;
import org.tracecap.trace.TraceOptions;

/** The run of {@code tracecap trace --multipath} on a port set up. */
final class MultipathRun {
    private MultipathRun() {
    }

    /**
     * {@code --multipath}: the MDA, then the graph as text (header first, the rest at the end), hop JSON (the
     * flows' traces and the graph) and {@code --dot}; the same summary line and exit statuses as a trace.
     */
    static int run(TraceRequest request, LinkFacts facts, LivePort livePort, PcapFileWriter pcap,
            AtomicOutputFile outputFile, TraceInterruption interruption, PrintStream out, PrintStream err) {
        TraceOptions options = request.options();
        boolean text = !request.json();
        ReverseDns names = request.names();
        WatchedPort port = new WatchedPort(livePort, pcap, facts.sourceAddress(), names);
        AtomicOutputFile dotFile = null;
        try {
            MultipathTracer tracer;
            try {
                tracer = new MultipathTracer(options, request.multipath().confidence(), facts, port, Clock.system());
            } catch (IllegalArgumentException e) {
                err.println("tracecap: cannot trace on " + facts.interfaceName() + ": " + e.getMessage());
                return Main.FAILED;
            }
            Path dot = request.multipath().dot();
            if (dot != null) {
                try {
                    dotFile = AtomicOutputFile.create(dot);
                } catch (IOException e) {
                    err.println("tracecap: " + AtomicOutputFile.cannotWrite(dot, e));
                    return Main.FAILED;
                }
            }
            if (text) {
                try {
                    GraphText.writeHeader(request.host(), facts.destinationAddress(), facts.sourceAddress(),
                            tracer.method(), request.multipath().confidence(), out);
                } catch (IOException e) {
                    // a PrintStream keeps its errors
                }
                out.flush();
            }
            interruption.tracing(tracer::stop);
            MultipathTracer.Result result = tracer.run();
            if (result.failure() == null) {
                try {
                    port.drain();
                } catch (IOException e) {
                    // the trace is over: what was captured is in
                }
            }
            int status = Main.OK;
            if (text) {
                try {
                    GraphText.writeNodes(result.graph(), out, names);
                } catch (IOException e) {
                    // a PrintStream keeps its errors
                }
                out.flush();
            }
            long dropped = livePort.droppedFrames();
            ReportSummary summary = port.summary(result.flows(), tracer.unattributed());
            status = Math.max(status, TraceOutput.closePcap(pcap, err));
            status = Math.max(status, TraceOutput.writeJson(request, outputFile, result.flows(),
                    List.of(result.graph()), summary, out, err));
            if (dotFile != null) {
                try {
                    Writer w = new OutputStreamWriter(dotFile.stream(), StandardCharsets.UTF_8);
                    GraphDot.write(List.of(result.graph()), w);
                    w.flush();
                    dotFile.commit();
                } catch (IOException e) {
                    err.println("tracecap: " + AtomicOutputFile.cannotWrite(dot, e));
                    status = Main.FAILED;
                }
            }
            if (result.failure() != null) {
                err.println(TraceOutput.sendFailure(result.failure().getMessage(), options.packetLength()));
                status = Main.FAILED;
            }
            err.println(TraceOutput.summaryLine(port, summary, dropped));
            return status;
        } finally {
            names.close();
            if (dotFile != null) {
                dotFile.abandon(); // does nothing once committed
            }
        }
    }
}
