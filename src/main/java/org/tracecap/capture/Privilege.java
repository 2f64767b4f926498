package org.tracecap.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Whether this process may capture and send raw frames. On Linux that takes CAP_NET_RAW in the effective set
 * (packet(7): "only processes with effective UID 0 or the CAP_NET_RAW capability may open packet sockets");
 * root has it unless a container dropped it, so the capability is what is checked, read from
 * {@code /proc/self/status} ({@code CapEff}, a hex mask, bit 13 is CAP_NET_RAW in linux/capability.h).
 */
public final class Privilege {

    /** CAP_NET_RAW's bit number (include/uapi/linux/capability.h). */
    static final int CAP_NET_RAW = 13;

    private static final Path STATUS = Path.of("/proc/self/status");

    private Privilege() {
    }

    /** The one line a user sees when the check fails. */
    public static String notPrivilegedMessage(String interfaceName) {
        return "tracecap needs root or CAP_NET_RAW and CAP_NET_ADMIN to capture on " + interfaceName
                + ": run it with sudo, or sudo setcap cap_net_raw,cap_net_admin+ep $(readlink -f $(which java))";
    }

    /**
     * Throws when this process certainly cannot open a packet socket. Where {@code /proc/self/status} cannot be
     * read (not Linux) nothing is decided here: libpcap's own "permission denied" is mapped to the same message
     * when the interface is opened.
     *
     * @throws LiveCaptureException CAP_NET_RAW is not effective
     */
    public static void check(String interfaceName) throws LiveCaptureException {
        List<String> status;
        try {
            status = Files.readAllLines(STATUS);
        } catch (IOException | SecurityException e) {
            return;
        }
        if (!hasNetRaw(status)) {
            throw new LiveCaptureException(notPrivilegedMessage(interfaceName));
        }
    }

    /**
     * Reads the {@code CapEff:} line of a {@code /proc/PID/status} text; without one (a kernel without
     * capabilities) an effective user id of 0 ({@code Uid:} real, effective, saved, fs) is enough.
     */
    static boolean hasNetRaw(List<String> statusLines) {
        for (String line : statusLines) {
            if (line.startsWith("CapEff:")) {
                String hex = line.substring("CapEff:".length()).strip();
                try {
                    return (Long.parseUnsignedLong(hex, 16) & (1L << CAP_NET_RAW)) != 0;
                } catch (NumberFormatException e) {
                    return false;
                }
            }
        }
        for (String line : statusLines) {
            if (line.startsWith("Uid:")) {
                String[] ids = line.substring("Uid:".length()).strip().split("\\s+");
                return ids.length > 1 && ids[1].equals("0");
            }
        }
        return false;
    }
}
