package org.tracecap.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tracecap.packet.RealFrames.bytes;

import org.junit.jupiter.api.Test;

/** UDP, TCP and ICMP views over real frames, and their malformed cases. */
class TransportViewsTest {
    @Test
    void udpOfTheRealProbe() {
        byte[] f = bytes(RealFrames.UDP_PROBE);
        UdpView udp = UdpView.of(f, 34, 40);
        assertEquals(37888, udp.sourcePort());
        assertEquals(33434, udp.destinationPort());
        assertEquals(40, udp.length());
        assertEquals(0x61d6, udp.checksum());
        assertEquals(42, udp.payloadOffset());
        assertEquals(32, udp.payloadLength());
        assertEquals(0x40, f[udp.payloadOffset()]);
    }

    @Test
    void udpMalformedAndQuoted() {
        byte[] f = bytes(RealFrames.UDP_PROBE);
        assertEquals("UDP header past capture", assertThrows(PacketException.class, () -> UdpView.of(f, 34, 7)).reason());
        byte[] bad = f.clone();
        Bytes.put16(bad, 38, 4);
        assertEquals("UDP length < 8", assertThrows(PacketException.class, () -> UdpView.of(bad, 34, 40)).reason());
        // In a quote the length describes the probe, not the quote: not checked.
        UdpView q = UdpView.ofQuote(bad, 34, 8);
        assertEquals(4, q.length());
        assertEquals(0, q.payloadLength());
        assertEquals("ICMP quote shorter than IP header + 8",
                assertThrows(PacketException.class, () -> UdpView.ofQuote(f, 34, 6)).reason());
    }

    @Test
    void tcpSynWithOptions() {
        byte[] f = bytes(RealFrames.TCP_SYN);
        TcpView tcp = TcpView.of(f, 34, 40);
        assertEquals(39547, tcp.sourcePort());
        assertEquals(80, tcp.destinationPort());
        assertEquals(1598006561L, tcp.sequence());
        assertEquals(0, tcp.acknowledgment());
        assertEquals(10, tcp.dataOffset());
        assertEquals(TcpView.SYN, tcp.flags());
        assertTrue(tcp.isSyn());
        assertFalse(tcp.isAck());
        assertEquals(5840, tcp.window());
        assertEquals(0xe0bc, tcp.checksum());
    }

    @Test
    void tcpRstAck() {
        byte[] f = bytes(RealFrames.TCP_RST);
        TcpView tcp = TcpView.of(f, 34, 20);
        assertEquals(80, tcp.sourcePort());
        assertEquals(39547, tcp.destinationPort());
        assertEquals(0, tcp.sequence());
        assertEquals(1598006562L, tcp.acknowledgment());
        assertEquals(TcpView.RST | TcpView.ACK, tcp.flags());
        assertTrue(tcp.isRst());
    }

    @Test
    void tcpMalformedAndEightByteQuote() {
        byte[] f = bytes(RealFrames.TCP_SYN);
        assertEquals("TCP header past capture", assertThrows(PacketException.class, () -> TcpView.of(f, 34, 19)).reason());
        assertEquals("TCP header past capture", assertThrows(PacketException.class, () -> TcpView.of(f, 34, 30)).reason());
        byte[] bad = f.clone();
        bad[46] = 0x40;
        assertEquals("TCP data offset < 5", assertThrows(PacketException.class, () -> TcpView.of(bad, 34, 40)).reason());
        TcpView q = TcpView.ofQuote(f, 34, 8);
        assertFalse(q.hasFullHeader());
        assertEquals(39547, q.sourcePort());
        assertEquals(1598006561L, q.sequence());
        assertEquals(0, q.flags());
        assertEquals(0, q.acknowledgment());
        assertEquals(0, q.checksum());
        assertThrows(PacketException.class, () -> TcpView.ofQuote(f, 34, 7));
    }

    @Test
    void icmpEchoRequestAndReply() {
        byte[] req = bytes(RealFrames.ECHO_REQUEST);
        IcmpView icmp = IcmpView.of(req, 34, 40);
        assertEquals(IcmpType.ECHO_REQUEST, icmp.type());
        assertEquals(0, icmp.code());
        assertEquals(0x1b49, icmp.checksum());
        assertTrue(icmp.checksumValid());
        assertEquals(0x6724, icmp.identifier());
        assertEquals(13, icmp.sequence());
        assertEquals(0, icmp.rfc4884Length());
        assertEquals(32, icmp.bodyLength());
        IcmpView reply = IcmpView.of(bytes(RealFrames.ECHO_REPLY), 34, 40);
        assertEquals(IcmpType.ECHO_REPLY, reply.type());
        assertEquals(0x6724, reply.identifier());
        assertEquals(13, reply.sequence());
    }

    @Test
    void icmpTimeExceededAndAdminProhibited() {
        IcmpView te = IcmpView.of(bytes(RealFrames.TIME_EXCEEDED), 34, 68);
        assertEquals(IcmpType.TIME_EXCEEDED, te.type());
        assertEquals(0x8761, te.checksum());
        assertTrue(te.checksumValid());
        assertEquals(0, te.rfc4884Length());
        assertEquals(0, te.nextHopMtu());
        assertEquals(42, te.bodyOffset());
        assertEquals(60, te.bodyLength());
        IcmpView du = IcmpView.of(bytes(RealFrames.ADMIN_PROHIBITED), 34, 68);
        assertEquals(IcmpType.DEST_UNREACHABLE, du.type());
        assertEquals(IcmpType.CODE_ADMIN_PROHIBITED, du.code());
        assertEquals("!X", IcmpType.annotation(du.type(), du.code(), du.nextHopMtu()));
    }

    @Test
    void icmpNextHopMtuAndLengthField() {
        byte[] b = Bytes.fromHex("0304 0000 0020 05dc" + "00".repeat(128));
        IcmpView v = IcmpView.of(b, 0, b.length);
        assertEquals(1500, v.nextHopMtu());
        assertEquals(32, v.rfc4884Length());
        b[1] = 3;
        assertEquals(0, IcmpView.of(b, 0, b.length).nextHopMtu());
        assertEquals("ICMP header past capture",
                assertThrows(PacketException.class, () -> IcmpView.of(b, 0, 7)).reason());
    }
}
