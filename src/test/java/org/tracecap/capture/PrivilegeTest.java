package org.tracecap.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class PrivilegeTest {
    @Test
    void capNetRawIsBit13OfCapEff() {
        assertTrue(Privilege.hasNetRaw(List.of("Name:\tjava", "Uid:\t1000\t1000\t1000\t1000",
                "CapEff:\t0000000000002000")));
        assertTrue(Privilege.hasNetRaw(List.of("Uid:\t0\t0\t0\t0", "CapEff:\t000001ffffffffff")));
        assertFalse(Privilege.hasNetRaw(List.of("Uid:\t1000\t1000\t1000\t1000", "CapEff:\t0000000000001000")),
                "CAP_NET_ADMIN alone");
        assertFalse(Privilege.hasNetRaw(List.of("Uid:\t0\t0\t0\t0", "CapEff:\t00000000a80405fb")),
                "root in a container that dropped CAP_NET_RAW");
    }

    @Test
    void withoutCapabilitiesTheEffectiveUidDecides() {
        assertTrue(Privilege.hasNetRaw(List.of("Uid:\t1000\t0\t0\t0")));
        assertFalse(Privilege.hasNetRaw(List.of("Uid:\t0\t1000\t1000\t1000")));
        assertFalse(Privilege.hasNetRaw(List.of()));
    }

    @Test
    void theMessageSaysWhatIsNeeded() {
        assertEquals("tracecap needs root or CAP_NET_RAW and CAP_NET_ADMIN to capture on eth0: run it with sudo,"
                + " or sudo setcap cap_net_raw,cap_net_admin+ep $(readlink -f $(which java))",
                Privilege.notPrivilegedMessage("eth0"));
        assertEquals(Privilege.notPrivilegedMessage("eth0"),
                LivePort.describeOpenError("eth0", "eth0: You don't have permission to perform this capture on that"
                        + " device (socket: Operation not permitted)"));
    }
}
