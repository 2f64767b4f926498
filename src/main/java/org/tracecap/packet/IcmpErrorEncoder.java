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
 */
public final class IcmpErrorEncoder {
    public static final int DEFAULT_QUOTE_LIMIT = 576 - Ipv4View.MIN_HEADER - IcmpView.HEADER;
    public static final int DEFAULT_TTL = 64;

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
        return !extensions.isEmpty() && type != IcmpType.ECHO_REPLY;
    }

    private int quoted() {
        int q = Math.min(datagramLength, quoteLimit);
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
        return (destinationMac != null ? ProbeEncoder.ETHERNET_HEADER : 0) + Ipv4View.MIN_HEADER + icmpLength();
    }

    /** Writes the frame at {@code off} and returns its length. */
    public int encode(byte[] buf, int off) {
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
        int body = icmp + IcmpView.HEADER;
        int q = quoted();
        System.arraycopy(datagram, datagramOffset, buf, body, q);
        java.util.Arrays.fill(buf, body + q, body + datagramField(), (byte) 0);
        if (hasExtensions()) {
            IcmpExtensions.write(buf, body + datagramField(), extensions);
        }
        Bytes.put16(buf, icmp + IcmpView.CHECKSUM, Checksum.compute(buf, icmp, icmpLength()));
        return length();
    }

    /** A new array holding the frame. */
    public byte[] toBytes() {
        byte[] out = new byte[length()];
        encode(out, 0);
        return out;
    }
}
