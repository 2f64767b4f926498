package org.tracecap.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tracecap.packet.RealFrames.bytes;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RFC 4884 extension structures with RFC 4950 MPLS objects. SYNTHETIC: Linux routers do not emit them, so
 * these frames are built with {@link IcmpErrorEncoder} following the RFC byte layouts, quoting a real probe.
 */
class IcmpExtensionsTest {
    static final int R2 = Ipv4Address.parse("198.18.2.2");
    static final int CLIENT = Ipv4Address.parse("198.18.1.1");
    static final List<MplsEntry> STACK = List.of(new MplsEntry(16005, 0, false, 1), new MplsEntry(1048575, 7, true, 255));

    static byte[] synthetic(IcmpErrorEncoder e) {
        return e.toBytes();
    }

    static IcmpErrorEncoder timeExceeded() {
        byte[] probe = bytes(RealFrames.UDP_PROBE);
        return IcmpErrorEncoder.timeExceeded(R2, CLIENT, probe, 14, 60);
    }

    @Test
    void mplsWordLayoutPerRfc4950() {
        // label 16005 = 0x03e85, TC 5, S 1, TTL 1 -> 0x03e85 << 12 | 5 << 9 | 1 << 8 | 1
        MplsEntry e = new MplsEntry(16005, 5, true, 1);
        assertEquals(0x03e85b01, IcmpExtensions.encodeMpls(e));
        assertEquals(e, IcmpExtensions.decodeMpls(0x03e85b01));
        assertEquals(new MplsEntry(0xfffff, 7, true, 255), IcmpExtensions.decodeMpls(0xffffffff));
    }

    @Test
    void rfc4884LayoutBytes() {
        byte[] ip = synthetic(timeExceeded().extensions(List.of(IcmpExtensions.mplsObject(STACK))));
        // IPv4 20 + ICMP 8 + datagram field 128 + extension header 4 + object header 4 + 2 entries 8
        assertEquals(20 + 8 + 128 + 4 + 4 + 8, ip.length);
        assertEquals(32, ip[20 + 5], "length field: 128 bytes in 32-bit words");
        int ext = 20 + 8 + 128;
        assertEquals(0x20, ip[ext] & 0xff, "version 2");
        assertTrue(Checksum.verify(ip, ext, 16), "extension checksum");
        assertEquals("000c0101", Bytes.hex(ip, ext + 4, 4), "object length 12, class 1, c-type 1");
        assertEquals("03e85001ffffffff", Bytes.hex(ip, ext + 8, 8));
        assertEquals(0, ip[20 + 8 + 60], "datagram zero-padded to 128");
        assertTrue(Checksum.verify(ip, 20, ip.length - 20), "ICMP checksum");
    }

    @Test
    void decodesMplsAndOtherObjects() {
        IcmpExtension other = new IcmpExtension(2, 1, "0000000adeadbeef", List.of());
        byte[] ip = synthetic(timeExceeded().extensions(List.of(IcmpExtensions.mplsObject(STACK), other)));
        IcmpExtensions.Parsed p = IcmpExtensions.parse(ip, 20, ip.length - 20);
        assertNull(p.warning());
        assertEquals(2, p.extensions().size());
        IcmpExtension mpls = p.extensions().get(0);
        assertEquals(1, mpls.classNum());
        assertEquals(1, mpls.cType());
        assertEquals(STACK, mpls.mpls());
        assertEquals("03e85001ffffffff", mpls.payloadHex());
        assertEquals(other, p.extensions().get(1));
    }

    @Test
    void compatibilityLayoutAtOffset128WithLengthZero() {
        byte[] ip = synthetic(timeExceeded().extensions(List.of(IcmpExtensions.mplsObject(STACK))).compatibilityLayout());
        assertEquals(0, ip[20 + 5]);
        IcmpExtensions.Parsed p = IcmpExtensions.parse(ip, 20, ip.length - 20);
        assertEquals(STACK, p.extensions().get(0).mpls());
    }

    @Test
    void compatibilityGuessRejectsPlainLongQuotes() {
        // A 576-byte Linux error quoting a big probe has no length field and no structure at 128.
        byte[] probe = new byte[600];
        System.arraycopy(bytes(RealFrames.UDP_PROBE), 14, probe, 0, 60);
        Bytes.put16(probe, 2, 600);
        probe[20 + 8 + 100] = 0x20; // looks like version 2 at offset 128 of the ICMP body
        byte[] ip = IcmpErrorEncoder.timeExceeded(R2, CLIENT, probe, 0, 600).toBytes();
        assertEquals(576, ip.length);
        assertEquals(IcmpExtensions.Parsed.NONE, IcmpExtensions.parse(ip, 20, ip.length - 20));
    }

    @Test
    void noExtensionsOnRealFramesOrOtherTypes() {
        byte[] te = bytes(RealFrames.TIME_EXCEEDED);
        assertEquals(IcmpExtensions.Parsed.NONE, IcmpExtensions.parse(te, 34, 68));
        byte[] echo = bytes(RealFrames.ECHO_REPLY);
        assertEquals(IcmpExtensions.Parsed.NONE, IcmpExtensions.parse(echo, 34, 40));
    }

    @Test
    void badChecksumDropsTheExtensionsWithAWarning() {
        byte[] ip = synthetic(timeExceeded().extensions(List.of(IcmpExtensions.mplsObject(STACK))));
        ip[ip.length - 1] ^= 1;
        IcmpExtensions.Parsed p = IcmpExtensions.parse(ip, 20, ip.length - 20);
        assertEquals(IcmpExtensions.BAD_CHECKSUM, p.warning());
        assertTrue(p.extensions().isEmpty());
    }

    @Test
    void badVersionAndShortDatagramFieldAreWarnings() {
        byte[] ip = synthetic(timeExceeded().extensions(List.of(IcmpExtensions.mplsObject(STACK))));
        byte[] v1 = ip.clone();
        v1[20 + 8 + 128] = 0x10;
        assertEquals(IcmpExtensions.BAD_VERSION, IcmpExtensions.parse(v1, 20, v1.length - 20).warning());
        byte[] shortField = ip.clone();
        shortField[20 + 5] = 16; // says 64 bytes: below the 128 RFC 4884 5.1 requires
        assertEquals(IcmpExtensions.SHORT_DATAGRAM_FIELD,
                IcmpExtensions.parse(shortField, 20, shortField.length - 20).warning());
    }

    @Test
    void objectLengthsThatLieAreMalformed() {
        byte[] ip = synthetic(timeExceeded().extensions(List.of(IcmpExtensions.mplsObject(STACK))));
        int object = 20 + 8 + 128 + 4;
        for (int bad : new int[] {0, 3, 13, 0xffff}) {
            byte[] b = ip.clone();
            Bytes.put16(b, object, bad);
            // keep the structure checksum right so that only the length is wrong
            Bytes.put16(b, object - 2, 0);
            Bytes.put16(b, object - 2, Checksum.compute(b, object - 4, b.length - object + 4));
            PacketException e = assertThrows(PacketException.class, () -> IcmpExtensions.parse(b, 20, b.length - 20));
            assertEquals("ICMP extension object length", e.reason(), "object length " + bad);
        }
    }

    @Test
    void lengthFieldPastTheEndIsMalformed() {
        byte[] ip = synthetic(timeExceeded().extensions(List.of(IcmpExtensions.mplsObject(STACK))));
        ip[20 + 5] = (byte) 200;
        assertEquals("ICMP extension length past end",
                assertThrows(PacketException.class, () -> IcmpExtensions.parse(ip, 20, ip.length - 20)).reason());
    }
}
