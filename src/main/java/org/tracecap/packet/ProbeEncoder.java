package org.tracecap.packet;

/**
 * Writes UDP probes into a caller's buffer: Ethernet II + IPv4 + UDP ({@link #encode}) or IPv4 + UDP
 * ({@link #encodeIp}). Nothing is allocated per probe.
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

    private ProbeEncoder() {
    }

    /**
     * What to write.
     *
     * @param destinationMac 6 bytes (ignored by {@link #encodeIp})
     * @param sourceMac      6 bytes (ignored by {@link #encodeIp})
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
            if (destinationMac != null && destinationMac.length != 6 || sourceMac != null && sourceMac.length != 6) {
                throw new IllegalArgumentException("a MAC address has 6 bytes");
            }
        }
    }

    private static void range(String name, int v, int min, int max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(name + " " + v + " outside " + min + ".." + max);
        }
    }

    /** Length of the Ethernet frame {@link #encode} writes for this probe. */
    public static int frameLength(UdpProbe p) {
        return ETHERNET_HEADER + p.totalLength();
    }

    /**
     * Writes Ethernet II + IPv4 + UDP at {@code off}; returns the frame length.
     *
     * @throws IllegalArgumentException when a MAC is missing or the buffer is too small
     */
    public static int encode(UdpProbe p, byte[] buf, int off) {
        if (p.destinationMac() == null || p.sourceMac() == null) {
            throw new IllegalArgumentException("an Ethernet probe needs both MAC addresses");
        }
        requireRoom(buf, off, frameLength(p));
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
        int adjustAt = udp + UDP_HEADER;
        Bytes.put16(buf, adjustAt, 0);
        int s = Checksum.sum(buf, udp, udpLength, pseudo);
        int wanted = target == 0xffff ? 0xffff : ~target & 0xffff;
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
