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
 * @param payloadHead     the first 4 bytes of the payload after the UDP, ICMP Echo or TCP header, big-endian,
 *                        missing bytes read as 0 ({@link ProbePayload#head}); with the flags, what a replay tells
 *                        the tools apart by (org.tracecap.replay.ToolRecognizer)
 * @param payloadFlags    {@link #DONT_FRAGMENT} (the IP DF flag) and {@link #ZERO_TAIL} ({@link ProbePayload#flags});
 *                        0 when not known (a probe built by a live trace)
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
        long tcpSequence,
        int payloadHead,
        int payloadFlags) implements Classified {
    /** {@link #payloadFlags} bit: the IP Don't Fragment flag was set. */
    public static final int DONT_FRAGMENT = 1;
    /** {@link #payloadFlags} bit: the payload's bytes from its third to the last captured one are all zero. */
    public static final int ZERO_TAIL = 2;

    /** A probe whose payload was not looked at: {@link #payloadHead} and {@link #payloadFlags} 0. */
    public SentProbe(long timeNanos, int source, int destination, int protocol, int ttl, int ipId, int totalLength,
                     int tos, int sourcePort, int destinationPort, int icmpId, int icmpSequence, int checksum,
                     long tcpSequence) {
        this(timeNanos, source, destination, protocol, ttl, ipId, totalLength, tos, sourcePort, destinationPort,
                icmpId, icmpSequence, checksum, tcpSequence, 0, 0);
    }

    public boolean dontFragment() {
        return (payloadFlags & DONT_FRAGMENT) != 0;
    }

    /** True when the payload past its first two bytes is all zero (as far as it was captured). */
    public boolean zeroTail() {
        return (payloadFlags & ZERO_TAIL) != 0;
    }
}
