package org.tracecap.packet;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * One IP address of either family, as Wireshark's address type and scamper's {@code scamper_addr} carry one:
 * the family as data (4 or 6) and the address's bits in two longs (an IPv4 address in the low 32 bits of
 * {@link #low()}, {@link #high()} 0). Compared and hashed by value with no allocation; printed as its family
 * prints it (dotted quad; RFC 5952 canonical text for IPv6). Immutable.
 *
 * <p>Equality includes the family: the IPv4 address 198.18.1.1 and the IPv6 address ::ffff:198.18.1.1 (an
 * IPv4-mapped address, RFC 4291 section 2.5.5.2) are different values, as they are different on the wire.
 */
public final class IpAddress implements Comparable<IpAddress> {
    public static final int IPV4 = 4;
    public static final int IPV6 = 6;

    private final long high;
    private final long low;
    private final byte family;
    /**
     * The IPv6 text once made (a racy single check, as {@link String#hashCode}'s cache: every thread computes
     * the same value): the reports print an interned address once per probe, and formatting it each time was
     * the IPv6 replay's one allocation per printed address.
     */
    private String text;

    private IpAddress(int family, long high, long low) {
        this.family = (byte) family;
        this.high = high;
        this.low = low;
    }

    /** The IPv4 address held in {@code a} (network order in the int's bits, as {@link Ipv4Address} keeps it). */
    public static IpAddress ipv4(int a) {
        return new IpAddress(IPV4, 0, a & 0xffff_ffffL);
    }

    /** The IPv6 address whose first 64 bits are {@code high} and last 64 bits {@code low}. */
    public static IpAddress ipv6(long high, long low) {
        return new IpAddress(IPV6, high, low);
    }

    /** The IPv4 address in the 4 bytes at {@code offset} of {@code b}. */
    public static IpAddress ipv4At(byte[] b, int offset) {
        return ipv4(Bytes.s32(b, offset));
    }

    /** The IPv6 address in the 16 bytes at {@code offset} of {@code b}. */
    public static IpAddress ipv6At(byte[] b, int offset) {
        return ipv6(Bytes.u64(b, offset), Bytes.u64(b, offset + 8));
    }

    /** An address of 4 bytes (IPv4) or 16 bytes (IPv6), e.g. from {@link InetAddress#getAddress()}. */
    public static IpAddress of(byte[] raw) {
        return switch (raw.length) {
            case 4 -> ipv4At(raw, 0);
            case 16 -> ipv6At(raw, 0);
            default -> throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + raw.length);
        };
    }

    public static IpAddress of(InetAddress address) {
        return of(address.getAddress());
    }

    /**
     * Parses a dotted quad or IPv6 text (RFC 4291 section 2.2: hex groups, one {@code ::}, an embedded dotted
     * quad at the end); never looks a name up. Throws IllegalArgumentException naming the text otherwise.
     */
    public static IpAddress parse(String text) {
        if (text.indexOf(':') < 0) {
            return ipv4(Ipv4Address.parse(text));
        }
        return parseIpv6(text);
    }

    /** Whether {@code text} is an address literal of either family ({@link #parse} would accept it). */
    public static boolean isLiteral(String text) {
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public int family() {
        return family;
    }

    public boolean isIpv4() {
        return family == IPV4;
    }

    public boolean isIpv6() {
        return family == IPV6;
    }

    /** The first 64 bits of an IPv6 address; 0 for IPv4. */
    public long high() {
        return high;
    }

    /** The last 64 bits of an IPv6 address; the IPv4 address in the low 32 bits for IPv4. */
    public long low() {
        return low;
    }

    /** The IPv4 address as an int; throws IllegalStateException for an IPv6 address. */
    public int ipv4() {
        if (family != IPV4) {
            throw new IllegalStateException("not an IPv4 address: " + this);
        }
        return (int) low;
    }

    /** 4 or 16 bytes, network order. */
    public byte[] toBytes() {
        if (family == IPV4) {
            return Ipv4Address.toBytes((int) low);
        }
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (high >>> (56 - 8 * i));
            b[8 + i] = (byte) (low >>> (56 - 8 * i));
        }
        return b;
    }

    /** Writes the address's 4 or 16 bytes into {@code b} at {@code offset}; returns the offset after them. */
    public int write(byte[] b, int offset) {
        if (family == IPV4) {
            Bytes.put32(b, offset, (int) low);
            return offset + 4;
        }
        Bytes.put64(b, offset, high);
        Bytes.put64(b, offset + 8, low);
        return offset + 16;
    }

    public InetAddress toInetAddress() {
        try {
            return InetAddress.getByAddress(toBytes());
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 4 or 16 bytes are always accepted
        }
    }

    /** Link-local unicast: 169.254.0.0/16 or fe80::/10. */
    public boolean isLinkLocal() {
        if (family == IPV4) {
            return (low >>> 16) == 0xa9fe;
        }
        return (high >>> 54) == (0xfe80L >>> 6);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpAddress a && a.low == low && a.high == high && a.family == family;
    }

    @Override
    public int hashCode() {
        long h = high * 0x9E37_79B9_7F4A_7C15L + low;
        h = (h ^ (h >>> 32)) * 0x9E37_79B9L + family;
        return (int) (h ^ (h >>> 29));
    }

    /** IPv4 before IPv6, then by the address's bits as unsigned numbers. */
    @Override
    public int compareTo(IpAddress o) {
        if (family != o.family) {
            return family - o.family;
        }
        int c = Long.compareUnsigned(high, o.high);
        return c != 0 ? c : Long.compareUnsigned(low, o.low);
    }

    /** Dotted quad, or RFC 5952 text: lower case, no leading zeros, the longest run of 2+ zero groups as ::. */
    @Override
    public String toString() {
        if (family == IPV4) {
            return Ipv4Address.format((int) low);
        }
        String t = text;
        if (t == null) {
            t = formatIpv6(high, low);
            text = t;
        }
        return t;
    }

    private static String formatIpv6(long high, long low) {
        int[] g = new int[8];
        for (int i = 0; i < 4; i++) {
            g[i] = (int) (high >>> (48 - 16 * i)) & 0xffff;
            g[4 + i] = (int) (low >>> (48 - 16 * i)) & 0xffff;
        }
        // RFC 5952 4.2: the longest run of zero groups (the first when tied), only if 2 groups or more.
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder s = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLength - 1;
                continue;
            }
            if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            s.append(Integer.toHexString(g[i]));
        }
        return s.toString();
    }

    private static IpAddress parseIpv6(String text) {
        String bad = "not an IP address: " + text;
        String t = text;
        int zone = t.indexOf('%');
        if (zone >= 0) {
            throw new IllegalArgumentException(bad + " (a zone index is not an address)");
        }
        int[] groups = new int[8];
        int count = 0;
        int gap = -1;
        int i = 0;
        int n = t.length();
        if (t.startsWith("::")) {
            gap = 0;
            i = 2;
        } else if (t.startsWith(":")) {
            throw new IllegalArgumentException(bad);
        }
        while (i < n) {
            int end = t.indexOf(':', i);
            String part = end < 0 ? t.substring(i) : t.substring(i, end);
            if (part.isEmpty()) {
                throw new IllegalArgumentException(bad);
            }
            if (part.indexOf('.') >= 0) {
                // an embedded IPv4 address ends the text (RFC 4291 2.2 form 3)
                if (end >= 0 || count > 6) {
                    throw new IllegalArgumentException(bad);
                }
                int v4;
                try {
                    v4 = Ipv4Address.parse(part);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(bad);
                }
                groups[count++] = v4 >>> 16;
                groups[count++] = v4 & 0xffff;
                i = n;
                break;
            }
            if (part.length() > 4 || count == 8) {
                throw new IllegalArgumentException(bad);
            }
            int v = 0;
            for (int k = 0; k < part.length(); k++) {
                int d = Character.digit(part.charAt(k), 16);
                if (d < 0) {
                    throw new IllegalArgumentException(bad);
                }
                v = v * 16 + d;
            }
            groups[count++] = v;
            if (end < 0) {
                i = n;
            } else if (end + 1 < n && t.charAt(end + 1) == ':') {
                if (gap >= 0) {
                    throw new IllegalArgumentException(bad);
                }
                gap = count;
                i = end + 2;
            } else if (end + 1 == n) {
                throw new IllegalArgumentException(bad);
            } else {
                i = end + 1;
            }
        }
        if (gap >= 0) {
            if (count == 8) {
                throw new IllegalArgumentException(bad);
            }
            int move = count - gap;
            System.arraycopy(groups, gap, groups, 8 - move, move);
            for (int k = gap; k < 8 - move; k++) {
                groups[k] = 0;
            }
        } else if (count != 8) {
            throw new IllegalArgumentException(bad);
        }
        long high = 0;
        long low = 0;
        for (int k = 0; k < 4; k++) {
            high = (high << 16) | groups[k];
            low = (low << 16) | groups[4 + k];
        }
        return ipv6(high, low);
    }
}
