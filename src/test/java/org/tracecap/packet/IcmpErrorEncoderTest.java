package org.tracecap.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tracecap.packet.RealFrames.bytes;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class IcmpErrorEncoderTest {
    static final byte[] R1_MAC = Bytes.fromHex("0200c6120102");
    static final byte[] CLIENT_MAC = Bytes.fromHex("0200c6120101");
    static final int CLIENT = Ipv4Address.parse("198.18.1.1");

    @Test
    void reproducesTheTimeExceededALinuxRouterSent() {
        byte[] probe = bytes(RealFrames.UDP_PROBE);
        byte[] frame = IcmpErrorEncoder.timeExceeded(Ipv4Address.parse("198.18.1.2"), CLIENT, probe, 14, 60)
                .ethernet(CLIENT_MAC, R1_MAC).ttl(64).ipId(0xa523).tos(0xc0).toBytes();
        assertArrayEquals(bytes(RealFrames.TIME_EXCEEDED), frame);
    }

    @Test
    void reproducesTheAdminProhibitedTheServerSent() {
        byte[] real = bytes(RealFrames.ADMIN_PROHIBITED);
        byte[] frame = IcmpErrorEncoder.destinationUnreachable(Ipv4Address.parse("198.18.5.2"), CLIENT,
                        IcmpType.CODE_ADMIN_PROHIBITED, real, 42, 60)
                .ethernet(CLIENT_MAC, R1_MAC).ttl(60).ipId(0x78ef).tos(0xc0).toBytes();
        assertArrayEquals(real, frame);
    }

    @Test
    void reproducesTheEchoReply() {
        byte[] real = bytes(RealFrames.ECHO_REPLY);
        byte[] frame = IcmpErrorEncoder.echoReply(Ipv4Address.parse("198.18.5.2"), CLIENT, 0x6724, 13, real, 42, 32)
                .ethernet(CLIENT_MAC, R1_MAC).ttl(60).ipId(0x3e96).toBytes();
        assertArrayEquals(real, frame);
    }

    @Test
    void garbageLengthFieldIsWrittenAsAskedWithTheChecksumRight() {
        // SYNTHETIC: a router copying the probe's IP ID (0x54d3) low byte into the RFC 4884 length field.
        byte[] probe = bytes(RealFrames.UDP_PROBE);
        byte[] te = IcmpErrorEncoder.timeExceeded(Ipv4Address.parse("198.18.1.2"), CLIENT, probe, 14, 60)
                .lengthField(0xd3).toBytes();
        assertEquals("0b00", Bytes.hex(te, 20, 2));
        assertEquals("00d30000", Bytes.hex(te, 24, 4));
        assertEquals(20 + 8 + 60, te.length, "the layout is unchanged: only the field lies");
        assertTrue(Checksum.verify(te, 20, te.length - 20));
        // With the non-compliant layout: structure at 128, and the garbage in the field.
        byte[] nc = IcmpErrorEncoder.timeExceeded(Ipv4Address.parse("198.18.1.2"), CLIENT, probe, 14, 60)
                .extensions(java.util.List.of(IcmpExtensions.mplsObject(java.util.List.of(new MplsEntry(1, 0, true, 1)))))
                .compatibilityLayout().lengthField(1).toBytes();
        assertEquals(1, nc[20 + 5]);
        assertEquals(0x20, nc[20 + 8 + 128] & 0xff);
        assertTrue(Checksum.verify(nc, 20, nc.length - 20));
    }

    @Test
    void rfc792QuoteAndFragmentationNeededWithoutEthernet() {
        byte[] probe = bytes(RealFrames.UDP_PROBE);
        IcmpErrorEncoder e = IcmpErrorEncoder.destinationUnreachable(Ipv4Address.parse("198.18.3.2"), CLIENT,
                IcmpType.CODE_FRAGMENTATION_NEEDED, probe, 14, 60).mtu(1400).quoteLimit(28);
        byte[] buf = new byte[e.length() + 3];
        assertEquals(56, e.encode(buf, 3));
        Ipv4View ip = Ipv4View.of(buf, 3, 56);
        assertTrue(ip.headerChecksumValid());
        IcmpView icmp = IcmpView.of(buf, 23, ip.payloadLength());
        assertTrue(icmp.checksumValid());
        assertEquals(1400, icmp.nextHopMtu());
        assertEquals(28, icmp.bodyLength());
        assertArrayEquals(Arrays.copyOfRange(probe, 14, 42), Arrays.copyOfRange(buf, 31, 59));
    }
}
