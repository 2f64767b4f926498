package org.tracecap.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;
import org.tracecap.packet.RealFrames;

/** The inline hex fixtures of the packet and match tests are the bytes of the frames they name. */
class RealFramesTest {
    private static void same(String file, int frame, String hex) {
        assertArrayEquals(CapturedFrames.frame(file, frame).bytes(), RealFrames.bytes(hex), file + " #" + frame);
    }

    @Test
    void fixturesMatchTheCaptures() {
        same("straight-traceroute-udp.pcap", 1, RealFrames.ARP_REQUEST);
        same("straight-traceroute-udp.pcap", 3, RealFrames.UDP_PROBE);
        same("straight-traceroute-udp.pcap", 4, RealFrames.TIME_EXCEEDED);
        same("prohibited-traceroute-udp.pcap", 28, RealFrames.ADMIN_PROHIBITED);
        same("straight-traceroute-tcp.pcap", 27, RealFrames.TCP_SYN);
        same("straight-traceroute-tcp.pcap", 28, RealFrames.TCP_RST);
        same("straight-traceroute-icmp.pcap", 27, RealFrames.ECHO_REQUEST);
        same("straight-traceroute-icmp.pcap", 28, RealFrames.ECHO_REPLY);
        same("straight-traceroute-udp-any.pcap", 3, RealFrames.SLL2_UDP_PROBE);
        same("vlan-traceroute-udp.pcap", 3, RealFrames.VLAN_UDP_PROBE);
    }
}
