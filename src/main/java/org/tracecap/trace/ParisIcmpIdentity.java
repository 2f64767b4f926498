package org.tracecap.trace;

import org.tracecap.model.Method;

/**
 * Paris traceroute's ICMP Echo probes (Augustin et al., "Avoiding traceroute anomalies with Paris traceroute",
 * IMC 2006): a per-flow load balancer that reads ICMP hashes its first 4 bytes (type, code, checksum), so
 * every probe of the trace carries one checksum, held by two data bytes ({@link
 * org.tracecap.packet.Ipv4ProbeEncoder.EchoProbe#checksum()}), and the probes are told apart by the sequence
 * number and IP ID as in {@link IcmpEchoIdentity}, whose matching rules apply. Linux's own multipath hash
 * ({@code fib_multipath_hash}, policy 1) reads no ICMP field but the addresses and protocol, so there every
 * Echo probe to one destination takes one path with or without this.
 */
public final class ParisIcmpIdentity extends IcmpEchoIdentity {
    private static final Method METHOD = new Method("icmp", "tracecap", "icmp-sequence");

    private final int checksum;

    /**
     * @param checksum the checksum every probe carries, 0..0xfffe (the others as {@link IcmpEchoIdentity})
     */
    public ParisIcmpIdentity(int identifier, int firstSequence, int count, int ipIdBase, int checksum) {
        super(METHOD, identifier, firstSequence, count, ipIdBase);
        if (checksum < 0 || checksum > 0xfffe) {
            throw new IllegalArgumentException("checksum " + checksum + " outside 0..0xfffe");
        }
        this.checksum = checksum;
    }

    @Override
    int checksum(int n) {
        return checksum;
    }
}
