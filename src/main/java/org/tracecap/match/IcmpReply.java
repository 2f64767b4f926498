package org.tracecap.match;

import java.util.List;
import org.tracecap.packet.IcmpExtension;
import org.tracecap.packet.IpAddress;

/**
 * An incoming ICMP message that answers a probe: an error that quotes it (Time Exceeded, Destination
 * Unreachable, Parameter Problem, Source Quench, Redirect) or an Echo Reply.
 *
 * @param timeNanos   capture time, nanoseconds since the Unix epoch
 * @param source      who sent it (the responder)
 * @param destination to whom (the prober)
 * @param replyTtl    the IP TTL of the reply as received
 * @param totalLength the reply's IP total length
 * @param type        ICMP type
 * @param code        ICMP code
 * @param nextHopMtu  the Next-Hop MTU of Fragmentation Needed (RFC 1191), else 0
 * @param quote       the dissected quoted probe; null for an Echo Reply
 * @param echoId      Echo Reply identifier; 0 for errors
 * @param echoSequence Echo Reply sequence; 0 for errors
 * @param extensions  RFC 4884 extension objects, empty when none
 */
public record IcmpReply(
        long timeNanos,
        IpAddress source,
        IpAddress destination,
        int replyTtl,
        int totalLength,
        int type,
        int code,
        int nextHopMtu,
        QuotedProbe quote,
        int echoId,
        int echoSequence,
        List<IcmpExtension> extensions) implements Classified {

    public IcmpReply {
        extensions = extensions == null ? List.of() : List.copyOf(extensions);
    }
}
