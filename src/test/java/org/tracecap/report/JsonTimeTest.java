package org.tracecap.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** {@link JsonReport#time} writes its own RFC 3339 text: it must be exactly what {@code Instant.toString} gives. */
class JsonTimeTest {

    private static String instant(long epochNanos) {
        return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L),
                Math.floorMod(epochNanos, 1_000_000_000L)).toString();
    }

    @Test
    void edges() {
        long[] cases = {0, 1, 999, 1000, 1_000_000, 999_999_999, 1_000_000_000L, 1_795_000_000_000_000_000L,
            1_795_000_000_123_000_000L, 1_795_000_000_123_456_000L, 1_795_000_000_123_456_789L, -1, -1_000_000_000L,
            Long.MIN_VALUE, Long.MAX_VALUE, 86_399_999_999_999L};
        for (long t : cases) {
            assertEquals(instant(t), JsonReport.time(t), "time " + t);
        }
        assertEquals("2026-11-18T00:00:00Z", JsonReport.time(1_794_960_000_000_000_000L));
    }

    @Property
    void sameAsInstantToString(@ForAll long epochNanos) {
        assertEquals(instant(epochNanos), JsonReport.time(epochNanos));
    }

    @Property
    void sameAsInstantToStringInCaptureYears(@ForAll @LongRange(min = 0, max = 4_102_444_800_000_000_000L) long t,
            @ForAll boolean wholeMillis) {
        long epochNanos = wholeMillis ? t / 1_000_000 * 1_000_000 : t;
        assertEquals(instant(epochNanos), JsonReport.time(epochNanos));
    }
}
