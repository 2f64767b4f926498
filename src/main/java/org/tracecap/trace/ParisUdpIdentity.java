package org.tracecap.trace;

import org.tracecap.match.QuotedProbe;
import org.tracecap.match.SentProbe;
import org.tracecap.model.Method;

/**
 * Paris traceroute's UDP probes (Augustin et al., "Avoiding traceroute anomalies with Paris traceroute",
 * IMC 2006; scamper's udp-paris): every probe of a trace has the same source and destination port, TOS and
 * length, so a router balancing load per flow (hashing addresses, protocol and ports, as Linux does with
 * fib_multipath_hash_policy=1) sends them all down one path. Probe {@code n} is told apart by two fields
 * that no flow hash reads: its UDP checksum, forced to {@code n + 1} through two payload bytes
 * ({@link org.tracecap.packet.ProbeEncoder}), and its IP ID, {@code ipIdBase + n} (mod 2^16).
 *
 * <p>A quote is this trace's when it carries the trace's destination port and: when its source address is
 * the probe's, the trace's source port and the probe's checksum (the checksum covers the addresses, RFC 768,
 * so it cannot change on the way unless they do; a middlebox may still renumber the IP ID); when its source
 * is another (a NAT rewrote the probe and nothing translated the quote back: a stateless rewrite), either
 * field giving the probe's number, since the NAT rewrote the checksum (RFC 3022 4.1) and maybe the port.
 */
public final class ParisUdpIdentity extends UdpProbeIdentity {
    private static final Method METHOD = new Method("udp", "tracecap", "udp-checksum");

    /**
     * @param destinationPort the destination port of every probe
     * @param count           how many probes the trace may send, 1..65535 (checksum {@code count} must exist)
     * @param sourcePort      the source port of every probe
     * @param ipIdBase        IP ID of probe 0
     */
    public ParisUdpIdentity(int destinationPort, int count, int sourcePort, int ipIdBase) {
        super(METHOD, destinationPort, count, sourcePort, ipIdBase);
        checkFlow(sourcePort, destinationPort, count, 0xffff, ipIdBase);
    }

    @Override
    int udpChecksum(int sequence) {
        // Checksum n + 1: a UDP checksum of 0 means "none" (RFC 768), so numbering starts at 1.
        return sequence + 1;
    }

    @Override
    public int sequenceOf(SentProbe probe) {
        if (probe.sourcePort() != sourcePort || probe.destinationPort() != destinationPort) {
            return -1;
        }
        int n = probe.checksum() - 1;
        return n >= 0 && n < count && probe.ipId() == ipId(n) ? n : -1;
    }

    @Override
    public boolean owns(QuotedProbe quote, SentProbe probe) {
        int n = sequenceOf(probe);
        if (n < 0 || quote.destinationPort() != destinationPort) {
            return false;
        }
        if (quote.source().equals(probe.source())) {
            // Our own source: nothing rewrote the addresses, so the checksum must be as sent (RFC 768
            // pseudo-header); another one is not a quote of our probe (forged, or another prober's).
            return quote.sourcePort() == sourcePort && quote.checksum() == n + 1;
        }
        return quote.checksum() == n + 1 || quote.ipId() == ipId(n);
    }
}
