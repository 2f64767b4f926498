package org.tracecap.match;

/**
 * An outgoing IPv4 packet that may be a traceroute probe: UDP, ICMP Echo Request, or TCP SYN. Whether it
 * is one is known only once something quotes or answers it.
 *
 * @param timeNanos       capture time, nanoseconds since the Unix epoch
 * @param source          IPv4 source (as int)
 * @param destination     IPv4 destination (as int)
 * @param protocol        {@link org.tracecap.packet.IpProtocol} number
 * @param ttl             IP TTL as sent
 * @param ipId            IP identification
 * @param totalLength     IP total length
 * @param tos             IP type of service byte
 * @param sourcePort      UDP/TCP source port; 0 for ICMP
 * @param destinationPort UDP/TCP destination port; 0 for ICMP
 * @param icmpId          Echo identifier; 0 for UDP/TCP
 * @param icmpSequence    Echo sequence; 0 for UDP/TCP
 * @param checksum        the L4 checksum field as sent (UDP, ICMP or TCP)
 * @param tcpSequence     TCP sequence number; 0 for UDP/ICMP
 */
public record SentProbe(
        long timeNanos,
        int source,
        int destination,
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
        long tcpSequence) implements Classified {
}
