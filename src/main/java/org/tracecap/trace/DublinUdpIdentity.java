package org.tracecap.trace;

import org.tracecap.match.QuotedProbe;
import org.tracecap.match.SentProbe;
import org.tracecap.model.Method;

/**
 * One flow of dublin-traceroute's UDP probes (Insalaco's dublin-traceroute, after Paris traceroute): the
 * flow is a fixed 5-tuple, one destination port per flow, so a per-flow load balancer sends every probe of
 * the flow down one path; probe {@code n} carries its number in the IP ID alone, {@code ipIdBase + n}
 * (mod 2^16). The payload is left as is, so every probe of a flow has the same, natural, UDP checksum: any
 * change of it in a quote was made on the way, which is how a NAT is found ({@link NatDetector}).
 *
 * <p>A quote is this flow's when it carries the flow's destination port and the probe's IP ID, and the
 * flow's source port unless the quoted source address is not the probe's (a NAT rewrote the quote, maybe
 * the port with it). The checksum is not looked at: a NAT on the path rewrites it.
 */
public final class DublinUdpIdentity implements ProbeIdentity {
    private static final Method METHOD = new Method("udp", "tracecap", "ip-id");

    private final int destinationPort;
    private final int count;
    private final int sourcePort;
    private final int ipIdBase;

    /**
     * @param destinationPort the flow's destination port
     * @param count           how many probes the flow may send, 1..65536 (IP IDs must not repeat)
     * @param sourcePort      the flow's source port
     * @param ipIdBase        IP ID of probe 0
     */
    public DublinUdpIdentity(int destinationPort, int count, int sourcePort, int ipIdBase) {
        if (destinationPort < 1 || destinationPort > 0xffff || sourcePort < 1 || sourcePort > 0xffff) {
            throw new IllegalArgumentException("ports " + sourcePort + " -> " + destinationPort
                    + " outside 1..65535");
        }
        if (count < 1 || count > 0x10000 || ipIdBase < 0 || ipIdBase > 0xffff) {
            throw new IllegalArgumentException("probe count " + count + " outside 1..65536 or IP ID base "
                    + ipIdBase + " out of range");
        }
        this.destinationPort = destinationPort;
        this.count = count;
        this.sourcePort = sourcePort;
        this.ipIdBase = ipIdBase;
    }

    @Override
    public Method method() {
        return METHOD;
    }

    @Override
    public ProbeFields fields(int sequence) {
        if (sequence < 0 || sequence >= count) {
            throw new IllegalArgumentException("probe " + sequence + " outside 0.." + (count - 1));
        }
        return new ProbeFields(sourcePort, destinationPort, (ipIdBase + sequence) & 0xffff,
                org.tracecap.packet.ProbeEncoder.NATURAL_CHECKSUM);
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
        if (quote.sourcePort() != sourcePort && quote.source() == probe.source()) {
            return false;
        }
        return sequence(quote.ipId()) == n;
    }

    private int sequence(int ipId) {
        int n = (ipId - ipIdBase) & 0xffff;
        return n < count ? n : -1;
    }
}
