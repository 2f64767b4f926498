package org.tracecap.capture;

/**
 * pcapng time stamp units: an interface's {@code if_tsresol} (draft-ietf-opsawg-pcapng section 4.2, option 9)
 * is one byte; with the high bit clear the unit is 10^-n s, with it set 2^-n s (n the low 7 bits). Without
 * the option the unit is 10^-6 s. A time stamp is an unsigned 64-bit count of units since the epoch.
 */
final class TimeUnits {
    /** if_tsresol 6: microseconds, the default. */
    static final int MICROSECONDS = 6;
    private static final int BINARY = 0x80;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private TimeUnits() {
    }

    /** Units whose time stamps fit a 64-bit count of nanoseconds: 10^-0 to 10^-19 s, 2^-0 to 2^-63 s. */
    static boolean readable(int tsresol) {
        return (tsresol & BINARY) == 0 ? tsresol <= 19 : (tsresol & 0x7f) <= 63;
    }

    /** Nanoseconds per unit when that is a whole number (10^-0 to 10^-9 s, 2^0 s), else 0. */
    static long multiplier(int tsresol) {
        if ((tsresol & BINARY) != 0) {
            return (tsresol & 0x7f) == 0 ? NANOS_PER_SECOND : 0;
        }
        if (tsresol > 9) {
            return 0;
        }
        long m = 1;
        for (int i = tsresol; i < 9; i++) {
            m *= 10;
        }
        return m;
    }

    /** {@code timestamp} (unsigned) units as nanoseconds, for {@link #readable} units (truncated, not rounded). */
    static long nanos(long timestamp, int tsresol) {
        long m = multiplier(tsresol);
        if (m > 0) {
            return timestamp * m;
        }
        if ((tsresol & BINARY) == 0) {
            long divisor = 1;
            for (int i = 9; i < tsresol; i++) {
                divisor *= 10;
            }
            return Long.divideUnsigned(timestamp, divisor);
        }
        int n = tsresol & 0x7f;
        long seconds = timestamp >>> n;
        long fraction = timestamp & ((1L << n) - 1);
        // fraction * 10^9 / 2^n in 128 bits: fraction < 2^63, so the signed high half is exact.
        long high = Math.multiplyHigh(fraction, NANOS_PER_SECOND);
        long low = fraction * NANOS_PER_SECOND;
        return seconds * NANOS_PER_SECOND + ((high << (64 - n)) | (low >>> n));
    }

    /** "10^-6" or "2^-30". */
    static String describe(int tsresol) {
        return ((tsresol & BINARY) == 0 ? "10^-" : "2^-") + (tsresol & 0x7f);
    }
}
