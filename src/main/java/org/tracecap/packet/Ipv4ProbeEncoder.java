package org.tracecap.packet;

/**
 * Writes the IPv4 probes that are not UDP into a caller's buffer, in the shape of {@link ProbeEncoder}'s IPv6
 * encoders: [Ethernet II] + IPv4 + an ICMP Echo Request ({@link EchoProbe}, RFC 792) or a TCP SYN
 * ({@link SynProbe}, RFC 9293 3.1). With both MACs null no link header is written. Nothing is allocated per
 * probe.
 *
 * <pre>
 * offset 0 (14 with Ethernet)   +20
 * +----------------------------+-----------------------------------------------+-------------
 * | IPv4 header, no options    | ICMP: type 8 | code 0 | checksum | id | seq    | data ...
 * |                            | TCP:  ports | seq | ack 0 | offset, SYN | ... | options (20)
 * +----------------------------+-----------------------------------------------+-------------
 * </pre>
 */
public final class Ipv4ProbeEncoder {
    /** A TCP header with the options below. */
    public static final int SYN_HEADER = TcpView.MIN_HEADER + 20;
    /** Every SYN probe's IP total length: IPv4 header + {@link #SYN_HEADER}, as Linux traceroute -T sends. */
    public static final int SYN_TOTAL_LENGTH = ProbeEncoder.IPV4_HEADER + SYN_HEADER;
    /** The smallest Echo probe: IPv4 + ICMP headers (+ 2 bytes to hold a checksum). */
    public static final int MIN_ECHO_LENGTH = ProbeEncoder.IPV4_HEADER + IcmpView.HEADER;
    public static final int MIN_ECHO_LENGTH_PARIS = MIN_ECHO_LENGTH + 2;
    /** The receive window Linux advertises in a SYN (64240 = 44 x 1460). */
    static final int SYN_WINDOW = 64240;
    static final int MSS = 1460;

    private Ipv4ProbeEncoder() {
    }

    /**
     * An ICMP Echo Request. A wanted checksum is reached by adjusting the first two data bytes, as Paris
     * traceroute keeps the ICMP checksum (hashed by per-flow balancers with type and code: the first 4 bytes)
     * constant; 0xffff cannot be reached (a one's complement sum of 0 needs all zero bytes), so it is 0..0xfffe.
     *
     * @param destinationMac 6 bytes, or null for no link header
     * @param sourceMac      6 bytes, or null for no link header
     * @param totalLength    IP total length, 28.. (30.. with a wanted checksum)
     * @param checksum       wanted checksum field 0..0xfffe, or {@link ProbeEncoder#NATURAL_CHECKSUM}
     */
    public record EchoProbe(byte[] destinationMac, byte[] sourceMac, int source, int destination, int ttl, int ipId,
                            int tos, boolean dontFragment, int totalLength, int identifier, int sequence,
                            int checksum) {
        public EchoProbe {
            ipv4(destinationMac, sourceMac, ttl, ipId, tos);
            range("identifier", identifier, 0, 0xffff);
            range("sequence", sequence, 0, 0xffff);
            if (checksum != ProbeEncoder.NATURAL_CHECKSUM) {
                range("checksum", checksum, 0, 0xfffe);
            }
            range("totalLength", totalLength, checksum == ProbeEncoder.NATURAL_CHECKSUM ? MIN_ECHO_LENGTH
                    : MIN_ECHO_LENGTH_PARIS, ProbeEncoder.MAX_TOTAL_LENGTH);
        }

        /** Bytes written: link header (if any) + the IP total length. */
        public int frameLength() {
            return (destinationMac != null ? ProbeEncoder.ETHERNET_HEADER : 0) + totalLength;
        }
    }

    /**
     * A TCP SYN of {@link #SYN_TOTAL_LENGTH} bytes carrying the options a Linux SYN carries, in its order
     * (tcp_options_write): MSS 1460, SACK permitted, timestamps (value {@code timestamp}, echo 0), NOP, window
     * scale 7. Acknowledgment 0, window 64240, no data.
     */
    public record SynProbe(byte[] destinationMac, byte[] sourceMac, int source, int destination, int ttl, int ipId,
                           int tos, boolean dontFragment, int sourcePort, int destinationPort, long sequence,
                           long timestamp) {
        public SynProbe {
            ipv4(destinationMac, sourceMac, ttl, ipId, tos);
            range("sourcePort", sourcePort, 0, 0xffff);
            range("destinationPort", destinationPort, 0, 0xffff);
            if (sequence < 0 || sequence > 0xffffffffL || timestamp < 0 || timestamp > 0xffffffffL) {
                throw new IllegalArgumentException("sequence " + sequence + " or timestamp " + timestamp
                        + " outside 0..2^32-1");
            }
        }

        /** Bytes written: link header (if any) + {@link #SYN_TOTAL_LENGTH}. */
        public int frameLength() {
            return (destinationMac != null ? ProbeEncoder.ETHERNET_HEADER : 0) + SYN_TOTAL_LENGTH;
        }
    }

    /** Writes [Ethernet II] + IPv4 + ICMP Echo Request at {@code off}; returns the bytes written. */
    public static int encode(EchoProbe p, byte[] buf, int off) {
        ProbeEncoder.requireRoom(buf, off, p.frameLength());
        int ip = link(p.destinationMac(), p.sourceMac(), buf, off);
        ProbeEncoder.writeIpv4(buf, ip, p.totalLength(), p.tos(), p.ipId(), p.dontFragment(), p.ttl(), IpProtocol.ICMP,
                p.source(), p.destination());
        int icmp = ip + ProbeEncoder.IPV4_HEADER;
        int icmpLength = p.totalLength() - ProbeEncoder.IPV4_HEADER;
        Bytes.put8(buf, icmp + IcmpView.TYPE, IcmpType.ECHO_REQUEST);
        Bytes.put8(buf, icmp + IcmpView.CODE, 0);
        Bytes.put16(buf, icmp + IcmpView.CHECKSUM, 0);
        Bytes.put16(buf, icmp + IcmpView.IDENTIFIER, p.identifier());
        Bytes.put16(buf, icmp + IcmpView.SEQUENCE, p.sequence());
        java.util.Arrays.fill(buf, icmp + IcmpView.HEADER, icmp + icmpLength, (byte) 0);
        if (p.checksum() != ProbeEncoder.NATURAL_CHECKSUM) {
            // The ICMPv4 checksum has no pseudo-header (RFC 792): a sum of ~checksum over the message.
            int at = icmp + IcmpView.HEADER;
            int s = Checksum.sum(buf, icmp, icmpLength, 0);
            int x = (~p.checksum() & 0xffff) + (~s & 0xffff);
            Bytes.put16(buf, at, (x & 0xffff) + (x >>> 16));
        }
        Bytes.put16(buf, icmp + IcmpView.CHECKSUM, Checksum.compute(buf, icmp, icmpLength));
        return p.frameLength();
    }

    /** Writes [Ethernet II] + IPv4 + TCP SYN at {@code off}; returns the bytes written. */
    public static int encode(SynProbe p, byte[] buf, int off) {
        ProbeEncoder.requireRoom(buf, off, p.frameLength());
        int ip = link(p.destinationMac(), p.sourceMac(), buf, off);
        ProbeEncoder.writeIpv4(buf, ip, SYN_TOTAL_LENGTH, p.tos(), p.ipId(), p.dontFragment(), p.ttl(), IpProtocol.TCP,
                p.source(), p.destination());
        int tcp = ip + ProbeEncoder.IPV4_HEADER;
        Bytes.put16(buf, tcp + TcpView.SOURCE_PORT, p.sourcePort());
        Bytes.put16(buf, tcp + TcpView.DESTINATION_PORT, p.destinationPort());
        Bytes.put32(buf, tcp + TcpView.SEQUENCE, p.sequence());
        Bytes.put32(buf, tcp + TcpView.ACKNOWLEDGMENT, 0);
        Bytes.put8(buf, tcp + TcpView.DATA_OFFSET, (SYN_HEADER / 4) << 4);
        Bytes.put8(buf, tcp + TcpView.FLAGS, TcpView.SYN);
        Bytes.put16(buf, tcp + TcpView.WINDOW, SYN_WINDOW);
        Bytes.put16(buf, tcp + TcpView.CHECKSUM, 0);
        Bytes.put16(buf, tcp + TcpView.URGENT, 0);
        int o = tcp + TcpView.MIN_HEADER;
        // RFC 9293 3.2: MSS (kind 2, length 4); RFC 2018 SACK permitted (4, 2); RFC 7323 timestamps (8, 10),
        // then NOP and window scale (3, 3): Linux's SYN, byte for byte but for the timestamp value.
        Bytes.put8(buf, o, 2);
        Bytes.put8(buf, o + 1, 4);
        Bytes.put16(buf, o + 2, MSS);
        Bytes.put8(buf, o + 4, 4);
        Bytes.put8(buf, o + 5, 2);
        Bytes.put8(buf, o + 6, 8);
        Bytes.put8(buf, o + 7, 10);
        Bytes.put32(buf, o + 8, p.timestamp());
        Bytes.put32(buf, o + 12, 0);
        Bytes.put8(buf, o + 16, 1);
        Bytes.put8(buf, o + 17, 3);
        Bytes.put8(buf, o + 18, 3);
        Bytes.put8(buf, o + 19, 7);
        int pseudo = Checksum.pseudoHeaderSum(p.source(), p.destination(), IpProtocol.TCP, SYN_HEADER);
        Bytes.put16(buf, tcp + TcpView.CHECKSUM, ~Checksum.sum(buf, tcp, SYN_HEADER, pseudo) & 0xffff);
        return p.frameLength();
    }

    private static int link(byte[] destinationMac, byte[] sourceMac, byte[] buf, int off) {
        if (destinationMac == null) {
            return off;
        }
        ProbeEncoder.writeEthernet(buf, off, destinationMac, sourceMac, LinkLayer.ETHERTYPE_IPV4);
        return off + ProbeEncoder.ETHERNET_HEADER;
    }

    private static void ipv4(byte[] destinationMac, byte[] sourceMac, int ttl, int ipId, int tos) {
        range("ttl", ttl, 0, ProbeEncoder.MAX_TTL);
        range("ipId", ipId, 0, 0xffff);
        range("tos", tos, 0, 0xff);
        if ((destinationMac == null) != (sourceMac == null)) {
            throw new IllegalArgumentException("an Ethernet probe needs both MAC addresses");
        }
        if (destinationMac != null && (destinationMac.length != 6 || sourceMac.length != 6)) {
            throw new IllegalArgumentException("a MAC address has 6 bytes");
        }
    }

    private static void range(String name, int v, int min, int max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(name + " " + v + " outside " + min + ".." + max);
        }
    }
}
