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
    UDP {
        @Override
        public ProbeIdentity identity(TraceOptions options, int sourcePort, int ipIdBase) {
            return new ClassicUdpIdentity(options.basePort(), options.probeCount(), sourcePort, ipIdBase);
        }
    };

    /** The identity of one trace's probes. */
    public abstract ProbeIdentity identity(TraceOptions options, int sourcePort, int ipIdBase);
}
