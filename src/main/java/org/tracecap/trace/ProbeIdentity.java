package org.tracecap.trace;

import org.tracecap.match.QuotedProbe;
import org.tracecap.match.SentProbe;
import org.tracecap.model.Method;

/**
 * How one trace's probes are told apart, and recognised again: the part of a probing method that a new
 * method (Paris with a fixed flow and the UDP checksum as identity, Dublin with the IP ID) replaces.
 * Probes are numbered 0, 1, 2... in the order the scheduler plans them (TTL order, see {@link Tracer}); an
 * identity maps a number to the header fields of that probe, and the fields of a captured probe or of a
 * quote back to the number. Addresses and protocol are checked by the tracer, not here.
 */
public interface ProbeIdentity {

    /** The header fields that carry a probe's identity. */
    record ProbeFields(int sourcePort, int destinationPort, int ipId, int udpChecksum) {
    }

    /** What the trace reports as its method. */
    Method method();

    /**
     * The fields of probe {@code sequence}; {@code udpChecksum} is the checksum field to force
     * ({@link org.tracecap.packet.ProbeEncoder.UdpProbe#checksum()}) or
     * {@link org.tracecap.packet.ProbeEncoder#NATURAL_CHECKSUM}.
     */
    ProbeFields fields(int sequence);

    /** The number of a captured probe if it is one of this trace's (its own send, echoed by the capture), else -1. */
    int sequenceOf(SentProbe probe);

    /**
     * Whether {@code quote} carries this trace's identity for {@code probe}, the probe the
     * {@link org.tracecap.match.ProbeTable} attributed it to. The table's relaxed rules (NAT fallbacks) may
     * hand over another trace's reply that shares a flow with one of ours; this check turns it away.
     */
    boolean owns(QuotedProbe quote, SentProbe probe);
}
