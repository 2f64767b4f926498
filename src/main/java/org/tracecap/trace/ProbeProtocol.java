package org.tracecap.trace;

import org.tracecap.packet.IpProtocol;
import org.tracecap.packet.Ipv4ProbeEncoder;
import org.tracecap.packet.ProbeEncoder;

/**
 * What a live trace sends, as traceroute's {@code -I}, {@code -T}, {@code -U} choose it; with a
 * {@link ProbeMethod} it makes the {@link ProbeIdentity} of one trace. The per-trace values the tracer picks
 * (a source port from {@link Tracer#SOURCE_PORT_LOW}, an IP ID base) become each protocol's own fields: the
 * ICMP identifier is the picked port's number, a TCP trace's first sequence number is made from both.
 */
public enum ProbeProtocol {
    /** UDP to port {@code -p} (33434) + n, traceroute's default; with paris or dublin, fixed ports. */
    UDP(TraceOptions.DEFAULT_BASE_PORT, "udp", IpProtocol.UDP) {
        @Override
        ProbeIdentity identity(ProbeMethod m, TraceOptions o, int sourcePort, int ipIdBase) {
            return switch (m) {
                case UDP -> new ClassicUdpIdentity(o.basePort(), o.probeCount(), sourcePort, ipIdBase);
                case PARIS -> new ParisUdpIdentity(o.basePort(), o.probeCount(), sourcePort, ipIdBase);
                // Over IPv6 there is no IP ID to number a dublin flow's probes by: each flow numbers them by the
                // UDP checksum, as Paris does (NatDetector compares checksum changes either way: RFC 1624)
                case DUBLIN -> ipIdBase == ProbeIdentity.NO_IP_ID
                        ? new ParisUdpIdentity(o.basePort(), o.probeCount(), sourcePort, ipIdBase)
                        : new DublinUdpIdentity(o.basePort(), o.probeCount(), sourcePort, ipIdBase);
            };
        }

        @Override
        MultipathIdentity multipathIdentity(TraceOptions o, int flows, int sourcePort, int ipIdBase, long salt) {
            return new MultipathUdpIdentity(o.basePort(), flows, sourcePort, ipIdBase);
        }

        @Override
        public int multipathFlows(int basePort) {
            return MultipathTracer.flowsFrom(basePort);
        }

        @Override
        int multipathSourcePorts(int flows) {
            return 1;
        }
    },
    /** {@code -U}: UDP to the one port {@code -p} (53), a source port per probe; with paris, one flow. */
    UDP_PORT(53, "udp", IpProtocol.UDP) {
        @Override
        ProbeIdentity identity(ProbeMethod m, TraceOptions o, int sourcePort, int ipIdBase) {
            return m == ProbeMethod.PARIS ? new ParisUdpIdentity(o.basePort(), o.probeCount(), sourcePort, ipIdBase)
                    : new FixedPortUdpIdentity(o.basePort(), o.probeCount(), sourcePort, ipIdBase);
        }

        @Override
        public int sourcePorts(ProbeMethod m, int probes) {
            return m == ProbeMethod.PARIS ? 1 : probes;
        }

        @Override
        public int multipathFlows(int basePort) {
            return 0; // one destination port, a source port per probe: no flows to choose from
        }
    },
    /** {@code -I}: ICMP Echo, first sequence number {@code -p} (1); with paris, one checksum. */
    ICMP(1, "icmp", IpProtocol.ICMP) {
        @Override
        ProbeIdentity identity(ProbeMethod m, TraceOptions o, int sourcePort, int ipIdBase) {
            // Any fixed value does for the held checksum; one per trace, from the random IP ID base (IPv6, which
            // has none: from the random identifier).
            int held = (ipIdBase >= 0 ? ipIdBase : sourcePort) % 0xffff;
            return m == ProbeMethod.PARIS
                    ? new ParisIcmpIdentity(sourcePort, o.basePort(), o.probeCount(), ipIdBase, held)
                    : new IcmpEchoIdentity(sourcePort, o.basePort(), o.probeCount(), ipIdBase);
        }

        @Override
        public int minLength(ProbeMethod m) {
            return m == ProbeMethod.PARIS ? Ipv4ProbeEncoder.MIN_ECHO_LENGTH_PARIS : Ipv4ProbeEncoder.MIN_ECHO_LENGTH;
        }

        @Override
        MultipathIdentity multipathIdentity(TraceOptions o, int flows, int sourcePort, int ipIdBase, long salt) {
            return new MultipathIcmpIdentity(flows, sourcePort, (int) Long.remainderUnsigned(salt, 0xffff), ipIdBase);
        }
    },
    /** {@code -T}: TCP SYN to port {@code -p} (80); one 5-tuple whatever the method. */
    TCP(80, "tcp", IpProtocol.TCP) {
        @Override
        ProbeIdentity identity(ProbeMethod m, TraceOptions o, int sourcePort, int ipIdBase) {
            long sequenceBase = ((long) (ipIdBase >= 0 ? ipIdBase : sourcePort) << 16 | sourcePort * 0x9e37L)
                    & 0xffffffffL;
            return new TcpSynIdentity(o.basePort(), o.probeCount(), sourcePort, sequenceBase, ipIdBase);
        }

        @Override
        public int minLength(ProbeMethod m) {
            return Ipv4ProbeEncoder.SYN_TOTAL_LENGTH;
        }

        @Override
        MultipathIdentity multipathIdentity(TraceOptions o, int flows, int sourcePort, int ipIdBase, long salt) {
            return new MultipathTcpIdentity(o.basePort(), flows, sourcePort, salt, ipIdBase);
        }
    };

    private final int defaultPort;
    private final String protocolName;
    private final int ipProtocol;

    ProbeProtocol(int defaultPort, String protocolName, int ipProtocol) {
        this.defaultPort = defaultPort;
        this.protocolName = protocolName;
        this.ipProtocol = ipProtocol;
    }

    /** The identity of one trace's probes; {@code m} must be {@link #accepts accepted}. */
    abstract ProbeIdentity identity(ProbeMethod m, TraceOptions o, int sourcePort, int ipIdBase);

    /**
     * The identity of a {@link MultipathTracer} run's probes: {@code flows} flows from {@code sourcePort} (UDP:
     * destination ports from {@code -p} instead), {@code salt} a random value for what the protocol picks.
     *
     * @throws IllegalArgumentException for a protocol without flows ({@code -U})
     */
    MultipathIdentity multipathIdentity(TraceOptions o, int flows, int sourcePort, int ipIdBase, long salt) {
        throw new IllegalArgumentException("the MDA probes with UDP to many ports, ICMP or TCP, not UDP to one port");
    }

    /**
     * How many flows a {@code --multipath} run may use: UDP destination ports from {@code basePort} (fewer near
     * 65535); TCP source ports and ICMP identifiers from the picked source port, {@link MultipathTracer#MAX_FLOWS}.
     */
    public int multipathFlows(int basePort) {
        return MultipathTracer.MAX_FLOWS;
    }

    /** How many source ports from the picked one a {@code --multipath} run of {@code flows} flows uses. */
    int multipathSourcePorts(int flows) {
        return Math.max(1, flows);
    }

    /** {@code -p}'s default: base port, fixed port or first ICMP sequence number, as traceroute's. */
    public int defaultPort() {
        return defaultPort;
    }

    /** "udp", "icmp" or "tcp". */
    public String protocolName() {
        return protocolName;
    }

    /** Whether {@code m} can probe with this protocol: dublin is UDP to several fixed ports only. */
    public boolean accepts(ProbeMethod m) {
        return m != ProbeMethod.DUBLIN || this == UDP;
    }

    /** How many source ports from the picked one a trace of {@code probes} probes uses. */
    public int sourcePorts(ProbeMethod m, int probes) {
        return 1;
    }

    /** The smallest IP total length of a probe. */
    public int minLength(ProbeMethod m) {
        return m == ProbeMethod.PARIS ? ProbeEncoder.MIN_TOTAL_LENGTH_PARIS : ProbeEncoder.MIN_TOTAL_LENGTH;
    }

    /** The IP protocol number of the probes. */
    public int ipProtocol() {
        return ipProtocol;
    }
}
