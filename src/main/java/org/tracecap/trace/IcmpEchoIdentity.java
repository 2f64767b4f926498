package org.tracecap.trace;

import org.tracecap.match.QuotedProbe;
import org.tracecap.match.SentProbe;
import org.tracecap.model.Method;
import org.tracecap.packet.Bytes;
import org.tracecap.packet.IpProtocol;
import org.tracecap.packet.Ipv4ProbeEncoder;
import org.tracecap.packet.ProbeEncoder;

/**
 * ICMP Echo probes as Linux traceroute {@code -I} sends them: one identifier for the trace, probe {@code n}
 * with sequence number {@code firstSequence + n} and IP ID {@code ipIdBase + n} (both mod 2^16), its natural
 * checksum. The destination's Echo Reply (same identifier and sequence, RFC 792) answers the probe; a router's
 * Time Exceeded quotes it, identifier and sequence included. A per-flow load balancer that hashes the first 4
 * bytes of the ICMP header (type, code, checksum: Augustin et al., IMC 2006) sees a new checksum per probe and
 * may spread one TTL's probes over several routers; {@link ParisIcmpIdentity} holds the checksum.
 *
 * <p>A quote is this trace's when it carries the probe's sequence number and, with our own quoted source
 * address, the trace's identifier and the probe's checksum; with another source (a NAT that rewrote the
 * identifier, as Linux NAT does for ICMP, and did not translate the quote back), the sequence or the IP ID.
 */
public class IcmpEchoIdentity implements ProbeIdentity {
    private static final Method METHOD = new Method("icmp", "tracecap", "icmp-sequence");

    private final Method method;
    private final int identifier;
    private final int firstSequence;
    private final int count;
    private final int ipIdBase;

    /**
     * @param identifier    the trace's Echo identifier
     * @param firstSequence probe 0's sequence number ({@code -p}, 1 by default as traceroute)
     * @param count         how many probes the trace may send, 1..65536 (sequence numbers must not repeat)
     * @param ipIdBase      probe 0's IP ID
     */
    public IcmpEchoIdentity(int identifier, int firstSequence, int count, int ipIdBase) {
        this(METHOD, identifier, firstSequence, count, ipIdBase);
    }

    IcmpEchoIdentity(Method method, int identifier, int firstSequence, int count, int ipIdBase) {
        if (identifier < 0 || identifier > 0xffff || firstSequence < 0 || firstSequence > 0xffff
                || ipIdBase < 0 || ipIdBase > 0xffff || count < 1 || count > 0x10000) {
            throw new IllegalArgumentException("identifier " + identifier + ", first sequence " + firstSequence
                    + ", IP ID base " + ipIdBase + " or probe count " + count + " out of range");
        }
        this.method = method;
        this.identifier = identifier;
        this.firstSequence = firstSequence;
        this.count = count;
        this.ipIdBase = ipIdBase;
    }

    @Override
    public final Method method() {
        return method;
    }

    @Override
    public final int protocol() {
        return IpProtocol.ICMP;
    }

    /** The trace's Echo identifier. */
    public final int identifier() {
        return identifier;
    }

    /** The sequence number of probe {@code n}. */
    public final int icmpSequence(int n) {
        return (firstSequence + n) & 0xffff;
    }

    /** The IP ID of probe {@code n}. */
    public final int ipId(int n) {
        return (ipIdBase + n) & 0xffff;
    }

    /** The checksum field to hold for probe {@code n}, or {@link ProbeEncoder#NATURAL_CHECKSUM}. */
    int checksum(int n) {
        return ProbeEncoder.NATURAL_CHECKSUM;
    }

    @Override
    public final SentProbe write(int n, Envelope e, byte[] buf, long timeNanos) {
        if (n < 0 || n >= count) {
            throw new IllegalArgumentException("probe " + n + " outside 0.." + (count - 1));
        }
        Ipv4ProbeEncoder.EchoProbe p = new Ipv4ProbeEncoder.EchoProbe(e.destinationMac(), e.sourceMac(), e.source().ipv4(),
                e.destination().ipv4(), e.ttl(), ipId(n), e.tos(), e.dontFragment(), e.totalLength(), identifier,
                icmpSequence(n), checksum(n));
        Ipv4ProbeEncoder.encode(p, buf, 0);
        int checksum = Bytes.u16(buf, e.linkHeader() + ProbeEncoder.IPV4_HEADER + 2);
        return new SentProbe(timeNanos, e.source(), e.destination(), IpProtocol.ICMP, e.ttl(), ipId(n),
                e.totalLength(), e.tos(), 0, 0, identifier, icmpSequence(n), checksum, 0);
    }

    @Override
    public final int sequenceOf(SentProbe probe) {
        if (probe.protocol() != IpProtocol.ICMP || probe.icmpId() != identifier) {
            return -1;
        }
        int n = number(probe.icmpSequence());
        return n >= 0 && probe.ipId() == ipId(n) ? n : -1;
    }

    @Override
    public final boolean owns(QuotedProbe quote, SentProbe probe) {
        int n = sequenceOf(probe);
        if (n < 0 || quote.protocol() != IpProtocol.ICMP) {
            return false;
        }
        if (quote.source().equals(probe.source())) {
            // Nothing rewrote the addresses, so nothing had cause to touch the identifier or the checksum.
            return quote.icmpId() == identifier && quote.icmpSequence() == icmpSequence(n)
                    && probe.checksumQuotedUnchanged(quote.checksum());
        }
        return quote.icmpSequence() == icmpSequence(n) || quote.ipId() == ipId(n);
    }

    private int number(int sequence) {
        int n = (sequence - firstSequence) & 0xffff;
        return n < count ? n : -1;
    }

}
