package org.tracecap.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

import org.tracecap.capture.LivePort;
import org.tracecap.capture.PcapFileWriter;
import org.tracecap.model.Trace;
import org.tracecap.report.ReportSummary;
import org.tracecap.report.ReverseDns;
import org.tracecap.report.TextReport;
import org.tracecap.trace.Clock;
import org.tracecap.trace.FlowTracer;
import org.tracecap.trace.LinkFacts;
import org.tracecap.trace.PortFailedException;
import org.tracecap.trace.TraceOptions;

/**
 * The run of a trace on a port set up (one flow, or {@code --method dublin --flows N} one after another): the
 * header, each hop's line as it settles ({@link HopPrinter}), then the JSON, the capture file and the summary
 * line ({@link TraceOutput}).
 */
final class TraceRun {
    private TraceRun() {
    }

    static int run(TraceRequest request, LinkFacts facts, LivePort livePort, PcapFileWriter pcap,
            AtomicOutputFile outputFile, TraceInterruption interruption, PrintStream out, PrintStream err) {
        TraceOptions options = request.options();
        boolean text = !request.json();
        ReverseDns names = request.names();
        WatchedPort port = new WatchedPort(livePort, pcap, facts.sourceAddress(), names);
        FlowTracer tracer;
        try {
            tracer = new FlowTracer(options, facts, port, Clock.system());
        } catch (IllegalArgumentException e) {
            err.println("tracecap: cannot trace on " + facts.interfaceName() + ": " + e.getMessage());
            names.close();
            return Main.FAILED;
        }
        HopPrinter printer = text ? new HopPrinter(out, names, options.flows() > 1, request.extensions()) : null;
        List<Trace> traces;
        String portFailure = null;
        try {
            if (text) {
                TextReport.writeHeader(request.host(), facts.destinationAddress(), facts.sourceAddress(),
                        tracer.method(), options.maxTtl(), options.packetLength(), out);
                out.flush();
            }
            interruption.tracing(tracer::stop);
            try {
                traces = tracer.run(printer != null ? printer : FlowPrinter.SILENT);
            } catch (PortFailedException e) {
                // The interface went down (or the capture failed) mid-trace: print and write the hops learned
                // so far, then the port's error, exit status 2.
                traces = e.traces();
                portFailure = TraceOutput.sendFailure(e.getMessage(), options.packetLength());
            }
            if (portFailure == null) {
                port.drain();
            }
        } catch (IOException e) {
            if (printer != null) {
                printer.finish();
            }
            names.close();
            err.println(TraceOutput.sendFailure(e.getMessage(), options.packetLength()));
            return Main.FAILED;
        }
        if (printer != null) {
            printer.finish();
            out.flush();
        }
        names.close();
        long dropped = livePort.droppedFrames();
        ReportSummary summary = port.summary(traces, tracer.unattributed());
        int status = TraceOutput.closePcap(pcap, err);
        status = Math.max(status, TraceOutput.writeJson(request, outputFile, traces, List.of(), summary, out, err));
        out.flush();
        if (portFailure != null) {
            err.println(portFailure);
            status = Main.FAILED;
        }
        err.println(TraceOutput.summaryLine(port, summary, dropped));
        return status;
    }
}
