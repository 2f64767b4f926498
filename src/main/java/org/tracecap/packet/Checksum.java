package org.tracecap.packet;

/**
 * The Internet checksum (RFC 1071): one's complement of the one's complement sum of 16-bit words; and the
 * partial checksums of transmit checksum offload ({@link #offloaded}).
 */
public final class Checksum {
    private Checksum() {
    }

    /** One's complement sum of {@code len} bytes, folded to 16 bits, starting from {@code initial}. */
    public static int sum(byte[] b, int off, int len, int initial) {
        long sum = initial;
        int i = off;
        int end = off + len;
        for (; i + 1 < end; i += 2) {
            sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        }
        if (i < end) {
            sum += (b[i] & 0xff) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }

    /** The checksum field value for these bytes (with the field itself zeroed by the caller). */
    public static int compute(byte[] b, int off, int len) {
        return ~sum(b, off, len, 0) & 0xffff;
    }

    /** Sum of the IPv4 pseudo-header used by UDP and TCP (RFC 768, RFC 9293 3.1). */
    public static int pseudoHeaderSum(int src, int dst, int protocol, int l4Length) {
        long s = (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + l4Length;
        while ((s >>> 16) != 0) {
            s = (s & 0xffff) + (s >>> 16);
        }
        return (int) s;
    }

    /**
     * Sum of the IPv6 pseudo-header used by UDP, TCP and ICMPv6 (RFC 8200 section 8.1): source and
     * destination addresses (as {@link IpAddress#high()}/{@link IpAddress#low()} hold them), the 32-bit
     * upper-layer packet length and the next header value of the upper layer.
     */
    public static int pseudoHeaderSumIpv6(long sourceHigh, long sourceLow, long destinationHigh,
            long destinationLow, int nextHeader, int upperLayerLength) {
        long s = words(sourceHigh) + words(sourceLow) + words(destinationHigh) + words(destinationLow)
                + (upperLayerLength >>> 16) + (upperLayerLength & 0xffff) + nextHeader;
        while ((s >>> 16) != 0) {
            s = (s & 0xffff) + (s >>> 16);
        }
        return (int) s;
    }

    /** The pseudo-header sum of either family: {@link #pseudoHeaderSum} or {@link #pseudoHeaderSumIpv6}. */
    public static int pseudoHeaderSum(IpAddress source, IpAddress destination, int protocol, int l4Length) {
        if (source.isIpv4()) {
            return pseudoHeaderSum((int) source.low(), (int) destination.low(), protocol, l4Length);
        }
        return pseudoHeaderSumIpv6(source.high(), source.low(), destination.high(), destination.low(), protocol,
                l4Length);
    }

    /** The four 16-bit words of {@code v}, added (at most 4 * 0xffff: no overflow). */
    private static long words(long v) {
        return (v >>> 48) + ((v >>> 32) & 0xffff) + ((v >>> 16) & 0xffff) + (v & 0xffff);
    }

    /** True when the bytes, checksum field included, sum to 0xffff (a valid checksum). */
    public static boolean verify(byte[] b, int off, int len) {
        return sum(b, off, len, 0) == 0xffff;
    }

    /** {@link #offloaded}: the checksum field is no partial checksum; it is what the segment left with. */
    public static final int NOT_PARTIAL = -1;
    /** {@link #offloaded}: the field is a partial checksum, and the segment was not captured whole. */
    public static final int PARTIAL_CUT = -2;

    /**
     * Whether {@code field} is the partial checksum Linux leaves in a UDP or TCP packet it sends with transmit
     * checksum offload (CHECKSUM_PARTIAL): the pseudo-header sum, folded and not complemented
     * ({@code uh->check = ~csum_tcpudp_magic(saddr, daddr, len, proto, 0)} in udp4_hwcsum, the same in
     * __tcp_v4_send_check), which the NIC completes with the segment's sum. 0x0000 and 0xffff are both zero in
     * one's complement and compare equal.
     */
    public static boolean isPartial(int field, int pseudoHeaderSum) {
        return (field & 0xffff) % 0xffff == (pseudoHeaderSum & 0xffff) % 0xffff;
    }

    /**
     * The checksum a captured UDP or TCP segment really left with when its field holds a partial checksum
     * ({@link #isPartial}): RFC 768 / RFC 9293 3.1 over the pseudo-header and the whole segment (a UDP result
     * of 0 is sent as 0xffff, RFC 768). {@link #NOT_PARTIAL} when the field is not partial: a segment captured
     * whole whose checksum verifies is right whatever it equals (a real checksum equals the pseudo-header sum
     * once in 65536), and a UDP checksum of 0 means none was computed. {@link #PARTIAL_CUT} when the field
     * equals the pseudo-header sum and the segment was not captured whole, so it can neither be verified nor
     * completed.
     *
     * @param off      offset of the UDP/TCP header in {@code b}
     * @param length   the segment's length as the pseudo-header counts it (UDP length; IP total length minus
     *                 the IP header for TCP)
     * @param whole    whether all {@code length} bytes are in {@code b} from {@code off}
     * @param protocol {@link IpProtocol#UDP} or {@link IpProtocol#TCP}
     * @param field    the checksum field as captured
     */
    public static int offloaded(byte[] b, int off, int length, boolean whole, int source, int destination,
            int protocol, int field) {
        if (protocol == IpProtocol.UDP && field == 0) {
            return NOT_PARTIAL;
        }
        return offloaded(b, off, length, whole, pseudoHeaderSum(source, destination, protocol, length), protocol,
                field);
    }

    /**
     * {@link #offloaded} for a UDP or TCP segment over IPv6: Linux leaves the IPv6 pseudo-header sum the same way
     * ({@code ~csum_ipv6_magic(saddr, daddr, len, proto, 0)} in udp6_hwcsum_outgoing and __tcp_v6_send_check).
     * Over IPv6 a UDP checksum of 0 is not "none" (RFC 8200 section 8.1: it is mandatory), but it is never
     * sent either (0 goes out as 0xffff), so a 0 field is not partial here, as over IPv4.
     *
     * @param length the upper-layer length as the pseudo-header counts it
     */
    public static int offloadedIpv6(byte[] b, int off, int length, boolean whole, long sourceHigh, long sourceLow,
            long destinationHigh, long destinationLow, int protocol, int field) {
        if (protocol == IpProtocol.UDP && field == 0) {
            return NOT_PARTIAL;
        }
        return offloaded(b, off, length, whole,
                pseudoHeaderSumIpv6(sourceHigh, sourceLow, destinationHigh, destinationLow, protocol, length),
                protocol, field);
    }

    private static int offloaded(byte[] b, int off, int length, boolean whole, int pseudo, int protocol, int field) {
        if (!isPartial(field, pseudo)) {
            return NOT_PARTIAL;
        }
        if (!whole) {
            return PARTIAL_CUT;
        }
        int withField = sum(b, off, length, pseudo);
        if (withField == 0xffff) {
            return NOT_PARTIAL;
        }
        // Take the field back out of the sum (adding its one's complement), then complement.
        int without = withField + (~field & 0xffff);
        without = (without & 0xffff) + (without >>> 16);
        int real = ~without & 0xffff;
        return protocol == IpProtocol.UDP && real == 0 ? 0xffff : real;
    }
}
