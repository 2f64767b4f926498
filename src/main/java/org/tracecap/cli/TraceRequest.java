package org.tracecap.cli;

import java.nio.file.Path;

import org.tracecap.capture.MacAddress;
import org.tracecap.report.ReverseDns;
import org.tracecap.trace.ProbeMethod;
import org.tracecap.trace.ProbeProtocol;
import org.tracecap.trace.TraceOptions;

/**
 * What the command line asks for, checked as far as it can be without the network.
 *
 * @param host          HOST as typed
 * @param family        the family asked for ({@code -4}, {@code -6}, or an address literal's), or 0: a name, IPv4
 *                      first
 * @param options       the tracer's options ({@code -s} is in them)
 * @param interfaceName {@code -i}, or null
 * @param gatewayMac    {@code --gateway-mac}, or null
 * @param extensions    {@code -e}: each reply's ICMP extension text in the table
 * @param campaign      {@code --targets FILE} or several HOSTs: a campaign ({@link CampaignRun}), else null
 */
record TraceRequest(String host, int family, TraceOptions options, String interfaceName, MacAddress gatewayMac,
                    boolean numeric, boolean json, boolean jsonl, Path output, Path savePcap, Multipath multipath,
                    boolean extensions, Campaign campaign) {

    /**
     * Why this request cannot be traced over IPv6, in one line, or null when it can: {@code --multipath} with
     * {@code -I} or {@code -T} (their flows are IPv4's only), a packet length below the IPv6 header + the probe's
     * own header (+ 2 checksum bytes for Paris, and for dublin, whose flows number their probes by the checksum
     * over IPv6).
     */
    String refusedOverIpv6() {
        if (multipath != null && options.protocol() != ProbeProtocol.UDP) {
            return "--multipath over IPv6 probes with UDP only for now (flows of ports and flow labels)";
        }
        if (options.protocol() == ProbeProtocol.TCP) {
            return null; // a SYN is a SYN: its length is its own
        }
        // dublin's flows over IPv6 are Paris flows: two payload bytes balance the checksum
        ProbeMethod asSent = options.method() == ProbeMethod.DUBLIN ? ProbeMethod.PARIS : options.method();
        int min = options.protocol().minLength(asSent) + IPV6_EXTRA_HEADER;
        if (options.packetLength() < min) {
            return "packet length " + options.packetLength() + " is below the " + min + " bytes of an IPv6 probe";
        }
        return null;
    }

    /** An IPv6 header's 40 bytes less an IPv4 header's 20. */
    private static final int IPV6_EXTRA_HEADER = 20;

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
