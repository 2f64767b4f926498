#!/usr/bin/env python3
"""Load-balanced namespace topologies for the multipath benchmark, the same ones the Java tests build
(src/test/java/org/tracecap/multipath/MultipathNet.java), with their ground truth. Needs root.

    bench/multipath_net.py up KIND [--rate-limits]   build one (prints its prefix), leave it up
    bench/multipath_net.py down PREFIX               remove a topology made by "up"

KIND: diamond2, diamond4 (ECMP diamond of that width), nested (a diamond of width 2 behind another one),
per-packet (a width-2 split choosing the branch per packet at random). Links are numbered as in
captures/make-captures.sh: link K is 198.18.K.0/24, near end .1, far end .2, interfaces named to-PEER.

  diamond(w): client -1- r1 -(10+i)- bi -(20+i)- r3 -5- server   (i = 1..w)
  nested:     client -1- r1 -(10+i)- ai -(20+i)- r2 -(30+j)- bj -(40+j)- r3 -5- server   (i, j = 1, 2)
  per-packet: diamond(2) where r1 marks each packet from the client with 1 or 2 at random (nftables numgen)
              and routes mark k through table 100+k, whose one route to 198.18.5.0/24 is via bk.

ECMP routers hash the L4 ports (fib_multipath_hash_policy=1); in nested, r1 and r2 get different hash seeds
(fib_multipath_hash_seed), so the second split does not simply repeat the first one's choice.

Every router answers from the address of the interface it routes back to the client through, not the one the
probe came in on: r2 and r3 send everything towards 198.18.1.0/24 through their first branch, so hop
"r3" is 198.18.21.2 in a diamond (198.18.41.2 in nested) whichever branch the probe took.
"""
import os
import subprocess
import sys

DEST = "198.18.5.2"
CLIENT = "198.18.1.1"
CLIENT_IFACE = "to-r1"

NFT_PER_PACKET = """
table ip tcaplb {
  chain pre {
    type filter hook prerouting priority mangle; policy accept;
    iifname "to-client" ip daddr 198.18.5.0/24 meta mark set numgen random mod 2 offset 1
  }
}
"""


def sh(*cmd, stdin=None):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, input=stdin, text=True)


class Topology:
    """One topology of namespaces PREFIX-ROLE; ground truth in nodes (TTL -> set of addresses) and links
    (set of (ttl, address at ttl, address at ttl + 1))."""

    def __init__(self, prefix, kind, rate_limits=False):
        self.prefix = prefix
        self.kind = kind
        self.rate_limits = rate_limits
        self.roles = []
        self.nodes = {}
        self.links = set()

    def ns_name(self, role):
        return self.prefix + "-" + role

    def ns(self, role, *cmd, stdin=None):
        sh("ip", "netns", "exec", self.ns_name(role), *cmd, stdin=stdin)

    def add(self, role, router):
        sh("ip", "netns", "add", self.ns_name(role))
        self.roles.append(role)
        self.ns(role, "ip", "link", "set", "lo", "up")
        settings = ["net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1",
                    "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0"]
        if not self.rate_limits:
            settings += ["net.ipv4.icmp_ratelimit=0", "net.ipv4.icmp_msgs_per_sec=100000",
                         "net.ipv4.icmp_msgs_burst=100000"]
        if router:
            settings.append("net.ipv4.ip_forward=1")
        self.ns(role, "sysctl", "-qw", *settings)

    def link(self, a, b, k):
        sh("ip", "link", "add", "to-" + b, "netns", self.ns_name(a), "address", "02:00:c6:12:%02x:01" % k,
           "type", "veth", "peer", "name", "to-" + a, "netns", self.ns_name(b), "address", "02:00:c6:12:%02x:02" % k)
        self.ns(a, "ip", "addr", "add", "198.18.%d.1/24" % k, "dev", "to-" + b)
        self.ns(b, "ip", "addr", "add", "198.18.%d.2/24" % k, "dev", "to-" + a)
        for x, y in ((a, b), (b, a)):
            self.ns(x, "sysctl", "-qw", "net.ipv4.conf.to-%s.rp_filter=0" % y)
            self.ns(x, "ip", "link", "set", "to-" + y, "up")

    def route(self, role, prefix, *via):
        """One route, or an ECMP route over several next hops."""
        if len(via) == 1:
            self.ns(role, "ip", "route", "add", prefix, "via", via[0])
        else:
            cmd = ["ip", "route", "add", prefix]
            for v in via:
                cmd += ["nexthop", "via", v]
            self.ns(role, *cmd)

    def close(self):
        for role in reversed(self.roles):
            subprocess.run(["ip", "netns", "del", self.ns_name(role)], stderr=subprocess.DEVNULL)
        self.roles = []

    def truth(self, layers):
        """Ground truth of a chain of layers (lists of addresses, TTL 1 first), every node of one layer
        linked to every node of the next."""
        for ttl, layer in enumerate(layers, start=1):
            self.nodes[ttl] = set(layer)
            if ttl < len(layers):
                for a in layer:
                    for b in layers[ttl]:
                        self.links.add((ttl, a, b))


def diamond(prefix, width, rate_limits=False, per_packet=False):
    t = Topology(prefix, "per-packet" if per_packet else "diamond%d" % width, rate_limits)
    try:
        branches = ["b%d" % i for i in range(1, width + 1)]
        t.add("client", False)
        for r in ["r1"] + branches + ["r3"]:
            t.add(r, True)
        t.add("server", False)
        t.link("client", "r1", 1)
        for i, b in enumerate(branches, start=1):
            t.link("r1", b, 10 + i)
            t.link(b, "r3", 20 + i)
        t.link("r3", "server", 5)
        t.route("client", "198.18.0.0/15", "198.18.1.2")
        t.route("server", "198.18.0.0/15", "198.18.5.1")
        for i, b in enumerate(branches, start=1):
            t.route(b, "198.18.1.0/24", "198.18.%d.1" % (10 + i))
            t.route(b, "198.18.5.0/24", "198.18.%d.2" % (20 + i))
        hops = ["198.18.%d.2" % (10 + i) for i in range(1, width + 1)]
        if per_packet:
            t.route("r1", "198.18.5.0/24", hops[0])
            for i, hop in enumerate(hops, start=1):
                t.ns("r1", "ip", "route", "add", "198.18.5.0/24", "via", hop, "table", str(100 + i))
                t.ns("r1", "ip", "rule", "add", "fwmark", str(i), "table", str(100 + i))
            t.ns("r1", "nft", "-f", "-", stdin=NFT_PER_PACKET)
        else:
            t.ns("r1", "sysctl", "-qw", "net.ipv4.fib_multipath_hash_policy=1")
            t.route("r1", "198.18.5.0/24", *hops)
        t.route("r3", "198.18.1.0/24", "198.18.21.1")
        t.truth([["198.18.1.2"], hops, ["198.18.21.2"], [DEST]])
        return t
    except BaseException:
        t.close()
        raise


def nested(prefix, rate_limits=False):
    t = Topology(prefix, "nested", rate_limits)
    try:
        t.add("client", False)
        for r in ["r1", "a1", "a2", "r2", "b1", "b2", "r3"]:
            t.add(r, True)
        t.add("server", False)
        t.link("client", "r1", 1)
        for i in (1, 2):
            t.link("r1", "a%d" % i, 10 + i)
            t.link("a%d" % i, "r2", 20 + i)
            t.link("r2", "b%d" % i, 30 + i)
            t.link("b%d" % i, "r3", 40 + i)
        t.link("r3", "server", 5)
        t.route("client", "198.18.0.0/15", "198.18.1.2")
        t.route("server", "198.18.0.0/15", "198.18.5.1")
        for i in (1, 2):
            a, b = "a%d" % i, "b%d" % i
            t.route(a, "198.18.1.0/24", "198.18.%d.1" % (10 + i))
            t.route(a, "198.18.5.0/24", "198.18.%d.2" % (20 + i))
            t.route(b, "198.18.1.0/24", "198.18.%d.1" % (30 + i))
            t.route(b, "198.18.5.0/24", "198.18.%d.2" % (40 + i))
        for router, seed in (("r1", 1), ("r2", 2)):
            t.ns(router, "sysctl", "-qw", "net.ipv4.fib_multipath_hash_policy=1",
                 "net.ipv4.fib_multipath_hash_seed=%d" % seed)
        t.route("r1", "198.18.5.0/24", "198.18.11.2", "198.18.12.2")
        t.route("r2", "198.18.1.0/24", "198.18.21.1")
        t.route("r2", "198.18.5.0/24", "198.18.31.2", "198.18.32.2")
        t.route("r3", "198.18.1.0/24", "198.18.41.1")
        t.truth([["198.18.1.2"], ["198.18.11.2", "198.18.12.2"], ["198.18.21.2"], ["198.18.31.2", "198.18.32.2"],
                 ["198.18.41.2"], [DEST]])
        return t
    except BaseException:
        t.close()
        raise


def build(kind, prefix, rate_limits=False):
    if kind == "diamond2":
        return diamond(prefix, 2, rate_limits)
    if kind == "diamond4":
        return diamond(prefix, 4, rate_limits)
    if kind == "nested":
        return nested(prefix, rate_limits)
    if kind == "per-packet":
        return diamond(prefix, 2, rate_limits, per_packet=True)
    raise SystemExit("multipath_net: unknown topology %s: diamond2, diamond4, nested or per-packet" % kind)


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "up":
        prefix = "tcapm-%d" % os.getpid()
        t = build(sys.argv[2], prefix, "--rate-limits" in sys.argv)
        print(prefix)
        for ttl in sorted(t.nodes):
            print("ttl %d: %s" % (ttl, " ".join(sorted(t.nodes[ttl]))), file=sys.stderr)
    elif len(sys.argv) == 3 and sys.argv[1] == "down":
        out = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            name = line.split()[0] if line.split() else ""
            if name.startswith(sys.argv[2] + "-"):
                subprocess.run(["ip", "netns", "del", name])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
