package org.tracecap.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class Icmpv6TypeTest {
    @Test
    void annotationsAsTraceroute6PrintsThem() {
        int du = Icmpv6Type.DEST_UNREACHABLE;
        assertEquals("!N", Icmpv6Type.annotation(du, 0, 0));
        assertEquals("!X", Icmpv6Type.annotation(du, 1, 0));
        assertEquals("!H", Icmpv6Type.annotation(du, 2, 0));
        assertEquals("!H", Icmpv6Type.annotation(du, 3, 0));
        assertEquals("", Icmpv6Type.annotation(du, 4, 0));
        assertEquals("!X", Icmpv6Type.annotation(du, 5, 0));
        assertEquals("!X", Icmpv6Type.annotation(du, 6, 0));
        assertEquals("!7", Icmpv6Type.annotation(du, 7, 0));
        assertEquals("!F-1400", Icmpv6Type.annotation(Icmpv6Type.PACKET_TOO_BIG, 0, 1400));
        assertEquals("", Icmpv6Type.annotation(Icmpv6Type.TIME_EXCEEDED, 0, 0));
        assertEquals("", Icmpv6Type.annotation(Icmpv6Type.ECHO_REPLY, 0, 0));
    }

    @Test
    void errorsAndNames() {
        for (int t : new int[] {1, 2, 3, 4, 127}) {
            assertTrue(Icmpv6Type.isError(t), "type " + t);
        }
        for (int t : new int[] {128, 129, 135, 136, 255}) {
            assertFalse(Icmpv6Type.isError(t), "type " + t);
        }
        assertEquals("packet-too-big", Icmpv6Type.name(2));
        assertEquals("neighbor-advertisement", Icmpv6Type.name(136));
        assertEquals("type-200", Icmpv6Type.name(200));
        assertEquals("icmpv6", IpProtocol.name(IpProtocol.ICMPV6));
    }
}
