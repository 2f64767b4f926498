package org.tracecap.match;

import java.util.List;
import org.tracecap.packet.IcmpExtension;
import org.tracecap.packet.IcmpMeaning;
import org.tracecap.packet.IpAddress;

/**
 * An incoming ICMP or ICMPv6 message that answers a probe: an error that quotes it (Time Exceeded, Destination
 * Unreachable, Parameter Problem, Source Quench, Redirect; ICMPv6 Packet Too Big) or an Echo Reply. The type
 * and code are the family's own numbers (the family is the source address's); what they mean is asked of the
 * methods below, which {@link IcmpMeaning} answers for both families.
 *
 * @param timeNanos   capture time, nanoseconds since the Unix epoch
 * @param source      who sent it (the responder)
 * @param destination to whom (the prober)
 * @param replyTtl    the IP TTL (IPv6 hop limit) of the reply as received
 * @param totalLength the reply's IP total length (IPv6: 40 + payload length)
 * @param type        ICMP type, or ICMPv6 type for an IPv6 reply
 * @param code        ICMP or ICMPv6 code
 * @param nextHopMtu  the Next-Hop MTU of Fragmentation Needed (RFC 1191) or ICMPv6 Packet Too Big's MTU, else 0
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

    /** The reply's family ({@link IpAddress#IPV4} or {@link IpAddress#IPV6}): its type and code are that family's. */
    public int family() {
        return source.family();
    }

    public boolean isTimeExceeded() {
        return IcmpMeaning.isTimeExceeded(family(), type);
    }

    public boolean isDestinationUnreachable() {
        return IcmpMeaning.isDestinationUnreachable(family(), type);
    }

    /** Port Unreachable: the destination was reached. */
    public boolean isPortUnreachable() {
        return IcmpMeaning.isPortUnreachable(family(), type, code);
    }

    public boolean isEchoReply() {
        return IcmpMeaning.isEchoReply(family(), type);
    }

    /** What traceroute (traceroute6 for IPv6) prints after the RTT: {@code !H}, {@code !X}, {@code !F-1280}... */
    public String annotation() {
        return IcmpMeaning.annotation(family(), type, code, nextHopMtu);
    }
}
