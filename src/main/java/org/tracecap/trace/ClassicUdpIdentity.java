package org.tracecap.trace;

import org.tracecap.model.Method;

/**
 * Classic UDP probes: probe {@code n} goes to destination port {@code basePort + n} (so per-flow load
 * balancers may send probes of one TTL to different routers), from one source port per trace, with IP ID
 * {@code ipIdBase + n} (mod 2^16) and its natural UDP checksum.
 *
 * <p>A quote is this trace's when it carries the trace's source port and the probe's destination port and
 * IP ID. The source port alone tells two traces apart in the usual case; the IP ID still does when two
 * traces share a source port (asked for with {@code --sport}), unless their random IP ID bases collide
 * (one chance in 65536). Linux NAT rewrites a quote back to the original ports on the way back
 * (nf_nat_icmp_reply_translation), so requiring them costs nothing behind a NAT.
 */
public final class ClassicUdpIdentity extends PortNumberedUdpIdentity {
    private static final Method METHOD = new Method("udp", "tracecap", "udp-destination-port");

    /**
     * @param basePort   destination port of probe 0
     * @param count      how many probes the trace may send; {@code basePort + count - 1} must be a port
     * @param sourcePort the trace's source port
     * @param ipIdBase   IP ID of probe 0
     */
    public ClassicUdpIdentity(int basePort, int count, int sourcePort, int ipIdBase) {
        super(METHOD, basePort, count, sourcePort, ipIdBase);
        if (basePort < 1 || count < 1 || (long) basePort + count - 1 > 0xffff) {
            throw new IllegalArgumentException("ports " + basePort + "+" + count + " outside 1..65535");
        }
        if (sourcePort < 1 || sourcePort > 0xffff || ipIdBase < NO_IP_ID || ipIdBase > 0xffff) {
            throw new IllegalArgumentException("source port " + sourcePort + " or IP ID base " + ipIdBase
                    + " out of range");
        }
    }

    /** Probe {@code sequence} goes to {@code basePort + sequence}. */
    @Override
    int destinationPort(int sequence) {
        return destinationPort + sequence;
    }

    @Override
    int sequence(int sport, int dport, int ipId) {
        int sequence = dport - destinationPort;
        if (sport != sourcePort || sequence < 0 || sequence >= count || ipId != ipId(sequence)) {
            return -1;
        }
        return sequence;
    }
}
