package org.tracecap.match;

/**
 * What one captured frame is, as far as tracing goes. Never thrown: a frame that lies about its lengths
 * is {@link Malformed} with a short reason usable as a counter key.
 */
public sealed interface Classified permits SentProbe, IcmpReply, TcpReply, Classified.Ignored, Classified.Malformed {

    /** Not a probe or a reply (ARP, IPv6, other protocols, ICMP types that quote nothing...). */
    record Ignored(String reason) implements Classified {
    }

    /** A frame whose bytes contradict themselves; {@code reason} is short and stable (a counter key). */
    record Malformed(String reason) implements Classified {
    }
}
