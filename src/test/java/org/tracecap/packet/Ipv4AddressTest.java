package org.tracecap.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class Ipv4AddressTest {

    @Test
    void formatsDottedQuads() {
        assertEquals("0.0.0.0", Ipv4Address.format(0));
        assertEquals("255.255.255.255", Ipv4Address.format(-1));
        assertEquals("198.18.1.2", Ipv4Address.format(0xc6120102));
        assertEquals("10.100.9.99", Ipv4Address.format(0x0a640963));
    }

    @Property
    void formatIsTheOctetsJoinedByDotsAndParsesBack(@ForAll int address) {
        String expected = ((address >>> 24) & 0xff) + "." + ((address >>> 16) & 0xff) + "."
                + ((address >>> 8) & 0xff) + "." + (address & 0xff);
        assertEquals(expected, Ipv4Address.format(address));
        assertEquals(address, Ipv4Address.parse(Ipv4Address.format(address)));
    }
}
