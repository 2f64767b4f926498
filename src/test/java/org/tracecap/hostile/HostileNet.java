package org.tracecap.hostile;

import java.util.List;
import java.util.SplittableRandom;

import org.tracecap.capture.LivePort;
import org.tracecap.model.Trace;
import org.tracecap.packet.IcmpErrorEncoder;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.Ipv4Address;
import org.tracecap.packet.ProbeEncoder;
import org.tracecap.testnet.Hops;
import org.tracecap.testnet.Macs;
import org.tracecap.testnet.Namespace;
import org.tracecap.testnet.NetnsTopology;
import org.tracecap.trace.LinkFacts;
import org.tracecap.trace.Clock;
import org.tracecap.trace.TraceOptions;
import org.tracecap.trace.Tracer;

/**
 * The hostile live topology: real Linux routers in namespaces, and an attacker on a third link of r1 that
 * sends forged ICMP to the client with spoofed sources from 198.18.7.0/24 (an address no real node has, so
 * any attributed forgery shows in the hops).
 * <pre>
 *  client 198.18.0.2 -- .0.1 r1 .1.1 -- .1.2 r2 .2.1 -- .2.2 server
 *                             r1 .9.1 -- .9.2 attacker
 * </pre>
 * rp_filter is off on r1 (spoofed sources are forwarded) and no node rate-limits ICMP.
 *
 * <p>{@link #switched()} builds the same chain with the attacker on the client's own link instead: client,
 * r1 and attacker each joined by a veth to a Linux bridge in a fourth namespace ("sw"), so forged frames reach
 * the traced interface without a router forwarding them (a flood then loads the bridge, not r1's IP stack).
 * <pre>
 *  client 198.18.0.2 --+
 *                      sw (bridge br0) -- .0.1 r1 .1.1 -- .1.2 r2 .2.1 -- .2.2 server
 *  attacker 198.18.0.3 +
 * </pre>
 */
final class HostileNet implements AutoCloseable {
    static final int CLIENT = Ipv4Address.parse("198.18.0.2");
    static final int R1 = Ipv4Address.parse("198.18.0.1");
    static final int R2 = Ipv4Address.parse("198.18.1.2");
    static final int SERVER = Ipv4Address.parse("198.18.2.2");
    /** Forged replies come from 198.18.7.{category}. */
    static final String FORGED_NET = "198.18.7.";

    /** Epoch nanoseconds from the system clock (the tracer's deadlines only need it monotonic enough). */
    static final Clock EPOCH_CLOCK = () -> {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    };

    final NetnsTopology net;
    final Namespace client;
    final Namespace r1;
    final Namespace r2;
    final Namespace server;
    final Namespace attacker;
    /** The bridge namespace of {@link #switched()}; null when the attacker sits behind r1. */
    final Namespace sw;

    /** The attacker on a third link of r1. */
    HostileNet() {
        this(false);
    }

    /** The attacker on the client's link, through a bridge (see the class comment). */
    static HostileNet switched() {
        return new HostileNet(true);
    }

    private HostileNet(boolean switched) {
        net = NetnsTopology.create();
        try {
            client = net.host("client");
            r1 = net.router("r1");
            r2 = net.router("r2");
            server = net.host("server");
            attacker = net.host("attacker");
            for (Namespace ns : List.of(client, r1, r2, server, attacker)) {
                ns.sysctl("net.ipv4.conf.all.rp_filter", "0");
                ns.sysctl("net.ipv4.conf.default.rp_filter", "0");
                ns.sysctl("net.ipv4.icmp_ratelimit", "0");
                ns.sysctl("net.ipv4.icmp_msgs_per_sec", "100000000");
                ns.sysctl("net.ipv6.conf.all.disable_ipv6", "1");
                ns.sysctl("net.ipv6.conf.default.disable_ipv6", "1");
            }
            if (switched) {
                sw = net.host("sw");
                sw.run("ip", "link", "add", "br0", "type", "bridge", "stp_state", "0");
                net.link(client, "eth0", "198.18.0.2/24", sw, "p-client", null);
                net.link(r1, "eth0", "198.18.0.1/24", sw, "p-r1", null);
                net.link(attacker, "eth0", "198.18.0.3/24", sw, "p-attacker", null);
                for (String port : List.of("p-client", "p-r1", "p-attacker")) {
                    sw.run("ip", "link", "set", port, "master", "br0");
                }
                sw.run("ip", "link", "set", "br0", "up");
            } else {
                sw = null;
                net.link(client, "eth0", "198.18.0.2/24", r1, "eth0", "198.18.0.1/24");
                net.link(r1, "eth2", "198.18.9.1/24", attacker, "eth0", "198.18.9.2/24");
            }
            net.link(r1, "eth1", "198.18.1.1/24", r2, "eth0", "198.18.1.2/24");
            net.link(r2, "eth1", "198.18.2.1/24", server, "eth0", "198.18.2.2/24");
            client.run("ip", "route", "add", "198.18.0.0/15", "via", "198.18.0.1");
            r1.run("ip", "route", "add", "198.18.2.0/24", "via", "198.18.1.2");
            r2.run("ip", "route", "add", "198.18.0.0/15", "via", "198.18.1.1");
            server.run("ip", "route", "add", "198.18.0.0/15", "via", "198.18.2.1");
            if (switched) {
                attacker.run("ip", "route", "add", "198.18.0.0/15", "via", "198.18.0.1");
            } else {
                r1.run("ip", "route", "add", "198.18.7.0/24", "via", "198.18.9.2");
                attacker.run("ip", "route", "add", "198.18.0.0/15", "via", "198.18.9.1");
            }
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
    }

    @Override
    public void close() {
        net.close();
    }

    LinkFacts clientLink() {
        return new LinkFacts("eth0", mac(client.mac("eth0")), mac(r1.mac("eth0")), IpAddress.ipv4(CLIENT),
                IpAddress.ipv4(SERVER));
    }

    static byte[] mac(String text) {
        return Macs.bytes(text);
    }

    /** Options of the hostile traces: max TTL 5, 3 probes per hop, MAX wait {@code waitSeconds}, no HERE/NEAR. */
    static TraceOptions options(int sourcePort, double waitSeconds) {
        return TraceOptions.builder().maxTtl(5).sourcePort(sourcePort)
                .waiting(new TraceOptions.Wait(waitSeconds, 0, 0)).build();
    }

    /** A finished trace and how many captured frames its port dropped (queue full or kernel). */
    record Run(Trace trace, long droppedFrames) {
    }

    /** Runs one trace from the client (inside its namespace) with a seeded IP ID base. */
    Run trace(TraceOptions options, long seed) throws Exception {
        LinkFacts link = clientLink();
        return client.call(() -> {
            try (LivePort port = LivePort.open("eth0", IpAddress.ipv4(CLIENT))) {
                Trace t = new Tracer(options, link, port, EPOCH_CLOCK, new SplittableRandom(seed))
                        .run(hop -> { });
                return new Run(t, port.droppedFrames());
            }
        });
    }

    /** The IP ID base a {@link Tracer} given a fixed source port and {@code new SplittableRandom(seed)} uses. */
    static int ipIdBase(long seed) {
        return new SplittableRandom(seed).nextInt(0x10000);
    }

    /** Each hop's responders, "*" for an unanswered probe. */
    static List<List<String>> responders(Trace t) {
        return Hops.responders(t);
    }

    /**
     * The IPv4 + UDP bytes of a client probe as a router would quote them (TTL {@code quotedTtl}), with a
     * chosen UDP checksum (-1: the natural one).
     */
    static byte[] quote(int destination, int quotedTtl, int ipId, int sourcePort, int destinationPort,
            int checksumDelta) {
        ProbeEncoder.UdpProbe p = new ProbeEncoder.UdpProbe(new byte[6], new byte[6], CLIENT, destination, quotedTtl,
                ipId, 0, false, TraceOptions.DEFAULT_PACKET_LENGTH, sourcePort, destinationPort,
                ProbeEncoder.NATURAL_CHECKSUM, null);
        byte[] frame = new byte[ProbeEncoder.frameLength(p)];
        ProbeEncoder.encode(p, frame, 0);
        byte[] ip = java.util.Arrays.copyOfRange(frame, ProbeEncoder.ETHERNET_HEADER, frame.length);
        if (checksumDelta != 0) {
            int at = ProbeEncoder.IPV4_HEADER + 6;
            int c = (((ip[at] & 0xff) << 8) | (ip[at + 1] & 0xff)) + checksumDelta;
            ip[at] = (byte) (c >>> 8);
            ip[at + 1] = (byte) c;
        }
        return ip;
    }

    /**
     * A Time Exceeded frame from {@code source} to the client, as the attacker puts it on its link;
     * {@code nextMac} is r1's MAC on the attacker's link, or the client's own on a {@link #switched()} net.
     */
    static byte[] timeExceeded(int source, byte[] quote, byte[] attackerMac, byte[] nextMac) {
        IcmpErrorEncoder e = IcmpErrorEncoder.timeExceeded(source, CLIENT, quote, 0, quote.length)
                .ethernet(nextMac, attackerMac).ipId(source & 0xffff);
        byte[] out = new byte[e.length()];
        e.encode(out, 0);
        return out;
    }
}
