package org.tracecap.capture;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;
import org.tracecap.packet.IcmpErrorEncoder;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.IpProtocol;
import org.tracecap.packet.NeighborDiscovery;
import org.tracecap.packet.ProbeEncoder;

/**
 * The IPv6 filters of {@link TraceFilter} and {@link NeighbourLookup#replyFilter(IpAddress)} compiled by libpcap
 * and run over frames built here ({@code pcap_offline_filter}): UDP and ICMPv6 Echo traces keep their probes and
 * the ICMPv6 errors quoting them, and drop the rest.
 */
class TraceFilterIpv6Test {
    static final IpAddress CLIENT = IpAddress.parse("2001:db8:1::1");
    static final IpAddress ROUTER = IpAddress.parse("2001:db8:1::2");
    static final IpAddress TARGET = IpAddress.parse("2001:db8:3::2");
    static final IpAddress OTHER = IpAddress.parse("2001:db8:3::3");
    static final IpAddress GATEWAY = IpAddress.parse("fe80::c6ff:fe12:102");
    static final int FIRST = 33434;
    static final int LAST = 33448;
    static final byte[] MAC = {2, 0, 0, 0, 0, 1};

    static boolean kept(String filter, byte[] frame) throws Exception {
        BpfProgram p = Pcaps.compileFilter(LivePort.SNAPLEN, DataLinkType.EN10MB, filter,
                BpfProgram.BpfCompileMode.OPTIMIZE, (Inet4Address) InetAddress.getByAddress(new byte[] {-1, -1, -1, -1}));
        try {
            return p.applyFilter(frame, frame.length, frame.length);
        } finally {
            p.free();
        }
    }

    static byte[] udp(IpAddress from, IpAddress to, int destinationPort) {
        ProbeEncoder.Udp6Probe p = new ProbeEncoder.Udp6Probe(MAC, MAC, from, to, 1, 0, 0, 62000, destinationPort, 12,
                ProbeEncoder.NATURAL_CHECKSUM, null);
        byte[] frame = new byte[p.frameLength()];
        ProbeEncoder.encode(p, frame, 0);
        return frame;
    }

    static byte[] echo(IpAddress from, IpAddress to) {
        ProbeEncoder.Echo6Probe p = new ProbeEncoder.Echo6Probe(MAC, MAC, from, to, 1, 0, 0, 4242, 1, 12,
                ProbeEncoder.NATURAL_CHECKSUM, null);
        byte[] frame = new byte[p.frameLength()];
        ProbeEncoder.encode(p, frame, 0);
        return frame;
    }

    static byte[] ip(byte[] frame) {
        return Arrays.copyOfRange(frame, ProbeEncoder.ETHERNET_HEADER, frame.length);
    }

    static byte[] frame(IcmpErrorEncoder e) {
        byte[] out = new byte[e.ethernet(MAC, MAC).length()];
        e.encode(out, 0);
        return out;
    }

    static byte[] timeExceeded(IpAddress to, byte[] quote) {
        return frame(IcmpErrorEncoder.timeExceeded(ROUTER, to, quote, 0, quote.length));
    }

    @Test
    void udpKeepsItsProbesAndTheErrorsQuotingThem() throws Exception {
        String f = TraceFilter.of(CLIENT, TARGET, FIRST, LAST);
        assertTrue(kept(f, udp(CLIENT, TARGET, FIRST)), "our probe, seen going out");
        assertTrue(kept(f, timeExceeded(CLIENT, ip(udp(CLIENT, TARGET, FIRST)))));
        assertTrue(kept(f, timeExceeded(CLIENT, ip(udp(CLIENT, TARGET, LAST)))));
        byte[] q = ip(udp(CLIENT, TARGET, FIRST + 3));
        assertTrue(kept(f, frame(IcmpErrorEncoder.destinationUnreachable(TARGET, CLIENT, 4, q, 0, q.length))),
                "port unreachable");
        assertTrue(kept(f, frame(IcmpErrorEncoder.destinationUnreachable(TARGET, CLIENT, 1, q, 0, q.length))),
                "administratively prohibited");
        assertTrue(kept(f, frame(IcmpErrorEncoder.packetTooBig(ROUTER, CLIENT, 1280, q, 0, q.length))),
                "packet too big");

        assertFalse(kept(f, timeExceeded(CLIENT, ip(udp(CLIENT, OTHER, FIRST)))), "another destination");
        assertFalse(kept(f, timeExceeded(CLIENT, ip(udp(CLIENT, TARGET, LAST + 1)))), "a port above");
        assertFalse(kept(f, timeExceeded(CLIENT, ip(udp(CLIENT, TARGET, FIRST - 1)))), "a port below");
        assertFalse(kept(f, timeExceeded(OTHER, ip(udp(CLIENT, TARGET, FIRST)))), "to another host");
        assertFalse(kept(f, timeExceeded(CLIENT, ip(echo(CLIENT, TARGET)))), "a quoted Echo Request");
        assertFalse(kept(f, udp(TARGET, CLIENT, FIRST)), "UDP to us");
        assertFalse(kept(f, Arrays.copyOf(timeExceeded(CLIENT, ip(udp(CLIENT, TARGET, FIRST))), 14 + 40 + 8 + 40 + 2)),
                "a quote cut before the UDP destination port");
    }

    @Test
    void echoKeepsItsRequestsTheRepliesAndTheErrors() throws Exception {
        String f = TraceFilter.of(CLIENT, TARGET, IpProtocol.ICMP, 1, 1);
        assertTrue(kept(f, echo(CLIENT, TARGET)), "our Echo Request");
        byte[] data = new byte[12];
        assertTrue(kept(f, frame(IcmpErrorEncoder.echoReply(TARGET, CLIENT, 4242, 1, data, 0, data.length))));
        assertTrue(kept(f, timeExceeded(CLIENT, ip(echo(CLIENT, TARGET)))));

        assertFalse(kept(f, frame(IcmpErrorEncoder.echoReply(OTHER, CLIENT, 4242, 1, data, 0, data.length))),
                "an Echo Reply from another host");
        assertFalse(kept(f, timeExceeded(CLIENT, ip(udp(CLIENT, TARGET, FIRST)))), "a quoted UDP probe");
        assertFalse(kept(f, udp(CLIENT, TARGET, FIRST)), "UDP we send");
    }

    static byte[] syn(IpAddress from, IpAddress to, int destinationPort) {
        ProbeEncoder.Syn6Probe p = new ProbeEncoder.Syn6Probe(MAC, MAC, from, to, 1, 0, 0, 62000, destinationPort,
                1000, 1);
        byte[] frame = new byte[p.frameLength()];
        ProbeEncoder.encode(p, frame, 0);
        return frame;
    }

    @Test
    void tcpKeepsItsSynsTheAnswersFromThePortAndTheErrors() throws Exception {
        String f = TraceFilter.of(CLIENT, TARGET, IpProtocol.TCP, 80, 80);
        assertTrue(kept(f, syn(CLIENT, TARGET, 80)), "our SYN");
        assertTrue(kept(f, timeExceeded(CLIENT, ip(syn(CLIENT, TARGET, 80)))));
        byte[] answer = syn(TARGET, CLIENT, 62000);
        answer[14 + 40] = 0; // source port 80 (the SYN's destination), as the server answers
        answer[14 + 41] = 80;
        answer[14 + 53] = 0x14; // RST+ACK
        assertTrue(kept(f, answer), "the destination's RST from port 80");

        assertFalse(kept(f, timeExceeded(CLIENT, ip(syn(CLIENT, TARGET, 81)))), "a SYN to another port quoted");
        assertFalse(kept(f, timeExceeded(CLIENT, ip(udp(CLIENT, TARGET, 80)))), "a quoted UDP probe");
        answer[14 + 53] = 0x10; // a bare ACK
        assertFalse(kept(f, answer), "neither SYN nor RST");
    }

    @Test
    void theNeighbourFilterKeepsOnlyAdvertisementsOfTheGateway() throws Exception {
        String f = NeighbourLookupIpv6Test.advertisementFilterBeside(TraceFilter.of(CLIENT, TARGET, FIRST, LAST),
                GATEWAY);
        assertTrue(kept(f, NeighbourLookupIpv6Test.advertisement(GATEWAY, CLIENT, true)));
        assertFalse(kept(f, NeighbourLookupIpv6Test.advertisement(IpAddress.parse("fe80::9"), CLIENT, true)),
                "another neighbour's");
        byte[] solicitation = new byte[NeighborDiscovery.SOLICITATION_FRAME];
        NeighborDiscovery.encodeSolicitation(solicitation, 0, MAC, CLIENT, GATEWAY);
        assertFalse(kept(f, solicitation), "our own solicitation");
        assertTrue(kept(f, udp(CLIENT, TARGET, FIRST)), "the trace's own frames still");
    }
}
