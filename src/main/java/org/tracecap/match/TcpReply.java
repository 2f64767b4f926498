package org.tracecap.match;

import org.tracecap.packet.IpAddress;

/**
 * An incoming TCP segment that answers a TCP SYN probe: SYN-ACK (port open) or RST (port closed).
 * It answers the probe whose ports are swapped and whose sequence number is {@code acknowledgment - 1}.
 */
public record TcpReply(
        long timeNanos,
        IpAddress source,
        IpAddress destination,
        int replyTtl,
        int totalLength,
        int sourcePort,
        int destinationPort,
        long sequence,
        long acknowledgment,
        int flags) implements Classified {

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int ACK = 0x10;
}
