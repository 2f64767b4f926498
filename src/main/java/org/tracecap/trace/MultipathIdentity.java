package org.tracecap.trace;

import org.tracecap.match.QuotedProbe;
import org.tracecap.match.SentProbe;
import org.tracecap.model.Method;

/**
 * How the probes of a {@link MultipathTracer} run are written and recognised: as a {@link ProbeIdentity}, with
 * a flow beside the probe number. Flow {@code f} is one 5-tuple a per-flow balancer hashes ({@link
 * MultipathUdpIdentity}: destination port {@code base + f}; {@link MultipathTcpIdentity}: source port
 * {@code base + f}; {@link MultipathIcmpIdentity}: Echo identifier {@code base + f} and its held checksum); probe {@code n}, whatever its flow, carries its number where no flow hash reads.
 */
interface MultipathIdentity {
    /** What the run reports as its method. */
    Method method();

    /** The IP protocol of every probe. */
    int protocol();

    /** Writes probe {@code n} of flow {@code flow} as {@link ProbeIdentity#write} does. */
    SentProbe write(int n, int flow, ProbeIdentity.Envelope envelope, byte[] buf, long timeNanos);

    /** The number of a captured probe of this run, else -1. */
    int sequenceOf(SentProbe probe);

    /** Whether {@code quote} carries this run's identity for {@code probe}. */
    boolean owns(QuotedProbe quote, SentProbe probe);

    /** The most probes a run may number. */
    int maxProbes();
}
