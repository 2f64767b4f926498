package org.tracecap.trace;

import org.tracecap.model.Method;

/**
 * UDP to one destination port ({@code -U}, default 53, as Linux traceroute's {@code -U}: its "udp" module
 * sends every probe to the one port from a socket of its own, so each probe leaves from another source port).
 * Probe {@code n} goes from source port {@code sourcePort + n} to the fixed port, with IP ID
 * {@code ipIdBase + n} (mod 2^16) and its natural checksum: the probes are told apart by the source port.
 *
 * <p>A quote is this trace's when it carries the fixed destination port and the probe's source port and IP ID,
 * and, with our own quoted source address, the probe's checksum (RFC 768's pseudo-header: it cannot change
 * unless the addresses do). Linux NAT translates a quote back to the original ports
 * (nf_nat_icmp_reply_translation).
 */
public final class FixedPortUdpIdentity extends PortNumberedUdpIdentity {
    private static final Method METHOD = new Method("udp", "tracecap", "udp-source-port");

    /**
     * @param destinationPort the port every probe goes to
     * @param count           how many probes the trace may send; {@code sourcePort + count - 1} must be a port
     * @param sourcePort      source port of probe 0
     * @param ipIdBase        IP ID of probe 0
     */
    public FixedPortUdpIdentity(int destinationPort, int count, int sourcePort, int ipIdBase) {
        super(METHOD, destinationPort, count, sourcePort, ipIdBase);
        checkFlow(sourcePort, destinationPort, count, 0xffff, ipIdBase);
        if ((long) sourcePort + count - 1 > 0xffff) {
            throw new IllegalArgumentException("source ports " + sourcePort + "+" + count + " pass 65535");
        }
    }

    /** Probe {@code sequence} leaves from {@code sourcePort + sequence}. */
    @Override
    int sourcePort(int sequence) {
        return sourcePort + sequence;
    }

    @Override
    int sequence(int sport, int dport, int ipId) {
        int n = sport - sourcePort;
        if (dport != destinationPort || n < 0 || n >= count || ipId != ipId(n)) {
            return -1;
        }
        return n;
    }
}
