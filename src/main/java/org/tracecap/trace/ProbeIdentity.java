package org.tracecap.trace;

import org.tracecap.match.QuotedProbe;
import org.tracecap.match.SentProbe;
import org.tracecap.model.Method;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.ProbeEncoder;

/**
 * How one trace's probes are told apart, and recognised again: the part of a probing method that a new
 * method (Paris with a fixed flow and the UDP checksum as identity, Dublin with the IP ID) replaces.
 * Probes are numbered 0, 1, 2... in the order the scheduler plans them (TTL order, see {@link Tracer}); an
 * identity names its protocol, writes probe {@code n} with the header fields that carry its number
 * ({@link #write}), and maps the fields of a captured probe or of a quote back to the number. Addresses are
 * checked by the tracer, not here; which answer (ICMP error, Echo Reply, TCP SYN-ACK or RST) goes with which
 * probe is the {@link org.tracecap.match.ProbeTable}'s rule, by the fields the identity wrote.
 *
 * <p>One class per method: {@link ClassicUdpIdentity}, {@link ParisUdpIdentity}, {@link DublinUdpIdentity},
 * {@link FixedPortUdpIdentity} ({@code -U}), {@link IcmpEchoIdentity} ({@code -I}), {@link ParisIcmpIdentity}
 * ({@code -I --method paris}) and {@link TcpSynIdentity} ({@code -T}).
 */
public interface ProbeIdentity {

    /** The UDP header fields that carry a UDP probe's identity ({@link UdpProbeIdentity#fields}). */
    record ProbeFields(int sourcePort, int destinationPort, int ipId, int udpChecksum) {
    }

    /**
     * What every probe of a trace shares, filled in by the tracer: the link header (both MACs null for none),
     * the addresses, and TTL, TOS, DF and the IP total length asked for (a TCP SYN has its own length).
     */
    record Envelope(byte[] destinationMac, byte[] sourceMac, IpAddress source, IpAddress destination, int ttl,
                    int tos, boolean dontFragment, int totalLength) {
        /** The link header's length: 14 for Ethernet, 0 for none. */
        public int linkHeader() {
            return destinationMac != null ? ProbeEncoder.ETHERNET_HEADER : 0;
        }
    }

    /** What the trace reports as its method (protocol, tool, the field that tells probes apart). */
    Method method();

    /** The IP protocol of every probe ({@link org.tracecap.packet.IpProtocol}). */
    int protocol();

    /**
     * Writes probe {@code sequence} in {@code envelope} at the start of {@code buf} (room for the link header
     * and {@code max(totalLength, 60)} bytes) and returns it as sent at {@code timeNanos}; the frame's length
     * is {@code envelope.linkHeader() + probe.totalLength()}.
     */
    SentProbe write(int sequence, Envelope envelope, byte[] buf, long timeNanos);

    /** The number of a captured probe if it is one of this trace's (its own send, echoed by the capture), else -1. */
    int sequenceOf(SentProbe probe);

    /**
     * Whether {@code quote} carries this trace's identity for {@code probe}, the probe the
     * {@link org.tracecap.match.ProbeTable} attributed it to. The table's relaxed rules (NAT fallbacks) may
     * hand over another trace's reply that shares a flow with one of ours; this check turns it away.
     */
    boolean owns(QuotedProbe quote, SentProbe probe);
}
