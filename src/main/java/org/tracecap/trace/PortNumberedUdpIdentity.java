package org.tracecap.trace;

import org.tracecap.match.QuotedProbe;
import org.tracecap.match.SentProbe;
import org.tracecap.model.Method;
import org.tracecap.packet.ProbeEncoder;

/**
 * The UDP identities that number their probes by a port ({@link ClassicUdpIdentity}: the destination port,
 * {@link FixedPortUdpIdentity}: the source port) and send each with its natural checksum: a subclass says which
 * probe a pair of ports and an IP ID belong to; recognising a captured probe and owning a quote follow from it.
 *
 * <p>A quote is the trace's when its ports and IP ID are the probe's and, with our own quoted source address,
 * the checksum is the probe's unchanged: the UDP checksum covers the addresses (RFC 768 pseudo-header), so it
 * can only change on the way if a NAT rewrote the source, and then the quoted source differs too. Same source,
 * other checksum: not a quote of what we sent (forged, or another prober's packet).
 */
abstract class PortNumberedUdpIdentity extends UdpProbeIdentity {

    PortNumberedUdpIdentity(Method method, int destinationPort, int count, int sourcePort, int ipIdBase) {
        super(method, destinationPort, count, sourcePort, ipIdBase);
    }

    /** The number of the probe these ports and IP ID are, or -1 when they are no probe of this trace. */
    abstract int sequence(int sourcePort, int destinationPort, int ipId);

    @Override
    final int udpChecksum(int sequence) {
        return ProbeEncoder.NATURAL_CHECKSUM;
    }

    @Override
    public final int sequenceOf(SentProbe probe) {
        return sequence(probe.sourcePort(), probe.destinationPort(), probe.ipId());
    }

    @Override
    public final boolean owns(QuotedProbe quote, SentProbe probe) {
        int n = sequence(quote.sourcePort(), quote.destinationPort(), quote.ipId());
        if (n < 0 || n != sequenceOf(probe)) {
            return false;
        }
        return !quote.source().equals(probe.source()) || probe.checksumQuotedUnchanged(quote.checksum());
    }
}
