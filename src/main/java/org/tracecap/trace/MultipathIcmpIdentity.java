package org.tracecap.trace;

import org.tracecap.match.QuotedProbe;
import org.tracecap.match.SentProbe;
import org.tracecap.model.Method;
import org.tracecap.packet.Bytes;
import org.tracecap.packet.IpProtocol;
import org.tracecap.packet.Ipv4ProbeEncoder;
import org.tracecap.packet.ProbeEncoder;

/**
 * The probes of a {@code --multipath -I} run: flow {@code f} is the Echo identifier {@code identifierBase + f}
 * with one checksum held for the whole flow ({@code checksumBase + f}, mod 0xffff, through two data bytes), the
 * identifier/checksum pair that scamper tracelb's {@code icmp-echo} makes a flow of: a balancer hashing the
 * first 4 ICMP bytes (type, code, checksum) sends each flow one way. Probe {@code n}, whatever its flow, has
 * sequence number {@code n} and IP ID {@code ipIdBase + n} (both mod 2^16). Linux's own multipath hash reads
 * no ICMP field (see {@link ParisIcmpIdentity}), so through Linux routers every flow takes one path.
 *
 * <p>A quote is the run's when it carries the probe's sequence number and, with our own quoted source
 * address, the probe's identifier and checksum; with another (a NAT that rewrote the identifier), the
 * sequence or the IP ID must give the probe's number. The destination's Echo Reply is paired with its probe
 * by the {@link org.tracecap.match.ProbeTable} (identifier and sequence).
 */
final class MultipathIcmpIdentity implements MultipathIdentity {
    static final Method METHOD = new Method("icmp", "tracecap", "icmp-sequence");
    /** Sequence numbers and IP IDs must not repeat. */
    static final int MAX_PROBES = 0x10000;

    private final int flows;
    private final int identifierBase;
    private final int checksumBase;
    private final int ipIdBase;

    /**
     * @param flows          how many flows: identifiers {@code identifierBase..identifierBase + flows - 1}
     * @param identifierBase flow 0's identifier
     * @param checksumBase   flow 0's checksum, 0..0xfffe
     * @param ipIdBase       probe 0's IP ID
     */
    MultipathIcmpIdentity(int flows, int identifierBase, int checksumBase, int ipIdBase) {
        if (flows < 1 || identifierBase < 0 || (long) identifierBase + flows - 1 > 0xffff || checksumBase < 0
                || checksumBase > 0xfffe || ipIdBase < 0 || ipIdBase > 0xffff) {
            throw new IllegalArgumentException(flows + " flows from identifier " + identifierBase + ", checksum "
                    + checksumBase + " or IP ID base " + ipIdBase + " out of range");
        }
        this.flows = flows;
        this.identifierBase = identifierBase;
        this.checksumBase = checksumBase;
        this.ipIdBase = ipIdBase;
    }

    @Override
    public Method method() {
        return METHOD;
    }

    @Override
    public int protocol() {
        return IpProtocol.ICMP;
    }

    @Override
    public int maxProbes() {
        return MAX_PROBES;
    }

    int ipId(int n) {
        return (ipIdBase + n) & 0xffff;
    }

    /** The checksum every probe of flow {@code flow} carries. */
    int checksum(int flow) {
        return (checksumBase + flow) % 0xffff;
    }

    @Override
    public SentProbe write(int n, int flow, ProbeIdentity.Envelope e, byte[] buf, long timeNanos) {
        if (flow < 0 || flow >= flows || n < 0 || n >= MAX_PROBES) {
            throw new IllegalArgumentException("flow " + flow + " or probe " + n + " out of range");
        }
        int identifier = identifierBase + flow;
        Ipv4ProbeEncoder.encode(new Ipv4ProbeEncoder.EchoProbe(e.destinationMac(), e.sourceMac(), e.source().ipv4(),
                e.destination().ipv4(), e.ttl(), ipId(n), e.tos(), e.dontFragment(), e.totalLength(), identifier, n,
                checksum(flow)), buf, 0);
        int checksum = Bytes.u16(buf, e.linkHeader() + ProbeEncoder.IPV4_HEADER + 2);
        return new SentProbe(timeNanos, e.source(), e.destination(), IpProtocol.ICMP, e.ttl(), ipId(n),
                e.totalLength(), e.tos(), 0, 0, identifier, n, checksum, 0);
    }

    @Override
    public int sequenceOf(SentProbe probe) {
        int flow = probe.icmpId() - identifierBase;
        if (probe.protocol() != IpProtocol.ICMP || flow < 0 || flow >= flows) {
            return -1;
        }
        int n = probe.icmpSequence();
        return probe.ipId() == ipId(n) ? n : -1;
    }

    @Override
    public boolean owns(QuotedProbe quote, SentProbe probe) {
        int n = sequenceOf(probe);
        if (n < 0 || quote.protocol() != IpProtocol.ICMP) {
            return false;
        }
        if (quote.source().equals(probe.source())) {
            return quote.icmpId() == probe.icmpId() && quote.icmpSequence() == n
                    && probe.checksumQuotedUnchanged(quote.checksum());
        }
        return quote.icmpSequence() == n || quote.ipId() == ipId(n);
    }
}
