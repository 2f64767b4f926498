package org.tracecap.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tracecap.packet.IpAddress;

/** {@link AddressCache}: one object per address while it stays, values equal to a fresh address always. */
class AddressCacheTest {
    @Test
    void aSeenAddressIsTheSameObject() {
        AddressCache cache = new AddressCache();
        IpAddress first = cache.ipv4(0xc6120102);
        assertEquals(IpAddress.parse("198.18.1.2"), first);
        assertSame(first, cache.ipv4(0xc6120102));
        IpAddress v6 = cache.ipv6(0x2001_0db8_0000_0000L, 1);
        assertEquals(IpAddress.parse("2001:db8::1"), v6);
        assertSame(v6, cache.ipv6(0x2001_0db8_0000_0000L, 1));
    }

    @Test
    void familiesAreKeptApart() {
        AddressCache cache = new AddressCache();
        IpAddress v4 = cache.ipv4(0xc6120101);
        IpAddress v6 = cache.ipv6(0, 0xc6120101L);
        assertEquals(IpAddress.IPV4, v4.family());
        assertEquals(IpAddress.IPV6, v6.family());
        assertNotEquals(v4, v6);
        assertSame(v4, cache.ipv4(0xc6120101));
    }

    @Test
    void replacedEntriesStillGiveEqualValues() {
        AddressCache cache = new AddressCache();
        Random random = new Random(5);
        for (int i = 0; i < 20 * AddressCache.SIZE; i++) {
            int a = random.nextInt();
            long high = random.nextLong();
            long low = random.nextLong();
            assertEquals(IpAddress.ipv4(a), cache.ipv4(a));
            assertEquals(IpAddress.ipv6(high, low), cache.ipv6(high, low));
        }
    }
}
