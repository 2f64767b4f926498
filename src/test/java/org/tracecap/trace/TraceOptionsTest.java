package org.tracecap.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TraceOptionsTest {

    @Test
    void defaultsAreTraceroutes() {
        TraceOptions o = TraceOptions.defaults();
        assertEquals(1, o.firstTtl());
        assertEquals(30, o.maxTtl());
        assertEquals(3, o.probesPerHop());
        assertEquals(33434, o.basePort());
        assertNull(o.sourcePort());
        assertEquals(new TraceOptions.Wait(5, 3, 10), o.waiting());
        assertEquals(5_000_000_000L, o.waiting().maxNanos());
        assertEquals(16, o.simultaneous());
        assertEquals(0, o.sendIntervalNanos());
        assertNull(o.sourceAddress());
        assertEquals(0, o.tos());
        assertFalse(o.dontFragment());
        assertEquals(60, o.packetLength());
        assertEquals(ProbeMethod.UDP, o.method());
        assertEquals(90, o.probeCount());
        assertEquals(o, o.toBuilder().build());
    }

    @Test
    void rangesAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> TraceOptions.builder().firstTtl(0).build());
        assertThrows(IllegalArgumentException.class, () -> TraceOptions.builder().firstTtl(5).maxTtl(4).build());
        assertThrows(IllegalArgumentException.class, () -> TraceOptions.builder().maxTtl(256).build());
        assertThrows(IllegalArgumentException.class, () -> TraceOptions.builder().probesPerHop(11).build());
        assertThrows(IllegalArgumentException.class, () -> TraceOptions.builder().probesPerHop(0).build());
        assertThrows(IllegalArgumentException.class, () -> TraceOptions.builder().simultaneous(0).build());
        assertThrows(IllegalArgumentException.class, () -> TraceOptions.builder().tos(256).build());
        assertThrows(IllegalArgumentException.class, () -> TraceOptions.builder().packetLength(27).build());
        assertThrows(IllegalArgumentException.class, () -> TraceOptions.builder().sourcePort(0).build());
        assertThrows(IllegalArgumentException.class, () -> TraceOptions.builder().sendIntervalNanos(-1).build());
        assertThrows(IllegalArgumentException.class, () -> new TraceOptions.Wait(0, 3, 10));
        assertThrows(IllegalArgumentException.class, () -> new TraceOptions.Wait(5, -1, 10));
        assertThrows(IllegalArgumentException.class, () -> new TraceOptions.Wait(Double.NaN, 3, 10));
    }

    @Test
    void everyProbePortMustExist() {
        // 30 TTLs x 3 probes from 65446 would end at 65535: fine; one more port is not.
        assertEquals(65446, TraceOptions.builder().basePort(65446).build().basePort());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TraceOptions.builder().basePort(65447).build());
        assertTrue(e.getMessage().contains("65535"), e.getMessage());
    }
}
