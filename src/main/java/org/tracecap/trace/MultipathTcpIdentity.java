package org.tracecap.trace;

import org.tracecap.match.QuotedProbe;
import org.tracecap.match.SentProbe;
import org.tracecap.model.Method;
import org.tracecap.packet.Bytes;
import org.tracecap.packet.IpProtocol;
import org.tracecap.packet.Ipv4ProbeEncoder;
import org.tracecap.packet.ProbeEncoder;

/**
 * The probes of a {@code --multipath -T} run: flow {@code f} is the 5-tuple from source port
 * {@code sourcePort + f} to the one destination port (as scamper tracelb's {@code tcp} method varies the
 * source port), and probe {@code n}, whatever its flow, is told apart as in {@link TcpSynIdentity}: sequence
 * number {@code sequenceBase + n} (mod 2^32) and IP ID {@code ipIdBase + n} (mod 2^16). A quote is the run's
 * when it carries the destination port and the probe's sequence number, and, with our own quoted source
 * address, the probe's source port; with another (a NAT), the sequence or the IP ID must give the number.
 */
final class MultipathTcpIdentity implements MultipathIdentity {
    static final Method METHOD = new Method("tcp", "tracecap", "tcp-sequence");
    /** IP IDs must not repeat. */
    static final int MAX_PROBES = 0x10000;

    private final int destinationPort;
    private final int flows;
    private final int sourcePort;
    private final long sequenceBase;
    private final int ipIdBase;

    /**
     * @param destinationPort every probe's destination port
     * @param flows           how many flows: source ports {@code sourcePort..sourcePort + flows - 1}
     * @param sourcePort      flow 0's source port
     * @param sequenceBase    probe 0's sequence number
     * @param ipIdBase        probe 0's IP ID
     */
    MultipathTcpIdentity(int destinationPort, int flows, int sourcePort, long sequenceBase, int ipIdBase) {
        UdpProbeIdentity.checkFlow(sourcePort, destinationPort, 1, 1, ipIdBase);
        if (flows < 1 || (long) sourcePort + flows - 1 > 0xffff) {
            throw new IllegalArgumentException(flows + " flows from source port " + sourcePort + " pass 65535");
        }
        this.destinationPort = destinationPort;
        this.flows = flows;
        this.sourcePort = sourcePort;
        this.sequenceBase = sequenceBase & 0xffffffffL;
        this.ipIdBase = ipIdBase;
    }

    @Override
    public Method method() {
        return METHOD;
    }

    @Override
    public int protocol() {
        return IpProtocol.TCP;
    }

    @Override
    public int maxProbes() {
        return MAX_PROBES;
    }

    long tcpSequence(int n) {
        return (sequenceBase + n) & 0xffffffffL;
    }

    int ipId(int n) {
        return (ipIdBase + n) & 0xffff;
    }

    @Override
    public SentProbe write(int n, int flow, ProbeIdentity.Envelope e, byte[] buf, long timeNanos) {
        if (flow < 0 || flow >= flows || n < 0 || n >= MAX_PROBES) {
            throw new IllegalArgumentException("flow " + flow + " or probe " + n + " out of range");
        }
        int sport = sourcePort + flow;
        Ipv4ProbeEncoder.encode(new Ipv4ProbeEncoder.SynProbe(e.destinationMac(), e.sourceMac(), e.source().ipv4(),
                e.destination().ipv4(), e.ttl(), ipId(n), e.tos(), e.dontFragment(), sport, destinationPort, tcpSequence(n),
                n + 1L), buf, 0);
        int checksum = Bytes.u16(buf, e.linkHeader() + ProbeEncoder.IPV4_HEADER + 16);
        return new SentProbe(timeNanos, e.source(), e.destination(), IpProtocol.TCP, e.ttl(), ipId(n),
                Ipv4ProbeEncoder.SYN_TOTAL_LENGTH, e.tos(), sport, destinationPort, 0, 0, checksum, tcpSequence(n));
    }

    @Override
    public int sequenceOf(SentProbe probe) {
        int flow = probe.sourcePort() - sourcePort;
        if (probe.protocol() != IpProtocol.TCP || probe.destinationPort() != destinationPort || flow < 0
                || flow >= flows) {
            return -1;
        }
        int n = number(probe.tcpSequence());
        return n >= 0 && probe.ipId() == ipId(n) ? n : -1;
    }

    @Override
    public boolean owns(QuotedProbe quote, SentProbe probe) {
        int n = sequenceOf(probe);
        if (n < 0 || quote.protocol() != IpProtocol.TCP || quote.destinationPort() != destinationPort) {
            return false;
        }
        if (quote.source().equals(probe.source())) {
            return quote.sourcePort() == probe.sourcePort() && quote.tcpSequence() == tcpSequence(n);
        }
        return number(quote.tcpSequence()) == n || quote.ipId() == ipId(n);
    }

    private int number(long sequence) {
        long n = (sequence - sequenceBase) & 0xffffffffL;
        return n < MAX_PROBES ? (int) n : -1;
    }
}
