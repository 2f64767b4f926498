package org.tracecap.trace;

import java.util.HashMap;
import java.util.Map;
import org.tracecap.model.Hop;
import org.tracecap.packet.IpAddress;

/**
 * Doubletree's local stop set (Donnet, Raoult, Friedman, Crovella, "Efficient algorithms for large-scale topology
 * discovery", SIGMETRICS 2005, section 3): the interfaces this vantage point has already seen, here each with the
 * TTL it was seen at, so that a trace whose backward probing meets one can stop and take the path below it from
 * the trace that measured it.
 *
 * <p>Each entry is a {@link PathNode}: one hop as measured, the trace that measured it, and the node of the hop
 * below it, down to the first TTL. A trace's nodes are filed once all its hops below are known (its own or
 * borrowed), so every node's chain is a whole path prefix. Memory follows the interfaces seen (and the
 * unanswered hops on their prefixes), not the number of traces. Not thread-safe.
 */
final class DoubletreeStopSet {
    /**
     * One hop of a path prefix.
     *
     * @param hop        the hop as its trace measured it (its own probes)
     * @param measuredBy the destination of the trace whose probes measured it, as printed
     * @param below      the hop one TTL lower, or null at the first TTL
     */
    record PathNode(Hop hop, String measuredBy, PathNode below) {
    }

    private record Key(IpAddress address, int ttl) {
    }

    private final Map<Key, PathNode> seen = new HashMap<>();

    /** The node where {@code responder} answered at {@code ttl}, or null when this vantage point has not seen it. */
    PathNode find(IpAddress responder, int ttl) {
        return seen.get(new Key(responder, ttl));
    }

    /** Files {@code node} under each responder of its hop at its TTL, unless one was filed there already. */
    void add(PathNode node, Iterable<IpAddress> responders) {
        for (IpAddress r : responders) {
            seen.putIfAbsent(new Key(r, node.hop().ttl()), node);
        }
    }

    /** How many (interface, TTL) pairs the set holds. */
    int size() {
        return seen.size();
    }
}
