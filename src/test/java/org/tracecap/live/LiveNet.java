package org.tracecap.live;

import java.util.ArrayList;
import java.util.List;

import org.tracecap.testnet.Macs;
import org.tracecap.testnet.Namespace;
import org.tracecap.testnet.RouterNet;

/**
 * The topologies of captures/make-captures.sh, built fresh for each live test out of real Linux routers in
 * network namespaces (a router's ICMP rate-limit state lives in its namespace, so nothing carries over
 * between tests). Addresses only from 198.18.0.0/15; the client's only route is 198.18.0.0/15 via r1 and no
 * router has a default route, so nothing can leave the topology.
 *
 * <pre>
 * chain:  client -- r1 -- r2 -- r3 -- r4 -- server
 *   link k (k = 1..5) is 198.18.k.0/24, the client-side end .1, the far end .2: hop k answers from
 *   198.18.k.2, the server is 198.18.5.2 (hop 5). Interfaces are named to-PEER (the client's is to-r1).
 *
 * ecmp:   client -- r1 -- {r2a | r2b} -- r3 -- r4 -- server
 *   198.18.1 client-r1, 198.18.2 r1-r2a, 198.18.12 r1-r2b, 198.18.3 r2a-r3, 198.18.13 r2b-r3, 198.18.4 r3-r4,
 *   198.18.5 r4-server. r1 has two equal-cost next hops towards 198.18.4/24 and 198.18.5/24 and hashes on
 *   L4 ports (fib_multipath_hash_policy=1), so classic UDP probes (one destination port each) take either
 *   branch: hop 2 is 198.18.2.2 (r2a) or 198.18.12.2 (r2b); r3 answers from 198.18.3.2 (its route back).
 * </pre>
 *
 * Every node gets the make-captures.sh settings: IPv6 off (no router solicitations or MLD on the links),
 * rp_filter off (ECMP replies come back another way), and, unless {@code kernelRateLimits}, no ICMP rate
 * limit (icmp_ratelimit=0 and a global budget far above what a test sends), so that hop lists are exact.
 * MACs are fixed: 02:00:c6:12:NET:01 at a link's .1 end, 02:00:c6:12:NET:02 at its .2 end.
 */
final class LiveNet implements AutoCloseable {
    static final String SERVER = "198.18.5.2";
    static final String CLIENT = "198.18.1.1";
    static final String CLIENT_INTERFACE = "to-r1";
    /** The client's MAC and r1's MAC on the client's link. */
    static final String CLIENT_MAC = Macs.of(1, 1);
    static final String GATEWAY_MAC = Macs.of(1, 2);
    static final String R2A = "198.18.2.2";
    static final String R2B = "198.18.12.2";

    private final RouterNet net;

    private LiveNet(RouterNet net) {
        this.net = net;
    }

    /** The address hop {@code k} (1..5) of the chain answers from. */
    static String hop(int k) {
        return "198.18." + k + ".2";
    }

    /** The chain's responders per hop: r1..r4 and the server. */
    static List<String> chainHops() {
        return List.of(hop(1), hop(2), hop(3), hop(4), SERVER);
    }

    /** The chain, with ICMP rate limits off. */
    static LiveNet chain() {
        return chain(false);
    }

    /** The chain; {@code kernelRateLimits} keeps Linux's default ICMP rate limits on every node. */
    static LiveNet chain(boolean kernelRateLimits) {
        return new LiveNet(RouterNet.build(n -> {
            n.addClientRoutersServer(List.of("r1", "r2", "r3", "r4"), kernelRateLimits);
            n.link("client", "r1", 1);
            n.link("r1", "r2", 2);
            n.link("r2", "r3", 3);
            n.link("r3", "r4", 4);
            n.link("r4", "server", 5);
            n.route("client", "198.18.0.0/15", "198.18.1.2");
            n.route("server", "198.18.0.0/15", "198.18.5.1");
            for (int k = 1; k <= 4; k++) {
                for (int j = 1; j <= 5; j++) {
                    if (j < k) {
                        n.route("r" + k, "198.18." + j + ".0/24", "198.18." + k + ".1");
                    } else if (j > k + 1) {
                        n.route("r" + k, "198.18." + j + ".0/24", "198.18." + (k + 1) + ".2");
                    }
                }
            }
        }));
    }

    /** The server of {@link #tun}: hop 3. */
    static final String TUN_SERVER = "198.18.3.2";
    /** The client's TUN device in {@link #tun}, and its address. */
    static final String TUN_CLIENT_INTERFACE = "tun-r1";
    static final String TUN_CLIENT = "198.18.1.1";

    /** The responders per hop of {@link #tun}: r1 (its TUN end), r2, the server. */
    static List<String> tunHops() {
        return List.of("198.18.1.2", "198.18.2.2", TUN_SERVER);
    }

    /**
     * tun: client =TUN= r1 -- r2 -- server. The client's only uplink is a point-to-point TUN link
     * ({@link org.tracecap.testnet.TunLink}: 198.18.1.1 peer 198.18.1.2, raw IP, no MACs, each packet delayed
     * {@code delayMillis} by the forwarder), its only route 198.18.0.0/15 over it; r1 - r2 is 198.18.2.0/24 and
     * r2 - server 198.18.3.0/24 (veths). With {@code clientArphrd}, the client's TUN device has that ARPHRD
     * type (ARPHRD_PPP: libpcap gives it as cooked capture), and the client also has an Ethernet uplink
     * {@code to-r1} to r1 (198.18.4.1/24), without a route.
     */
    static LiveNet tun(int delayMillis, Integer clientArphrd) {
        return new LiveNet(RouterNet.build(n -> {
            n.addClientRoutersServer(List.of("r1", "r2"), false);
            n.tunLink("client", "r1", 1, delayMillis, clientArphrd);
            n.link("r1", "r2", 2);
            n.link("r2", "server", 3);
            if (clientArphrd != null) {
                n.link("client", "r1", 4);
            }
            n.node("client").run("ip", "route", "add", "198.18.0.0/15", "dev", TUN_CLIENT_INTERFACE);
            n.route("r1", "198.18.3.0/24", "198.18.2.2");
            n.route("r2", "198.18.1.0/24", "198.18.2.1");
            n.route("server", "198.18.0.0/15", "198.18.3.1");
        }));
    }

    /** The ECMP diamond (rate limits off); {@code seed} is r1's fib_multipath_hash_seed. */
    static LiveNet ecmp(int seed) {
        return new LiveNet(RouterNet.build(n -> {
            n.addClientRoutersServer(List.of("r1", "r2a", "r2b", "r3", "r4"), false);
            n.link("client", "r1", 1);
            n.link("r1", "r2a", 2);
            n.link("r1", "r2b", 12);
            n.link("r2a", "r3", 3);
            n.link("r2b", "r3", 13);
            n.link("r3", "r4", 4);
            n.link("r4", "server", 5);
            n.route("client", "198.18.0.0/15", "198.18.1.2");
            n.route("server", "198.18.0.0/15", "198.18.5.1");
            Namespace r1 = n.node("r1");
            r1.run("sysctl", "-q", "-w", "net.ipv4.fib_multipath_hash_policy=1");
            // The seed sysctl exists from Linux 6.11; older kernels hash with a boot-time random seed.
            r1.exec(java.time.Duration.ofSeconds(10), "sysctl", "-q", "-w",
                    "net.ipv4.fib_multipath_hash_seed=" + seed);
            for (int net : List.of(4, 5)) {
                r1.run("ip", "route", "add", "198.18." + net + ".0/24", "nexthop", "via", "198.18.2.2", "nexthop",
                        "via", "198.18.12.2");
            }
            n.route("r1", "198.18.3.0/24", "198.18.2.2");
            n.route("r1", "198.18.13.0/24", "198.18.12.2");
            for (int net : List.of(4, 5, 13)) {
                n.route("r2a", "198.18." + net + ".0/24", "198.18.3.2");
            }
            n.route("r2a", "198.18.1.0/24", "198.18.2.1");
            n.route("r2a", "198.18.12.0/24", "198.18.2.1");
            for (int net : List.of(4, 5, 3)) {
                n.route("r2b", "198.18." + net + ".0/24", "198.18.13.2");
            }
            n.route("r2b", "198.18.1.0/24", "198.18.12.1");
            n.route("r2b", "198.18.2.0/24", "198.18.12.1");
            n.route("r3", "198.18.1.0/24", "198.18.3.1");
            n.route("r3", "198.18.2.0/24", "198.18.3.1");
            n.route("r3", "198.18.12.0/24", "198.18.13.1");
            n.route("r3", "198.18.5.0/24", "198.18.4.2");
            n.route("r4", "198.18.0.0/15", "198.18.4.1");
        }));
    }

    /** A node by its role: client, r1.., r2a, r2b, server. */
    Namespace node(String role) {
        return net.node(role);
    }

    Namespace client() {
        return node("client");
    }

    Namespace server() {
        return node("server");
    }

    /** Appends an iptables rule in {@code role}'s namespace: {@code iptables ARGS}. */
    void iptables(String role, String... args) {
        List<String> command = new ArrayList<>(List.of("iptables", "-w"));
        command.addAll(List.of(args));
        node(role).run(command.toArray(new String[0]));
    }

    @Override
    public void close() {
        net.close();
    }
}
