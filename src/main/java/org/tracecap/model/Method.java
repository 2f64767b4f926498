package org.tracecap.model;

import java.util.Objects;

/**
 * How a trace probed: the protocol of its probes ({@code "udp"}, {@code "icmp"}, {@code "tcp"}), the tool
 * whose probing style was recognised ({@code "traceroute"}, {@code "mtr"}, {@code "scamper"},
 * {@code "dublin"}, {@code "tracecap"}, or {@code "unknown"}), and which field told its probes apart
 * ({@code "udp-destination-port"}, {@code "udp-checksum"}, {@code "ip-id"}, {@code "icmp-sequence"},
 * {@code "tcp-source-port"}, {@code "tcp-sequence"}).
 */
public record Method(String protocol, String tool, String probeIdentity) {
    public Method {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(tool, "tool");
        Objects.requireNonNull(probeIdentity, "probeIdentity");
    }

    /** "udp", "icmp", "tcp" as traceroute calls its methods in its header line ("udp", "icmp", "tcp"). */
    public String describe() {
        return protocol + " (" + tool + ", probes told apart by " + probeIdentity + ")";
    }
}
