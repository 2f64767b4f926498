#!/usr/bin/env python3
"""Campaigns beside scamper: tracecap trace --targets FILE and scamper -c "trace -P udp-paris" -p RATE -f FILE
on a fan of namespaces, in one run. Needs root.

    bench/campaign-times.py [TARGETS_PER_LEAF] [RATE] [LARGE...]

The fan: client -1- r1 -2- r2 -(10+k)- leafK (k = 1..4), leafK holding TARGETS_PER_LEAF addresses
198.19.(100+k).i/32 on its loopback (default 63: 252 targets, as in issue 15). Every node keeps Linux's ICMP
rate limits (icmp_ratelimit 1000 ms, a burst of 6 per source; the leaf's addresses share its one bucket).
Ground truth of every target: hop 1 198.18.1.2, hop 2 198.18.2.2, hop 3 the target.

Per tool, one run each (a fresh fan each), prints: wall time; probes the client sent (tcpdump on its
interface); targets complete and right (every hop up to the target answered, by the right address); wrong
hops (an answer at a TTL from another address than the truth); targets reached (the target answered).
The floor: the time the routers' rate limits alone take to give the answers a complete campaign needs
(every trace needs r2's answer at TTL 2, its own measurement; r2 gives 6 at once then one a second).

Then, for each LARGE (targets per leaf), tracecap alone on a fan with the rate limits off, at 1000 probes a
second: wall time and peak RSS (GNU time), to show how time and memory grow with the number of targets.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import multipath_net  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
TRACECAP = os.path.join(HERE, "..", "tracecap")
LEAVES = 4
R1 = "198.18.1.2"
R2 = "198.18.2.2"


def fan(prefix, per_leaf, rate_limits):
    t = multipath_net.Topology(prefix, "fan", rate_limits)
    targets = []
    try:
        t.add("client", False)
        t.add("r1", True)
        t.add("r2", True)
        t.link("client", "r1", 1)
        t.link("r1", "r2", 2)
        t.route("client", "198.18.0.0/15", R1)
        t.route("r1", "198.18.0.0/15", R2)
        t.route("r2", "198.18.1.0/24", "198.18.2.1")
        for k in range(1, LEAVES + 1):
            leaf = "leaf%d" % k
            t.add(leaf, True)
            t.link("r2", leaf, 10 + k)
            t.route(leaf, "198.18.0.0/15", "198.18.%d.1" % (10 + k))
            t.route("r2", "198.19.%d.0/24" % (100 + k), "198.18.%d.2" % (10 + k))
            # more than 254 per leaf: the next /24s (198.19.100+k+4..), routed the same way
            mine = []
            for i in range(per_leaf):
                net = 100 + k + 4 * (i // 254)
                mine.append("198.19.%d.%d" % (net, 1 + i % 254))
                if i % 254 == 0 and i > 0:
                    t.route("r2", "198.19.%d.0/24" % net, "198.18.%d.2" % (10 + k))
            t.ns(leaf, "ip", "-batch", "-", stdin="".join("address add %s/32 dev lo\n" % a for a in mine))
            targets += mine
        return t, targets
    except BaseException:
        t.close()
        raise


def start_tcpdump(t, path):
    p = subprocess.Popen(["ip", "netns", "exec", t.ns_name("client"), "tcpdump", "-i", "to-r1", "-w", path, "-U",
                          "-s", "96", "src host 198.18.1.1 and not arp"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1)
    return p


def count_packets(path):
    out = subprocess.run(["tcpdump", "-nr", path], capture_output=True, text=True).stdout
    return len(out.splitlines())


def score(paths, targets):
    """paths: target -> {ttl: [responders]}. Returns (complete and right, wrong hops, reached)."""
    complete = wrong = reached = 0
    for target in targets:
        hops = paths.get(target, {})
        truth = {1: R1, 2: R2, 3: target}
        ok = True
        for ttl, answers in hops.items():
            for a in answers:
                if ttl in truth and a != truth[ttl]:
                    wrong += 1
                    ok = False
        for ttl, want in truth.items():
            if want not in hops.get(ttl, []):
                ok = False
        if target in hops.get(3, []):
            reached += 1
        complete += ok
    return complete, wrong, reached


def run_tracecap(t, targets_file, rate, timed=None):
    out = tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False).name
    cmd = ["ip", "netns", "exec", t.ns_name("client"), TRACECAP, "trace", "-n", "--method", "paris",
           "--rate", str(rate), "--targets", targets_file, "-o", out, "--jsonl"]
    if timed:
        cmd = ["/usr/bin/time", "-o", timed, "-f", "%e %M"] + cmd
    start = time.monotonic()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.monotonic() - start
    paths = {}
    with open(out) as f:
        for line in f:
            trace = json.loads(line)
            hops = {}
            for hop in trace["hops"]:
                hops[hop["ttl"]] = [p["responder"] for p in hop["probes"] if p.get("answered")]
            paths[trace["destination"]] = hops
    os.unlink(out)
    return wall, paths


def run_scamper(t, targets_file, rate):
    warts = tempfile.NamedTemporaryFile(suffix=".warts", delete=False).name
    start = time.monotonic()
    subprocess.run(["ip", "netns", "exec", t.ns_name("client"), "scamper", "-c", "trace -P udp-paris", "-p",
                    str(rate), "-O", "warts", "-o", warts, "-f", targets_file], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.monotonic() - start
    out = subprocess.run(["sc_warts2json", warts], capture_output=True, text=True).stdout
    os.unlink(warts)
    paths = {}
    for line in out.splitlines():
        trace = json.loads(line)
        if trace.get("type") != "trace":
            continue
        hops = {}
        for hop in trace.get("hops", []):
            hops.setdefault(hop["probe_ttl"], []).append(hop["addr"])
        paths[trace["dst"]] = hops
    return wall, paths


def compare(per_leaf, rate):
    print("campaign: a fan of %d leaves, %d targets (198.19.0.0/16 on the leaves' loopbacks), Linux's ICMP "
          "rate limits on, %d probes/s, one run each" % (LEAVES, LEAVES * per_leaf, rate))
    print("  %-38s %8s %8s %18s %11s %8s" % ("tool", "wall s", "probes", "complete & right", "wrong hops",
                                              "reached"))
    for name in ("tracecap", "scamper"):
        t, targets = fan("tcapbench%d" % os.getpid(), per_leaf, True)
        try:
            with tempfile.TemporaryDirectory() as d:
                file = os.path.join(d, "targets.txt")
                with open(file, "w") as f:
                    f.write("\n".join(targets) + "\n")
                pcap = os.path.join(d, "client.pcap")
                dump = start_tcpdump(t, pcap)
                if name == "tracecap":
                    wall, paths = run_tracecap(t, file, rate)
                    label = "tracecap trace --method paris"
                else:
                    wall, paths = run_scamper(t, file, rate)
                    label = 'scamper -c "trace -P udp-paris"'
                time.sleep(1)
                dump.terminate()
                dump.wait()
                probes = count_packets(pcap)
        finally:
            t.close()
        complete, wrong, reached = score(paths, targets)
        print("  %-38s %8.1f %8d %12d / %-5d %11d %8d" % (label, wall, probes, complete, len(targets), wrong,
                                                         reached))
    n = LEAVES * per_leaf
    print("  floor: r2 must answer each of the %d traces once (its own hop 2): %d answers, 6 at once then one "
          "a second: %d s" % (n, n, max(0, n - 6)))


def large(sizes):
    print("campaign growth: the fan with the rate limits off, tracecap at 1000 probes/s, one run each")
    print("  %10s %8s %8s %10s" % ("targets", "wall s", "RSS MB", "complete"))
    for per_leaf in sizes:
        t, targets = fan("tcapbench%d" % os.getpid(), per_leaf, False)
        try:
            with tempfile.TemporaryDirectory() as d:
                file = os.path.join(d, "targets.txt")
                with open(file, "w") as f:
                    f.write("\n".join(targets) + "\n")
                timed = os.path.join(d, "time")
                _, paths = run_tracecap(t, file, 1000, timed)
                wall, rss = open(timed).read().split()[-2:]
        finally:
            t.close()
        complete, _, _ = score(paths, targets)
        print("  %10d %8.1f %8.0f %10d" % (len(targets), float(wall), int(rss) / 1024, complete))


def main():
    per_leaf = int(sys.argv[1]) if len(sys.argv) > 1 else 63
    rate = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    sizes = [int(a) for a in sys.argv[3:]] or [250, 1000]
    compare(per_leaf, rate)
    large(sizes)


if __name__ == "__main__":
    main()
