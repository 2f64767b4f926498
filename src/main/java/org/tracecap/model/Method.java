package org.tracecap.model;

import java.util.Objects;

/**
 * How a trace probed: the protocol of its probes ({@code "udp"}, {@code "icmp"}, {@code "tcp"}), the tool
 * whose probe signature every probe fits, and which field told its probes apart
 * ({@code "udp-destination-port"}, {@code "udp-checksum"}, {@code "ip-id"}, {@code "icmp-sequence"},
 * {@code "tcp-source-port"}, {@code "tcp-sequence"}).
 *
 * <p>Tools (a replay names them by the rules of org.tracecap.replay.ToolRecognizer; a live trace is
 * {@code "tracecap"}):
 * <ul>
 *   <li>{@code "traceroute"}: Linux traceroute (traceroute.sourceforge.net), UDP, {@code -I} or {@code -T};</li>
 *   <li>{@code "traceroute-bsd"}: BSD and macOS traceroute (the LBL traceroute of FreeBSD, NetBSD, Apple);</li>
 *   <li>{@code "tracert"}: Windows tracert;</li>
 *   <li>{@code "mtr"}, {@code "scamper"}, {@code "paris-traceroute"}, {@code "dublin"} (dublin-traceroute),
 *       {@code "tracecap"};</li>
 *   <li>{@code "unknown"}: the probes fit no tool's signature.</li>
 * </ul>
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
