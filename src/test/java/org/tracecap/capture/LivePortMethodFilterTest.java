package org.tracecap.capture;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tracecap.capture.LivePortFilterTest.CLIENT;
import static org.tracecap.capture.LivePortFilterTest.MAC;
import static org.tracecap.capture.LivePortFilterTest.ROUTER;
import static org.tracecap.capture.LivePortFilterTest.TARGET;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;
import org.tracecap.packet.Bytes;
import org.tracecap.packet.IcmpErrorEncoder;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.IpProtocol;
import org.tracecap.packet.Ipv4ProbeEncoder;
import org.tracecap.packet.ProbeEncoder;

/**
 * {@link LivePort#traceFilter(IpAddress, IpAddress, int, int, int)} for -I and -T, compiled by libpcap and run over frames
 * built here: the probes, their answers and the errors quoting them are kept, the rest dropped in the kernel.
 */
class LivePortMethodFilterTest {
    static boolean kept(String filter, byte[] frame) throws Exception {
        BpfProgram p = Pcaps.compileFilter(LivePort.SNAPLEN, DataLinkType.EN10MB, filter,
                BpfProgram.BpfCompileMode.OPTIMIZE, (Inet4Address) InetAddress.getByAddress(new byte[] {-1, -1, -1, -1}));
        try {
            return p.applyFilter(frame, frame.length, frame.length);
        } finally {
            p.free();
        }
    }

    static byte[] echo(int from, int to) {
        byte[] f = new byte[74];
        Ipv4ProbeEncoder.encode(new Ipv4ProbeEncoder.EchoProbe(MAC, MAC, from, to, 3, 1, 0, false, 60, 0x4242, 1,
                ProbeEncoder.NATURAL_CHECKSUM), f, 0);
        return f;
    }

    static byte[] syn(int from, int to, int sport, int dport) {
        byte[] f = new byte[74];
        Ipv4ProbeEncoder.encode(new Ipv4ProbeEncoder.SynProbe(MAC, MAC, from, to, 3, 1, 0, false, sport, dport, 9, 1),
                f, 0);
        return f;
    }

    /** A SYN's bytes with other flags: a SYN-ACK or RST from the target (synthetic; the checksum is not redone). */
    static byte[] tcpAnswer(int flags) {
        byte[] f = syn(TARGET, CLIENT, 80, 61000);
        Bytes.put8(f, 14 + 20 + 13, flags);
        return f;
    }

    static byte[] timeExceeded(byte[] probeFrame) {
        byte[] q = Arrays.copyOfRange(probeFrame, 14, probeFrame.length);
        IcmpErrorEncoder e = IcmpErrorEncoder.timeExceeded(ROUTER, CLIENT, q, 0, q.length).ethernet(MAC, MAC);
        byte[] out = new byte[e.length()];
        e.encode(out, 0);
        return out;
    }

    @Test
    void icmpKeepsEchoRequestsRepliesAndQuotesOfThem() throws Exception {
        String f = LivePort.traceFilter(IpAddress.ipv4(CLIENT), IpAddress.ipv4(TARGET), IpProtocol.ICMP, 1, 1);
        assertTrue(kept(f, echo(CLIENT, TARGET)), "our Echo Request");
        assertFalse(kept(f, echo(TARGET, CLIENT)), "an Echo Request to us");
        byte[] data = new byte[32];
        IcmpErrorEncoder reply = IcmpErrorEncoder.echoReply(TARGET, CLIENT, 0x4242, 1, data, 0, 32).ethernet(MAC, MAC);
        byte[] r = new byte[reply.length()];
        reply.encode(r, 0);
        assertTrue(kept(f, r), "the target's Echo Reply");
        IcmpErrorEncoder stranger = IcmpErrorEncoder.echoReply(ROUTER, CLIENT, 0x4242, 1, data, 0, 32).ethernet(MAC, MAC);
        byte[] s = new byte[stranger.length()];
        stranger.encode(s, 0);
        assertFalse(kept(f, s), "an Echo Reply from elsewhere (a ping of the host's own)");
        assertTrue(kept(f, timeExceeded(echo(CLIENT, TARGET))), "Time Exceeded quoting our Echo Request");
        assertFalse(kept(f, timeExceeded(echo(CLIENT, ROUTER))), "quoting an Echo Request to another host");
        assertFalse(kept(f, timeExceeded(LivePortFilterTest.probeFrame(CLIENT, TARGET, 62000, 33434))),
                "quoting UDP");
        assertFalse(kept(f, syn(CLIENT, TARGET, 61000, 80)), "TCP");
    }

    @Test
    void tcpKeepsSynsTheirAnswersAndQuotesOfThem() throws Exception {
        String f = LivePort.traceFilter(IpAddress.ipv4(CLIENT), IpAddress.ipv4(TARGET), IpProtocol.TCP, 80, 80);
        assertTrue(kept(f, syn(CLIENT, TARGET, 61000, 80)), "our SYN");
        assertTrue(kept(f, tcpAnswer(0x12)), "SYN-ACK");
        assertTrue(kept(f, tcpAnswer(0x14)), "RST-ACK");
        assertFalse(kept(f, tcpAnswer(0x10)), "a bare ACK");
        assertTrue(kept(f, timeExceeded(syn(CLIENT, TARGET, 61000, 80))));
        assertFalse(kept(f, timeExceeded(syn(CLIENT, TARGET, 61000, 443))), "quoting another port");
        assertFalse(kept(f, timeExceeded(echo(CLIENT, TARGET))), "quoting ICMP");
        assertFalse(kept(f, LivePortFilterTest.probeFrame(CLIENT, TARGET, 62000, 33434)), "UDP");
        assertThrows(IllegalArgumentException.class, () -> LivePort.traceFilter(IpAddress.ipv4(CLIENT), IpAddress.ipv4(TARGET), 47, 1, 1));
    }
}
