package org.tracecap.trace;

import org.tracecap.match.QuotedProbe;
import org.tracecap.match.SentProbe;
import org.tracecap.model.Method;
import org.tracecap.packet.Bytes;
import org.tracecap.packet.IpProtocol;
import org.tracecap.packet.Ipv4ProbeEncoder;
import org.tracecap.packet.ProbeEncoder;

/**
 * TCP SYN probes ({@code -T}, as tcptraceroute and Paris traceroute's tcp method): every probe of a trace
 * goes from one source port to the destination port ({@code -p}, 80 by default), so the 5-tuple is fixed and a
 * per-flow load balancer sends them all down one path (this identity serves {@code --method paris} too);
 * probe {@code n} is told apart by its sequence number {@code sequenceBase + n} (mod 2^32) and its IP ID
 * {@code ipIdBase + n} (mod 2^16), two fields no flow hash reads. The probe is 60 bytes: a SYN with Linux's
 * options ({@link Ipv4ProbeEncoder.SynProbe}).
 *
 * <p>A router's Time Exceeded quotes the first 8 bytes of the segment: ports and sequence number (RFC 792).
 * The destination answers with a SYN-ACK (port open) or a RST (closed) whose acknowledgment is the probe's
 * sequence + 1 (RFC 9293 3.10.7.2), which is how the {@link org.tracecap.match.ProbeTable} pairs them.
 * A quote is this trace's when it carries the destination port and the probe's sequence number, and, with
 * our own quoted source address, the trace's source port; with another (a NAT that rewrote the source and did
 * not translate the quote back), the sequence or the IP ID must give the probe's number.
 */
public final class TcpSynIdentity implements ProbeIdentity {
    private static final Method METHOD = new Method("tcp", "tracecap", "tcp-sequence");

    private final int destinationPort;
    private final int count;
    private final int sourcePort;
    private final long sequenceBase;
    private final int ipIdBase;

    /**
     * @param destinationPort the port every SYN goes to
     * @param count           how many probes the trace may send, 1..65536 (IP IDs must not repeat)
     * @param sourcePort      the port every SYN leaves from
     * @param sequenceBase    probe 0's sequence number, 0..2^32-1
     * @param ipIdBase        probe 0's IP ID
     */
    public TcpSynIdentity(int destinationPort, int count, int sourcePort, long sequenceBase, int ipIdBase) {
        UdpProbeIdentity.checkFlow(sourcePort, destinationPort, count, 0x10000, ipIdBase);
        if (sequenceBase < 0 || sequenceBase > 0xffffffffL) {
            throw new IllegalArgumentException("sequence base " + sequenceBase + " outside 0..2^32-1");
        }
        this.destinationPort = destinationPort;
        this.count = count;
        this.sourcePort = sourcePort;
        this.sequenceBase = sequenceBase;
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

    /** The sequence number of probe {@code n}. */
    public long tcpSequence(int n) {
        return (sequenceBase + n) & 0xffffffffL;
    }

    /** The IP ID of probe {@code n}. */
    public int ipId(int n) {
        return (ipIdBase + n) & 0xffff;
    }

    @Override
    public SentProbe write(int n, Envelope e, byte[] buf, long timeNanos) {
        if (n < 0 || n >= count) {
            throw new IllegalArgumentException("probe " + n + " outside 0.." + (count - 1));
        }
        // The timestamp option's value is the probe's number + 1: any value does, a SYN's echo is 0.
        Ipv4ProbeEncoder.SynProbe p = new Ipv4ProbeEncoder.SynProbe(e.destinationMac(), e.sourceMac(), e.source().ipv4(),
                e.destination().ipv4(), e.ttl(), ipId(n), e.tos(), e.dontFragment(), sourcePort, destinationPort,
                tcpSequence(n), n + 1L);
        Ipv4ProbeEncoder.encode(p, buf, 0);
        int checksum = Bytes.u16(buf, e.linkHeader() + ProbeEncoder.IPV4_HEADER + 16);
        return new SentProbe(timeNanos, e.source(), e.destination(), IpProtocol.TCP, e.ttl(), ipId(n),
                Ipv4ProbeEncoder.SYN_TOTAL_LENGTH, e.tos(), sourcePort, destinationPort, 0, 0, checksum, tcpSequence(n));
    }

    @Override
    public int sequenceOf(SentProbe probe) {
        if (probe.protocol() != IpProtocol.TCP || probe.sourcePort() != sourcePort
                || probe.destinationPort() != destinationPort) {
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
            return quote.sourcePort() == sourcePort && quote.tcpSequence() == tcpSequence(n);
        }
        return number(quote.tcpSequence()) == n || quote.ipId() == ipId(n);
    }

    private int number(long sequence) {
        long n = (sequence - sequenceBase) & 0xffffffffL;
        return n < count ? (int) n : -1;
    }
}
