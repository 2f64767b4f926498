package org.tracecap.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.tracecap.packet.IcmpExtensionsTest.parse;
import static org.tracecap.packet.IcmpExtensionsTest.timeExceeded;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RFC 5837 Interface Information objects, byte by byte. SYNTHETIC: Linux routers do not send them; the
 * payloads are written here from the RFC's layout (section 4) and carried in Time Exceeded messages built
 * with {@link IcmpErrorEncoder} quoting a real probe.
 */
class InterfaceInformationTest {
    static final IpAddress R2_IN = IpAddress.parse("198.18.2.2");
    static final IpAddress V6 = IpAddress.parse("2001:db8::2");

    private static InterfaceInformation decode(String hex, int cType) {
        byte[] b = Bytes.fromHex(hex);
        return InterfaceInformation.decode(b, 0, b.length, cType);
    }

    @Test
    void ifIndexAlone() {
        // role 0 (incoming), bit 4: ifIndex 3
        assertEquals(new InterfaceInformation(0, 3L, null, null, null), decode("00000003", 0x08));
    }

    @Test
    void everySubObjectInOrderIpv4() {
        // role 2 (outgoing) = 0x80, ifIndex + address + name + MTU = 0x0f
        String hex = "00000007" // ifIndex 7
                + "0001" + "0000" + "c6120202" // AFI 1, reserved, 198.18.2.2
                + "08" + "657468310000" + "00" // name sub-object: length 8 = 1 + "eth1" + 3 NULs
                + "000005dc"; // MTU 1500
        InterfaceInformation info = new InterfaceInformation(2, 7L, R2_IN, "eth1", 1500L);
        assertEquals(info, decode(hex, 0x8f));
        assertEquals(0x8f, info.cType());
        assertEquals(hex, Bytes.hex(info.payload(), 0, info.payload().length));
        assertEquals("outgoing", info.roleName());
    }

    @Test
    void ipv6AddressSubObject() {
        // role 3 (next hop) = 0xc0, address only = 0x04: AFI 2, reserved, 16 bytes
        String hex = "0002" + "0000" + "20010db8000000000000000000000002";
        InterfaceInformation info = new InterfaceInformation(3, null, V6, null, null);
        assertEquals(info, decode(hex, 0xc4));
        assertEquals(hex, Bytes.hex(info.payload(), 0, info.payload().length));
        assertEquals("next-hop", info.roleName());
    }

    @Test
    void nameAndMtuEachAlone() {
        // sub-IP component (role 1 = 0x40): name "ge-0/0/1.0" (10 bytes) -> length 12, one NUL of padding
        assertEquals(new InterfaceInformation(1, null, null, "ge-0/0/1.0", null),
                decode("0c" + "67652d302f302f312e30" + "00", 0x42));
        // a name of exactly 3 bytes fills its 4-byte sub-object with no NUL at all
        assertEquals(new InterfaceInformation(0, null, null, "lo0", null), decode("046c6f30", 0x02));
        assertEquals(new InterfaceInformation(0, null, null, null, 9000L), decode("00002328", 0x01));
        assertEquals(new InterfaceInformation(0, null, null, null, null), decode("", 0x00));
    }

    @Test
    void nameIsUtf8AndEndsAtTheFirstNul() {
        // "é0" is c3 a9 30: length 8, padded with NULs, garbage after the first NUL ignored
        assertEquals("\u00e90", decode("08c3a930" + "00ff0000", 0x02).name());
        InterfaceInformation longest = new InterfaceInformation(0, null, null, "x".repeat(63), null);
        assertEquals(64, longest.payload().length);
        assertEquals(longest, decode(Bytes.hex(longest.payload(), 0, 64), 0x02));
        assertThrows(IllegalArgumentException.class,
                () -> new InterfaceInformation(0, null, null, "x".repeat(64), null));
    }

    @Test
    void unsignedIfIndexAndMtu() {
        assertEquals(new InterfaceInformation(0, 0xffff_ffffL, null, null, 0xffff_fffeL),
                decode("ffffffff" + "fffffffe", 0x09));
    }

    @Test
    void lyingLengthsGiveNull() {
        assertNull(decode("000000", 0x08), "ifIndex cut short");
        assertNull(decode("0001", 0x04), "address sub-object header cut");
        assertNull(decode("00010000c61202", 0x04), "IPv4 address cut");
        assertNull(decode("00020000c6120202", 0x04), "IPv6 address cut");
        assertNull(decode("00030000c6120202", 0x04), "AFI 3 cannot be sized");
        assertNull(decode("05657468", 0x02), "name length 5: not a multiple of 4");
        assertNull(decode("00657468", 0x02), "name length 0");
        assertNull(decode("0865746831", 0x02), "name length 8, 5 bytes left");
        assertNull(decode("44" + "00".repeat(67), 0x02), "name length 68 > 64");
        assertNull(decode("", 0x02), "name sub-object missing");
        assertNull(decode("0000", 0x01), "MTU cut");
        assertNull(decode("00000003" + "00000000", 0x08), "bytes left after the last sub-object");
        assertNull(decode("00000003", 0x00), "a payload the C-Type does not announce");
        // found by InterfaceInformationProperties: 63 bytes that are not UTF-8 would decode to 63 replacement
        // characters, 189 bytes, no longer a name that fits its sub-object
        assertNull(decode("40" + "ff".repeat(63), 0x02), "a name that is not UTF-8");
        assertNull(decode("04c3" + "2800", 0x02), "a name cut inside a UTF-8 sequence");
    }

    @Test
    void parsedFromAMessageBesideMpls() {
        InterfaceInformation in = new InterfaceInformation(0, 3L, R2_IN, "eth1", 1500L);
        InterfaceInformation out = new InterfaceInformation(2, 4L, IpAddress.parse("198.18.3.1"), "eth2", 1500L);
        IcmpExtension mpls = IcmpExtensions.mplsObject(List.of(new MplsEntry(24001, 0, true, 1)));
        byte[] ip = timeExceeded().extensions(List.of(mpls, in.toExtension(), out.toExtension())).toBytes();
        int ext = 20 + 8 + 128;
        // object header of the incoming interface: length 4 + 4 + 8 + 8 + 4 = 28, class 2, c-type 0x0f
        assertEquals("001c020f", Bytes.hex(ip, ext + 4 + 8, 4));
        IcmpExtensions.Parsed p = parse(ip);
        assertNull(p.warning());
        assertEquals(List.of(mpls, in.toExtension(), out.toExtension()), p.extensions());
        assertEquals(in, p.extensions().get(1).interfaceInformation());
        assertEquals(out, p.extensions().get(2).interfaceInformation());
        assertNull(p.extensions().get(0).interfaceInformation());
    }

    @Test
    void anUndecodableObjectIsKeptRawWithAWarning() {
        // class 2, c-type 0x08 (ifIndex) but 8 bytes of payload: the object's length says more than its bits
        IcmpExtension lying = new IcmpExtension(InterfaceInformation.CLASS_NUM, 0x08, "0000000300000000", null);
        IcmpExtension mpls = IcmpExtensions.mplsObject(List.of(new MplsEntry(24001, 0, true, 1)));
        IcmpExtensions.Parsed p = parse(timeExceeded().extensions(List.of(mpls, lying)).toBytes());
        assertEquals(IcmpExtensions.BAD_INTERFACE_INFORMATION, p.warning());
        assertEquals(List.of(mpls, lying), p.extensions());
        assertNull(p.extensions().get(1).interfaceInformation());
    }

    @Test
    void nonCompliantLayoutStillFoundWithAnUndecodableObject() {
        // rule 5: a well-formed structure at offset 128 is taken even if an RFC 5837 object inside lies
        IcmpExtension lying = new IcmpExtension(InterfaceInformation.CLASS_NUM, 0x02, "09000000", null);
        IcmpExtensions.Parsed p = parse(timeExceeded().extensions(List.of(lying)).compatibilityLayout().toBytes());
        assertEquals(new IcmpExtensions.Parsed(128, List.of(lying), IcmpExtensions.BAD_INTERFACE_INFORMATION), p);
    }

    @Test
    void payloadBytesOfAllFour() {
        byte[] p = new InterfaceInformation(0, 1L, R2_IN, "e", 1500L).payload();
        assertArrayEquals(Bytes.fromHex("00000001" + "00010000c6120202" + "04650000" + "000005dc"), p);
    }
}
