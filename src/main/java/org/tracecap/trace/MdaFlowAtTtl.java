package org.tracecap.trace;

import java.util.ArrayList;
import java.util.List;
import org.tracecap.packet.IpAddress;

/** One flow at one TTL of a {@link MultipathTracer} run: its probes and the node it reached. */
final class MdaFlowAtTtl {
    /** Rule 4: an unanswered probe is sent once more. */
    static final int RETRIES = 1;

    final int flow;
    final List<MdaProbe> probes = new ArrayList<>();
    int attempts;
    int pending;
    IpAddress reached;
    /** A Destination Unreachable's code (ICMP's or ICMPv6's), null when none. */
    Integer unreachableCode;
    /** That Destination Unreachable was Port Unreachable: the destination reached (either family). */
    boolean portUnreachable;
    boolean isFinal;
    boolean silent;
    boolean nodeControl;

    MdaFlowAtTtl(int flow) {
        this.flow = flow;
    }

    boolean resolved() {
        return reached != null || silent;
    }

    /** Rules 4 and 8: unanswered, nothing in flight, and a send left (a lost pacing test is free). */
    boolean wantsRetry() {
        return reached == null && !silent && pending == 0 && attempts <= RETRIES && !probes.isEmpty();
    }
}
