package org.tracecap.packet;

/** IPv4 addresses held as a 32-bit int (network order in the int's bits), formatted and parsed here. */
public final class Ipv4Address {
    private Ipv4Address() {
    }

    public static String format(int a) {
        return ((a >>> 24) & 0xff) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
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
