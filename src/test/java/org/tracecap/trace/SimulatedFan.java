package org.tracecap.trace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.tracecap.match.Classified;
import org.tracecap.match.FrameClassifier;
import org.tracecap.match.FrameSink;
import org.tracecap.match.SentProbe;
import org.tracecap.packet.Checksum;
import org.tracecap.packet.IcmpErrorEncoder;
import org.tracecap.packet.IpProtocol;
import org.tracecap.packet.LinkLayer;
import org.tracecap.packet.ProbeEncoder;

/**
 * A fan topology in virtual time behind one {@link PacketPort}, for campaigns: a shared chain of routers, then
 * leaf routers, each holding many destination addresses (its loopbacks: it answers probes to them with Port
 * Unreachable from the address probed). Every node limits its ICMP errors per source as Linux does (a burst of 6,
 * then one per second; one bucket per node, shared by all its addresses) unless built as unlimited. A probe with
 * TTL {@code t} expires at the {@code t}-th router of its destination's path. The port captures what it sends.
 * Counts every reply each node sent and every probe it dropped for its limit.
 */
final class SimulatedFan {
    static final byte[] PROBER_MAC = {0x02, 0, 0, 0, 0, 0x01};
    static final byte[] GATEWAY_MAC = {0x02, 0, 0, 0, 0, (byte) 0xfe};
    private static final long HOP_NANOS = 100_000;

    /** A router: its address, whether it limits, what it answered and what it dropped. */
    static final class Node {
        final int address;
        final boolean limits;
        final boolean silent;
        long tokens = 6_000_000_000L;
        long countedAt = Long.MIN_VALUE;
        /** Whether its bucket refills (false: a router whose ICMP errors to us are all but spent elsewhere). */
        boolean refills = true;
        int answered;
        int limited;

        Node(int address, boolean limits, boolean silent) {
            this.address = address;
            this.limits = limits;
            this.silent = silent;
        }

        boolean allow(long now) {
            if (!limits) {
                return true;
            }
            if (countedAt != Long.MIN_VALUE && refills) {
                tokens = Math.min(6_000_000_000L, tokens + (now - countedAt));
            }
            countedAt = now;
            if (tokens >= 1_000_000_000L) {
                tokens -= 1_000_000_000L;
                return true;
            }
            return false;
        }
    }

    private final ManualClock clock;
    private final FrameClassifier classifier = new FrameClassifier();
    /** Per destination: its path of routers, the last being the leaf that holds it. */
    private final Map<Integer, List<Node>> paths = new HashMap<>();
    private final List<Node> nodes = new ArrayList<>();
    private final PriorityQueue<long[]> due = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
    private final List<byte[]> frames = new ArrayList<>();
    private final Port port = new Port();
    int probes;

    SimulatedFan(ManualClock clock) {
        this.clock = clock;
    }

    Node node(int address, boolean limits) {
        return node(address, limits, false);
    }

    Node node(int address, boolean limits, boolean silent) {
        Node n = new Node(address, limits, silent);
        nodes.add(n);
        return n;
    }

    /** {@code destination} is an address of the last node of {@code path}. */
    void destination(int destination, Node... path) {
        paths.put(destination, List.of(path));
    }

    List<Node> path(org.tracecap.packet.IpAddress destination) {
        return paths.get(destination.ipv4());
    }

    List<Node> path(int destination) {
        return paths.get(destination);
    }

    PacketPort port() {
        return port;
    }

    private void send(byte[] frame, int length) {
        long now = clock.nowNanos();
        byte[] copy = Arrays.copyOf(frame, length);
        deliver(now + 10_000, copy);
        Classified c = classifier.classify(now, LinkLayer.ETHERNET, copy, length, length);
        if (!(c instanceof SentProbe probe) || (probe.protocol() != IpProtocol.UDP
                && probe.protocol() != IpProtocol.ICMP)) {
            return;
        }
        probes++;
        List<Node> path = paths.get(probe.destination().ipv4());
        if (path == null) {
            return;
        }
        int hop = Math.min(probe.ttl(), path.size());
        Node at = path.get(hop - 1);
        boolean atDestination = probe.ttl() >= path.size();
        long arrival = now + hop * HOP_NANOS;
        if (at.silent) {
            return;
        }
        boolean echo = probe.protocol() == IpProtocol.ICMP && atDestination;
        // Linux limits ICMP errors (icmp_ratemask 0x1818), not Echo Replies.
        if (!echo && !at.allow(arrival)) {
            at.limited++;
            return;
        }
        at.answered++;
        int ip = ProbeEncoder.ETHERNET_HEADER;
        byte[] datagram = Arrays.copyOfRange(copy, ip, ip + probe.totalLength());
        datagram[8] = (byte) (probe.ttl() - hop + 1);
        datagram[10] = 0;
        datagram[11] = 0;
        int sum = Checksum.compute(datagram, 0, ProbeEncoder.IPV4_HEADER);
        datagram[10] = (byte) (sum >>> 8);
        datagram[11] = (byte) sum;
        int icmp = ProbeEncoder.IPV4_HEADER;
        IcmpErrorEncoder reply = echo
                ? IcmpErrorEncoder.echoReply(probe.destination(), probe.source(), probe.icmpId(), probe.icmpSequence(),
                        datagram, icmp + 8, datagram.length - icmp - 8)
                : atDestination
                ? IcmpErrorEncoder.destinationUnreachable(probe.destination(), probe.source(), 3, datagram, 0,
                        datagram.length)
                : IcmpErrorEncoder.timeExceeded(at.address, probe.source().ipv4(), datagram, 0, datagram.length);
        reply.ttl(IcmpErrorEncoder.DEFAULT_TTL - (hop - 1)).ethernet(PROBER_MAC, GATEWAY_MAC);
        deliver(now + 2 * hop * HOP_NANOS, reply.toBytes());
    }

    private void deliver(long time, byte[] bytes) {
        frames.add(bytes);
        due.add(new long[] {time, frames.size() - 1});
    }

    private final class Port implements PacketPort {
        private volatile boolean wakeup;

        @Override
        public int linkType() {
            return LinkLayer.ETHERNET;
        }

        @Override
        public synchronized void send(byte[] frame, int length) {
            SimulatedFan.this.send(frame, length);
        }

        @Override
        public synchronized int receive(FrameSink sink, long timeoutNanos) {
            if (wakeup) {
                wakeup = false;
                return 0;
            }
            long deadline = clock.nowNanos() + Math.max(0, timeoutNanos);
            if (!due.isEmpty() && due.peek()[0] <= deadline) {
                clock.advanceTo(due.peek()[0]);
            } else {
                clock.advanceTo(deadline);
            }
            int delivered = 0;
            while (!due.isEmpty() && due.peek()[0] <= clock.nowNanos()) {
                long[] f = due.poll();
                byte[] bytes = frames.set((int) f[1], null);
                sink.frame(f[0], LinkLayer.ETHERNET, bytes, bytes.length, bytes.length);
                delivered++;
            }
            return delivered;
        }

        @Override
        public void wakeup() {
            wakeup = true;
        }

        @Override
        public void close() {
        }
    }
}
