package org.tracecap.trace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import org.tracecap.match.Classified;
import org.tracecap.match.FrameClassifier;
import org.tracecap.match.FrameSink;
import org.tracecap.match.SentProbe;
import org.tracecap.packet.Bytes;
import org.tracecap.packet.Checksum;
import org.tracecap.packet.IcmpErrorEncoder;
import org.tracecap.packet.IcmpType;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.IpProtocol;
import org.tracecap.packet.LinkLayer;
import org.tracecap.packet.ProbeEncoder;

/**
 * An in-memory network behind the {@link PacketPort} interface, in virtual time ({@link ManualClock}): a path
 * of routers, each stage one router or several (ECMP, chosen per flow by hashing addresses and ports, like
 * Linux with fib_multipath_hash_policy=1), then the destination. A UDP probe with TTL {@code t} expires at
 * stage {@code t} (Time Exceeded, quoting it with TTL 1) or, past the routers, reaches the destination,
 * which answers Port Unreachable, Destination Unreachable admin-prohibited (code 13), or nothing. Routers may
 * be silent. Probes and replies are lost with a seeded probability. Every node rate-limits its ICMP errors
 * per source as Linux does (inet_peer_xrlim_allow: a burst of 6, then one per second). Replies are built
 * with {@link IcmpErrorEncoder}. A router may be a stateless source NAT ({@link Builder#natRouter}): probes
 * it forwards leave it with another source address and a UDP checksum updated to match (as nftables'
 * {@code ip saddr set} does), replies to that address come back to the prober, but nobody translates the
 * quotes back, so nodes past it quote the rewritten source and checksum. (The ECMP choice past it still
 * hashes the original source.)
 *
 * <p>Any number of {@link #port() ports} share the network like captures on one link: each sees every frame
 * sent by any port (at its send time plus a capture delay, as pcap sees outgoing frames) and every reply.
 * Virtual time moves only when every open port waits in {@code receive} with nothing due: then the clock
 * jumps to the earliest next frame or receive timeout. Tracers on different threads thus run as if at once.
 * What happened to each probe is logged as an {@link Outcome}, for tests to compare with a trace.
 */
final class SimulatedNetwork {
    static final byte[] PROBER_MAC = {0x02, 0, 0, 0, 0, 0x01};
    static final byte[] GATEWAY_MAC = {0x02, 0, 0, 0, 0, (byte) 0xfe};
    static final int ICMP_BURST = 6;
    static final long ICMP_TOKEN_NANOS = 1_000_000_000L;

    /**
     * How the destination answers: PORT_UNREACHABLE answers UDP so, an Echo Request with an Echo Reply and a
     * SYN with a RST (a closed port); TCP_OPEN answers a SYN with a SYN-ACK (and the rest as PORT_UNREACHABLE).
     */
    enum DestinationMode { PORT_UNREACHABLE, ADMIN_PROHIBITED, SILENT, TCP_OPEN }

    /** What became of one probe. {@code responder} is the node whose reply was delivered, else null. */
    record Outcome(long sendNanos, int ttl, int sourcePort, int destinationPort, int ipId, int node,
                   Integer responder, String fate) {
        static final String ANSWERED = "answered";
        static final String LOST_PROBE = "probe lost";
        static final String LOST_REPLY = "reply lost";
        static final String SILENT = "silent";
        static final String RATE_LIMITED = "rate limited";
    }

    /** A router or the destination, with its one-way delay from the previous stage. */
    static final class Node {
        final int address;
        final long delayNanos;
        final boolean silent;
        /** A Destination Unreachable code this router answers every probe it cannot forward with, or -1. */
        int unreachableCode = -1;
        /** The source address this router writes into the probes it forwards (a stateless NAT), or 0. */
        int natSource;
        private final Map<Integer, long[]> buckets = new HashMap<>();

        Node(int address, long delayNanos, boolean silent) {
            this.address = address;
            this.delayNanos = delayNanos;
            this.silent = silent;
        }

        /** Linux's inet_peer_xrlim_allow with icmp_ratelimit 1 s: tokens in ns, capped at 6 s. */
        boolean allowIcmp(int peer, long now) {
            long[] b = buckets.computeIfAbsent(peer, k -> new long[] {ICMP_BURST * ICMP_TOKEN_NANOS, now});
            long tokens = Math.min(ICMP_BURST * ICMP_TOKEN_NANOS, b[0] + Math.max(0, now - b[1]));
            b[1] = now;
            if (tokens >= ICMP_TOKEN_NANOS) {
                b[0] = tokens - ICMP_TOKEN_NANOS;
                return true;
            }
            b[0] = tokens;
            return false;
        }

        /** Leaves {@code tokens} answers in this node's bucket for {@code peer} at {@code now} (other traffic). */
        void drain(int peer, int tokens, long now) {
            buckets.put(peer, new long[] {tokens * ICMP_TOKEN_NANOS, now});
        }
    }

    private final ManualClock clock;
    private final List<Node[]> stages;
    /** Stages (0-based) that choose a router per packet, at random. */
    private final java.util.Set<Integer> perPacketStages;
    private final Node destination;
    private final DestinationMode mode;
    private final double loss;
    private final Random random;
    private final long captureDelayNanos;
    private final boolean echoOutgoing;
    private final boolean rateLimit;
    private final FrameClassifier classifier = new FrameClassifier();
    private final List<Port> ports = new ArrayList<>();
    private final List<Outcome> outcomes = new ArrayList<>();
    private long frameSequence;

    private SimulatedNetwork(Builder b) {
        this.clock = b.clock;
        this.stages = List.copyOf(b.stages);
        this.perPacketStages = java.util.Set.copyOf(b.perPacketStages);
        this.destination = new Node(b.destinationAddress, b.destinationDelayNanos, b.mode == DestinationMode.SILENT);
        this.mode = b.mode;
        this.loss = b.loss;
        this.random = new Random(b.seed);
        this.captureDelayNanos = b.captureDelayNanos;
        this.echoOutgoing = b.echoOutgoing;
        this.rateLimit = b.rateLimit;
    }

    static Builder builder(ManualClock clock) {
        return new Builder(clock);
    }

    ManualClock clock() {
        return clock;
    }

    /** A new capture-and-send handle on the link. */
    synchronized Port port() {
        Port p = new Port();
        ports.add(p);
        return p;
    }

    synchronized List<Outcome> outcomes() {
        return List.copyOf(outcomes);
    }

    /** The router (or the destination) with this address. */
    Node node(int address) {
        if (destination.address == address) {
            return destination;
        }
        for (Node[] stage : stages) {
            for (Node n : stage) {
                if (n.address == address) {
                    return n;
                }
            }
        }
        throw new IllegalArgumentException("no node " + address);
    }

    // ---- the wire ----------------------------------------------------------------------------------------

    private synchronized void send(byte[] frame, int length) {
        long now = clock.nowNanos();
        byte[] copy = Arrays.copyOf(frame, length);
        if (echoOutgoing) {
            deliver(now + captureDelayNanos, copy);
        }
        Classified c = classifier.classify(now, LinkLayer.ETHERNET, copy, length, length);
        if (!(c instanceof SentProbe probe) || !Arrays.equals(copy, 0, 6, GATEWAY_MAC, 0, 6) || probe.destination().ipv4() != destination.address) {
            return; // not for this network's gateway and destination: goes nowhere
        }
        int flowHash = mix(probe.source().ipv4() * 31 + probe.destination().ipv4() * 17 + probe.sourcePort() * 65537
                + probe.destinationPort());
        long oneWay = 0;
        Node at = null;
        int arrivalTtl = probe.ttl();
        int hop = 0;
        for (Node[] stage : stages) {
            hop++;
            Node n = perPacketStages.contains(hop - 1) ? stage[random.nextInt(stage.length)]
                    : stage[Math.floorMod(mix(flowHash + hop * 0x9e3779b9), stage.length)];
            oneWay += n.delayNanos;
            if (arrivalTtl <= 1 || n.unreachableCode >= 0) {
                at = n;
                break;
            }
            arrivalTtl--;
        }
        boolean atDestination = at == null;
        if (atDestination) {
            at = destination;
            oneWay += destination.delayNanos;
            hop = stages.size() + 1;
        }
        String fate;
        if (random.nextDouble() < loss) {
            fate = Outcome.LOST_PROBE;
        } else if (at.silent) {
            fate = Outcome.SILENT;
        } else if (rateLimit && !(atDestination && probe.protocol() != IpProtocol.UDP)
                && !at.allowIcmp(probe.source().ipv4(), now + oneWay)) {
            // Linux limits ICMP errors (icmp_ratemask), not Echo Replies or TCP resets.
            fate = Outcome.RATE_LIMITED;
        } else if (random.nextDouble() < loss) {
            fate = Outcome.LOST_REPLY;
        } else {
            fate = Outcome.ANSWERED;
        }
        outcomes.add(new Outcome(now, probe.ttl(), probe.sourcePort(), probe.destinationPort(), probe.ipId(),
                at.address, fate.equals(Outcome.ANSWERED) ? at.address : null, fate));
        if (!fate.equals(Outcome.ANSWERED)) {
            return;
        }
        // The datagram as it arrived at the node: TTL decremented on the way, header checksum updated.
        int ip = ProbeEncoder.ETHERNET_HEADER;
        byte[] datagram = Arrays.copyOfRange(copy, ip, ip + probe.totalLength());
        for (int i = 0; i < hop - 1; i++) {
            for (Node passed : stages.get(i)) {
                if (passed.natSource != 0 && passed == stageNode(flowHash, i)) {
                    rewriteSource(datagram, passed.natSource);
                }
            }
        }
        datagram[8] = (byte) arrivalTtl;
        datagram[10] = 0;
        datagram[11] = 0;
        int sum = Checksum.compute(datagram, 0, ProbeEncoder.IPV4_HEADER);
        datagram[10] = (byte) (sum >>> 8);
        datagram[11] = (byte) sum;
        IcmpErrorEncoder reply;
        if (!atDestination && arrivalTtl > 1) {
            // No route onwards (RFC 1812 5.2.7.1): the router quotes the datagram as it arrived.
            reply = IcmpErrorEncoder.destinationUnreachable(at.address, probe.source().ipv4(), at.unreachableCode,
                    datagram, 0, datagram.length);
        } else if (!atDestination) {
            reply = IcmpErrorEncoder.timeExceeded(at.address, probe.source().ipv4(), datagram, 0, datagram.length);
        } else if (probe.protocol() == IpProtocol.ICMP && mode != DestinationMode.ADMIN_PROHIBITED) {
            // RFC 792: the Echo Reply returns the identifier, sequence and data of the request.
            int icmp = ProbeEncoder.IPV4_HEADER;
            reply = IcmpErrorEncoder.echoReply(at.address, probe.source().ipv4(), probe.icmpId(), probe.icmpSequence(),
                    datagram, icmp + 8, datagram.length - icmp - 8);
        } else if (probe.protocol() == IpProtocol.TCP && mode != DestinationMode.ADMIN_PROHIBITED) {
            byte[] proberMac = Arrays.copyOfRange(copy, 6, 12);
            deliver(now + 2 * oneWay, tcpAnswer(probe, at.address, proberMac, mode == DestinationMode.TCP_OPEN,
                    IcmpErrorEncoder.DEFAULT_TTL - (hop - 1)));
            return;
        } else {
            int code = mode == DestinationMode.ADMIN_PROHIBITED ? IcmpType.CODE_ADMIN_PROHIBITED
                    : IcmpType.CODE_PORT_UNREACHABLE;
            reply = IcmpErrorEncoder.destinationUnreachable(at.address, probe.source().ipv4(), code, datagram, 0,
                    datagram.length);
        }
        byte[] proberMac = Arrays.copyOfRange(copy, 6, 12);
        // The reply crosses hop - 1 routers back, each taking one from its TTL of 64.
        reply.ttl(IcmpErrorEncoder.DEFAULT_TTL - (hop - 1)).ethernet(proberMac, GATEWAY_MAC);
        deliver(now + 2 * oneWay, reply.toBytes());
    }

    /**
     * The destination's answer to a SYN (synthetic, as Linux answers): SYN-ACK from a listening port, else
     * RST-ACK with sequence 0; both acknowledge the SYN's sequence + 1 (RFC 9293 3.10.7.2).
     */
    private static byte[] tcpAnswer(SentProbe syn, int from, byte[] proberMac, boolean open, int ttl) {
        byte[] f = new byte[ProbeEncoder.ETHERNET_HEADER + 40];
        System.arraycopy(proberMac, 0, f, 0, 6);
        System.arraycopy(GATEWAY_MAC, 0, f, 6, 6);
        Bytes.put16(f, 12, 0x0800);
        int ip = ProbeEncoder.ETHERNET_HEADER;
        Bytes.put8(f, ip, 0x45);
        Bytes.put16(f, ip + 2, 40);
        Bytes.put8(f, ip + 8, ttl);
        Bytes.put8(f, ip + 9, IpProtocol.TCP);
        Bytes.put32(f, ip + 12, from & 0xffffffffL);
        Bytes.put32(f, ip + 16, syn.source().ipv4() & 0xffffffffL);
        Bytes.put16(f, ip + 10, Checksum.compute(f, ip, 20));
        int tcp = ip + 20;
        Bytes.put16(f, tcp, syn.destinationPort());
        Bytes.put16(f, tcp + 2, syn.sourcePort());
        Bytes.put32(f, tcp + 4, open ? 0x10203040L : 0);
        Bytes.put32(f, tcp + 8, (syn.tcpSequence() + 1) & 0xffffffffL);
        Bytes.put8(f, tcp + 12, 0x50);
        Bytes.put8(f, tcp + 13, open ? 0x12 : 0x14);
        Bytes.put16(f, tcp + 14, open ? 64240 : 0);
        int pseudo = Checksum.pseudoHeaderSum(from, syn.source().ipv4(), IpProtocol.TCP, 20);
        Bytes.put16(f, tcp + 16, ~Checksum.sum(f, tcp, 20, pseudo) & 0xffff);
        return f;
    }

    /** The router of stage {@code i} (0-based) that a flow goes through. */
    private Node stageNode(int flowHash, int i) {
        Node[] stage = stages.get(i);
        return stage[Math.floorMod(mix(flowHash + (i + 1) * 0x9e3779b9), stage.length)];
    }

    /** A stateless NAT's rewrite: new source address, UDP checksum recomputed over the new pseudo-header. */
    private static void rewriteSource(byte[] datagram, int source) {
        datagram[12] = (byte) (source >>> 24);
        datagram[13] = (byte) (source >>> 16);
        datagram[14] = (byte) (source >>> 8);
        datagram[15] = (byte) source;
        int udp = ProbeEncoder.IPV4_HEADER;
        int udpLength = datagram.length - udp;
        int destination = ((datagram[16] & 0xff) << 24) | ((datagram[17] & 0xff) << 16) | ((datagram[18] & 0xff) << 8)
                | (datagram[19] & 0xff);
        datagram[udp + 6] = 0;
        datagram[udp + 7] = 0;
        int pseudo = Checksum.pseudoHeaderSum(source, destination, IpProtocol.UDP, udpLength);
        int sum = ~Checksum.sum(datagram, udp, udpLength, pseudo) & 0xffff;
        sum = sum == 0 ? 0xffff : sum;
        datagram[udp + 6] = (byte) (sum >>> 8);
        datagram[udp + 7] = (byte) sum;
    }

    private void deliver(long time, byte[] frame) {
        long seq = frameSequence++;
        for (Port p : ports) {
            if (!p.closed) {
                p.inbox.add(new Frame(time, seq, frame));
            }
        }
        notifyAll();
    }

    private synchronized int receive(Port p, FrameSink sink, long timeoutNanos) {
        long deadline = saturatedAdd(clock.nowNanos(), Math.max(0, timeoutNanos));
        p.waiting = true;
        try {
            while (true) {
                if (p.wakeup || p.closed) {
                    p.wakeup = false;
                    return 0;
                }
                long now = clock.nowNanos();
                int delivered = 0;
                while (!p.inbox.isEmpty() && p.inbox.peek().time <= now) {
                    Frame f = p.inbox.poll();
                    sink.frame(f.time, LinkLayer.ETHERNET, f.bytes, f.bytes.length, f.bytes.length);
                    delivered++;
                }
                if (delivered > 0 || now >= deadline) {
                    return delivered;
                }
                p.deadline = deadline;
                if (allIdle()) {
                    advance();
                } else {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return 0;
                    }
                }
            }
        } finally {
            p.waiting = false;
        }
    }

    /** Every open port waits in receive with nothing due now: time may move. */
    private boolean allIdle() {
        long now = clock.nowNanos();
        for (Port p : ports) {
            if (p.closed) {
                continue;
            }
            if (!p.waiting || p.wakeup || p.deadline <= now || (!p.inbox.isEmpty() && p.inbox.peek().time <= now)) {
                return false;
            }
        }
        return true;
    }

    private void advance() {
        long next = Long.MAX_VALUE;
        for (Port p : ports) {
            if (!p.closed) {
                next = Math.min(next, p.deadline);
                if (!p.inbox.isEmpty()) {
                    next = Math.min(next, p.inbox.peek().time);
                }
            }
        }
        if (next == Long.MAX_VALUE) {
            throw new IllegalStateException("simulated network: every port waits forever");
        }
        clock.advanceTo(next);
        notifyAll();
    }

    private synchronized void detach(Port p) {
        p.closed = true;
        p.inbox.clear();
        notifyAll();
    }

    private synchronized void wake(Port p) {
        p.wakeup = true;
        notifyAll();
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    /** MurmurHash3's finaliser: spreads a flow's fields over the ECMP choices. */
    private static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    private record Frame(long time, long seq, byte[] bytes) implements Comparable<Frame> {
        @Override
        public int compareTo(Frame o) {
            int c = Long.compare(time, o.time);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    /** One handle on the simulated link. */
    final class Port implements PacketPort {
        private final PriorityQueue<Frame> inbox = new PriorityQueue<>();
        private boolean waiting;
        private boolean wakeup;
        private boolean closed;
        private long deadline = Long.MAX_VALUE;
        private int sent;

        @Override
        public int linkType() {
            return LinkLayer.ETHERNET;
        }

        @Override
        public void send(byte[] frame, int length) throws java.io.IOException {
            synchronized (SimulatedNetwork.this) {
                if (closed) {
                    throw new java.io.IOException("port closed");
                }
                sent++;
                SimulatedNetwork.this.send(frame, length);
            }
        }

        @Override
        public int receive(FrameSink sink, long timeoutNanos) {
            return SimulatedNetwork.this.receive(this, sink, timeoutNanos);
        }

        @Override
        public void wakeup() {
            wake(this);
        }

        @Override
        public void close() {
            detach(this);
        }

        int framesSent() {
            synchronized (SimulatedNetwork.this) {
                return sent;
            }
        }
    }

    static final class Builder {
        private final ManualClock clock;
        private final List<Node[]> stages = new ArrayList<>();
        private final java.util.Set<Integer> perPacketStages = new java.util.HashSet<>();
        private int destinationAddress;
        private long destinationDelayNanos;
        private DestinationMode mode = DestinationMode.PORT_UNREACHABLE;
        private double loss;
        private long seed = 1;
        private long captureDelayNanos = 20_000;
        private boolean echoOutgoing = true;
        private boolean rateLimit = true;

        private Builder(ManualClock clock) {
            this.clock = clock;
        }

        /** A router answering Time Exceeded, {@code delayMicros} one way from the previous stage. */
        Builder router(int address, long delayMicros) {
            stages.add(new Node[] {new Node(address, delayMicros * 1000, false)});
            return this;
        }

        /** A router that forwards but never answers (drops its Time Exceeded). */
        Builder silentRouter(int address, long delayMicros) {
            stages.add(new Node[] {new Node(address, delayMicros * 1000, true)});
            return this;
        }

        /** A router with no route to the destination: it answers probes it would forward with {@code code}. */
        Builder unreachableRouter(int address, int code, long delayMicros) {
            Node n = new Node(address, delayMicros * 1000, false);
            n.unreachableCode = code;
            stages.add(new Node[] {n});
            return this;
        }

        /** A router that rewrites the source of the probes it forwards to {@code natSource} (stateless NAT). */
        Builder natRouter(int address, int natSource, long delayMicros) {
            Node n = new Node(address, delayMicros * 1000, false);
            n.natSource = natSource;
            stages.add(new Node[] {n});
            return this;
        }

        /** Equal-cost routers at one stage; each flow goes through one of them. */
        Builder ecmp(long delayMicros, int... addresses) {
            Node[] stage = new Node[addresses.length];
            for (int i = 0; i < addresses.length; i++) {
                stage[i] = new Node(addresses[i], delayMicros * 1000, false);
            }
            stages.add(stage);
            return this;
        }

        Builder destination(int address, DestinationMode m, long delayMicros) {
            destinationAddress = address;
            mode = m;
            destinationDelayNanos = delayMicros * 1000;
            return this;
        }

        /** Equal-cost routers at one stage chosen per packet, at random: a per-packet load balancer. */
        Builder perPacket(long delayMicros, int... addresses) {
            ecmp(delayMicros, addresses);
            perPacketStages.add(stages.size() - 1);
            return this;
        }

        /** Probability that a probe, and separately its reply, is lost. */
        Builder loss(double p, long randomSeed) {
            loss = p;
            seed = randomSeed;
            return this;
        }

        /** Delay between a send and the capture of the outgoing frame (default 20 µs). */
        Builder captureDelayNanos(long nanos) {
            captureDelayNanos = nanos;
            return this;
        }

        /** Whether ports capture frames sent (default yes, as pcap does). */
        Builder echoOutgoing(boolean on) {
            echoOutgoing = on;
            return this;
        }

        /** Whether nodes limit their ICMP errors as Linux does (default yes). */
        Builder icmpRateLimit(boolean on) {
            rateLimit = on;
            return this;
        }

        SimulatedNetwork build() {
            return new SimulatedNetwork(this);
        }
    }
}
