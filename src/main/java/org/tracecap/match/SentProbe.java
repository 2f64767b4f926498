package org.tracecap.match;

import org.tracecap.packet.IpAddress;

/**
 * An outgoing IPv4 or IPv6 packet that may be a traceroute probe: UDP, ICMP or ICMPv6 Echo Request, or TCP
 * SYN. Whether it is one is known only once something quotes or answers it. IPv6 has no IP ID: an IPv6 probe
 * carries the low 16 bits of its Fragment header's identification there when it has one, else 0, and its
 * flow label in {@code flowLabel} (0 for IPv4).
 *
 * @param timeNanos       capture time, nanoseconds since the Unix epoch
 * @param source          IP source
 * @param destination     IP destination
 * @param protocol        {@link org.tracecap.packet.IpProtocol} number
 * @param ttl             IP TTL (IPv6 hop limit) as sent
 * @param ipId            IP identification; IPv6: the fragment identification's low 16 bits, 0 when not fragmented
 * @param totalLength     IP total length; IPv6: 40 + payload length
 * @param tos             IP type of service byte; IPv6: the traffic class
 * @param sourcePort      UDP/TCP source port; 0 for ICMP
 * @param destinationPort UDP/TCP destination port; 0 for ICMP
 * @param icmpId          Echo identifier; 0 for UDP/TCP
 * @param icmpSequence    Echo sequence; 0 for UDP/TCP
 * @param checksum        the L4 checksum (UDP, ICMP or TCP) the probe left the host with: the field as
 *                        captured, or, when the capture holds a partial checksum (transmit checksum offload)
 *                        and the whole segment, the checksum worked out from it
 *                        ({@link org.tracecap.packet.Checksum#offloaded})
 * @param tcpSequence     TCP sequence number; 0 for UDP/ICMP
 * @param capturedChecksum the checksum field as captured (equal to {@code checksum} unless completed)
 * @param checksumState   {@link #CHECKSUM_AS_CAPTURED}, {@link #CHECKSUM_COMPLETED} or {@link #CHECKSUM_PARTIAL}
 * @param payloadHead     the first 4 bytes of the payload after the UDP, ICMP Echo or TCP header, big-endian,
 *                        missing bytes read as 0 ({@link ProbePayload#head}); with the flags, what a replay tells
 *                        the tools apart by (org.tracecap.replay.ToolRecognizer)
 * @param payloadFlags    {@link #DONT_FRAGMENT} (the IP DF flag) and {@link #ZERO_TAIL} ({@link ProbePayload#flags});
 *                        0 when not known (a probe built by a live trace)
 * @param flowLabel       the IPv6 flow label (RFC 6437), part of the flow: Paris-style tools keep it fixed, Linux
 *                        hashes it for ECMP; 0 for IPv4
 */
public record SentProbe(
        long timeNanos,
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
        int capturedChecksum,
        int checksumState,
        int payloadHead,
        int payloadFlags,
        int flowLabel) implements Classified {

    /** The captured checksum field is what the probe left with. */
    public static final int CHECKSUM_AS_CAPTURED = 0;
    /** The captured field was a partial checksum; {@code checksum} is the real one, worked out from the bytes. */
    public static final int CHECKSUM_COMPLETED = 1;
    /**
     * The captured field was a partial checksum and the segment was not captured whole: the real checksum is
     * unknown, {@code checksum} holds the partial one (which only a path that never completes it quotes).
     */
    public static final int CHECKSUM_PARTIAL = 2;

    /** {@link #payloadFlags} bit: the IP Don't Fragment flag was set. */
    public static final int DONT_FRAGMENT = 1;
    /** {@link #payloadFlags} bit: the payload's bytes from its third to the last captured one are all zero. */
    public static final int ZERO_TAIL = 2;

    /** An IPv4 probe (flow label 0). */
    public SentProbe(long timeNanos, IpAddress source, IpAddress destination, int protocol, int ttl, int ipId,
            int totalLength, int tos, int sourcePort, int destinationPort, int icmpId, int icmpSequence, int checksum,
            long tcpSequence, int capturedChecksum, int checksumState, int payloadHead, int payloadFlags) {
        this(timeNanos, source, destination, protocol, ttl, ipId, totalLength, tos, sourcePort, destinationPort,
                icmpId, icmpSequence, checksum, tcpSequence, capturedChecksum, checksumState, payloadHead,
                payloadFlags, 0);
    }

    /**
     * A probe whose checksum is the field as captured (no offload) and whose payload was not looked at
     * ({@link #payloadHead} and {@link #payloadFlags} 0).
     */
    public SentProbe(long timeNanos, IpAddress source, IpAddress destination, int protocol, int ttl, int ipId,
            int totalLength, int tos, int sourcePort, int destinationPort, int icmpId, int icmpSequence, int checksum,
            long tcpSequence) {
        this(timeNanos, source, destination, protocol, ttl, ipId, totalLength, tos, sourcePort, destinationPort,
                icmpId, icmpSequence, checksum, tcpSequence, checksum, CHECKSUM_AS_CAPTURED, 0, 0);
    }

    /**
     * Whether a quote names this probe's IP identification and flow label (what IPv6 has in place of the IP ID;
     * both 0 for an IPv4 probe's flow label and an unfragmented IPv6 probe's identification).
     */
    public boolean sameIdentification(QuotedProbe q) {
        return ipId == q.ipId() && flowLabel == q.flowLabel();
    }

    public boolean dontFragment() {
        return (payloadFlags & DONT_FRAGMENT) != 0;
    }

    /** True when the payload past its first two bytes is all zero (as far as it was captured). */
    public boolean zeroTail() {
        return (payloadFlags & ZERO_TAIL) != 0;
    }

    /** Whether the captured checksum field was a partial checksum (transmit checksum offload). */
    public boolean checksumPartial() {
        return checksumState != CHECKSUM_AS_CAPTURED;
    }

    /** Whether {@link #checksum()} is the checksum the probe left with (false: a partial one, real unknown). */
    public boolean checksumKnown() {
        return checksumState != CHECKSUM_PARTIAL;
    }

    /**
     * Whether a quote's checksum is this probe's unchanged: the one it left with, or the partial one as
     * captured (a virtual link never completes it, and the routers behind it quote it as it is).
     */
    public boolean checksumQuotedUnchanged(int quoted) {
        return quoted == checksum || (checksumPartial() && quoted == capturedChecksum);
    }
}
