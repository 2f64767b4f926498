package org.tracecap.cli;

import java.io.IOException;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

import org.tracecap.capture.LivePort;
import org.tracecap.capture.PcapFileWriter;
import org.tracecap.match.Classified;
import org.tracecap.match.FrameClassifier;
import org.tracecap.match.FrameSink;
import org.tracecap.match.IcmpReply;
import org.tracecap.match.TcpReply;
import org.tracecap.model.Hop;
import org.tracecap.model.ProbeResult;
import org.tracecap.model.Trace;
import org.tracecap.packet.IpAddress;
import org.tracecap.report.ReportSummary;
import org.tracecap.report.ReverseDns;
import org.tracecap.trace.ForwardingPacketPort;

/**
 * The live port as the tracer sees it, also writing every captured frame to the capture file, counting
 * what went by for the summary, and starting the name lookup of each responder as soon as its reply
 * arrives. Frames are only handled on the tracing thread, inside {@link #receive}.
 */
final class WatchedPort extends ForwardingPacketPort {
    private static final int DRAIN_POLLS = 8;
    /** The reason of the unattributed replies captured after the tracer ended (while draining). */
    static final String AFTER_THE_END = "after the trace ended";
    private final LivePort port;
    private final PcapFileWriter pcap;
    private final IpAddress source;
    private final ReverseDns names;
    private final FrameClassifier classifier = new FrameClassifier();
    private final SortedMap<String, Long> malformed = new TreeMap<>();
    private long probesSent;
    private long framesCaptured;
    private long repliesSeen;
    private long repliesAfterTheEnd;
    private boolean draining;

    WatchedPort(LivePort port, PcapFileWriter pcap, IpAddress source, ReverseDns names) {
        super(port);
        this.port = port;
        this.pcap = pcap;
        this.source = source;
        this.names = names;
    }

    /** The frames captured so far. */
    long framesCaptured() {
        return framesCaptured;
    }

    /** The probes sent so far. */
    long probesSent() {
        return probesSent;
    }

    @Override
    public void send(byte[] frame, int length) throws IOException {
        super.send(frame, length);
        probesSent++;
    }

    @Override
    public int receive(FrameSink sink, long timeoutNanos) throws IOException {
        return super.receive((time, link, bytes, caplen, wire) -> {
            observe(time, link, bytes, caplen, wire);
            sink.frame(time, link, bytes, caplen, wire);
        }, timeoutNanos);
    }

    /**
     * Takes the frames already captured (no waiting) into the file and the counts: until two polls in a
     * row find nothing (a wakeup mark left by stop() ends one early), at most {@value #DRAIN_POLLS} polls so
     * that a flood cannot hold the end up.
     */
    void drain() throws IOException {
        int empty = 0;
        draining = true;
        try {
            for (int polls = 0; empty < 2 && polls < DRAIN_POLLS; polls++) {
                empty = port.receive(this::observe, 0) == 0 ? empty + 1 : 0;
            }
        } finally {
            draining = false;
        }
    }

    private void observe(long time, int link, byte[] bytes, int caplen, int wire) {
        framesCaptured++;
        if (pcap != null) {
            pcap.frame(time, link, bytes, caplen, wire);
        }
        Classified c = classifier.classify(time, link, bytes, caplen, wire);
        if (c instanceof IcmpReply r && r.destination().equals(source)) {
            replySeen();
            if (names.resolves()) {
                names.prefetch(List.of(r.source()));
            }
        } else if (c instanceof TcpReply r && r.destination().equals(source)) {
            replySeen();
        } else if (c instanceof Classified.Malformed m) {
            malformed.merge(m.reason(), 1L, Long::sum);
        }
    }

    private void replySeen() {
        repliesSeen++;
        if (draining) {
            repliesAfterTheEnd++;
        }
    }

    /**
     * The JSON summary of one live trace: frames captured, probes shown and past the stop, replies; the
     * unattributed ones by reason: {@code byTracer}, the tracer's reasons for those it saw, and
     * {@value #AFTER_THE_END} for those captured after it ended.
     */
    ReportSummary summary(List<Trace> traces, SortedMap<String, Long> byTracer) {
        long shown = 0;
        long answered = 0;
        for (Trace trace : traces) {
            for (Hop hop : trace.hops()) {
                for (ProbeResult p : hop.probes()) {
                    shown++;
                    if (p.answered()) {
                        answered++;
                    }
                }
            }
        }
        SortedMap<String, Long> unattributed = new TreeMap<>(byTracer);
        if (repliesAfterTheEnd > 0) {
            unattributed.merge(AFTER_THE_END, repliesAfterTheEnd, Long::sum);
        }
        return new ReportSummary(framesCaptured, traces.size(), shown, Math.max(0, probesSent - shown), answered,
                Math.max(0, repliesSeen - answered), malformed, null, unattributed);
    }
}
