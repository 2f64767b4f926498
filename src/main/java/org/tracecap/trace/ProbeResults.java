package org.tracecap.trace;

import org.tracecap.match.IcmpReply;
import org.tracecap.match.QuotedProbe;
import org.tracecap.match.SentProbe;
import org.tracecap.model.ProbeResult;

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
        ProbeResult.Builder b = new ProbeResult.Builder().probe(s.ttl(), sendNanos, s.ipId(), s.totalLength())
                .ports(s.sourcePort(), s.destinationPort()).udpChecksum(s.checksum());
        if (r != null) {
            QuotedProbe q = r.quote();
            b.reply(r.timeNanos() - sendNanos, r.source(), r.replyTtl(), r.totalLength())
                    .icmp(r.type(), r.code(), r.annotation())
                    .quote(q.ttl(), q.ipId()).quotedUdpChecksum(q.checksum()).extensions(r.extensions());
        }
        return b.build();
    }
}
