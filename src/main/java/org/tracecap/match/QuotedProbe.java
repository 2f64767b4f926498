package org.tracecap.match;

import org.tracecap.packet.IpAddress;

/**
 * The probe as an ICMP error quotes it: the inner IPv4 header and the first 8 bytes of its payload
 * (RFC 792; Linux quotes up to 576 bytes in all, RFC 1812 4.3.2.3), dissected as Wireshark shows them.
 * Fields mean the same as in {@link SentProbe}; {@code quotedLength} is how many bytes of the probe
 * were quoted (IP header included).
 */
public record QuotedProbe(
        IpAddress source,
        IpAddress destination,
        int protocol,
        int ttl,
        int ipId,
        int totalLength,
        int tos,
        int sourcePort,
        int destinationPort,
        int icmpId,
        int icmpSequence,
        int checksum,
        long tcpSequence,
        int quotedLength) {
}
