package org.tracecap.trace;

import java.util.Objects;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.Ipv4ProbeEncoder;
import org.tracecap.packet.ProbeEncoder;

/**
 * What a live trace may do, with the defaults and limits of Linux traceroute 2.1 (man traceroute).
 *
 * @param firstTtl          {@code -f}: the TTL of the first hop probed, 1..255 (default 1)
 * @param maxTtl            {@code -m}: the highest TTL probed, firstTtl..255 (default 30)
 * @param probesPerHop      {@code -q}: probes per TTL, 1..10 (default 3; traceroute's MAX_PROBES is 10)
 * @param basePort          {@code -p}: destination port of the first probe (default 33434); the classic method
 *                          sends probe number {@code n} (0 for the first probe of the first TTL) to
 *                          {@code basePort + n}, so every probe's port must stay within 65535
 * @param sourcePort        {@code --sport}: the probes' UDP source port, or null to let the tracer pick one
 *                          per trace outside Linux's ephemeral port range (see {@link Tracer})
 * @param waiting           {@code -w MAX,HERE,NEAR}: how long a probe is waited for
 * @param simultaneous      {@code -N}: most probes in flight at once, 1..1024 (default 16)
 * @param sendIntervalNanos {@code -z}: least time between two probes sent, in nanoseconds (default 0)
 * @param sourceAddress     {@code -s}: the source address asked for, or null for the route's; when set, the
 *                          {@link LinkFacts} a tracer is given must carry the same address
 * @param tos               {@code -t}: the IP type of service byte, 0..255 (default 0)
 * @param dontFragment      {@code -F}: set the IP Don't Fragment flag (default off)
 * @param packetLength      the probes' IP total length, 28..65535 (default 60, as traceroute's)
 * @param method            {@code --method}: how probes are built and told apart (default {@link ProbeMethod#UDP});
 *                          {@link ProbeMethod#PARIS} sends every probe to {@code basePort} and needs a packet
 *                          length of at least 30 (two payload bytes set the checksum)
 * @param flows             {@code --flows}: how many flows {@link ProbeMethod#DUBLIN} traces, to destination ports
 *                          {@code basePort}..{@code basePort + flows - 1}, 1..{@value #MAX_FLOWS} (default 1);
 *                          must be 1 for the other methods
 * @param protocol          {@code -I}, {@code -T}, {@code -U}: what the probes are (default {@link ProbeProtocol#UDP});
 *                          {@code basePort} is then the first ICMP sequence number (-I), the fixed destination
 *                          port (-T, -U); dublin probes UDP only; TCP probes are
 *                          {@value org.tracecap.packet.Ipv4ProbeEncoder#SYN_TOTAL_LENGTH} bytes
 */
public record TraceOptions(
        int firstTtl,
        int maxTtl,
        int probesPerHop,
        int basePort,
        Integer sourcePort,
        Wait waiting,
        int simultaneous,
        long sendIntervalNanos,
        IpAddress sourceAddress,
        int tos,
        boolean dontFragment,
        int packetLength,
        ProbeMethod method,
        int flows,
        ProbeProtocol protocol) {

    public static final int DEFAULT_FIRST_TTL = 1;
    public static final int DEFAULT_MAX_TTL = 30;
    public static final int DEFAULT_PROBES_PER_HOP = 3;
    public static final int MAX_PROBES_PER_HOP = 10;
    public static final int DEFAULT_BASE_PORT = 33434;
    public static final int DEFAULT_SIMULTANEOUS = 16;
    public static final int MAX_SIMULTANEOUS = 1024;
    public static final int DEFAULT_PACKET_LENGTH = 60;
    /** dublin-traceroute's default number of flows is 20; tracecap takes up to 64. */
    public static final int MAX_FLOWS = 64;

    /**
     * Modern traceroute's {@code -w MAX,HERE,NEAR}: a probe is waited for at most {@code maxSeconds}; once
     * another probe of the same hop has been answered, at most {@code here} times that reply's RTT; else,
     * once a probe of a later hop has been answered, at most {@code near} times its RTT. A factor of 0
     * turns its rule off. Defaults 5, 3, 10.
     */
    public record Wait(double maxSeconds, double here, double near) {
        public static final Wait DEFAULT = new Wait(5, 3, 10);
        /** Longest MAX accepted: one hour. */
        public static final double LIMIT_SECONDS = 3600;

        public Wait {
            if (!(maxSeconds > 0 && maxSeconds <= LIMIT_SECONDS)) {
                throw new IllegalArgumentException("wait MAX " + maxSeconds + " s outside (0, " + LIMIT_SECONDS + "]");
            }
            if (!(here >= 0 && here <= 1000) || !(near >= 0 && near <= 1000)) {
                throw new IllegalArgumentException("wait factors HERE " + here + " and NEAR " + near
                        + " must be in 0..1000");
            }
        }

        /** MAX in nanoseconds. */
        public long maxNanos() {
            return Math.round(maxSeconds * 1e9);
        }
    }

    public TraceOptions {
        range("first TTL", firstTtl, 1, 255);
        range("max TTL", maxTtl, firstTtl, 255);
        range("probes per hop", probesPerHop, 1, MAX_PROBES_PER_HOP);
        Objects.requireNonNull(protocol, "protocol");
        range(protocol == ProbeProtocol.ICMP ? "first sequence number" : "base port", basePort,
                protocol == ProbeProtocol.ICMP ? 0 : 1, 0xffff);
        Objects.requireNonNull(method, "method");
        if (!protocol.accepts(method)) {
            throw new IllegalArgumentException("--method " + method.optionName() + " probes UDP only, not "
                    + protocol.protocolName());
        }
        if (method != ProbeMethod.DUBLIN && flows != 1) {
            throw new IllegalArgumentException(flows + " flows: only the dublin method traces several flows");
        }
        range("flows", flows, 1, MAX_FLOWS);
        if (protocol == ProbeProtocol.UDP && method == ProbeMethod.UDP) {
            long lastPort = (long) basePort + probeCount(firstTtl, maxTtl, probesPerHop) - 1;
            if (lastPort > 0xffff) {
                throw new IllegalArgumentException("base port " + basePort + " + " + probeCount(firstTtl, maxTtl,
                        probesPerHop) + " probes passes port 65535: lower the base port, max TTL or probes per hop");
            }
        } else if (protocol == ProbeProtocol.UDP_PORT && sourcePort != null && (long) sourcePort
                + protocol.sourcePorts(method, probeCount(firstTtl, maxTtl, probesPerHop)) - 1 > 0xffff) {
            throw new IllegalArgumentException("source port " + sourcePort + " + " + probeCount(firstTtl, maxTtl,
                    probesPerHop) + " probes passes port 65535 (-U sends each probe from its own port)");
        } else if ((long) basePort + flows - 1 > 0xffff) {
            throw new IllegalArgumentException("base port " + basePort + " + " + flows
                    + " flows passes port 65535: lower the base port or the flows");
        }
        if (sourcePort != null) {
            range("source port", sourcePort, 1, 0xffff);
        }
        Objects.requireNonNull(waiting, "waiting");
        range("simultaneous probes", simultaneous, 1, MAX_SIMULTANEOUS);
        if (sendIntervalNanos < 0 || sendIntervalNanos > 3_600_000_000_000L) {
            throw new IllegalArgumentException("send interval " + sendIntervalNanos + " ns outside 0..1 h");
        }
        range("TOS", tos, 0, 0xff);
        if (protocol == ProbeProtocol.TCP && packetLength != Ipv4ProbeEncoder.SYN_TOTAL_LENGTH) {
            throw new IllegalArgumentException("TCP probes are " + Ipv4ProbeEncoder.SYN_TOTAL_LENGTH
                    + " bytes (a SYN with Linux's options), not " + packetLength);
        }
        range("packet length", packetLength, protocol.minLength(method), ProbeEncoder.MAX_TOTAL_LENGTH);
    }

    /** Every default, as traceroute's. */
    public static TraceOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from {@link #defaults()}: the CLI sets what the user gave. */
    public Builder toBuilder() {
        return new Builder().firstTtl(firstTtl).maxTtl(maxTtl).probesPerHop(probesPerHop).basePort(basePort)
                .sourcePort(sourcePort).waiting(waiting).simultaneous(simultaneous).sendIntervalNanos(sendIntervalNanos)
                .sourceAddress(sourceAddress).tos(tos).dontFragment(dontFragment).packetLength(packetLength)
                .method(method).flows(flows).protocol(protocol);
    }

    /** How many probes a full trace may send: one per probe slot from first to max TTL. */
    public int probeCount() {
        return probeCount(firstTtl, maxTtl, probesPerHop);
    }

    private static int probeCount(int first, int max, int perHop) {
        return (max - first + 1) * perHop;
    }

    private static void range(String name, int v, int min, int max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(name + " " + v + " outside " + min + ".." + max);
        }
    }

    /** Mutable holder of options; {@link #build()} checks them. */
    public static final class Builder {
        private int firstTtl = DEFAULT_FIRST_TTL;
        private int maxTtl = DEFAULT_MAX_TTL;
        private int probesPerHop = DEFAULT_PROBES_PER_HOP;
        private int basePort = DEFAULT_BASE_PORT;
        private Integer sourcePort;
        private Wait waiting = Wait.DEFAULT;
        private int simultaneous = DEFAULT_SIMULTANEOUS;
        private long sendIntervalNanos;
        private IpAddress sourceAddress;
        private int tos;
        private boolean dontFragment;
        private int packetLength = DEFAULT_PACKET_LENGTH;
        private ProbeMethod method = ProbeMethod.UDP;
        private int flows = 1;
        private ProbeProtocol protocol = ProbeProtocol.UDP;

        private Builder() {
        }

        public Builder firstTtl(int v) {
            firstTtl = v;
            return this;
        }

        public Builder maxTtl(int v) {
            maxTtl = v;
            return this;
        }

        public Builder probesPerHop(int v) {
            probesPerHop = v;
            return this;
        }

        public Builder basePort(int v) {
            basePort = v;
            return this;
        }

        public Builder sourcePort(Integer v) {
            sourcePort = v;
            return this;
        }

        public Builder waiting(Wait v) {
            waiting = v;
            return this;
        }

        public Builder simultaneous(int v) {
            simultaneous = v;
            return this;
        }

        public Builder sendIntervalNanos(long v) {
            sendIntervalNanos = v;
            return this;
        }

        public Builder sourceAddress(IpAddress v) {
            sourceAddress = v;
            return this;
        }

        public Builder tos(int v) {
            tos = v;
            return this;
        }

        public Builder dontFragment(boolean v) {
            dontFragment = v;
            return this;
        }

        public Builder packetLength(int v) {
            packetLength = v;
            return this;
        }

        public Builder method(ProbeMethod v) {
            method = v;
            return this;
        }

        public Builder protocol(ProbeProtocol v) {
            protocol = v;
            return this;
        }

        public Builder flows(int v) {
            flows = v;
            return this;
        }

        /** @throws IllegalArgumentException naming the first option out of range */
        public TraceOptions build() {
            return new TraceOptions(firstTtl, maxTtl, probesPerHop, basePort, sourcePort, waiting, simultaneous,
                    sendIntervalNanos, sourceAddress, tos, dontFragment, packetLength, method, flows,
                    protocol);
        }
    }
}
