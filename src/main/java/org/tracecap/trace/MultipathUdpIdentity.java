package org.tracecap.trace;

import org.tracecap.match.QuotedProbe;
import org.tracecap.match.SentProbe;
import org.tracecap.model.Method;
import org.tracecap.packet.Bytes;
import org.tracecap.packet.IpProtocol;
import org.tracecap.packet.ProbeEncoder;

/**
 * The probes of a {@code --multipath} run ({@link MultipathTracer}): flow {@code f} is the 5-tuple from one
 * source port to destination port {@code basePort + f} (as scamper's tracelb udp-dport and dublin-traceroute
 * vary the destination port), and probe {@code n}, whatever its flow, is told apart as in Paris traceroute
 * ({@link ParisUdpIdentity}): UDP checksum {@code n + 1} (forced through two payload bytes) and IP ID
 * {@code ipIdBase + n} (mod 2^16), two fields no flow hash reads. A quote is the run's under the same rules
 * as Paris': its destination port must be the probe's; with our own source address, the source port and
 * checksum must be as sent; with another (a stateless NAT), either the checksum or the IP ID must give the
 * probe's number.
 */
final class MultipathUdpIdentity implements MultipathIdentity {
    static final Method METHOD = new Method("udp", "tracecap", "udp-checksum");
    /** Checksum {@code n + 1} must fit 16 bits. */
    static final int MAX_PROBES = 0xffff;

    private final int basePort;
    private final int flows;
    private final int sourcePort;
    private final int ipIdBase;

    /**
     * @param basePort   flow 0's destination port
     * @param flows      how many flows may be used: destination ports {@code basePort..basePort + flows - 1}
     * @param sourcePort the source port of every probe
     * @param ipIdBase   the IP ID of probe 0
     */
    MultipathUdpIdentity(int basePort, int flows, int sourcePort, int ipIdBase) {
        UdpProbeIdentity.checkFlow(sourcePort, basePort, 1, 1, ipIdBase);
        if (flows < 1 || basePort + flows - 1 > 0xffff) {
            throw new IllegalArgumentException(flows + " flows from port " + basePort + " pass 65535");
        }
        this.basePort = basePort;
        this.flows = flows;
        this.sourcePort = sourcePort;
        this.ipIdBase = ipIdBase;
    }

    int sourcePort() {
        return sourcePort;
    }

    @Override
    public Method method() {
        return METHOD;
    }

    @Override
    public int protocol() {
        return IpProtocol.UDP;
    }

    @Override
    public int maxProbes() {
        return MAX_PROBES;
    }

    @Override
    public SentProbe write(int n, int flow, ProbeIdentity.Envelope e, byte[] buf, long timeNanos) {
        int dport = destinationPort(flow);
        ProbeEncoder.UdpProbe udp = new ProbeEncoder.UdpProbe(e.destinationMac(), e.sourceMac(), e.source().ipv4(),
                e.destination().ipv4(), e.ttl(), ipId(n), e.tos(), e.dontFragment(), e.totalLength(), sourcePort, dport,
                udpChecksum(n), null);
        if (e.destinationMac() != null) {
            ProbeEncoder.encode(udp, buf, 0);
        } else {
            ProbeEncoder.encodeIp(udp, buf, 0);
        }
        int checksum = Bytes.u16(buf, e.linkHeader() + ProbeEncoder.IPV4_HEADER + 6);
        return new SentProbe(timeNanos, e.source(), e.destination(), IpProtocol.UDP, e.ttl(), ipId(n),
                e.totalLength(), e.tos(), sourcePort, dport, 0, 0, checksum, 0);
    }

    int destinationPort(int flow) {
        if (flow < 0 || flow >= flows) {
            throw new IllegalArgumentException("flow " + flow + " outside 0.." + (flows - 1));
        }
        return basePort + flow;
    }

    int ipId(int sequence) {
        return (ipIdBase + sequence) & 0xffff;
    }

    /** The checksum probe {@code sequence} carries: {@code n + 1} (a UDP checksum of 0 means "none", RFC 768). */
    int udpChecksum(int sequence) {
        return sequence + 1;
    }

    @Override
    public int sequenceOf(SentProbe probe) {
        if (probe.sourcePort() != sourcePort || probe.destinationPort() < basePort
                || probe.destinationPort() >= basePort + flows) {
            return -1;
        }
        int n = probe.checksum() - 1;
        return n >= 0 && n < MAX_PROBES && probe.ipId() == ipId(n) ? n : -1;
    }

    @Override
    public boolean owns(QuotedProbe quote, SentProbe probe) {
        int n = sequenceOf(probe);
        if (n < 0 || quote.destinationPort() != probe.destinationPort()) {
            return false;
        }
        if (quote.source().equals(probe.source())) {
            return quote.sourcePort() == sourcePort && quote.checksum() == n + 1;
        }
        return quote.checksum() == n + 1 || quote.ipId() == ipId(n);
    }
}
