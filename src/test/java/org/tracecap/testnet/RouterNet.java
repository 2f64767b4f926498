package org.tracecap.testnet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A {@link NetnsTopology} whose namespaces are named by role (client, r1, server...) and joined by numbered
 * links, the way captures/make-captures.sh builds its topologies. {@code link(A, B, NET)} is a veth from
 * A's {@code to-B} (198.18.NET.1/24, MAC 02:00:c6:12:NET:01) to B's {@code to-A} (198.18.NET.2/24, MAC
 * 02:00:c6:12:NET:02).
 *
 * <p>Every node gets the make-captures.sh settings: IPv6 off (no router solicitations or MLD on the links),
 * rp_filter off (replies of an ECMP topology come back another way than probes go), and, unless asked to
 * keep the kernel's, no ICMP rate limit (icmp_ratelimit=0 and a global budget far above what a test sends),
 * so that hop lists are exact.
 */
public final class RouterNet implements AutoCloseable {
    private final NetnsTopology net = NetnsTopology.create();
    private final Map<String, Namespace> nodes = new LinkedHashMap<>();
    private final List<TunLink> tunLinks = new ArrayList<>();

    /**
     * A new network built by {@code steps}, removed again if they fail; skips (or in CI fails) the calling
     * test when namespaces cannot be made.
     */
    public static RouterNet build(Consumer<RouterNet> steps) {
        RouterNet n = new RouterNet();
        try {
            steps.accept(n);
            return n;
        } catch (RuntimeException | Error e) {
            n.close();
            throw e;
        }
    }

    private RouterNet() {
    }

    /** The namespaces underneath. */
    public NetnsTopology topology() {
        return net;
    }

    /** A new host ({@code router} false) or router named {@code role}; {@code kernelRateLimits} keeps Linux's. */
    public Namespace add(String role, boolean router, boolean kernelRateLimits) {
        Namespace ns = router ? net.router(role) : net.host(role);
        List<String> sysctl = new ArrayList<>(List.of("sysctl", "-q", "-w",
                "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1",
                "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0"));
        if (!kernelRateLimits) {
            sysctl.addAll(List.of("net.ipv4.icmp_ratelimit=0", "net.ipv4.icmp_msgs_per_sec=100000",
                    "net.ipv4.icmp_msgs_burst=100000"));
        }
        ns.run(sysctl.toArray(new String[0]));
        nodes.put(role, ns);
        return ns;
    }

    /**
     * Adds the host {@code client}, the routers {@code routers} in this order and the host {@code server};
     * {@code kernelRateLimits} keeps Linux's ICMP rate limits on all of them.
     */
    public void addClientRoutersServer(List<String> routers, boolean kernelRateLimits) {
        add("client", false, kernelRateLimits);
        for (String r : routers) {
            add(r, true, kernelRateLimits);
        }
        add("server", false, kernelRateLimits);
    }

    /** A node by its role. */
    public Namespace node(String role) {
        Namespace ns = nodes.get(role);
        if (ns == null) {
            throw new IllegalArgumentException("no node " + role + " in " + nodes.keySet());
        }
        return ns;
    }

    /** link A B NET: veth A:to-B (198.18.NET.1) to B:to-A (198.18.NET.2), with {@link Macs#of} MACs. */
    public void link(String a, String b, int netNumber) {
        String prefix = "198.18." + netNumber + ".";
        net.link(node(a), "to-" + b, prefix + "1/24", Macs.of(netNumber, 1), node(b), "to-" + a, prefix + "2/24",
                Macs.of(netNumber, 2));
    }

    /**
     * tunLink A B NET: a point-to-point {@link TunLink} from A's {@code tun-B} (198.18.NET.1, peer .2) to B's
     * {@code tun-A} (198.18.NET.2, peer .1), each packet delayed {@code delayMillis}; {@code aArphrd}, if not
     * null, is the ARPHRD type of A's device. Stopped by {@link #close()}.
     */
    public TunLink tunLink(String a, String b, int netNumber, int delayMillis, Integer aArphrd) {
        String prefix = "198.18." + netNumber + ".";
        TunLink link = TunLink.start(node(a), "tun-" + b, prefix + "1", node(b), "tun-" + a, prefix + "2",
                delayMillis, aArphrd);
        tunLinks.add(link);
        return link;
    }

    /** {@code ip route add PREFIX via VIA} in {@code role}'s namespace. */
    public void route(String role, String prefix, String via) {
        node(role).run("ip", "route", "add", prefix, "via", via);
    }

    @Override
    public void close() {
        tunLinks.forEach(TunLink::close);
        net.close();
    }
}
