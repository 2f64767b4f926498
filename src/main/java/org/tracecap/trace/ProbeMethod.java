package org.tracecap.trace;

/**
 * The probing methods a live trace can use. Each makes the {@link ProbeIdentity} of one trace from the
 * options and two per-trace values the tracer picks (a source port and an IP ID base), so that two traces
 * from one host never mistake each other's probes or replies.
 */
public enum ProbeMethod {
    /**
     * Classic UDP traceroute (Van Jacobson's, Linux traceroute's default): probe {@code n} goes to
     * destination port {@code basePort + n}; see {@link ClassicUdpIdentity}.
     */
    UDP,
    /**
     * Paris traceroute: one fixed flow to {@code basePort}, probes told apart by the UDP checksum and the IP
     * ID; see {@link ParisUdpIdentity}.
     */
    PARIS,
    /**
     * dublin-traceroute: {@code flows} fixed flows to {@code basePort}, {@code basePort + 1}..., probes told
     * apart by the IP ID; see {@link DublinUdpIdentity}. A {@link Tracer} traces one flow, to
     * {@code basePort}: several flows are traced by a {@link FlowTracer}, which gives each flow's tracer its
     * own base port.
     */
    DUBLIN;

    /** The identity of one trace's probes, in the options' {@link ProbeProtocol}. */
    public ProbeIdentity identity(TraceOptions options, int sourcePort, int ipIdBase) {
        if (this == DUBLIN && options.flows() != 1) {
            throw new IllegalArgumentException("a Tracer traces one flow; " + options.flows()
                    + " dublin flows are traced by a FlowTracer");
        }
        return options.protocol().identity(this, options, sourcePort, ipIdBase);
    }

    /** The method's name as {@code --method} takes it: classic, paris, dublin. */
    public String optionName() {
        return this == UDP ? "classic" : name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The method named {@code name} as {@code --method} takes it ({@code classic}, {@code paris},
     * {@code dublin}; {@code udp} is taken for classic too).
     *
     * @throws IllegalArgumentException naming the choices
     */
    public static ProbeMethod fromOptionName(String name) {
        for (ProbeMethod m : values()) {
            if (m.optionName().equals(name)) {
                return m;
            }
        }
        if ("udp".equals(name)) {
            return UDP;
        }
        throw new IllegalArgumentException("unknown method '" + name + "': classic, paris or dublin");
    }
}
