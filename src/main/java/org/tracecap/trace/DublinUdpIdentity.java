package org.tracecap.trace;

import org.tracecap.match.QuotedProbe;
import org.tracecap.match.SentProbe;
import org.tracecap.model.Method;
import org.tracecap.packet.ProbeEncoder;

/**
 * One flow of dublin-traceroute's UDP probes (Insalaco's dublin-traceroute, after Paris traceroute): the
 * flow is a fixed 5-tuple, one destination port per flow, so a per-flow load balancer sends every probe of
 * the flow down one path; probe {@code n} carries its number in the IP ID alone, {@code ipIdBase + n}
 * (mod 2^16). The payload is left as is, so every probe of a flow has the same, natural, UDP checksum: any
 * change of it in a quote was made on the way, which is how a NAT is found ({@link org.tracecap.model.NatDetector}).
 *
 * <p>A quote is this flow's when it carries the flow's destination port and the probe's IP ID, and, when
 * its source address is the probe's, the flow's source port and the probe's checksum (they cannot change on
 * the way unless the addresses do). When the quoted source is another, a NAT rewrote the probe and nothing
 * translated the quote back (a stateless rewrite): its checksum, and maybe its port, are the NAT's.
 */
public final class DublinUdpIdentity extends UdpProbeIdentity {
    private static final Method METHOD = new Method("udp", "tracecap", "ip-id");

    /**
     * @param destinationPort the flow's destination port
     * @param count           how many probes the flow may send, 1..65536 (IP IDs must not repeat)
     * @param sourcePort      the flow's source port
     * @param ipIdBase        IP ID of probe 0
     */
    public DublinUdpIdentity(int destinationPort, int count, int sourcePort, int ipIdBase) {
        super(METHOD, destinationPort, count, sourcePort, ipIdBase);
        checkFlow(sourcePort, destinationPort, count, 0x10000, ipIdBase);
    }

    @Override
    int udpChecksum(int sequence) {
        return ProbeEncoder.NATURAL_CHECKSUM;
    }

    @Override
    public int sequenceOf(SentProbe probe) {
        if (probe.sourcePort() != sourcePort || probe.destinationPort() != destinationPort) {
            return -1;
        }
        return sequence(probe.ipId());
    }

    @Override
    public boolean owns(QuotedProbe quote, SentProbe probe) {
        int n = sequenceOf(probe);
        if (n < 0 || quote.destinationPort() != destinationPort) {
            return false;
        }
        if (quote.source().equals(probe.source())
                && (quote.sourcePort() != sourcePort || quote.checksum() != probe.checksum())) {
            // Our own source: nothing rewrote the addresses, so the port and checksum must be as sent (RFC 768
            // pseudo-header); another one is not a quote of our probe (forged, or another prober's).
            return false;
        }
        return sequence(quote.ipId()) == n;
    }

    private int sequence(int ipId) {
        int n = (ipId - ipIdBase) & 0xffff;
        return n < count ? n : -1;
    }
}
