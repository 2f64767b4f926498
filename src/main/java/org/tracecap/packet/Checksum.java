package org.tracecap.packet;

/** The Internet checksum (RFC 1071): one's complement of the one's complement sum of 16-bit words. */
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

    /** True when the bytes, checksum field included, sum to 0xffff (a valid checksum). */
    public static boolean verify(byte[] b, int off, int len) {
        return sum(b, off, len, 0) == 0xffff;
    }
}
