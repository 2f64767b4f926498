package org.tracecap.cli;

import java.nio.file.Path;

import org.tracecap.capture.MacAddress;
import org.tracecap.report.ReverseDns;
import org.tracecap.trace.TraceOptions;

/**
 * What the command line asks for, checked as far as it can be without the network.
 *
 * @param host          HOST as typed
 * @param options       the tracer's options ({@code -s} is in them)
 * @param interfaceName {@code -i}, or null
 * @param gatewayMac    {@code --gateway-mac}, or null
 * @param extensions    {@code -e}: each reply's ICMP extension text in the table
 * @param campaign      {@code --targets FILE} or several HOSTs: a campaign ({@link CampaignRun}), else null
 */
record TraceRequest(String host, TraceOptions options, String interfaceName, MacAddress gatewayMac, boolean numeric,
                    boolean json, boolean jsonl, Path output, Path savePcap, Multipath multipath,
                    boolean extensions, Campaign campaign) {

    /** The names the output looks up: the system resolver's for the table without {@code -n}, else none. */
    ReverseDns names() {
        return !json && !numeric ? ReverseDns.system() : ReverseDns.numeric();
    }

    /**
     * A campaign: {@code --targets FILE} ({@code -} for stdin), else the HOST arguments; {@code --rate},
     * {@code --start-ttl}, {@code --in-flight}.
     */
    record Campaign(java.nio.file.Path targets, java.util.List<String> hosts,
                    org.tracecap.trace.CampaignSettings settings) {
        int targetsInFlight() {
            return settings.targetsInFlight();
        }
    }

    /** {@code --multipath}: the MDA's confidence (95 or 99) and {@code --dot FILE} (or null). */
    record Multipath(int confidence, Path dot) {
        static final int DEFAULT_CONFIDENCE = 95;
    }
}
