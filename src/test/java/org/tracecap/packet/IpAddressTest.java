package org.tracecap.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressTest {

    @Test
    void ipv4RoundTrips() {
        IpAddress a = IpAddress.parse("198.18.1.2");
        assertTrue(a.isIpv4());
        assertEquals(Ipv4Address.parse("198.18.1.2"), a.ipv4());
        assertEquals("198.18.1.2", a.toString());
        assertArrayEquals(new byte[] {(byte) 198, 18, 1, 2}, a.toBytes());
        assertEquals(a, IpAddress.ipv4At(new byte[] {0, (byte) 198, 18, 1, 2}, 1));
        assertEquals(IpAddress.parse("255.255.255.255").ipv4(), -1);
    }

    @Test
    void ipv6FromBytesAndBack() throws Exception {
        byte[] raw = InetAddress.getByName("2001:db8::1:0:0:1").getAddress();
        IpAddress a = IpAddress.of(raw);
        assertTrue(a.isIpv6());
        assertEquals(0x2001_0db8_0000_0000L, a.high());
        assertEquals(0x0001_0000_0000_0001L, a.low());
        assertArrayEquals(raw, a.toBytes());
        byte[] out = new byte[18];
        assertEquals(17, a.write(out, 1));
        assertEquals(a, IpAddress.ipv6At(out, 1));
        assertEquals(InetAddress.getByAddress(raw), a.toInetAddress());
    }

    /** RFC 5952 section 4 (and its examples): the canonical text. */
    @ParameterizedTest
    @ValueSource(strings = {"2001:db8::1", "2001:db8:0:1:1:1:1:1", "2001:0:0:1::1", "2001:db8::1:0:0:1", "::",
        "::1", "fe80::1", "2001:db8:1:2:3:4:5:6", "1::", "::ffff:0:c612:101", "2001:db8::"})
    void canonicalTextRoundTrips(String text) {
        assertEquals(text, IpAddress.parse(text).toString());
    }

    @Test
    void nonCanonicalInputIsNormalised() {
        assertEquals("2001:db8::1", IpAddress.parse("2001:0DB8:0000:0000:0000:0000:0000:0001").toString());
        assertEquals("2001:db8:0:1:1:1:1:1", IpAddress.parse("2001:db8::1:1:1:1:1").toString());
        assertEquals("::ffff:c612:101", IpAddress.parse("::ffff:198.18.1.1").toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ":", ":::", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "g::", "1:2:3:4:5:6:7",
        "1.2.3", "256.1.1.1", "::1%eth0", "1:", ":1", "example.com", "1::2:3:4:5:6:7:8", "::1.2.3.4:5"})
    void rejectsWhatIsNotAnAddress(String text) {
        assertThrows(IllegalArgumentException.class, () -> IpAddress.parse(text));
        assertFalse(IpAddress.isLiteral(text));
    }

    @Test
    void familyIsPartOfEquality() {
        IpAddress v4 = IpAddress.parse("198.18.1.1");
        IpAddress mapped = IpAddress.parse("::ffff:198.18.1.1");
        assertNotEquals(v4, mapped);
        assertEquals(v4, IpAddress.ipv4(v4.ipv4()));
        assertEquals(v4.hashCode(), IpAddress.parse("198.18.1.1").hashCode());
        assertTrue(v4.compareTo(mapped) < 0);
        assertThrows(IllegalStateException.class, mapped::ipv4);
    }

    @Test
    void linkLocal() {
        assertTrue(IpAddress.parse("fe80::1").isLinkLocal());
        assertTrue(IpAddress.parse("febf::1").isLinkLocal());
        assertFalse(IpAddress.parse("fec0::1").isLinkLocal());
        assertTrue(IpAddress.parse("169.254.3.4").isLinkLocal());
        assertFalse(IpAddress.parse("198.18.1.1").isLinkLocal());
    }
}
