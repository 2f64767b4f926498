package org.tracecap.model;

import java.util.List;
import org.tracecap.packet.IcmpExtension;

/**
 * One probe and what came back for it. Fields of the reply are null when no reply was attributed
 * ({@code *} in the text output); fields that do not apply to the probe's protocol are null too.
 *
 * @param ttl               the probe's IP TTL
 * @param sendTimeNanos     capture time of the probe, nanoseconds since the Unix epoch
 * @param ipId              the probe's IP identification
 * @param sourcePort        UDP/TCP source port, null for ICMP
 * @param destinationPort   UDP/TCP destination port, null for ICMP
 * @param icmpId            ICMP Echo identifier, null for UDP/TCP
 * @param icmpSequence      ICMP Echo sequence number, null for UDP/TCP
 * @param udpChecksum       the probe's UDP checksum as sent, null for ICMP/TCP
 * @param size              the probe's IP total length in bytes
 * @param rttNanos          reply capture time minus probe capture time, null when unanswered
 * @param responder         the reply's IPv4 source address (as int), null when unanswered
 * @param icmpType          the reply's ICMP type, null when unanswered or the reply was TCP
 * @param icmpCode          the reply's ICMP code, null when unanswered or the reply was TCP
 * @param tcpFlags          the flags of a TCP reply (SYN-ACK or RST), null otherwise
 * @param annotation        traceroute's annotation ({@code !H}, {@code !X}, ...), "" when none, null when unanswered
 * @param replyTtl          the IP TTL of the reply as received
 * @param quotedTtl         the TTL of the probe as quoted in the ICMP error (1 at the router that dropped it)
 * @param quotedIpId        the IP identification as quoted
 * @param quotedUdpChecksum the UDP checksum as quoted (differs from {@code udpChecksum} behind a NAT)
 * @param replySize         the reply's IP total length in bytes
 * @param extensions        RFC 4884 extension objects of the reply (MPLS decoded per RFC 4950), empty when none
 */
public record ProbeResult(
        int ttl,
        long sendTimeNanos,
        int ipId,
        Integer sourcePort,
        Integer destinationPort,
        Integer icmpId,
        Integer icmpSequence,
        Integer udpChecksum,
        int size,
        Long rttNanos,
        Integer responder,
        Integer icmpType,
        Integer icmpCode,
        Integer tcpFlags,
        String annotation,
        Integer replyTtl,
        Integer quotedTtl,
        Integer quotedIpId,
        Integer quotedUdpChecksum,
        Integer replySize,
        List<IcmpExtension> extensions) {

    public ProbeResult {
        extensions = extensions == null ? List.of() : List.copyOf(extensions);
    }

    public boolean answered() {
        return responder != null;
    }

    /** RTT in milliseconds, null when unanswered. */
    public Double rttMillis() {
        return rttNanos == null ? null : rttNanos / 1_000_000.0;
    }
}
