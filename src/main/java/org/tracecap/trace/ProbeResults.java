package org.tracecap.trace;

import org.tracecap.match.Classified;
import org.tracecap.match.IcmpReply;
import org.tracecap.match.QuotedProbe;
import org.tracecap.match.SentProbe;
import org.tracecap.match.TcpReply;
import org.tracecap.model.ProbeResult;
import org.tracecap.packet.IpProtocol;

/** A live probe and its answer (ICMP error, Echo Reply, SYN-ACK or RST) as the {@link ProbeResult} the reports show. */
final class ProbeResults {
    private ProbeResults() {
    }

    /**
     * @param s         the probe as sent
     * @param sendNanos its send time (its captured frame's, else the clock's)
     * @param r         the {@link IcmpReply} or {@link TcpReply} attributed to it, or null when unanswered
     */
    static ProbeResult of(SentProbe s, long sendNanos, Classified r) {
        ProbeResult.Builder b = new ProbeResult.Builder().probe(s.ttl(), sendNanos, s.ipId(), s.totalLength());
        // The fields a replay reports for the probe's protocol (org.tracecap.replay.TraceAssembler).
        if (IpProtocol.isIcmp(s.protocol())) {
            b.echo(s.icmpId(), s.icmpSequence());
        } else {
            b.ports(s.sourcePort(), s.destinationPort());
        }
        if (s.protocol() == IpProtocol.UDP) {
            b.udpChecksum(s.checksum());
        }
        if (r instanceof IcmpReply i) {
            b.reply(i.timeNanos() - sendNanos, i.source(), i.replyTtl(), i.totalLength())
                    .icmp(i.type(), i.code(), i.annotation())
                    .extensions(i.extensions());
            QuotedProbe q = i.quote();
            if (q != null) {
                b.quote(q.ttl(), q.ipId());
                if (q.protocol() == IpProtocol.UDP) {
                    b.quotedUdpChecksum(q.checksum());
                }
            }
        } else if (r instanceof TcpReply t) {
            b.reply(t.timeNanos() - sendNanos, t.source(), t.replyTtl(), t.totalLength()).tcpFlags(t.flags());
        }
        return b.build();
    }

    /** The capture time of an answer. */
    static long timeNanos(Classified reply) {
        return reply instanceof TcpReply t ? t.timeNanos() : ((IcmpReply) reply).timeNanos();
    }
}
