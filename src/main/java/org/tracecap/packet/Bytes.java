package org.tracecap.packet;

/** Big-endian (network order) reads and writes on a byte array; values come back unsigned as int/long. */
public final class Bytes {
    private Bytes() {
    }

    public static int u8(byte[] b, int i) {
        return b[i] & 0xff;
    }

    public static int u16(byte[] b, int i) {
        return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }

    /** Unsigned 32-bit value as a long. */
    public static long u32(byte[] b, int i) {
        return s32(b, i) & 0xffffffffL;
    }

    /** 32 bits as a Java int, as IPv4 addresses are held throughout tracecap. */
    public static int s32(byte[] b, int i) {
        return ((b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
    }

    /** 64 bits as a Java long (the two halves of an IPv6 address). */
    public static long u64(byte[] b, int i) {
        return ((long) s32(b, i) << 32) | (s32(b, i + 4) & 0xffffffffL);
    }

    public static int u16le(byte[] b, int i) {
        return (b[i] & 0xff) | ((b[i + 1] & 0xff) << 8);
    }

    public static long u32le(byte[] b, int i) {
        return ((b[i] & 0xffL)) | ((b[i + 1] & 0xffL) << 8) | ((b[i + 2] & 0xffL) << 16) | ((b[i + 3] & 0xffL) << 24);
    }

    public static void put8(byte[] b, int i, int v) {
        b[i] = (byte) v;
    }

    public static void put16(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 8);
        b[i + 1] = (byte) v;
    }

    public static void put32(byte[] b, int i, long v) {
        b[i] = (byte) (v >>> 24);
        b[i + 1] = (byte) (v >>> 16);
        b[i + 2] = (byte) (v >>> 8);
        b[i + 3] = (byte) v;
    }

    public static void put64(byte[] b, int i, long v) {
        put32(b, i, v >>> 32);
        put32(b, i + 4, v);
    }

    /** Lower-case hex of {@code len} bytes from {@code off}, no separators. */
    public static String hex(byte[] b, int off, int len) {
        char[] out = new char[len * 2];
        for (int i = 0; i < len; i++) {
            int v = b[off + i] & 0xff;
            out[2 * i] = Character.forDigit(v >>> 4, 16);
            out[2 * i + 1] = Character.forDigit(v & 0xf, 16);
        }
        return new String(out);
    }

    /** Parses hex digits (whitespace and ':' ignored) into bytes; for tests and fixtures. */
    public static byte[] fromHex(String s) {
        String clean = s.replaceAll("[\\s:]", "");
        if (clean.length() % 2 != 0) {
            throw new IllegalArgumentException("odd number of hex digits: " + clean.length());
        }
        byte[] out = new byte[clean.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(clean.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }
}
