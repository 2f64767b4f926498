package org.tracecap.match;

/**
 * The payload facts a {@link SentProbe} keeps for telling traceroute tools apart: the first 4 bytes, and
 * whether the rest is zero. Reads only what is in the array, allocates nothing (it runs on every outgoing
 * frame of a replay), and stops at the first non-zero byte.
 */
public final class ProbePayload {
    private ProbePayload() {
    }

    /**
     * The bytes {@code [off, off + min(len, 4))} big-endian in the high end of an int, missing bytes 0: a
     * payload "@ABC..." is {@code 0x40414243}, a 2-byte payload {@code 12 34} is {@code 0x12340000}.
     */
    public static int head(byte[] b, int off, int len) {
        int n = Math.max(0, Math.min(Math.min(len, 4), b.length - off));
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v = (v << 8) | (i < n ? b[off + i] & 0xff : 0);
        }
        return v;
    }

    /**
     * {@link SentProbe#ZERO_TAIL} when the bytes {@code [off + 2, off + len)} present are all zero (an empty or
     * 1- or 2-byte payload too), plus {@link SentProbe#DONT_FRAGMENT} when {@code dontFragment}.
     */
    public static int flags(byte[] b, int off, int len, boolean dontFragment) {
        int end = Math.min(off + Math.max(0, len), b.length);
        int i = off + 2;
        while (i < end && b[i] == 0) {
            i++;
        }
        return (i >= end ? SentProbe.ZERO_TAIL : 0) | (dontFragment ? SentProbe.DONT_FRAGMENT : 0);
    }
}
