package org.tracecap.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tracecap.replay.Probes.MS;
import static org.tracecap.replay.Probes.S;
import static org.tracecap.replay.Probes.echo;
import static org.tracecap.replay.Probes.echoReply;
import static org.tracecap.replay.Probes.rst;
import static org.tracecap.replay.Probes.syn;
import static org.tracecap.replay.Probes.timeExceeded;
import static org.tracecap.replay.Probes.udp;

import org.junit.jupiter.api.Test;
import org.tracecap.match.IcmpReply;
import org.tracecap.match.SentProbe;
import org.tracecap.match.TcpReply;
import org.tracecap.packet.IpAddress;

/** Rule 4 of {@link Reconstructor}, on records made by hand (synthetic): which packets are copies. */
class CopyFilterTest {
    private final CopyFilter copies = new CopyFilter();

    private static SentProbe withTtl(SentProbe p, long time, int ttl) {
        return new SentProbe(time, p.source(), p.destination(), p.protocol(), ttl, p.ipId(), p.totalLength(), p.tos(),
                p.sourcePort(), p.destinationPort(), p.icmpId(), p.icmpSequence(), p.checksum(), p.tcpSequence());
    }

    private static IcmpReply withTtl(IcmpReply r, long time, int ttl) {
        return new IcmpReply(time, r.source(), r.destination(), ttl, r.totalLength(), r.type(), r.code(),
                r.nextHopMtu(), r.quote(), r.echoId(), r.echoSequence(), r.extensions());
    }

    @Test
    void theSameProbeAtTheSameTtlOnASecondInterfaceIsACopy() {
        SentProbe p = udp(0, 3, 40000, 33440, 7, 0x1234);
        assertFalse(copies.isCopy(p));
        assertTrue(copies.isCopy(withTtl(p, 20_000, 3)), "a bridge: same TTL, 20 us later");
        assertEquals(1, copies.copies());
    }

    @Test
    void theCopyWithThePartialChecksumOfTransmitOffloadIsACopy() {
        // as in captures/bridge-traceroute-udp.pcap: on br0 [bad udp cksum 0x9261 -> 0x4697], on to-r1 0x4697
        SentProbe onBridge = udp(0, 1, 44863, 33434, 45434, 0x9261);
        assertEquals(0x9261, CopyFilter.partialChecksum(onBridge));
        assertFalse(copies.isCopy(onBridge));
        assertTrue(copies.isCopy(udp(1000, 1, 44863, 33434, 45434, 0x4697)), "completed in software on the port");
        SentProbe full = udp(0, 2, 44864, 33435, 45435, 0x4696);
        assertFalse(copies.isCopy(full));
        assertTrue(copies.isCopy(withTtl(udp(0, 2, 44864, 33435, 45435, CopyFilter.partialChecksum(full)), 900, 2)),
                "the other way round");
        SentProbe other = udp(0, 3, 44865, 33436, 45436, 0x4695);
        assertFalse(copies.isCopy(other));
        assertFalse(copies.isCopy(udp(800, 3, 44865, 33436, 45436, 0x4694)), "two full checksums that differ");
        assertEquals(2, copies.copies());
    }

    @Test
    void aRouterForwardingItShowsItWithTheTtlOneLowerThenLowerAgain() {
        SentProbe p = udp(0, 5, 40000, 33440, 7, 0x1234);
        assertFalse(copies.isCopy(p));
        assertTrue(copies.isCopy(withTtl(p, 30_000, 4)), "out of the router");
        assertTrue(copies.isCopy(withTtl(p, 60_000, 3)), "out of the next router, same capture");
        assertFalse(copies.isCopy(withTtl(p, 90_000, 5)), "a TTL going up again is sent anew");
        assertEquals(2, copies.copies());
    }

    @Test
    void aTtlTwoLowerOrAnyHigherIsNotACopy() {
        SentProbe p = udp(0, 5, 40000, 33440, 7, 0x1234);
        assertFalse(copies.isCopy(p));
        assertFalse(copies.isCopy(withTtl(p, 1000, 3)));
        SentProbe q = udp(0, 5, 40001, 33441, 8, 0x1234);
        assertFalse(copies.isCopy(q));
        assertFalse(copies.isCopy(withTtl(q, 1000, 6)), "the next TTL with the same identity: another probe");
        assertEquals(0, copies.copies());
    }

    @Test
    void theSameProbeSentAgainAfterTheWindowIsAProbe() {
        SentProbe p = udp(0, 3, 40000, 33440, 7, 0x1234);
        assertFalse(copies.isCopy(p));
        assertFalse(copies.isCopy(withTtl(p, CopyFilter.WINDOW_NANOS + 1, 3)), "just past the window");
        assertFalse(copies.isCopy(withTtl(p, S, 3)), "a retransmission a second later (a tool's retry)");
        assertTrue(copies.isCopy(withTtl(p, S + MS, 3)), "whose own copy is one");
        assertEquals(1, copies.copies());
    }

    @Test
    void anyFieldOfTheIdentityTellsTwoProbesApart() {
        assertFalse(copies.isCopy(udp(0, 3, 40000, 33440, 7, 0x1234)));
        assertFalse(copies.isCopy(udp(1, 3, 40000, 33440, 8, 0x1234)), "IP ID");
        assertFalse(copies.isCopy(udp(2, 3, 40000, 33440, 7, 0x1235)), "checksum");
        assertFalse(copies.isCopy(udp(3, 3, 40000, 33441, 7, 0x1234)), "destination port");
        assertFalse(copies.isCopy(udp(4, 3, 40001, 33440, 7, 0x1234)), "source port");
        assertFalse(copies.isCopy(echo(5, 3, 9, 1, 7, 0x1234)));
        assertFalse(copies.isCopy(echo(6, 3, 9, 2, 7, 0x1234)), "echo sequence");
        assertFalse(copies.isCopy(syn(7, 3, 40000, 1000, 7)));
        assertFalse(copies.isCopy(syn(8, 3, 40000, 2000, 7)), "TCP sequence");
        assertEquals(0, copies.copies());
    }

    @Test
    void theCopyASourceNatRewroteOnItsWayOutIsACopy() {
        // Docker's MASQUERADE, a home router: the probe leaves from another address and port, checksum redone
        int host = org.tracecap.packet.Ipv4Address.parse("198.18.1.1");
        SentProbe inside = new SentProbe(0, IpAddress.ipv4(org.tracecap.packet.Ipv4Address.parse("198.19.17.2")),
                IpAddress.ipv4(Probes.SERVER), 17, 3,
                777, 60, 0, 41000, 33440, 0, 0, 0x1111, 0);
        assertFalse(copies.isCopy(inside));
        SentProbe outside = new SentProbe(20_000, IpAddress.ipv4(host), IpAddress.ipv4(Probes.SERVER), 17, 2, 777, 60,
                0, 52000, 33440, 0, 0, 0x2222, 0);
        assertFalse(copies.isCopy(new SentProbe(10_000, IpAddress.ipv4(host), IpAddress.ipv4(Probes.SERVER), 17, 3,
                777, 60, 0, 52000, 33440, 0, 0,
                0x2222, 0)), "from another address at the same TTL: another host's probe, not forwarded");
        assertTrue(copies.isCopy(outside));
        // another host's probe to the same port with another IP ID, or the same IP ID two TTLs lower, is none
        assertFalse(copies.isCopy(new SentProbe(30_000, IpAddress.ipv4(host), IpAddress.ipv4(Probes.SERVER), 17, 3,
                778, 60, 0, 52001, 33440, 0, 0,
                0x2223, 0)));
        SentProbe again = new SentProbe(40_000, IpAddress.ipv4(Probes.CLIENT), IpAddress.ipv4(Probes.SERVER), 17, 5,
                900, 60, 0, 41000, 33441, 0, 0,
                0x1111, 0);
        assertFalse(copies.isCopy(again));
        assertFalse(copies.isCopy(new SentProbe(50_000, IpAddress.ipv4(host + 1), IpAddress.ipv4(Probes.SERVER), 17,
                3, 900, 60, 0, 41000, 33441, 0,
                0, 0x1111, 0)));
        // and the reply, to the NAT's address first, then to the prober with the quote rewritten back
        IcmpReply toNat = new IcmpReply(60_000, IpAddress.ipv4(Probes.router(2)), IpAddress.ipv4(host), 63, 56, 11, 0,
                0, Probes.quote(outside), 0, 0,
                java.util.List.of());
        assertFalse(copies.isCopy(toNat));
        IcmpReply toProber = new IcmpReply(70_000, IpAddress.ipv4(Probes.router(2)), inside.source(), 62, 56, 11, 0, 0,
                Probes.quote(inside), 0, 0, java.util.List.of());
        assertTrue(copies.isCopy(toProber));
        assertTrue(copies.isCopy(new IcmpReply(75_000, toProber.source(), toProber.destination(), 62, 56, 11, 0, 0,
                toProber.quote(), 0, 0, java.util.List.of())), "then on the bridge's port: compared to the copy before");
        assertEquals(3, copies.copies());
    }

    @Test
    void repliesSeenTwiceCountOnce() {
        SentProbe p = udp(0, 3, 40000, 33440, 7, 0x1234);
        IcmpReply te = timeExceeded(p, MS);
        assertFalse(copies.isCopy(te));
        assertTrue(copies.isCopy(withTtl(te, MS + 10_000, te.replyTtl() - 1)), "forwarded towards the prober");
        IcmpReply other = timeExceeded(udp(0, 3, 40000, 33441, 8, 0x1235), MS + 20_000);
        assertFalse(copies.isCopy(other), "the error about the next probe");

        SentProbe e = echo(0, 9, 9, 1, 7, 0x1234);
        assertFalse(copies.isCopy(echoReply(e, MS)));
        assertTrue(copies.isCopy(echoReply(e, MS + 1000)));
        SentProbe s = syn(0, 9, 40000, 1000, 7);
        TcpReply r = rst(s, MS);
        assertFalse(copies.isCopy(r));
        assertTrue(copies.isCopy(new TcpReply(MS + 1000, r.source(), r.destination(), r.replyTtl(), r.totalLength(),
                r.sourcePort(), r.destinationPort(), r.sequence(), r.acknowledgment(), r.flags())));
        assertEquals(3, copies.copies());
    }

    @Test
    void memoryStaysBoundedOverManyDistinctPackets() {
        // every packet distinct, far more than the table may hold within one window
        for (int i = 0; i < 3 * CopyFilter.MAX_ENTRIES; i++) {
            assertFalse(copies.isCopy(udp(i, 64, 40000 + (i & 0xff), 53, i & 0xffff, i >>> 16)));
            assertTrue(copies.size() <= CopyFilter.MAX_ENTRIES);
        }
        // and they are forgotten once older than the window: the first again is no copy
        assertFalse(copies.isCopy(udp(10 * S, 64, 40000, 53, 0, 0)));
        assertEquals(1, copies.size());
        assertEquals(0, copies.copies());
    }

    @Test
    void partialChecksumOfAnIpv6ProbeSumsTheIpv6PseudoHeader() {
        // RFC 8200 section 8.1: 128-bit addresses, the 32-bit upper-layer length, the next header
        org.tracecap.packet.IpAddress src = org.tracecap.packet.IpAddress.parse("2001:db8:1::1");
        org.tracecap.packet.IpAddress dst = org.tracecap.packet.IpAddress.parse("2001:db8:5::2");
        org.tracecap.match.SentProbe p = new org.tracecap.match.SentProbe(0, src, dst, 17, 1, 0, 80, 0, 52887, 33434,
                0, 0, 0, 0);
        assertEquals(org.tracecap.packet.Checksum.pseudoHeaderSumIpv6(src.high(), src.low(), dst.high(), dst.low(), 17,
                40), CopyFilter.partialChecksum(p));
    }
}
