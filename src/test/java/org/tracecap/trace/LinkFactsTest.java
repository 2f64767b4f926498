package org.tracecap.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.tracecap.packet.Bytes;
import org.tracecap.packet.IpAddress;

/** Ethernet facts and raw IP facts (a TUN or PPP link: no MACs), their JSON facts and the ports they fit. */
class LinkFactsTest {
    static final IpAddress SRC = IpAddress.parse("198.18.1.1");
    static final IpAddress DST = IpAddress.parse("198.18.3.2");

    @Test
    void ethernetFactsCarryBothMacs() {
        LinkFacts f = new LinkFacts("to-r1", Bytes.fromHex("0200c6120101"), Bytes.fromHex("0200c6120102"), SRC, DST);
        assertEquals(Map.of("interface", "to-r1", "link_type", "EN10MB", "source_mac", "02:00:c6:12:01:01",
                "gateway_mac", "02:00:c6:12:01:02"), f.live());
        f.checkPort(1);
        assertThrows(IllegalArgumentException.class, () -> f.checkPort(12));
    }

    @Test
    void rawIpFactsHaveNoMacs() {
        LinkFacts f = LinkFacts.rawIp("wg0", "RAW", SRC, DST);
        assertNull(f.sourceMac());
        assertNull(f.gatewayMac());
        assertEquals(Map.of("interface", "wg0", "link_type", "RAW"), f.live());
        for (int dlt : new int[] {12, 14, 101, 228}) {
            f.checkPort(dlt);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.checkPort(1));
        assertEquals("probes are raw IP, the port's link type is EN10MB", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> f.checkPort(113));
        assertThrows(IllegalArgumentException.class,
                () -> new LinkFacts("x", "EN10MB", Bytes.fromHex("0200c6120101"), null, SRC, DST));
    }
}
