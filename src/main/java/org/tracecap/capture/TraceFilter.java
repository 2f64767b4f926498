package org.tracecap.capture;

import org.tracecap.packet.IpAddress;
import org.tracecap.packet.IpProtocol;

/**
 * The BPF filters (pcap-filter(7) syntax) a live trace's capture handle runs in the kernel, one per protocol
 * and family: they keep the trace's own probes and what can answer them, and drop the rest before it costs
 * the capture ring or the reader thread anything ({@link LivePort}).
 */
public final class TraceFilter {
    private TraceFilter() {
    }

    /**
     * The capture filter for a trace from {@code source}: the probes it sends (UDP, TCP, ICMP from it) and
     * what can answer them (ICMP, and TCP with SYN or RST, to it). ICMP errors are matched to probes by their
     * quote, so any ICMP to the source is kept. {@link #of(IpAddress, IpAddress, int, int)} keeps far less.
     */
    public static String of(IpAddress source) {
        if (source.isIpv6()) {
            String src = source.toString();
            return "ip6 and ((src host " + src + " and (udp or tcp or icmp6))"
                    + " or (dst host " + src + " and (icmp6 or (tcp and ip6[53] & 0x06 != 0))))";
        }
        String src = ipv4Text(source);
        return "ip and ((src host " + src + " and (udp or tcp or icmp))"
                + " or (dst host " + src + " and (icmp or (tcp and tcp[tcpflags] & (tcp-syn|tcp-rst) != 0))))";
    }

    /**
     * The capture filter for a UDP trace from {@code source} to {@code destination} whose probes go to the
     * destination ports {@code firstPort..lastPort}: only
     * <ol>
     *   <li>the UDP datagrams {@code source} sends (the probes: their capture time is the send time), and</li>
     *   <li>ICMP Time Exceeded (11) and Destination Unreachable (3) to {@code source} that quote an IPv4 UDP
     *       datagram (quoted version 4, protocol 17) to {@code destination} (quoted destination address, at
     *       ICMP offset 8 + 16) and to a port in the range (the quoted UDP destination port, at ICMP offset
     *       8 + the quoted IP header's length (its IHL x 4, so quoted IP options are read right) + 2).</li>
     * </ol>
     * Everything else (echo replies, TCP, other ICMP, errors about other traffic of the host, and forged
     * errors that quote another destination or a port no probe of this trace uses) is dropped by the kernel,
     * before it takes room in the capture ring or costs the reader thread anything: a flood of such ICMP
     * cannot push out the trace's real replies.
     *
     * <p>The filter looks at the quote's destination side only, not at its source address and port, on purpose:
     * a NAT between the host and the router translates the probe's source address and port, and one that
     * does not translate the quote back leaves its own in it (the quotes {@code NatDetector} and the Dublin
     * and Paris identities must see); a source NAT never changes the destination address and port. The
     * remaining checks (source port, IP ID, checksum, quoted TTL) are the tracer's. A quote whose IP header is
     * cut (less than IHL x 4 + 4 bytes of quote) is dropped: BPF reads past the packet as a reject.
     *
     * @throws IllegalArgumentException a port outside 1..65535 or {@code firstPort > lastPort}
     */
    public static String of(IpAddress source, IpAddress destination, int firstPort, int lastPort) {
        if (firstPort < 1 || lastPort > 0xffff || firstPort > lastPort) {
            throw new IllegalArgumentException("destination ports " + firstPort + ".." + lastPort);
        }
        if (destination.isIpv6()) {
            return ipv6(source, destination, IpProtocol.UDP, firstPort, lastPort);
        }
        String src = ipv4Text(source);
        ipv4Text(destination);
        // Quoted UDP header: ICMP header (8) + quoted IP header (IHL x 4); its destination port 2 bytes in.
        String quotedPort = "icmp[((icmp[8] & 0x0f) << 2) + 10 : 2]";
        // A StringBuilder, not +: the first run of a string concatenation with this many parts spins up
        // StringConcatFactory's method handles, about 30 ms of every live trace's start-up.
        return new StringBuilder(400).append("ip and ((src host ").append(src).append(" and udp)")
                .append(" or (dst host ").append(src).append(" and icmp and (icmp[icmptype] = icmp-timxceed")
                .append(" or icmp[icmptype] = icmp-unreach)")
                .append(" and (icmp[8] & 0xf0) = 0x40 and icmp[17] = 17")
                .append(" and icmp[24:4] = ").append(Integer.toUnsignedString(destination.ipv4()))
                .append(" and ").append(quotedPort).append(" >= ").append(firstPort)
                .append(" and ").append(quotedPort).append(" <= ").append(lastPort).append("))").toString();
    }

    /**
     * The capture filter for a trace from {@code source} to {@code destination} whose probes are of IP protocol
     * {@code protocol}: UDP as {@link #of(IpAddress, IpAddress, int, int)}; ICMP Echo and TCP SYN as
     * below. Each keeps the probes {@code source} sends (their capture time is the send time), the destination's own
     * answer, and ICMP Time Exceeded and Destination Unreachable to {@code source} quoting an IPv4 probe of
     * that protocol to {@code destination}, as the UDP filter does:
     * <ul>
     *   <li>ICMP ({@code -I}): Echo Requests from {@code source}; Echo Replies from {@code destination}; errors
     *       quoting ICMP (quoted protocol 1). The identifier is not filtered on: a NAT may rewrite it.</li>
     *   <li>TCP ({@code -T}): SYNs from {@code source}; SYN-ACK or RST from {@code destination}'s port
     *       {@code firstPort}; errors quoting TCP (protocol 6) to that port.</li>
     * </ul>
     * The identity's checks (identifier, sequence numbers, source port, IP ID) are the tracer's.
     *
     * @throws IllegalArgumentException a port outside 1..65535, {@code firstPort > lastPort}, or another protocol
     */
    public static String of(IpAddress source, IpAddress destination, int protocol, int firstPort,
            int lastPort) {
        if (protocol == IpProtocol.UDP) {
            return of(source, destination, firstPort, lastPort);
        }
        if (destination.isIpv6() && (IpProtocol.isIcmp(protocol) || protocol == IpProtocol.TCP)) {
            return ipv6(source, destination, protocol == IpProtocol.TCP ? protocol : IpProtocol.ICMPV6, firstPort,
                    lastPort);
        }
        String src = ipv4Text(source);
        String dst = ipv4Text(destination);
        // libpcap's "and" and "or" bind alike, left to right: every group is in parentheses.
        String quotes = "((icmp[icmptype] = icmp-timxceed or icmp[icmptype] = icmp-unreach)"
                + " and (icmp[8] & 0xf0) = 0x40 and icmp[17] = " + protocol + " and icmp[24:4] = "
                + Integer.toUnsignedString(destination.ipv4()) + ")";
        if (protocol == IpProtocol.ICMP) {
            return "ip and ((src host " + src + " and icmp and icmp[icmptype] = icmp-echo)"
                    + " or (dst host " + src + " and icmp and ((icmp[icmptype] = icmp-echoreply and src host " + dst
                    + ") or " + quotes + ")))";
        }
        if (protocol != IpProtocol.TCP) {
            throw new IllegalArgumentException("no trace filter for IP protocol " + protocol);
        }
        if (firstPort < 1 || firstPort > 0xffff) {
            throw new IllegalArgumentException("destination port " + firstPort);
        }
        String quotedPort = "icmp[((icmp[8] & 0x0f) << 2) + 10 : 2]";
        return "ip and ((src host " + src + " and tcp and tcp[tcpflags] & tcp-syn != 0)"
                + " or (dst host " + src + " and ((tcp and src host " + dst + " and src port " + firstPort
                + " and tcp[tcpflags] & (tcp-syn|tcp-rst) != 0)"
                + " or (icmp and " + quotes + " and " + quotedPort + " = " + firstPort + "))))";
    }

    /**
     * The IPv6 filter for UDP ({@code protocol} 17: quoted destination ports {@code firstPort..lastPort}), ICMPv6
     * Echo ({@code protocol} 58) or TCP SYN ({@code protocol} 6, to port {@code firstPort}) probes, the IPv4
     * filters' rules with IPv6's offsets: only
     * <ol>
     *   <li>the probes {@code source} sends (UDP; Echo Request, type 128; TCP with SYN, flags at byte 53);</li>
     *   <li>for Echo, the Echo Replies (129) from {@code destination}; for TCP, its SYN-ACK or RST from port
     *       {@code firstPort};</li>
     *   <li>ICMPv6 errors to {@code source} (Destination Unreachable 1, Packet Too Big 2, Time Exceeded 3,
     *       Parameter Problem 4: RFC 4443 section 3) quoting an IPv6 packet (version 6 at byte 48) whose next
     *       header (byte 54) is the probes' protocol, to {@code destination} (bytes 72..87) and, for UDP, to a
     *       port of the range (the quoted UDP header at byte 88, its destination port at 90).</li>
     * </ol>
     * Offsets count from the IPv6 header: libpcap's {@code ip6 proto 58} and {@code ip6[n]} read the fixed
     * header's next header and bytes, and do not chase extension headers (pcap-filter(7)): the ICMPv6 message
     * is at byte 40 when the error has none, as a router's errors have; our probes have none, so the quote's
     * transport is at 48 + 40. A reply with extension headers is dropped, as is a quote cut before what the
     * filter reads.
     */
    static String ipv6(IpAddress source, IpAddress destination, int protocol, int firstPort, int lastPort) {
        String src = ipv6Text(source);
        String dst = ipv6Text(destination);
        StringBuilder f = new StringBuilder(600).append("ip6 and ((src host ").append(src).append(" and ");
        if (protocol == IpProtocol.UDP) {
            f.append("ip6 proto 17)");
        } else if (protocol == IpProtocol.TCP) {
            f.append("ip6 proto 6 and ip6[53] & 0x02 != 0)");
        } else {
            f.append("ip6 proto 58 and ip6[40] = 128)");
        }
        f.append(" or (dst host ").append(src).append(" and (");
        if (protocol == IpProtocol.TCP) {
            f.append("(ip6 proto 6 and src host ").append(dst).append(" and ip6[40:2] = ").append(firstPort)
                    .append(" and ip6[53] & 0x06 != 0) or ");
        }
        f.append("(ip6 proto 58 and ");
        if (protocol == IpProtocol.ICMPV6) {
            f.append("ip6[40] = 129 and src host ").append(dst).append(") or (ip6 proto 58 and ");
        }
        f.append("ip6[40] >= 1 and ip6[40] <= 4 and (ip6[48] & 0xf0) = 0x60 and ip6[54] = ").append(protocol);
        for (int i = 0; i < 4; i++) {
            long half = i < 2 ? destination.high() : destination.low();
            long word = (i % 2 == 0 ? half >>> 32 : half) & 0xffffffffL;
            f.append(" and ip6[").append(72 + 4 * i).append(":4] = ").append(word);
        }
        if (protocol == IpProtocol.UDP) {
            f.append(" and ip6[90:2] >= ").append(firstPort).append(" and ip6[90:2] <= ").append(lastPort);
        } else if (protocol == IpProtocol.TCP) {
            f.append(" and ip6[90:2] = ").append(firstPort);
        }
        return f.append("))))").toString();
    }

    /**
     * The dotted quad of {@code address} for a filter; an IPv6 address is refused (these filters read IPv4 and
     * ICMP headers: {@link #ipv6} reads IPv6's).
     */
    private static String ipv4Text(IpAddress address) {
        if (!address.isIpv4()) {
            throw new IllegalArgumentException("no IPv4 capture filter for " + address);
        }
        return address.toString();
    }

    private static String ipv6Text(IpAddress address) {
        if (!address.isIpv6()) {
            throw new IllegalArgumentException("no IPv6 capture filter for " + address);
        }
        return address.toString();
    }
}
