package org.tracecap.cli;

import java.io.IOException;
import java.io.PrintStream;

import org.tracecap.capture.Interfaces;
import org.tracecap.capture.LiveCaptureException;
import org.tracecap.capture.LivePort;
import org.tracecap.capture.TraceFilter;
import org.tracecap.capture.PcapFileWriter;
import org.tracecap.packet.IpAddress;
import org.tracecap.report.ReverseDns;
import org.tracecap.trace.FlowTracer;
import org.tracecap.trace.LinkFacts;
import org.tracecap.trace.MultipathTracer;
import org.tracecap.trace.ProbeProtocol;
import org.tracecap.trace.TraceOptions;
import org.tracecap.trace.Tracer;

/**
 * {@code tracecap trace [OPTIONS] HOST [PACKET_LENGTH]}: traces the path to HOST live with the
 * {@link Tracer}, on a {@link LivePort}.
 *
 * <ol>
 *   <li>Setup, each step an error line and exit status 2 when it fails: options (traceroute's, with its
 *       defaults and ranges), HOST (an IPv4 or IPv6 literal, else a name resolved as traceroute does: IPv4
 *       first unless -6), the privilege to capture, the interface ({@code -i}, else the route's), the kernel's
 *       route, the capture, and by the link type libpcap gives it ({@code LinkFraming}): on Ethernet the next
 *       hop's MAC ({@code --gateway-mac}, else the neighbour table, else ARP or IPv6 neighbour discovery), on a
 *       raw IP link (TUN, PPP) none.</li>
 *   <li>stdout: the header line, then each hop's line as soon as the tracer settles it (flushed), then
 *       {@code (interrupted)} after a Ctrl-C. With {@code --method dublin --flows N}, the flows are traced
 *       one after another ({@link FlowTracer}), each after a line {@code flow K: source port S, destination
 *       port D}, and the JSON holds one trace per flow. With {@code --json}: the hop JSON document (or one
 *       JSON line per trace with {@code --jsonl}) instead, written when the trace ends. Names are looked up
 *       in parallel, started as soon as a reply arrives, on a printing thread of their own, so a slow
 *       resolver delays a line by at most {@link ReverseDns#DEFAULT_DEADLINE} and never delays the probes.</li>
 *   <li>{@code -o FILE}: the hop JSON with the live facts, written beside FILE and renamed over it at the
 *       end. {@code --save-pcap FILE}: every frame the capture saw (own probes and what answered them,
 *       both directions), for {@code tracecap replay}.</li>
 *   <li>stderr: one summary line (probes sent, replies attributed and not, frames captured, malformed,
 *       dropped).</li>
 *   <li>Ctrl-C (SIGINT, or any JVM shutdown while tracing): a shutdown hook stops the tracer and waits up
 *       to {@value TraceInterruption#INTERRUPT_GRACE_MILLIS} ms while the hops learned are printed, the JSON is
 *       completed with stop reason "interrupted" and the capture file is closed.</li>
 * </ol>
 *
 * <p>{@code --targets FILE} or several dotted HOSTs make a campaign, run by {@link CampaignRun}.
 *
 * <p>The parts: {@link TraceOptionsParser} (the command line into a {@link TraceRequest}, {@link TraceHelp}),
 * {@link LinkSetup} (host, route, interface, MACs), {@link TraceRun} or {@link MultipathRun} (the run, printed
 * by {@link HopPrinter} on a {@link WatchedPort}), {@link TraceOutput} (JSON, capture file, summary line) and
 * {@link TraceInterruption} (Ctrl-C).
 */
final class TraceCommand {
    private static final String TRY = "tracecap trace --help";

    private TraceCommand() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        TraceRequest request;
        try {
            request = TraceOptionsParser.parse(args);
        } catch (TraceOptionsParser.UsageException e) {
            return Main.usageError(err, "trace: " + e.getMessage(), TRY);
        }
        if (request == null) {
            out.print(TraceHelp.TEXT);
            return Main.OK;
        }
        return request.campaign() != null ? CampaignRun.run(request, System.in, out, err)
                : trace(request, out, err);
    }

    private static int trace(TraceRequest request, PrintStream out, PrintStream err) {
        TraceInterruption interruption = new TraceInterruption();
        interruption.install();
        AtomicOutputFile outputFile = null;
        LivePort port = null;
        PcapFileWriter pcap = null;
        try {
            Interfaces.prepare(); // in the background, while the host and the route are looked up
            IpAddress destination = LinkSetup.resolve(request.host(), request.family());
            if (destination.isIpv6() && request.refusedOverIpv6() != null) {
                throw new LinkSetup.SetupException(request.refusedOverIpv6());
            }
            if (request.options().sourceAddress() != null
                    && request.options().sourceAddress().family() != destination.family()) {
                throw new LinkSetup.SetupException("-s " + request.options().sourceAddress() + " is not an IPv"
                        + destination.family() + " address, and " + request.host() + " is " + destination);
            }
            LinkSetup.checkWritable(request.savePcap());
            LinkSetup.checkWritable(request.multipath() == null ? null : request.multipath().dot());
            if (request.output() != null) {
                try {
                    outputFile = AtomicOutputFile.create(request.output());
                } catch (IOException e) {
                    throw new LinkSetup.SetupException(AtomicOutputFile.cannotWrite(request.output(), e));
                }
            }
            interruption.check();
            LinkSetup.CheckedLink checked = LinkSetup.link(request, destination, interruption);
            interruption.check();
            // Every UDP probe goes to basePort + n (classic: n < the probe count; paris: n = 0; dublin: n < flows;
            // multipath: n < its flows); -U and -T probes to basePort (-I: the first sequence number).
            TraceOptions o = request.options();
            int ports = request.multipath() != null ? MultipathTracer.flowsFrom(o.basePort())
                    : o.protocol() != ProbeProtocol.UDP ? 1 : Math.max(o.probeCount(), o.flows());
            String filter = TraceFilter.of(checked.source(), destination, o.protocol().ipProtocol(),
                    o.basePort(), Math.min(0xffff, o.basePort() + ports - 1));
            port = LinkSetup.open(checked, filter);
            LinkFacts facts = LinkSetup.facts(checked, port);
            interruption.check();
            pcap = LinkSetup.savePcap(request.savePcap(), port);
            return request.multipath() != null
                    ? MultipathRun.run(request, facts, port, pcap, outputFile, interruption, out, err)
                    : TraceRun.run(request, facts, port, pcap, outputFile, interruption, out, err);
        } catch (LinkSetup.SetupException e) {
            err.println("tracecap: " + e.getMessage());
            return Main.FAILED;
        } catch (LiveCaptureException e) {
            err.println(TraceOutput.errorLine(e.getMessage()));
            return Main.FAILED;
        } catch (TraceInterruption.Interrupted e) {
            return Main.FAILED;
        } finally {
            if (pcap != null) {
                pcap.discard(); // does nothing once closed
            }
            if (port != null) {
                port.close();
            }
            if (outputFile != null) {
                outputFile.abandon(); // does nothing once committed
            }
            out.flush();
            err.flush();
            interruption.finished();
        }
    }
}
