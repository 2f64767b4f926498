package org.tracecap.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tracecap.packet.IcmpType;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.IpProtocol;
import org.tracecap.packet.Ipv4Address;

class ProbeTableTest {
    static final int CLIENT = Ipv4Address.parse("198.18.1.1");
    static final int NATTED = Ipv4Address.parse("198.19.0.9");
    static final int SERVER = Ipv4Address.parse("198.18.5.2");
    static final int ROUTER = Ipv4Address.parse("198.18.2.2");

    static SentProbe udp(long t, int src, int sport, int dport, int ipId, int checksum) {
        return new SentProbe(t, IpAddress.ipv4(src), IpAddress.ipv4(SERVER), IpProtocol.UDP, 3, ipId, 60, 0, sport,
                dport, 0, 0, checksum, 0);
    }

    static SentProbe echo(long t, int id, int seq, int ipId, int checksum) {
        return new SentProbe(t, IpAddress.ipv4(CLIENT), IpAddress.ipv4(SERVER), IpProtocol.ICMP, 3, ipId, 60, 0, 0, 0,
                id, seq, checksum, 0);
    }

    static SentProbe syn(long t, int sport, long seq, int ipId) {
        return new SentProbe(t, IpAddress.ipv4(CLIENT), IpAddress.ipv4(SERVER), IpProtocol.TCP, 3, ipId, 60, 0, sport,
                80, 0, 0, 0x1111, seq);
    }

    static IcmpReply error(long t, int src, int proto, int sport, int dport, int id, int seq, int ipId, int checksum,
                           long tcpSeq) {
        QuotedProbe q = new QuotedProbe(IpAddress.ipv4(src), IpAddress.ipv4(SERVER), proto, 1, ipId, 60, 0, sport,
                dport, id, seq, checksum, tcpSeq, 60);
        return new IcmpReply(t, IpAddress.ipv4(ROUTER), IpAddress.ipv4(CLIENT), 63, 88, IcmpType.TIME_EXCEEDED, 0, 0,
                q, 0, 0, List.of());
    }

    static IcmpReply udpError(long t, int src, int sport, int dport, int ipId, int checksum) {
        return error(t, src, IpProtocol.UDP, sport, dport, 0, 0, ipId, checksum, 0);
    }

    @Test
    void exactMatchOnTheWholeIdentityWinsOverNewerNearMatches() {
        ProbeTable t = new ProbeTable(100);
        SentProbe a = udp(10, CLIENT, 5000, 33435, 1, 1);
        SentProbe b = udp(20, CLIENT, 5000, 33435, 2, 2);
        SentProbe c = udp(30, CLIENT, 5000, 33435, 3, 3);
        t.add(a);
        t.add(b);
        t.add(c);
        assertSame(a, t.attribute(udpError(40, CLIENT, 5000, 33435, 1, 1)));
        assertSame(b, t.attribute(udpError(40, CLIENT, 5000, 33435, 2, 2)));
        assertEquals(3, t.size());
    }

    @Test
    void relaxedInOrderChecksumThenIpIdThenNat() {
        ProbeTable t = new ProbeTable(100);
        SentProbe a = udp(10, CLIENT, 5000, 33435, 1, 0xaaaa);
        SentProbe b = udp(20, CLIENT, 5000, 33435, 2, 0xbbbb);
        t.add(a);
        t.add(b);
        assertSame(a, t.attribute(udpError(40, CLIENT, 5000, 33435, 1, 0x1234)), "checksum differs: same IP ID");
        assertSame(b, t.attribute(udpError(40, CLIENT, 5000, 33435, 9, 0xaaaa)), "IP ID differs: most recent of the flow");
        assertSame(a, t.attribute(udpError(40, NATTED, 61000, 33435, 1, 0x4321)), "NAT: same IP ID");
        assertSame(b, t.attribute(udpError(40, NATTED, 61000, 33435, 7, 0x4321)), "NAT: most recent");
        assertNull(t.attribute(udpError(40, CLIENT, 5000, 33436, 1, 0xaaaa)), "other destination port");
    }

    @Test
    void onlyProbesSentBeforeTheReply() {
        ProbeTable t = new ProbeTable(100);
        SentProbe a = udp(10, CLIENT, 5000, 33435, 1, 1);
        SentProbe later = udp(50, CLIENT, 5000, 33435, 1, 1);
        t.add(a);
        t.add(later);
        assertSame(a, t.attribute(udpError(40, CLIENT, 5000, 33435, 1, 1)));
        assertSame(later, t.attribute(udpError(60, CLIENT, 5000, 33435, 1, 1)));
        assertNull(t.attribute(udpError(5, CLIENT, 5000, 33435, 1, 1)));
    }

    @Test
    void icmpQuotesAndEchoReplies() {
        ProbeTable t = new ProbeTable(100);
        SentProbe s0 = echo(10, 60032, 0, 1, 0xea80);
        SentProbe s1 = echo(20, 60032, 1, 2, 0xea80);
        t.add(s0);
        t.add(s1);
        assertSame(s1, t.attribute(error(30, CLIENT, IpProtocol.ICMP, 0, 0, 60032, 1, 2, 0xea80, 0)));
        IcmpReply reply = new IcmpReply(30, IpAddress.ipv4(SERVER), IpAddress.ipv4(CLIENT), 60, 60,
                IcmpType.ECHO_REPLY, 0, 0, null, 60032, 0, List.of());
        assertSame(s0, t.attribute(reply));
        IcmpReply otherId = new IcmpReply(30, IpAddress.ipv4(SERVER), IpAddress.ipv4(CLIENT), 60, 60, 0, 0, 0, null,
                1, 0, List.of());
        assertNull(t.attribute(otherId));
        IcmpReply fromElsewhere = new IcmpReply(30, IpAddress.ipv4(ROUTER), IpAddress.ipv4(CLIENT), 60, 60, 0, 0, 0,
                null, 60032, 0, List.of());
        assertNull(t.attribute(fromElsewhere));
    }

    @Test
    void tcpRepliesBySwappedPortsAndAcknowledgment() {
        ProbeTable t = new ProbeTable(100);
        SentProbe a = syn(10, 39547, 0xffffffffL, 7);
        SentProbe b = syn(20, 42427, 100, 8);
        t.add(a);
        t.add(b);
        TcpReply rstA = new TcpReply(30, IpAddress.ipv4(SERVER), IpAddress.ipv4(CLIENT), 60, 40, 80, 39547, 0, 0,
                TcpReply.RST | TcpReply.ACK);
        assertSame(a, t.attribute(rstA), "sequence wraps: ack 0 answers seq 0xffffffff");
        TcpReply synAckB = new TcpReply(30, IpAddress.ipv4(SERVER), IpAddress.ipv4(CLIENT), 60, 40, 80, 42427, 5, 101,
                TcpReply.SYN | TcpReply.ACK);
        assertSame(b, t.attribute(synAckB));
        assertNull(t.attribute(new TcpReply(30, IpAddress.ipv4(SERVER), IpAddress.ipv4(CLIENT), 60, 40, 80, 42427, 5,
                100, TcpReply.RST)));
        assertNull(t.attribute(new TcpReply(30, IpAddress.ipv4(SERVER), IpAddress.ipv4(CLIENT), 60, 40, 81, 42427, 5,
                101, TcpReply.RST)));
        assertSame(b, t.attribute(error(30, CLIENT, IpProtocol.TCP, 42427, 80, 0, 0, 8, 0, 100)));
    }

    @Test
    void boundedByEvictingTheOldest() {
        ProbeTable t = new ProbeTable(3);
        SentProbe[] p = new SentProbe[5];
        for (int i = 0; i < 5; i++) {
            p[i] = udp(i, CLIENT, 5000, 33434 + (i % 2), i, i + 1);
            t.add(p[i]);
        }
        assertEquals(3, t.size());
        assertSame(p[2], t.attribute(udpError(10, CLIENT, 5000, 33434, 2, 3)));
        assertSame(p[4], t.attribute(udpError(10, CLIENT, 5000, 33434, 0, 1)), "p0 gone: relaxed to the flow's newest");
        assertThrows(IllegalArgumentException.class, () -> new ProbeTable(0));
    }

    @Test
    void forgetsByAgeOldestFirst() {
        ProbeTable t = new ProbeTable(100);
        SentProbe a = udp(10, CLIENT, 5000, 33434, 1, 1);
        SentProbe late = udp(40, CLIENT, 5000, 33435, 2, 2);
        SentProbe b = udp(20, CLIENT, 5000, 33436, 3, 3); // filed out of time order
        t.add(a);
        t.add(late);
        t.add(b);
        t.forgetSentBefore(30);
        assertEquals(2, t.size(), "stops at the first probe sent since");
        assertNull(t.attribute(udpError(50, CLIENT, 5000, 33434, 1, 1)));
        assertSame(b, t.attribute(udpError(50, CLIENT, 5000, 33436, 3, 3)));
        t.forgetSentBefore(41);
        assertEquals(0, t.size());
        assertNull(t.attribute(udpError(50, CLIENT, 5000, 33436, 3, 3)));
        t.add(a);
        assertSame(a, t.attribute(udpError(50, CLIENT, 5000, 33434, 1, 1)), "a forgotten flow is filed again");
    }

    @Test
    void manyProbesStayFast() {
        ProbeTable t = new ProbeTable(100_000);
        SentProbe[] p = new SentProbe[200_000];
        for (int i = 0; i < p.length; i++) {
            p[i] = udp(i, CLIENT, 1024 + (i % 50_000), 33434 + (i % 30), i & 0xffff, 1 + (i % 0xfffe));
            t.add(p[i]);
        }
        assertEquals(100_000, t.size());
        for (int i = 100_000; i < p.length; i++) {
            SentProbe q = p[i];
            assertSame(q, t.attribute(udpError(q.timeNanos(), CLIENT, q.sourcePort(), q.destinationPort(), q.ipId(),
                    q.checksum())));
        }
    }
}
