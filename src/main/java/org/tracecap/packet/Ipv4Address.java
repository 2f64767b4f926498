package org.tracecap.packet;

import java.nio.charset.StandardCharsets;

/** IPv4 addresses held as a 32-bit int (network order in the int's bits), formatted and parsed here. */
public final class Ipv4Address {
    private Ipv4Address() {
    }

    /** Dotted-quad text ({@code 198.18.1.2}); built byte by byte, as reports format one per probe. */
    public static String format(int a) {
        byte[] text = new byte[15];
        int n = format(a, text, 0);
        return new String(text, 0, n, StandardCharsets.US_ASCII);
    }

    /**
     * The dotted-quad text as ASCII bytes into {@code text} from {@code offset} (at most 15 bytes); returns
     * the offset after the last one.
     */
    public static int format(int a, byte[] text, int offset) {
        int n = offset;
        for (int shift = 24; shift >= 0; shift -= 8) {
            int octet = (a >>> shift) & 0xff;
            if (octet >= 100) {
                text[n++] = (byte) ('0' + octet / 100);
            }
            if (octet >= 10) {
                text[n++] = (byte) ('0' + octet / 10 % 10);
            }
            text[n++] = (byte) ('0' + octet % 10);
            if (shift != 0) {
                text[n++] = '.';
            }
        }
        return n;
    }

    /** Parses dotted-quad text; throws IllegalArgumentException naming the text when it is not one. */
    public static int parse(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + text);
        }
        int a = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("not an IPv4 address: " + text);
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + text);
            }
            a = (a << 8) | v;
        }
        return a;
    }

    public static byte[] toBytes(int a) {
        return new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
    }

    public static int fromBytes(byte[] b) {
        return Bytes.s32(b, 0);
    }
}
