package org.tracecap.trace;

import java.util.List;
import org.tracecap.match.IcmpReply;
import org.tracecap.match.QuotedProbe;
import org.tracecap.match.SentProbe;
import org.tracecap.model.ProbeResult;
import org.tracecap.packet.IcmpType;

/** A live UDP probe and its ICMP reply as the {@link ProbeResult} the reports show. */
final class ProbeResults {
    private ProbeResults() {
    }

    /**
     * @param s         the probe as sent
     * @param sendNanos its send time (its captured frame's, else the clock's)
     * @param r         the reply attributed to it, or null when unanswered
     */
    static ProbeResult of(SentProbe s, long sendNanos, IcmpReply r) {
        if (r == null) {
            return new ProbeResult(s.ttl(), sendNanos, s.ipId(), s.sourcePort(), s.destinationPort(), null, null,
                    s.checksum(), s.totalLength(), null, null, null, null, null, null, null, null, null, null,
                    null, List.of());
        }
        QuotedProbe q = r.quote();
        return new ProbeResult(s.ttl(), sendNanos, s.ipId(), s.sourcePort(), s.destinationPort(), null, null,
                s.checksum(), s.totalLength(), r.timeNanos() - sendNanos, r.source(), r.type(), r.code(), null,
                IcmpType.annotation(r.type(), r.code(), r.nextHopMtu()), r.replyTtl(), q.ttl(), q.ipId(),
                q.checksum(), r.totalLength(), r.extensions());
    }
}
