package org.tracecap.packet;

/**
 * Writes probes into a caller's buffer: Ethernet II + IPv4 + UDP ({@link #encode}) or IPv4 + UDP
 * ({@link #encodeIp}, or {@link #encode} of a probe without MACs, for a link without Ethernet); over IPv6 (RFC 8200, no extension headers) a UDP probe ({@link Udp6Probe}) or an
 * ICMPv6 Echo Request ({@link Echo6Probe}, RFC 4443 section 4.1), with or without Ethernet. Nothing is
 * allocated per probe. (IPv4 has no ICMP or TCP probe encoder yet, so IPv6 has none for TCP either.)
 *
 * <pre>
 * offset 0          14 (Ethernet) / 0 (IP only)      +20              +28         +30
 * +-----------------+--------------------------------+----------------+-----------+--------------
 * | dst | src |0800 | IPv4 header, no options        | UDP header     | adjust 2  | payload ...
 * +-----------------+--------------------------------+----------------+-----------+--------------
 * </pre>
 *
 * <p>Paris traceroute (Augustin et al., IMC 2006) keeps the 5-tuple fixed so that per-flow load balancers
 * hash every probe alike, and tells probes apart by the UDP checksum instead: {@link UdpProbe#checksum()}
 * names the checksum field value wanted, and the first two payload bytes are set so that the true checksum
 * equals it. A UDP checksum of 0 means "no checksum" on the wire (RFC 768), so 0 cannot be asked for.
 */
public final class ProbeEncoder {
    public static final int ETHERNET_HEADER = 14;
    public static final int IPV4_HEADER = 20;
    public static final int UDP_HEADER = 8;
    /** Smallest probe: IPv4 + UDP headers, no payload. */
    public static final int MIN_TOTAL_LENGTH = IPV4_HEADER + UDP_HEADER;
    /** With a target checksum, two payload bytes are needed to adjust it. */
    public static final int MIN_TOTAL_LENGTH_PARIS = MIN_TOTAL_LENGTH + 2;
    public static final int MAX_TOTAL_LENGTH = 0xffff;
    /** Natural checksum: computed over the packet as is. */
    public static final int NATURAL_CHECKSUM = -1;

    static final int MAX_TTL = 255;
    public static final int IPV6_HEADER = Ipv6View.HEADER;
    /** Largest flow label (20 bits, RFC 6437). */
    public static final int MAX_FLOW_LABEL = 0xfffff;

    private ProbeEncoder() {
    }

    /**
     * What to write.
     *
     * @param destinationMac 6 bytes, or null for no link header (raw IP links: TUN, PPP; ignored by
     *                       {@link #encodeIp})
     * @param sourceMac      6 bytes, or null for no link header (ignored by {@link #encodeIp})
     * @param source         IPv4 source
     * @param destination    IPv4 destination
     * @param ttl            1..255
     * @param ipId           IP identification 0..65535
     * @param tos            type of service byte 0..255
     * @param dontFragment   set DF
     * @param totalLength    IP total length, 28..65535 (30.. with a target checksum)
     * @param sourcePort     0..65535
     * @param destinationPort 0..65535
     * @param checksum       wanted UDP checksum field, 1..65535, or {@link #NATURAL_CHECKSUM}
     * @param pattern        payload bytes repeated to fill the payload; null or empty for zeros
     */
    public record UdpProbe(byte[] destinationMac, byte[] sourceMac, int source, int destination, int ttl, int ipId,
                           int tos, boolean dontFragment, int totalLength, int sourcePort, int destinationPort,
                           int checksum, byte[] pattern) {
        public UdpProbe {
            range("ttl", ttl, 0, MAX_TTL);
            range("ipId", ipId, 0, 0xffff);
            range("tos", tos, 0, 0xff);
            range("sourcePort", sourcePort, 0, 0xffff);
            range("destinationPort", destinationPort, 0, 0xffff);
            if (checksum != NATURAL_CHECKSUM) {
                range("checksum", checksum, 1, 0xffff);
            }
            range("totalLength", totalLength,
                    checksum == NATURAL_CHECKSUM ? MIN_TOTAL_LENGTH : MIN_TOTAL_LENGTH_PARIS, MAX_TOTAL_LENGTH);
            if ((destinationMac == null) != (sourceMac == null)) {
                throw new IllegalArgumentException("an Ethernet probe needs both MAC addresses");
            }
            if (destinationMac != null && destinationMac.length != 6 || sourceMac != null && sourceMac.length != 6) {
                throw new IllegalArgumentException("a MAC address has 6 bytes");
            }
        }
    }

    /**
     * A UDP probe over IPv6. The UDP checksum is mandatory over IPv6 (RFC 8200 section 8.1): a computed 0 is
     * sent as 0xffff, and 0 cannot be asked for.
     *
     * @param destinationMac  6 bytes, or null for no link header
     * @param sourceMac       6 bytes, or null for no link header
     * @param source          an IPv6 address
     * @param destination     an IPv6 address
     * @param hopLimit        0..255
     * @param trafficClass    0..255
     * @param flowLabel       0..0xfffff
     * @param payloadLength   UDP payload bytes after the 8-byte header (2.. with a target checksum)
     * @param checksum        wanted UDP checksum field, 1..65535, or {@link #NATURAL_CHECKSUM}
     * @param pattern         payload bytes repeated to fill the payload; null or empty for zeros
     */
    public record Udp6Probe(byte[] destinationMac, byte[] sourceMac, IpAddress source, IpAddress destination,
                            int hopLimit, int trafficClass, int flowLabel, int sourcePort, int destinationPort,
                            int payloadLength, int checksum, byte[] pattern) {
        public Udp6Probe {
            ipv6Header(destinationMac, sourceMac, source, destination, hopLimit, trafficClass, flowLabel);
            range("sourcePort", sourcePort, 0, 0xffff);
            range("destinationPort", destinationPort, 0, 0xffff);
            if (checksum != NATURAL_CHECKSUM) {
                range("checksum", checksum, 1, 0xffff);
            }
            range("payloadLength", payloadLength, checksum == NATURAL_CHECKSUM ? 0 : 2, 0xffff - UDP_HEADER);
        }

        /** Bytes written: link header (if any) + 40 + 8 + payload. */
        public int frameLength() {
            return (destinationMac != null ? ETHERNET_HEADER : 0) + IPV6_HEADER + UDP_HEADER + payloadLength;
        }
    }

    /**
     * An ICMPv6 Echo Request (type 128, RFC 4443 section 4.1). A wanted checksum is reached by adjusting the
     * first two data bytes, as for Paris UDP; 0xffff cannot be reached (a one's complement sum of 0 needs all
     * zero bytes), so it is 0..0xfffe.
     *
     * @param payloadLength data bytes after the 8-byte header (2.. with a target checksum)
     * @param checksum      wanted checksum field 0..0xfffe, or {@link #NATURAL_CHECKSUM}
     */
    public record Echo6Probe(byte[] destinationMac, byte[] sourceMac, IpAddress source, IpAddress destination,
                             int hopLimit, int trafficClass, int flowLabel, int identifier, int sequence,
                             int payloadLength, int checksum, byte[] pattern) {
        public Echo6Probe {
            ipv6Header(destinationMac, sourceMac, source, destination, hopLimit, trafficClass, flowLabel);
            range("identifier", identifier, 0, 0xffff);
            range("sequence", sequence, 0, 0xffff);
            if (checksum != NATURAL_CHECKSUM) {
                range("checksum", checksum, 0, 0xfffe);
            }
            range("payloadLength", payloadLength, checksum == NATURAL_CHECKSUM ? 0 : 2, 0xffff - IcmpView.HEADER);
        }

        /** Bytes written: link header (if any) + 40 + 8 + payload. */
        public int frameLength() {
            return (destinationMac != null ? ETHERNET_HEADER : 0) + IPV6_HEADER + IcmpView.HEADER + payloadLength;
        }
    }

    private static void ipv6Header(byte[] destinationMac, byte[] sourceMac, IpAddress source, IpAddress destination,
                                   int hopLimit, int trafficClass, int flowLabel) {
        if (!source.isIpv6() || !destination.isIpv6()) {
            throw new IllegalArgumentException("an IPv6 probe needs IPv6 addresses: " + source + ", " + destination);
        }
        range("hopLimit", hopLimit, 0, MAX_TTL);
        range("trafficClass", trafficClass, 0, 0xff);
        range("flowLabel", flowLabel, 0, MAX_FLOW_LABEL);
        if ((destinationMac == null) != (sourceMac == null)) {
            throw new IllegalArgumentException("an Ethernet probe needs both MAC addresses");
        }
        if (destinationMac != null && destinationMac.length != 6 || sourceMac != null && sourceMac.length != 6) {
            throw new IllegalArgumentException("a MAC address has 6 bytes");
        }
    }

    /** Writes [Ethernet II] + IPv6 + UDP at {@code off}; returns the bytes written ({@link Udp6Probe#frameLength}). */
    public static int encode(Udp6Probe p, byte[] buf, int off) {
        requireRoom(buf, off, p.frameLength());
        int ip = off;
        if (p.destinationMac() != null) {
            writeEthernet(buf, off, p.destinationMac(), p.sourceMac(), LinkLayer.ETHERTYPE_IPV6);
            ip += ETHERNET_HEADER;
        }
        int udpLength = UDP_HEADER + p.payloadLength();
        writeIpv6(buf, ip, udpLength, p.trafficClass(), p.flowLabel(), IpProtocol.UDP, p.hopLimit(), p.source(),
                p.destination());
        int udp = ip + IPV6_HEADER;
        Bytes.put16(buf, udp + UdpView.SOURCE_PORT, p.sourcePort());
        Bytes.put16(buf, udp + UdpView.DESTINATION_PORT, p.destinationPort());
        Bytes.put16(buf, udp + UdpView.LENGTH, udpLength);
        Bytes.put16(buf, udp + UdpView.CHECKSUM, 0);
        fillPayload(buf, udp + UDP_HEADER, p.payloadLength(), p.pattern());
        int pseudo = Checksum.pseudoHeaderSum(p.source(), p.destination(), IpProtocol.UDP, udpLength);
        if (p.checksum() != NATURAL_CHECKSUM) {
            adjustForChecksum(buf, udp, udpLength, pseudo, p.checksum());
        }
        int sum = ~Checksum.sum(buf, udp, udpLength, pseudo) & 0xffff;
        // RFC 8200 section 8.1: a computed 0 is sent as 0xffff (0 would mean "none", which IPv6 forbids).
        Bytes.put16(buf, udp + UdpView.CHECKSUM, sum == 0 ? 0xffff : sum);
        return p.frameLength();
    }

    /** Writes [Ethernet II] + IPv6 + ICMPv6 Echo Request at {@code off}; returns the bytes written. */
    public static int encode(Echo6Probe p, byte[] buf, int off) {
        requireRoom(buf, off, p.frameLength());
        int ip = off;
        if (p.destinationMac() != null) {
            writeEthernet(buf, off, p.destinationMac(), p.sourceMac(), LinkLayer.ETHERTYPE_IPV6);
            ip += ETHERNET_HEADER;
        }
        int icmpLength = IcmpView.HEADER + p.payloadLength();
        writeIpv6(buf, ip, icmpLength, p.trafficClass(), p.flowLabel(), IpProtocol.ICMPV6, p.hopLimit(), p.source(),
                p.destination());
        int icmp = ip + IPV6_HEADER;
        Bytes.put8(buf, icmp + IcmpView.TYPE, Icmpv6Type.ECHO_REQUEST);
        Bytes.put8(buf, icmp + IcmpView.CODE, 0);
        Bytes.put16(buf, icmp + IcmpView.CHECKSUM, 0);
        Bytes.put16(buf, icmp + IcmpView.IDENTIFIER, p.identifier());
        Bytes.put16(buf, icmp + IcmpView.SEQUENCE, p.sequence());
        fillPayload(buf, icmp + IcmpView.HEADER, p.payloadLength(), p.pattern());
        // RFC 4443 section 2.3: the checksum covers the IPv6 pseudo-header (next header 58).
        int pseudo = Checksum.pseudoHeaderSum(p.source(), p.destination(), IpProtocol.ICMPV6, icmpLength);
        if (p.checksum() != NATURAL_CHECKSUM) {
            adjustToSum(buf, icmp + IcmpView.HEADER, icmp, icmpLength, pseudo, ~p.checksum() & 0xffff);
        }
        Bytes.put16(buf, icmp + IcmpView.CHECKSUM, ~Checksum.sum(buf, icmp, icmpLength, pseudo) & 0xffff);
        return p.frameLength();
    }

    private static void range(String name, int v, int min, int max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(name + " " + v + " outside " + min + ".." + max);
        }
    }

    /** Length of the frame {@link #encode} writes for this probe: [Ethernet II +] the IP total length. */
    public static int frameLength(UdpProbe p) {
        return (p.destinationMac() != null ? ETHERNET_HEADER : 0) + p.totalLength();
    }

    /**
     * Writes Ethernet II + IPv4 + UDP at {@code off}, or IPv4 + UDP alone when the probe has no MACs (a raw IP
     * link); returns the frame length.
     *
     * @throws IllegalArgumentException when the buffer is too small
     */
    public static int encode(UdpProbe p, byte[] buf, int off) {
        requireRoom(buf, off, frameLength(p));
        if (p.destinationMac() == null) {
            return encodeIp(p, buf, off);
        }
        writeEthernet(buf, off, p.destinationMac(), p.sourceMac(), LinkLayer.ETHERTYPE_IPV4);
        return ETHERNET_HEADER + encodeIp(p, buf, off + ETHERNET_HEADER);
    }

    /** Writes IPv4 + UDP (no link header) at {@code off}; returns the IP total length. */
    public static int encodeIp(UdpProbe p, byte[] buf, int off) {
        int total = p.totalLength();
        requireRoom(buf, off, total);
        writeIpv4(buf, off, total, p.tos(), p.ipId(), p.dontFragment(), p.ttl(), IpProtocol.UDP,
                p.source(), p.destination());
        int udp = off + IPV4_HEADER;
        int udpLength = total - IPV4_HEADER;
        Bytes.put16(buf, udp + UdpView.SOURCE_PORT, p.sourcePort());
        Bytes.put16(buf, udp + UdpView.DESTINATION_PORT, p.destinationPort());
        Bytes.put16(buf, udp + UdpView.LENGTH, udpLength);
        Bytes.put16(buf, udp + UdpView.CHECKSUM, 0);
        fillPayload(buf, udp + UDP_HEADER, udpLength - UDP_HEADER, p.pattern());
        int pseudo = Checksum.pseudoHeaderSum(p.source(), p.destination(), IpProtocol.UDP, udpLength);
        if (p.checksum() != NATURAL_CHECKSUM) {
            adjustForChecksum(buf, udp, udpLength, pseudo, p.checksum());
        }
        int sum = ~Checksum.sum(buf, udp, udpLength, pseudo) & 0xffff;
        // RFC 768: a computed checksum of 0 is sent as all ones (0 means "none").
        Bytes.put16(buf, udp + UdpView.CHECKSUM, sum == 0 ? 0xffff : sum);
        return total;
    }

    /**
     * Sets the first two payload bytes so that the UDP checksum comes out as {@code target}. The field is
     * ~S where S is the one's complement sum; we want S' = ~target (0xffff for target 0xffff: a computed 0
     * is sent as 0xffff), and S' = S + x in one's complement arithmetic, so x = S' - S = S' + ~S.
     */
    private static void adjustForChecksum(byte[] buf, int udp, int udpLength, int pseudo, int target) {
        adjustToSum(buf, udp + UDP_HEADER, udp, udpLength, pseudo, target == 0xffff ? 0xffff : ~target & 0xffff);
    }

    /** Sets the two bytes at {@code adjustAt} so that the sum of {@code [start, start + len)} is {@code wanted}. */
    private static void adjustToSum(byte[] buf, int adjustAt, int start, int len, int pseudo, int wanted) {
        Bytes.put16(buf, adjustAt, 0);
        int s = Checksum.sum(buf, start, len, pseudo);
        int x = wanted + (~s & 0xffff);
        x = (x & 0xffff) + (x >>> 16);
        Bytes.put16(buf, adjustAt, x);
    }

    private static void fillPayload(byte[] buf, int off, int len, byte[] pattern) {
        if (pattern == null || pattern.length == 0) {
            java.util.Arrays.fill(buf, off, off + len, (byte) 0);
            return;
        }
        for (int i = 0; i < len; i++) {
            buf[off + i] = pattern[i % pattern.length];
        }
    }

    static void requireRoom(byte[] buf, int off, int needed) {
        if (off < 0 || buf.length - off < needed) {
            throw new IllegalArgumentException("buffer has " + Math.max(0, buf.length - off)
                    + " bytes from offset " + off + ", need " + needed);
        }
    }

    /** Ethernet II header: destination, source, EtherType. */
    static void writeEthernet(byte[] buf, int off, byte[] dst, byte[] src, int etherType) {
        System.arraycopy(dst, 0, buf, off, 6);
        System.arraycopy(src, 0, buf, off + 6, 6);
        Bytes.put16(buf, off + LinkLayer.ETHERNET_TYPE, etherType);
    }

    /** A 40-byte IPv6 header (RFC 8200 section 3) with no extension headers. */
    static void writeIpv6(byte[] buf, int off, int payloadLength, int trafficClass, int flowLabel, int nextHeader,
                          int hopLimit, IpAddress src, IpAddress dst) {
        Bytes.put32(buf, off + Ipv6View.VERSION_CLASS_FLOW,
                (6L << 28) | ((long) (trafficClass & 0xff) << 20) | (flowLabel & MAX_FLOW_LABEL));
        Bytes.put16(buf, off + Ipv6View.PAYLOAD_LENGTH, payloadLength);
        Bytes.put8(buf, off + Ipv6View.NEXT_HEADER, nextHeader);
        Bytes.put8(buf, off + Ipv6View.HOP_LIMIT, hopLimit);
        Bytes.put64(buf, off + Ipv6View.SOURCE, src.high());
        Bytes.put64(buf, off + Ipv6View.SOURCE + 8, src.low());
        Bytes.put64(buf, off + Ipv6View.DESTINATION, dst.high());
        Bytes.put64(buf, off + Ipv6View.DESTINATION + 8, dst.low());
    }

    /** A 20-byte IPv4 header with its checksum (RFC 791). */
    static void writeIpv4(byte[] buf, int off, int totalLength, int tos, int ipId, boolean df, int ttl,
                          int protocol, int src, int dst) {
        Bytes.put8(buf, off + Ipv4View.VERSION_IHL, 0x45);
        Bytes.put8(buf, off + Ipv4View.TOS, tos);
        Bytes.put16(buf, off + Ipv4View.TOTAL_LENGTH, totalLength);
        Bytes.put16(buf, off + Ipv4View.IDENTIFICATION, ipId);
        Bytes.put16(buf, off + Ipv4View.FLAGS_FRAGMENT, df ? Ipv4View.FLAG_DF : 0);
        Bytes.put8(buf, off + Ipv4View.TTL, ttl);
        Bytes.put8(buf, off + Ipv4View.PROTOCOL, protocol);
        Bytes.put16(buf, off + Ipv4View.CHECKSUM, 0);
        Bytes.put32(buf, off + Ipv4View.SOURCE, src & 0xffffffffL);
        Bytes.put32(buf, off + Ipv4View.DESTINATION, dst & 0xffffffffL);
        Bytes.put16(buf, off + Ipv4View.CHECKSUM, Checksum.compute(buf, off, IPV4_HEADER));
    }
}
