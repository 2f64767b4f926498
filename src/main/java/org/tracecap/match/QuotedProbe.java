package org.tracecap.match;

import org.tracecap.packet.IpAddress;

/**
 * The probe as an ICMP error quotes it: the inner IPv4 header and the first 8 bytes of its payload
 * (RFC 792; Linux quotes up to 576 bytes in all, RFC 1812 4.3.2.3), dissected as Wireshark shows them; or as
 * an ICMPv6 error quotes it: the IPv6 header, its extension headers walked ({@code ipId} the low 16 bits of
 * the Fragment header's identification, else 0; {@code flowLabel}), and the transport header (as much of the packet as fits
 * in the minimum MTU of 1280, RFC 4443 section 2.4(c)). A quote cut inside an extension header has no
 * transport: its {@code protocol} is the header it cut (not UDP, TCP or ICMPv6) and its transport fields 0, so
 * it is attributed to no probe. Fields mean the same as in {@link SentProbe}; {@code quotedLength} is how
 * many bytes of the probe were quoted (IP header included).
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
        int quotedLength,
        int flowLabel) {

    /** A quoted IPv4 probe (flow label 0). */
    public QuotedProbe(IpAddress source, IpAddress destination, int protocol, int ttl, int ipId, int totalLength,
            int tos, int sourcePort, int destinationPort, int icmpId, int icmpSequence, int checksum, long tcpSequence,
            int quotedLength) {
        this(source, destination, protocol, ttl, ipId, totalLength, tos, sourcePort, destinationPort, icmpId,
                icmpSequence, checksum, tcpSequence, quotedLength, 0);
    }
}
