package org.tracecap.multipath;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.tracecap.capture.LivePort;
import org.tracecap.model.Trace;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.Ipv4Address;
import org.tracecap.testnet.Hops;
import org.tracecap.testnet.Macs;
import org.tracecap.testnet.Namespace;
import org.tracecap.testnet.RouterNet;
import org.tracecap.trace.Clock;
import org.tracecap.trace.FlowTracer;
import org.tracecap.trace.LinkFacts;
import org.tracecap.trace.TraceOptions;

/**
 * Topologies of real Linux routers in network namespaces for the multipath tests, built fresh per test and
 * removed by {@link #close()} (also when building fails). Addresses only from 198.18.0.0/15; no node has a
 * route outside it. Every node: IPv6 off, rp_filter off (replies of a diamond come back another way than
 * probes go), and no ICMP rate limit (icmp_ratelimit=0), so that every probe is answered, unless built with
 * {@code kernelRateLimits} (Linux's defaults: a burst of 6 ICMP errors per destination, then one per second).
 * bench/multipath_net.py builds the same topologies for the benchmark.
 *
 * <p>Each topology knows its ground truth, {@link #truth()}: the addresses answering at each TTL and the links
 * a flow (or, for {@link #perPacket}, a packet) can take. A router answers from the address of the interface
 * it routes back to the client through, not the one the probe came in on (Linux picks an ICMP error's source
 * by the route to the client, with icmp_errors_use_inbound_ifaddr=0); r2 and r3 route back through their
 * first branch only, so they answer from that link's address whichever branch the probe took. Checked with
 * tcpdump: r3 of {@link #perPacket} answers a probe that came in on to-b2 from 198.18.21.2, out of to-b1; in
 * {@link #nested}, r2 answers probes from to-a1 and to-a2 from 198.18.21.2 out of to-a1, r3 probes from to-b1
 * and to-b2 from 198.18.41.2 out of to-b1 (and every reply from past r2 comes back through a1).
 *
 * <pre>
 * diamond(w): client -- r1 -- {b1 .. bw} -- r3 -- server
 *   198.18.1.0/24 client(.1)-r1(.2); 198.18.(10+i).0/24 r1(.1)-bi(.2); 198.18.(20+i).0/24 bi(.1)-r3(.2);
 *   198.18.5.0/24 r3(.1)-server(.2). r1 reaches 198.18.5.0/24 over w equal-cost next hops and hashes
 *   L4 ports (fib_multipath_hash_policy=1): hop 1 is 198.18.1.2, hop 2 is bi at 198.18.(10+i).2, hop 3 is
 *   r3 at 198.18.21.2 (its one route back is via b1), hop 4 the server. The hash seed is the kernel's (random).
 *
 * nested(): client -- r1 -- {a1, a2} -- r2 -- {b1, b2} -- r3 -- server, a diamond behind a diamond
 *   198.18.1.0/24 client-r1; 198.18.(10+i).0/24 r1-ai; 198.18.(20+i).0/24 ai-r2; 198.18.(30+j).0/24 r2-bj;
 *   198.18.(40+j).0/24 bj-r3; 198.18.5.0/24 r3-server. r1 and r2 hash L4 ports over two next hops, with
 *   different fixed hash seeds (fib_multipath_hash_seed 1 and 2: the kernel's one default seed would make r2
 *   repeat r1's choice). TTL 1 198.18.1.2; 2 198.18.11.2, 198.18.12.2; 3 r2 at 198.18.21.2 (routes back via
 *   a1); 4 198.18.31.2, 198.18.32.2; 5 r3 at 198.18.41.2 (routes back via b1); 6 the server 198.18.5.2.
 *
 * perPacket(): diamond(2)'s addresses, but r1 picks the branch per packet at random: nftables marks each
 *   packet from the client to 198.18.5.0/24 with 1 or 2 ({@code numgen random mod 2 offset 1}), and
 *   {@code ip rule fwmark k} routes it by table 100+k, whose one route is via bk. One flow takes both branches.
 *
 * natChain: client -- r1 -- r2 -- r3 -- server, link k 198.18.k.0/24 (near end .1, far end .2);
 *   hop k answers from 198.18.k.2, the server is 198.18.4.2. r2 is a stateless source NAT (nftables, no
 *   conntrack): what it forwards from the client to r3 leaves with source 198.18.99.1 (and the UDP checksum
 *   fixed for the new pseudo-header); what comes back to 198.18.99.1 is sent on to the client with only the
 *   outer destination rewritten, so the ICMP quotes of r3 and the server keep 198.18.99.1 and the new checksum.
 * </pre>
 */
final class MultipathNet implements AutoCloseable {
    static final String CLIENT = "198.18.1.1";
    static final String CLIENT_INTERFACE = "to-r1";
    static final String DIAMOND_SERVER = "198.18.5.2";
    static final String NAT_SERVER = "198.18.4.2";
    static final String NAT_ADDRESS = "198.18.99.1";
    static final String NESTED_SERVER = "198.18.5.2";

    private final RouterNet net;
    private final String server;
    private final MultipathGraph truth;

    private MultipathNet(RouterNet net, String server, MultipathGraph truth) {
        this.net = net;
        this.server = server;
        this.truth = truth;
    }

    /** The address branch {@code i} (1-based) of a diamond answers hop 2 from. */
    static String branch(int i) {
        return "198.18." + (10 + i) + ".2";
    }

    /** The ground truth of {@link #diamond}(width) (and of {@link #perPacket} for width 2). */
    static MultipathGraph diamondTruth(int width) {
        List<String> branches = new ArrayList<>();
        for (int i = 1; i <= width; i++) {
            branches.add(branch(i));
        }
        return MultipathGraph.layers(List.of(List.of("198.18.1.2"), branches, List.of("198.18.21.2"),
                List.of(DIAMOND_SERVER)));
    }

    /** The ground truth of {@link #nested}. */
    static MultipathGraph nestedTruth() {
        return MultipathGraph.layers(List.of(List.of("198.18.1.2"), List.of("198.18.11.2", "198.18.12.2"),
                List.of("198.18.21.2"), List.of("198.18.31.2", "198.18.32.2"), List.of("198.18.41.2"),
                List.of(NESTED_SERVER)));
    }

    static MultipathNet diamond(int width) {
        return diamond(width, false);
    }

    /** {@link #diamond(int)}, keeping Linux's ICMP rate limits on every node when {@code kernelRateLimits}. */
    static MultipathNet diamond(int width, boolean kernelRateLimits) {
        return diamond(width, kernelRateLimits, false);
    }

    /** The width-2 diamond whose first router picks a branch per packet at random (class comment). */
    static MultipathNet perPacket() {
        return perPacket(false);
    }

    static MultipathNet perPacket(boolean kernelRateLimits) {
        return diamond(2, kernelRateLimits, true);
    }

    /**
     * r1's per-packet balancer: a random mark 1 or 2 on what comes from the client for the server's network
     * (before routing: the prerouting hook), and the mark picks the routing table.
     */
    static final String PER_PACKET_RULES = """
            table ip tcaplb {
              chain pre {
                type filter hook prerouting priority mangle; policy accept;
                iifname "to-client" ip daddr 198.18.5.0/24 meta mark set numgen random mod 2 offset 1
              }
            }
            """;

    private static MultipathNet diamond(int width, boolean kernelRateLimits, boolean perPacket) {
        return new MultipathNet(RouterNet.build(n -> {
            List<String> routers = new ArrayList<>(List.of("r1"));
            for (int i = 1; i <= width; i++) {
                routers.add("b" + i);
            }
            routers.add("r3");
            n.addClientRoutersServer(routers, kernelRateLimits);
            link(n, "client", "r1", 1);
            for (int i = 1; i <= width; i++) {
                link(n, "r1", "b" + i, 10 + i);
                link(n, "b" + i, "r3", 20 + i);
            }
            link(n, "r3", "server", 5);
            n.route("client", "198.18.0.0/15", "198.18.1.2");
            n.route("server", "198.18.0.0/15", "198.18.5.1");
            Namespace r1 = n.node("r1");
            List<String> multipath = new ArrayList<>(List.of("ip", "route", "add", "198.18.5.0/24"));
            for (int i = 1; i <= width; i++) {
                multipath.addAll(List.of("nexthop", "via", branch(i)));
                n.route("b" + i, "198.18.1.0/24", "198.18." + (10 + i) + ".1");
                n.route("b" + i, "198.18.5.0/24", "198.18." + (20 + i) + ".2");
            }
            if (perPacket) { // width 2: numgen mod 2 in PER_PACKET_RULES
                n.route("r1", "198.18.5.0/24", branch(1));
                for (int i = 1; i <= width; i++) {
                    r1.run("ip", "route", "add", "198.18.5.0/24", "via", branch(i), "table", String.valueOf(100 + i));
                    r1.run("ip", "rule", "add", "fwmark", String.valueOf(i), "table", String.valueOf(100 + i));
                }
                nft(r1, PER_PACKET_RULES);
            } else {
                r1.sysctl("net.ipv4.fib_multipath_hash_policy", "1");
                r1.run(multipath.toArray(new String[0]));
            }
            n.route("r3", "198.18.1.0/24", "198.18.21.1");
        }), DIAMOND_SERVER, diamondTruth(width));
    }

    static MultipathNet nested() {
        return nested(false);
    }

    /** The diamond behind a diamond (class comment); {@code kernelRateLimits} keeps Linux's ICMP rate limits. */
    static MultipathNet nested(boolean kernelRateLimits) {
        return new MultipathNet(RouterNet.build(n -> {
            n.addClientRoutersServer(List.of("r1", "a1", "a2", "r2", "b1", "b2", "r3"), kernelRateLimits);
            link(n, "client", "r1", 1);
            for (int i = 1; i <= 2; i++) {
                link(n, "r1", "a" + i, 10 + i);
                link(n, "a" + i, "r2", 20 + i);
                link(n, "r2", "b" + i, 30 + i);
                link(n, "b" + i, "r3", 40 + i);
            }
            link(n, "r3", "server", 5);
            n.route("client", "198.18.0.0/15", "198.18.1.2");
            n.route("server", "198.18.0.0/15", "198.18.5.1");
            for (int i = 1; i <= 2; i++) {
                n.route("a" + i, "198.18.1.0/24", "198.18." + (10 + i) + ".1");
                n.route("a" + i, "198.18.5.0/24", "198.18." + (20 + i) + ".2");
                n.route("b" + i, "198.18.1.0/24", "198.18." + (30 + i) + ".1");
                n.route("b" + i, "198.18.5.0/24", "198.18." + (40 + i) + ".2");
            }
            n.node("r1").sysctl("net.ipv4.fib_multipath_hash_policy", "1");
            n.node("r1").sysctl("net.ipv4.fib_multipath_hash_seed", "1");
            n.node("r1").run("ip", "route", "add", "198.18.5.0/24", "nexthop", "via", "198.18.11.2", "nexthop",
                    "via", "198.18.12.2");
            n.node("r2").sysctl("net.ipv4.fib_multipath_hash_policy", "1");
            n.node("r2").sysctl("net.ipv4.fib_multipath_hash_seed", "2");
            n.route("r2", "198.18.1.0/24", "198.18.21.1");
            n.node("r2").run("ip", "route", "add", "198.18.5.0/24", "nexthop", "via", "198.18.31.2", "nexthop",
                    "via", "198.18.32.2");
            n.route("r3", "198.18.1.0/24", "198.18.41.1");
        }), NESTED_SERVER, nestedTruth());
    }

    static MultipathNet natChain() {
        return new MultipathNet(RouterNet.build(n -> {
            n.addClientRoutersServer(List.of("r1", "r2", "r3"), false);
            link(n, "client", "r1", 1);
            link(n, "r1", "r2", 2);
            link(n, "r2", "r3", 3);
            link(n, "r3", "server", 4);
            n.route("client", "198.18.0.0/15", "198.18.1.2");
            n.route("r1", "198.18.3.0/24", "198.18.2.2");
            n.route("r1", "198.18.4.0/24", "198.18.2.2");
            n.route("r2", "198.18.1.0/24", "198.18.2.1");
            n.route("r2", "198.18.4.0/24", "198.18.3.2");
            for (String back : List.of("198.18.1.0/24", "198.18.2.0/24", "198.18.99.0/24")) {
                n.route("r3", back, "198.18.3.1");
            }
            n.route("server", "198.18.0.0/15", "198.18.4.1");
            nft(n.node("r2"), NAT_RULES);
        }), NAT_SERVER, MultipathGraph.layers(List.of(List.of("198.18.1.2"), List.of("198.18.2.2"),
                List.of("198.18.3.2"), List.of(NAT_SERVER))));
    }

    /**
     * r2's stateless NAT. notrack keeps conntrack out, so nothing translates the ICMP quotes back; matching
     * the protocol ({@code meta l4proto udp}) makes nft fix the UDP checksum for the new pseudo-header.
     */
    static final String NAT_RULES = """
            table ip tcapnat {
              chain pre {
                type filter hook prerouting priority raw; policy accept;
                notrack
                ip daddr 198.18.99.1 ip daddr set 198.18.1.1
              }
              chain post {
                type filter hook postrouting priority srcnat; policy accept;
                ip saddr 198.18.1.1 meta l4proto udp ip saddr set 198.18.99.1
              }
            }
            """;

    /** Loads an nftables ruleset into {@code ns}. */
    private static void nft(Namespace ns, String rules) {
        try {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("tcap-nft", ".nft");
            try {
                java.nio.file.Files.writeString(file, rules);
                ns.run("nft", "-f", file.toString());
            } finally {
                java.nio.file.Files.deleteIfExists(file);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    Namespace node(String role) {
        return net.node(role);
    }

    String server() {
        return server;
    }

    /** The addresses at each TTL and the links a flow can take from the client to {@link #server()}. */
    MultipathGraph truth() {
        return truth;
    }

    /** The flows' traces from the client to the server, run in process inside the client's namespace. */
    List<Trace> trace(TraceOptions options, long seed) throws Exception {
        Namespace client = node("client");
        LinkFacts link = new LinkFacts(CLIENT_INTERFACE, Macs.bytes(client.mac(CLIENT_INTERFACE)),
                Macs.bytes(node("r1").mac("to-client")), IpAddress.ipv4(Ipv4Address.parse(CLIENT)),
                        IpAddress.ipv4(Ipv4Address.parse(server)));
        return client.call(() -> {
            try (LivePort port = LivePort.open(CLIENT_INTERFACE, IpAddress.parse(CLIENT))) {
                return new FlowTracer(options, link, port, Clock.system(), new SplittableRandom(seed))
                        .run(Hops.SILENT_FLOWS);
            }
        });
    }

    /** Each hop's responders, "*" for an unanswered probe. */
    static List<List<String>> responders(Trace t) {
        return Hops.responders(t);
    }

    @Override
    public void close() {
        net.close();
    }

    /** {@link RouterNet#link}, and rp_filter off on the two new interfaces. */
    private static void link(RouterNet n, String a, String b, int netNumber) {
        n.link(a, b, netNumber);
        // rp_filter is the max of "all" and the interface's: the veths were made after the default was set.
        n.node(a).sysctl("net.ipv4.conf.to-" + b + ".rp_filter", "0");
        n.node(b).sysctl("net.ipv4.conf.to-" + a + ".rp_filter", "0");
    }

    static Duration timeout() {
        return Duration.ofSeconds(30);
    }
}
