package org.tracecap.trace;

import java.util.List;
import org.tracecap.match.Classified;
import org.tracecap.match.SentProbe;
import org.tracecap.model.ProbeResult;

/** One probe of a {@link MultipathTracer} run: what it was sent as, when, and what answered it. */
final class MdaProbe {
    final int flow;
    final int ttl;
    final Integer target;
    final boolean perPacket;
    final List<Integer> verifying;
    SentProbe sent;
    long clockSendNanos;
    Long captureSendNanos;
    /** The {@link org.tracecap.match.IcmpReply} or {@link org.tracecap.match.TcpReply} attributed, or null. */
    Classified reply;
    boolean timedOut;

    MdaProbe(int flow, int ttl, Integer target, boolean perPacket, List<Integer> verifying) {
        this.flow = flow;
        this.ttl = ttl;
        this.target = target;
        this.perPacket = perPacket;
        this.verifying = verifying;
    }

    boolean done() {
        return reply != null || timedOut;
    }

    long sendNanos() {
        return captureSendNanos != null ? captureSendNanos : clockSendNanos;
    }

    long rttNanos() {
        return reply == null ? 0 : Math.max(0, ProbeResults.timeNanos(reply) - sendNanos());
    }

    ProbeResult result() {
        return ProbeResults.of(sent, sendNanos(), reply);
    }
}
