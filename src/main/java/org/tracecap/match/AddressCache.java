package org.tracecap.match;

import org.tracecap.packet.IpAddress;

/**
 * The {@link IpAddress} values of the addresses a classifier has seen lately, so that a replay, which reads two
 * addresses from every frame (four from an ICMP error), makes an address object only the first time it sees
 * one: a direct-mapped table of {@value #SIZE} entries, found by the address's bits and family and replaced on
 * a miss. A replaced entry costs nothing but a new object the next time: {@code IpAddress} compares by value,
 * so two objects of one address are interchangeable. Not thread-safe (one per {@link FrameClassifier}).
 */
final class AddressCache {
    static final int SIZE = 1024;

    private final IpAddress[] entries = new IpAddress[SIZE];

    /** The IPv4 address {@code a} (as {@link IpAddress#ipv4(int)}). */
    IpAddress ipv4(int a) {
        int h = a * 0x9E37_79B9;
        int i = (h ^ (h >>> 16)) & (SIZE - 1);
        IpAddress e = entries[i];
        if (e != null && e.low() == (a & 0xffff_ffffL) && e.family() == IpAddress.IPV4) {
            return e;
        }
        e = IpAddress.ipv4(a);
        entries[i] = e;
        return e;
    }

    /** The IPv6 address of bits {@code high} and {@code low} (as {@link IpAddress#ipv6(long, long)}). */
    IpAddress ipv6(long high, long low) {
        long x = (high * 0x9E37_79B9_7F4A_7C15L) ^ low;
        // offset from the IPv4 hash, so that ::a.b.c.d and a.b.c.d (the same low bits) take different entries
        int h = ((int) (x ^ (x >>> 32)) + 0x5BD1_E995) * 0x9E37_79B9;
        int i = (h ^ (h >>> 16)) & (SIZE - 1);
        IpAddress e = entries[i];
        if (e != null && e.low() == low && e.high() == high && e.family() == IpAddress.IPV6) {
            return e;
        }
        e = IpAddress.ipv6(high, low);
        entries[i] = e;
        return e;
    }
}
