package org.tracecap.testnet;

import java.util.Locale;

/** MAC addresses of the test topologies, as text ({@code ip link}'s aa:bb:cc:dd:ee:ff) and as bytes. */
public final class Macs {
    private Macs() {
    }

    /** The fixed MAC of host {@code host} on link {@code net}: 02:00:c6:12:NET:HOST (locally administered). */
    public static String of(int net, int host) {
        return String.format(Locale.ROOT, "02:00:c6:12:%02x:%02x", net, host);
    }

    /** The six bytes of {@code text} (aa:bb:cc:dd:ee:ff, as {@link Namespace#mac} gives it). */
    public static byte[] bytes(String text) {
        String[] parts = text.split(":");
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) {
            b[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return b;
    }
}
