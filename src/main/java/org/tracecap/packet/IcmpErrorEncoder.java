package org.tracecap.packet;

import java.util.List;

/**
 * Builds the ICMP messages a router or a destination sends back to a prober: Time Exceeded, Destination
 * Unreachable (any code, with the RFC 1191 next-hop MTU) quoting a probe, and Echo Reply; IPv4 only or
 * with an Ethernet II header; optionally with an RFC 4884 extension structure (e.g. RFC 4950 MPLS label
 * stack objects). Checksums are computed. Used by tests (synthetic frames) and by the simulated network.
 *
 * <pre>
 * [Ethernet 14] IPv4 20 | type code checksum | unused length mtu/unused | quoted datagram [zero padded]
 *                                                                        | [extension header + objects]
 * </pre>
 *
 * <p>Usage: {@code IcmpErrorEncoder.timeExceeded(router, prober, probe, 0, probeLength).ttl(254)
 * .encode(buf, 0)}. Without extensions the quote is the first {@link #quoteLimit} bytes of the datagram
 * (default 548: Linux fills a 576-byte error, RFC 1812 4.3.2.3). With extensions the quote is cut to 128
 * bytes and zero-padded to 128 (RFC 4884 section 4, as Linux does with ICMP extensions), and the length field
 * says so in 32-bit words, unless {@link #compatibilityLayout()} asks for the pre-RFC 4884 layout (length
 * field 0, structure at offset 128, RFC 4884 5.5); {@link #lengthField} writes any value there.
 *
 * <p>The factories taking {@link IpAddress}es build the message of the addresses' family: for IPv6 an ICMPv6
 * message (RFC 4443) in an IPv6 header: Time Exceeded (3), Destination Unreachable (1), Packet Too Big (2, its
 * 32-bit MTU at byte 4), Echo Reply (129), its checksum over the IPv6 pseudo-header (section 2.3), the whole
 * error within the IPv6 minimum MTU of 1280 bytes (section 2.4(c): quote limit {@link #IPV6_QUOTE_LIMIT}),
 * and the RFC 4884 length at byte 4 in 64-bit words (RFC 4884 section 4.1).
 */
public final class IcmpErrorEncoder {
    public static final int DEFAULT_QUOTE_LIMIT = 576 - Ipv4View.MIN_HEADER - IcmpView.HEADER;
    public static final int DEFAULT_TTL = 64;
    /** The IPv6 minimum MTU (RFC 8200 section 5) less the IPv6 and ICMPv6 headers: 1232 bytes. */
    public static final int IPV6_QUOTE_LIMIT = 1280 - Ipv6View.HEADER - IcmpView.HEADER;

    private final int type;
    private final int code;
    private final int source;
    private final int destination;
    private final byte[] datagram;
    private final int datagramOffset;
    private final int datagramLength;
    private int echoId;
    private int echoSequence;
    private int mtu;
    private int ttl = DEFAULT_TTL;
    private int ipId;
    private int tos;
    private int quoteLimit = DEFAULT_QUOTE_LIMIT;
    private byte[] destinationMac;
    private byte[] sourceMac;
    private List<IcmpExtension> extensions = List.of();
    private boolean compatibility;
    private int lengthField = -1;
    /** The addresses of an ICMPv6 message; null for ICMP. */
    private IpAddress source6;
    private IpAddress destination6;
    private long mtu6;
    private int flowLabel;

    private IcmpErrorEncoder(int type, int code, int source, int destination, byte[] datagram, int off, int len) {
        if (off < 0 || len < 0 || off + len > datagram.length) {
            throw new IllegalArgumentException("datagram slice " + off + "+" + len + " outside " + datagram.length);
        }
        this.type = type;
        this.code = code;
        this.source = source;
        this.destination = destination;
        this.datagram = datagram;
        this.datagramOffset = off;
        this.datagramLength = len;
    }

    /** Time Exceeded in transit (type 11 code 0) from {@code source} to {@code destination}, quoting the probe. */
    public static IcmpErrorEncoder timeExceeded(int source, int destination, byte[] probe, int off, int len) {
        return new IcmpErrorEncoder(IcmpType.TIME_EXCEEDED, 0, source, destination, probe, off, len);
    }

    /** Destination Unreachable with {@code code}, quoting the probe; see {@link #mtu(int)} for code 4. */
    public static IcmpErrorEncoder destinationUnreachable(int source, int destination, int code,
                                                         byte[] probe, int off, int len) {
        return new IcmpErrorEncoder(IcmpType.DEST_UNREACHABLE, code, source, destination, probe, off, len);
    }

    /** Any type/code whose body is a quote (Parameter Problem, Source Quench...). */
    public static IcmpErrorEncoder error(int type, int code, int source, int destination,
                                         byte[] probe, int off, int len) {
        return new IcmpErrorEncoder(type, code, source, destination, probe, off, len);
    }

    /** Echo Reply (type 0) with this id and sequence, echoing {@code data} (the request's data). */
    public static IcmpErrorEncoder echoReply(int source, int destination, int id, int sequence,
                                             byte[] data, int off, int len) {
        IcmpErrorEncoder e = new IcmpErrorEncoder(IcmpType.ECHO_REPLY, 0, source, destination, data, off, len);
        e.echoId = id & 0xffff;
        e.echoSequence = sequence & 0xffff;
        e.quoteLimit = len;
        return e;
    }

    /** Time Exceeded in transit (ICMP 11/0, ICMPv6 3/0) from {@code source} to {@code destination}, quoting the probe. */
    public static IcmpErrorEncoder timeExceeded(IpAddress source, IpAddress destination, byte[] probe, int off,
                                                int len) {
        return of(source, destination, IcmpType.TIME_EXCEEDED, Icmpv6Type.TIME_EXCEEDED, 0, probe, off, len);
    }

    /** Destination Unreachable (ICMP 3, ICMPv6 1) with {@code code} of that family, quoting the probe. */
    public static IcmpErrorEncoder destinationUnreachable(IpAddress source, IpAddress destination, int code,
                                                          byte[] probe, int off, int len) {
        return of(source, destination, IcmpType.DEST_UNREACHABLE, Icmpv6Type.DEST_UNREACHABLE, code, probe, off, len);
    }

    /** ICMPv6 Packet Too Big (type 2 code 0, RFC 4443 section 3.2) with its 32-bit MTU, quoting the probe. */
    public static IcmpErrorEncoder packetTooBig(IpAddress source, IpAddress destination, long mtu, byte[] probe,
                                                int off, int len) {
        if (!source.isIpv6()) {
            throw new IllegalArgumentException("Packet Too Big is ICMPv6: " + source);
        }
        IcmpErrorEncoder e = of(source, destination, 0, Icmpv6Type.PACKET_TOO_BIG, 0, probe, off, len);
        e.mtu6 = mtu & 0xffffffffL;
        return e;
    }

    /** Echo Reply (ICMP 0, ICMPv6 129) with this id and sequence, echoing {@code data}. */
    public static IcmpErrorEncoder echoReply(IpAddress source, IpAddress destination, int id, int sequence,
                                             byte[] data, int off, int len) {
        IcmpErrorEncoder e = of(source, destination, IcmpType.ECHO_REPLY, Icmpv6Type.ECHO_REPLY, 0, data, off, len);
        e.echoId = id & 0xffff;
        e.echoSequence = sequence & 0xffff;
        e.quoteLimit = len;
        return e;
    }

    /** Any type/code of the addresses' family whose body is a quote (Parameter Problem...). */
    public static IcmpErrorEncoder error(int type, int code, IpAddress source, IpAddress destination,
                                         byte[] probe, int off, int len) {
        return of(source, destination, type, type, code, probe, off, len);
    }

    private static IcmpErrorEncoder of(IpAddress source, IpAddress destination, int icmpType, int icmpv6Type,
                                       int code, byte[] probe, int off, int len) {
        if (source.family() != destination.family()) {
            throw new IllegalArgumentException("addresses of two families: " + source + ", " + destination);
        }
        if (source.isIpv4()) {
            return new IcmpErrorEncoder(icmpType, code, source.ipv4(), destination.ipv4(), probe, off, len);
        }
        IcmpErrorEncoder e = new IcmpErrorEncoder(icmpv6Type, code, 0, 0, probe, off, len);
        e.source6 = source;
        e.destination6 = destination;
        e.quoteLimit = IPV6_QUOTE_LIMIT;
        return e;
    }

    private boolean isEchoReply() {
        return type == (source6 != null ? Icmpv6Type.ECHO_REPLY : IcmpType.ECHO_REPLY);
    }

    /** Next-hop MTU (RFC 1191) written in bytes 6-7 of a Destination Unreachable. */
    public IcmpErrorEncoder mtu(int nextHopMtu) {
        this.mtu = nextHopMtu & 0xffff;
        return this;
    }

    /** TTL of the reply's IP header (default 64). */
    public IcmpErrorEncoder ttl(int value) {
        this.ttl = value & 0xff;
        return this;
    }

    public IcmpErrorEncoder ipId(int value) {
        this.ipId = value & 0xffff;
        return this;
    }

    /** Flow label of an ICMPv6 message's IPv6 header (default 0; Linux sets one per socket, RFC 6437). */
    public IcmpErrorEncoder flowLabel(int value) {
        this.flowLabel = value & ProbeEncoder.MAX_FLOW_LABEL;
        return this;
    }

    /** TOS byte (ICMP) or traffic class (ICMPv6) of the reply's IP header. */
    public IcmpErrorEncoder tos(int value) {
        this.tos = value & 0xff;
        return this;
    }

    /** Most bytes of the datagram to quote (default 548; 28 for an RFC 792 router quoting header + 8). */
    public IcmpErrorEncoder quoteLimit(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("quote limit " + bytes);
        }
        this.quoteLimit = bytes;
        return this;
    }

    /** Prepend an Ethernet II header with these 6-byte addresses. */
    public IcmpErrorEncoder ethernet(byte[] dstMac, byte[] srcMac) {
        if (dstMac.length != 6 || srcMac.length != 6) {
            throw new IllegalArgumentException("a MAC address has 6 bytes");
        }
        this.destinationMac = dstMac.clone();
        this.sourceMac = srcMac.clone();
        return this;
    }

    /** Append an RFC 4884 extension structure holding these objects (see {@link IcmpExtensions#mplsObject}). */
    public IcmpErrorEncoder extensions(List<IcmpExtension> objects) {
        this.extensions = List.copyOf(objects);
        return this;
    }

    /** Lay extensions out as pre-RFC 4884 MPLS routers do: length field 0, structure at offset 128. */
    public IcmpErrorEncoder compatibilityLayout() {
        this.compatibility = true;
        return this;
    }

    /**
     * Write {@code words} into the RFC 4884 length field whatever the layout, as routers that put garbage there
     * do (the probe's IP ID, 1...).
     */
    public IcmpErrorEncoder lengthField(int words) {
        if (words < 0 || words > 0xff) {
            throw new IllegalArgumentException("length field " + words);
        }
        this.lengthField = words;
        return this;
    }

    private boolean hasExtensions() {
        return !extensions.isEmpty() && !isEchoReply();
    }

    private int quoted() {
        int q = Math.min(datagramLength, quoteLimit);
        if (source6 != null && !isEchoReply()) {
            // RFC 4443 section 2.4(c): the error must not exceed the minimum IPv6 MTU.
            q = Math.min(q, IPV6_QUOTE_LIMIT);
        }
        return hasExtensions() ? Math.min(q, IcmpExtensions.MIN_DATAGRAM_FIELD) : q;
    }

    /** The (padded) original datagram field. */
    private int datagramField() {
        return hasExtensions() ? IcmpExtensions.MIN_DATAGRAM_FIELD : quoted();
    }

    /** The ICMP message length (header, quote, padding, extensions). */
    public int icmpLength() {
        return IcmpView.HEADER + datagramField() + (hasExtensions() ? IcmpExtensions.encodedLength(extensions) : 0);
    }

    /** Bytes {@link #encode} writes: IP total length, plus 14 with an Ethernet header. */
    public int length() {
        return (destinationMac != null ? ProbeEncoder.ETHERNET_HEADER : 0) + ipHeader() + icmpLength();
    }

    private int ipHeader() {
        return source6 != null ? Ipv6View.HEADER : Ipv4View.MIN_HEADER;
    }

    /** Writes the frame at {@code off} and returns its length. */
    public int encode(byte[] buf, int off) {
        if (source6 != null) {
            return encodeIcmpv6(buf, off);
        }
        int total = Ipv4View.MIN_HEADER + icmpLength();
        if (total > 0xffff) {
            throw new IllegalArgumentException("ICMP message of " + total + " bytes does not fit an IPv4 datagram");
        }
        ProbeEncoder.requireRoom(buf, off, length());
        int at = off;
        if (destinationMac != null) {
            ProbeEncoder.writeEthernet(buf, at, destinationMac, sourceMac, LinkLayer.ETHERTYPE_IPV4);
            at += ProbeEncoder.ETHERNET_HEADER;
        }
        ProbeEncoder.writeIpv4(buf, at, total, tos, ipId, false, ttl, IpProtocol.ICMP, source, destination);
        int icmp = at + Ipv4View.MIN_HEADER;
        Bytes.put8(buf, icmp + IcmpView.TYPE, type);
        Bytes.put8(buf, icmp + IcmpView.CODE, code);
        Bytes.put16(buf, icmp + IcmpView.CHECKSUM, 0);
        if (type == IcmpType.ECHO_REPLY) {
            Bytes.put16(buf, icmp + IcmpView.IDENTIFIER, echoId);
            Bytes.put16(buf, icmp + IcmpView.SEQUENCE, echoSequence);
        } else {
            Bytes.put32(buf, icmp + 4, 0);
            if (type == IcmpType.DEST_UNREACHABLE) {
                Bytes.put16(buf, icmp + IcmpView.NEXT_HOP_MTU, mtu);
            }
            if (lengthField >= 0) {
                Bytes.put8(buf, icmp + IcmpView.RFC4884_LENGTH, lengthField);
            } else if (hasExtensions() && !compatibility) {
                Bytes.put8(buf, icmp + IcmpView.RFC4884_LENGTH, datagramField() / 4);
            }
        }
        writeBody(buf, icmp + IcmpView.HEADER);
        Bytes.put16(buf, icmp + IcmpView.CHECKSUM, Checksum.compute(buf, icmp, icmpLength()));
        return length();
    }

    /**
     * The message body at {@code body}, for either family: the quoted datagram, zero-padded to the datagram
     * field's length, then the RFC 4884 extension structure when there is one.
     */
    private void writeBody(byte[] buf, int body) {
        int q = quoted();
        System.arraycopy(datagram, datagramOffset, buf, body, q);
        java.util.Arrays.fill(buf, body + q, body + datagramField(), (byte) 0);
        if (hasExtensions()) {
            IcmpExtensions.write(buf, body + datagramField(), extensions);
        }
    }

    private int encodeIcmpv6(byte[] buf, int off) {
        int icmpLength = icmpLength();
        if (icmpLength > 0xffff) {
            throw new IllegalArgumentException("ICMPv6 message of " + icmpLength + " bytes does not fit a payload length");
        }
        ProbeEncoder.requireRoom(buf, off, length());
        int at = off;
        if (destinationMac != null) {
            ProbeEncoder.writeEthernet(buf, at, destinationMac, sourceMac, LinkLayer.ETHERTYPE_IPV6);
            at += ProbeEncoder.ETHERNET_HEADER;
        }
        ProbeEncoder.writeIpv6(buf, at, icmpLength, tos, flowLabel, IpProtocol.ICMPV6, ttl, source6, destination6);
        int icmp = at + Ipv6View.HEADER;
        Bytes.put8(buf, icmp + IcmpView.TYPE, type);
        Bytes.put8(buf, icmp + IcmpView.CODE, code);
        Bytes.put16(buf, icmp + IcmpView.CHECKSUM, 0);
        if (isEchoReply()) {
            Bytes.put16(buf, icmp + IcmpView.IDENTIFIER, echoId);
            Bytes.put16(buf, icmp + IcmpView.SEQUENCE, echoSequence);
        } else if (type == Icmpv6Type.PACKET_TOO_BIG) {
            Bytes.put32(buf, icmp + IcmpView.ICMPV6_MTU, mtu6);
        } else {
            Bytes.put32(buf, icmp + 4, 0);
            if (lengthField >= 0) {
                Bytes.put8(buf, icmp + IcmpView.ICMPV6_RFC4884_LENGTH, lengthField);
            } else if (hasExtensions() && !compatibility) {
                // RFC 4884 section 4.1: ICMPv6 counts the original datagram field in 64-bit words.
                Bytes.put8(buf, icmp + IcmpView.ICMPV6_RFC4884_LENGTH, datagramField() / 8);
            }
        }
        writeBody(buf, icmp + IcmpView.HEADER);
        int pseudo = Checksum.pseudoHeaderSum(source6, destination6, IpProtocol.ICMPV6, icmpLength);
        Bytes.put16(buf, icmp + IcmpView.CHECKSUM, ~Checksum.sum(buf, icmp, icmpLength, pseudo) & 0xffff);
        return length();
    }

    /** A new array holding the frame. */
    public byte[] toBytes() {
        byte[] out = new byte[length()];
        encode(out, 0);
        return out;
    }
}
