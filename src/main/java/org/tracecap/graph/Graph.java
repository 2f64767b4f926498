package org.tracecap.graph;

import java.util.List;
import org.tracecap.model.Method;
import org.tracecap.model.StopReason;
import org.tracecap.packet.IpAddress;

/**
 * The paths from {@code source} to {@code destination} that the probes of many flows revealed.
 *
 * @param source         the probes' source address
 * @param destination    the probes' destination address
 * @param method         how the probes were sent and told apart
 * @param confidence     the MDA confidence the live run aimed at (95 or 99), null for a replay
 * @param startTimeNanos capture time of the first probe
 * @param endTimeNanos   capture time of the last probe or reply
 * @param stop           why the probing ended
 * @param probes         how many probes the graph was built from
 * @param flows          every flow, by id
 * @param nodes          every node, by id: in TTL order, then by address, silent nodes last at their TTL
 * @param links          every link, by its ends' ids
 * @param perPacketTtls  the TTLs where one flow was answered by two or more routers (per-packet load
 *                       balancing, or a route that changed)
 */
public record Graph(IpAddress source, IpAddress destination, Method method, Integer confidence, long startTimeNanos,
                   long endTimeNanos, StopReason stop, int probes, List<Flow> flows, List<Node> nodes,
                   List<Link> links, List<Integer> perPacketTtls) {

    public Graph {
        flows = List.copyOf(flows);
        nodes = List.copyOf(nodes);
        links = List.copyOf(links);
        perPacketTtls = List.copyOf(perPacketTtls);
    }

    /**
     * One flow: what a per-flow load balancer hashes. UDP and TCP flows are their ports; an ICMP flow is its
     * Echo identifier.
     *
     * @param id              the flow's number in this graph, 0 up
     * @param protocol        "udp", "tcp" or "icmp"
     * @param sourcePort      null for ICMP
     * @param destinationPort null for ICMP
     * @param icmpId          null for UDP and TCP
     */
    public record Flow(int id, String protocol, Integer sourcePort, Integer destinationPort, Integer icmpId) {
    }

    /**
     * A router (or the destination) seen at one TTL, or the silence of the flows no router answered there.
     *
     * @param id          its index in {@link Graph#nodes()}
     * @param ttl         the TTL
     * @param address     the responder, null for a silent node ({@code *})
     * @param flows       the flows that reached it at this TTL, ascending
     * @param probes      probes it answered (silent node: probes that went unanswered)
     * @param rttMinNanos smallest RTT of its answers, null for a silent node
     * @param rttAvgNanos mean RTT, null for a silent node
     * @param rttMaxNanos largest RTT, null for a silent node
     * @param annotation  traceroute's annotation of its answers ({@code !H}, {@code !X}...), "" when none
     */
    public record Node(int id, int ttl, IpAddress address, List<Integer> flows, int probes, Long rttMinNanos,
                       Long rttAvgNanos, Long rttMaxNanos, String annotation) {
        public Node {
            flows = List.copyOf(flows);
        }

        public boolean silent() {
            return address == null;
        }
    }

    /**
     * A link from a node at one TTL to a node at the next.
     *
     * @param from  the node at TTL t
     * @param to    the node at TTL t + 1
     * @param flows the flows that crossed it, ascending
     */
    public record Link(int from, int to, List<Integer> flows) {
        public Link {
            flows = List.copyOf(flows);
        }
    }
}
