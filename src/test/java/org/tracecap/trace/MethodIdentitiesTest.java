package org.tracecap.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tracecap.match.FrameClassifier;
import org.tracecap.match.QuotedProbe;
import org.tracecap.match.SentProbe;
import org.tracecap.model.Method;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.IpProtocol;
import org.tracecap.packet.Ipv4Address;
import org.tracecap.packet.LinkLayer;

/**
 * The identities of -I, -I --method paris, -T and -U, both ways: the fields probe {@code n} carries (written,
 * and read back by the classifier as the capture sees them), and which captured probe or quote is probe n.
 */
class MethodIdentitiesTest {
    static final IpAddress SRC = IpAddress.ipv4(Ipv4Address.parse("198.18.1.1"));
    static final IpAddress DST = IpAddress.ipv4(Ipv4Address.parse("198.18.5.2"));
    static final IpAddress NAT = IpAddress.ipv4(Ipv4Address.parse("198.18.9.9"));
    static final byte[] MAC = {2, 0, 0, 0, 0, 1};

    /** Probe {@code n} as written, then as the capture reads it back (its own frame, echoed). */
    static SentProbe written(ProbeIdentity id, int n, int ttl) {
        byte[] buf = new byte[80];
        ProbeIdentity.Envelope e = new ProbeIdentity.Envelope(MAC, MAC, SRC, DST, ttl, 0, false, 60);
        SentProbe sent = id.write(n, e, buf, 1000);
        SentProbe captured = (SentProbe) new FrameClassifier().classify(2000, LinkLayer.ETHERNET, buf,
                e.linkHeader() + sent.totalLength(), e.linkHeader() + sent.totalLength());
        assertEquals(sent.checksum(), captured.checksum(), "the checksum as sent is the one on the wire");
        assertEquals(n, id.sequenceOf(captured), "the capture's copy is probe n");
        assertEquals(id.protocol(), captured.protocol());
        return sent;
    }

    /** A router's quote of {@code s} as it arrived (TTL 1), with its fields. */
    static QuotedProbe quote(SentProbe s) {
        return new QuotedProbe(s.source(), s.destination(), s.protocol(), 1, s.ipId(), s.totalLength(), 0,
                s.sourcePort(), s.destinationPort(), s.icmpId(), s.icmpSequence(), s.checksum(), s.tcpSequence(), 28);
    }

    static QuotedProbe withSource(QuotedProbe q, IpAddress source, int sourcePort, int icmpId) {
        return new QuotedProbe(source, q.destination(), q.protocol(), q.ttl(), q.ipId(), q.totalLength(), q.tos(),
                sourcePort, q.destinationPort(), icmpId, q.icmpSequence(), q.checksum() ^ 0x0f0f, q.tcpSequence(),
                q.quotedLength());
    }

    @Test
    void icmpEchoIsIdentifierPerTraceSequencePerProbe() {
        IcmpEchoIdentity id = new IcmpEchoIdentity(0xbeef, 1, 90, 0xfffe);
        assertEquals(new Method("icmp", "tracecap", "icmp-sequence"), id.method());
        SentProbe p0 = written(id, 0, 1);
        SentProbe p4 = written(id, 4, 2);
        assertEquals(0xbeef, p0.icmpId());
        assertEquals(1, p0.icmpSequence());
        assertEquals(5, p4.icmpSequence());
        assertEquals(0xfffe, p0.ipId());
        assertEquals(2, p4.ipId(), "IP ID wraps at 2^16");
        assertTrue(p0.checksum() != p4.checksum(), "traceroute -I: the checksum follows the sequence");
        assertTrue(id.owns(quote(p4), p4));
        assertFalse(id.owns(quote(p0), p4), "probe 0's quote is not probe 4's");
        QuotedProbe otherChecksum = new QuotedProbe(SRC, DST, IpProtocol.ICMP, 1, p4.ipId(), 60, 0, 0, 0, 0xbeef, 5,
                p4.checksum() ^ 1, 0, 28);
        assertFalse(id.owns(otherChecksum, p4), "our own source, another checksum: not what we sent");
        assertTrue(id.owns(withSource(quote(p4), NAT, 0, 0x1111), p4), "a NAT rewrote source and identifier");
        SentProbe stranger = new SentProbe(0, SRC, DST, IpProtocol.ICMP, 1, p4.ipId(), 60, 0, 0, 0, 0xbeee, 5,
                p4.checksum(), 0);
        assertEquals(-1, id.sequenceOf(stranger), "another trace's identifier");
        assertThrows(IllegalArgumentException.class, () -> written(id, 90, 1));
    }

    @Test
    void parisIcmpHoldsTheChecksumForEveryProbe() {
        ParisIcmpIdentity id = new ParisIcmpIdentity(0x4242, 1, 30, 100, 0x2468);
        SentProbe a = written(id, 0, 1);
        SentProbe b = written(id, 29, 10);
        assertEquals(0x2468, a.checksum());
        assertEquals(0x2468, b.checksum(), "the first 4 ICMP bytes (type, code, checksum) never change");
        assertEquals(30, b.icmpSequence());
        assertEquals(129, b.ipId());
        assertTrue(id.owns(quote(b), b));
        assertFalse(id.owns(quote(a), b));
    }

    @Test
    void tcpSynIsOneFlowToldApartBySequenceAndIpId() {
        TcpSynIdentity id = new TcpSynIdentity(80, 90, 61000, 0xfffffffeL, 7);
        assertEquals(new Method("tcp", "tracecap", "tcp-sequence"), id.method());
        SentProbe p0 = written(id, 0, 1);
        SentProbe p3 = written(id, 3, 2);
        assertEquals(61000, p3.sourcePort());
        assertEquals(80, p3.destinationPort());
        assertEquals(0xfffffffeL, p0.tcpSequence());
        assertEquals(1, p3.tcpSequence(), "the sequence wraps at 2^32");
        assertEquals(10, p3.ipId());
        assertEquals(60, p3.totalLength());
        assertTrue(id.owns(quote(p3), p3));
        assertFalse(id.owns(quote(p0), p3));
        QuotedProbe otherPort = new QuotedProbe(SRC, DST, IpProtocol.TCP, 1, 10, 60, 0, 61001, 80, 0, 0, 0, 1, 28);
        assertFalse(id.owns(otherPort, p3), "our source address, another source port");
        assertTrue(id.owns(withSource(quote(p3), NAT, 1025, 0), p3), "a NAT rewrote source and port");
        QuotedProbe otherDport = new QuotedProbe(SRC, DST, IpProtocol.TCP, 1, 10, 60, 0, 61000, 443, 0, 0, 0, 1, 28);
        assertFalse(id.owns(otherDport, p3));
    }

    @Test
    void udpToOnePortTellsProbesApartBySourcePort() {
        FixedPortUdpIdentity id = new FixedPortUdpIdentity(53, 90, 61000, 0);
        assertEquals(new Method("udp", "tracecap", "udp-source-port"), id.method());
        SentProbe p0 = written(id, 0, 1);
        SentProbe p7 = written(id, 7, 3);
        assertEquals(53, p0.destinationPort());
        assertEquals(53, p7.destinationPort());
        assertEquals(61000, p0.sourcePort());
        assertEquals(61007, p7.sourcePort());
        assertTrue(id.owns(quote(p7), p7));
        assertFalse(id.owns(quote(p0), p7));
        assertThrows(IllegalArgumentException.class, () -> new FixedPortUdpIdentity(53, 90, 65500, 0));
    }

    @Test
    void theProtocolAndMethodMakeTheIdentity() {
        TraceOptions icmp = TraceOptions.builder().protocol(ProbeProtocol.ICMP).basePort(1).build();
        assertTrue(ProbeMethod.UDP.identity(icmp, 61000, 5) instanceof IcmpEchoIdentity);
        assertTrue(ProbeMethod.PARIS.identity(icmp.toBuilder().method(ProbeMethod.PARIS).build(), 61000, 5)
                instanceof ParisIcmpIdentity);
        TraceOptions tcp = TraceOptions.builder().protocol(ProbeProtocol.TCP).basePort(80).build();
        assertTrue(ProbeMethod.UDP.identity(tcp, 61000, 5) instanceof TcpSynIdentity);
        TraceOptions udp53 = TraceOptions.builder().protocol(ProbeProtocol.UDP_PORT).basePort(53).build();
        assertTrue(ProbeMethod.UDP.identity(udp53, 61000, 5) instanceof FixedPortUdpIdentity);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TraceOptions.builder()
                .protocol(ProbeProtocol.TCP).method(ProbeMethod.DUBLIN).basePort(80).build());
        assertEquals("--method dublin probes UDP only, not tcp", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TraceOptions.builder().protocol(ProbeProtocol.TCP)
                .basePort(80).packetLength(100).build(), "a SYN is 60 bytes");
    }
}
