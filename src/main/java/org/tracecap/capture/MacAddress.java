package org.tracecap.capture;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * An Ethernet (EUI-48) address. Parsed from and formatted as six colon-separated hex pairs, the way
 * {@code ip link} and {@code /proc/net/arp} write them.
 */
public record MacAddress(byte[] bytes) {
    /** All zeros: the address of Linux's loopback device. */
    public static final MacAddress ZERO = new MacAddress(new byte[6]);
    public static final MacAddress BROADCAST = new MacAddress(new byte[] {-1, -1, -1, -1, -1, -1});

    public MacAddress {
        if (bytes == null || bytes.length != 6) {
            throw new IllegalArgumentException("a MAC address has 6 bytes, got "
                    + (bytes == null ? "none" : bytes.length));
        }
        bytes = bytes.clone();
    }

    /** Parses {@code aa:bb:cc:dd:ee:ff} (or with {@code -}); throws IllegalArgumentException naming the text. */
    public static MacAddress parse(String text) {
        String[] parts = text.strip().split("[:-]", -1);
        if (parts.length != 6) {
            throw notOne(text, null);
        }
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) {
            if (parts[i].length() != 2) {
                throw notOne(text, null);
            }
            try {
                b[i] = (byte) HexFormat.fromHexDigits(parts[i]);
            } catch (IllegalArgumentException e) {
                throw notOne(text, e);
            }
        }
        return new MacAddress(b);
    }

    private static IllegalArgumentException notOne(String text, Throwable cause) {
        return new IllegalArgumentException("not a MAC address (6 hex pairs like 02:00:5e:10:00:01): " + text, cause);
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MacAddress m && Arrays.equals(bytes, m.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return HexFormat.ofDelimiter(":").formatHex(bytes);
    }
}
