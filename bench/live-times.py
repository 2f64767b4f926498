#!/usr/bin/env python3
"""Live trace time and whole-process time of tracecap beside Debian traceroute and scamper, on fresh
network-namespace topologies (a chain client - r1 - r2 - r3 - r4 - server, 198.18.k.0/24 on link k, as in
captures/make-captures.sh), in one run. Needs root. Every run gets a fresh topology (routers' ICMP rate
limits persist), with the routers' rate limits off so that every tool is measured on the same answers.

    bench/live-times.py RUNS [LAUNCHER...]

Each LAUNCHER (another tracecap launcher, e.g. an older checkout's ./tracecap) is timed as one more tool, to
compare builds side by side in one run. The tools take turns run after run (each on its fresh topology), so
that a change in the machine's load falls on all of them alike; the load average is printed at the start and
at the end.

Per topology (straight; silent: r2 drops its Time Exceeded) and tool, then for traceroute and tracecap with
-I (ICMP Echo) and -T (TCP SYN to port 80, answered by the server's RST) on the straight chain, prints the
median of RUNS runs of:
  whole: wall time of the whole process (JVM start, route and ARP lookup included for tracecap);
  trace: for tracecap, from its first probe's capture time (hop JSON start_time) to its last hop line on
         stdout; traceroute and scamper print through a pipe only at exit, so their trace time is their
         whole time (an upper bound: their start-up is a few ms).
Namespaces are named tcapb-<pid>-*, and removed at the end, also on failure.
"""
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

PREFIX = "tcapb-%d" % os.getpid()
NODES = ["cli", "r1", "r2", "r3", "r4", "srv"]
DEST = "198.18.5.2"
HERE = os.path.dirname(os.path.abspath(__file__))
TRACECAP = os.path.join(HERE, "..", "tracecap")


def sh(*cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def ns(node, *cmd):
    sh("ip", "netns", "exec", PREFIX + "-" + node, *cmd)


def teardown():
    for n in NODES:
        subprocess.run(["ip", "netns", "del", PREFIX + "-" + n], stderr=subprocess.DEVNULL)


def build(silent):
    for n in NODES:
        sh("ip", "netns", "add", PREFIX + "-" + n)
        ns(n, "ip", "link", "set", "lo", "up")
        ns(n, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1",
           "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0", "net.ipv4.icmp_ratelimit=0",
           "net.ipv4.icmp_msgs_per_sec=100000", "net.ipv4.icmp_msgs_burst=100000")
    for n in NODES[1:5]:
        ns(n, "sysctl", "-qw", "net.ipv4.ip_forward=1")
    for k in range(1, 6):
        a, b = NODES[k - 1], NODES[k]
        sh("ip", "link", "add", "to-" + b, "netns", PREFIX + "-" + a, "address", "02:00:c6:12:%02x:01" % k,
           "type", "veth", "peer", "name", "to-" + a, "netns", PREFIX + "-" + b, "address",
           "02:00:c6:12:%02x:02" % k)
        ns(a, "ip", "addr", "add", "198.18.%d.1/24" % k, "dev", "to-" + b)
        ns(b, "ip", "addr", "add", "198.18.%d.2/24" % k, "dev", "to-" + a)
        ns(a, "ip", "link", "set", "to-" + b, "up")
        ns(b, "ip", "link", "set", "to-" + a, "up")
    ns("cli", "ip", "route", "add", "198.18.0.0/15", "via", "198.18.1.2")
    ns("srv", "ip", "route", "add", "198.18.0.0/15", "via", "198.18.5.1")
    for k in range(1, 5):
        for j in range(1, 6):
            if j < k:
                ns("r%d" % k, "ip", "route", "add", "198.18.%d.0/24" % j, "via", "198.18.%d.1" % k)
            elif j > k + 1:
                ns("r%d" % k, "ip", "route", "add", "198.18.%d.0/24" % j, "via", "198.18.%d.2" % (k + 1))
    if silent:
        ns("r2", "iptables", "-w", "-A", "OUTPUT", "-p", "icmp", "--icmp-type", "time-exceeded", "-j", "DROP")


def run(tool, out_json, flags=()):
    """Runs one tool; flags (-I, -T) go to traceroute and tracecap alike."""
    base = ["ip", "netns", "exec", PREFIX + "-cli"]
    if tool == "tracecap" or os.sep in tool:
        cmd = base + [TRACECAP if tool == "tracecap" else tool, "trace", "-n", *flags, "-o", out_json, DEST]
    elif tool == "traceroute":
        cmd = base + ["traceroute", "-n", *flags, DEST]
    else:
        cmd = base + ["scamper", "-c", "trace -P udp-paris -q 3", "-i", DEST]
    start = time.time()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1)
    last = None
    lines = []
    for line in p.stdout:
        last = time.time()
        lines.append(line)
    if p.wait() != 0:
        raise SystemExit("live-times: %s failed: %s" % (tool, "".join(lines)))
    end = time.time()
    if tool == "tracecap" or os.sep in tool:
        trace = json.load(open(out_json))["traces"][0]
        first = datetime.datetime.fromisoformat(trace["start_time"].replace("Z", "+00:00")).timestamp()
        return end - start, last - first
    return end - start, end - start


def label(tool):
    """A tool's name; for another launcher, tracecap@ and the name of its directory."""
    return tool if os.sep not in tool else "tracecap@" + os.path.basename(os.path.dirname(tool))


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    launchers = [os.path.abspath(a) for a in sys.argv[2:]]
    tools = ["traceroute", "scamper", "tracecap"] + launchers
    out_json = os.path.join(tempfile.mkdtemp(prefix="tcapb-"), "trace.json")
    for launcher in [TRACECAP] + launchers:  # build (and train) outside the timings
        subprocess.run([launcher, "--version"], check=True, stdout=subprocess.DEVNULL)
    print("  load average %.2f at the start" % os.getloadavg()[0])
    print("  %-10s %-13s %14s %14s %16s" % ("topology", "tool", "trace ms", "whole ms", "whole vs traceroute"))
    try:
        for topology in ["straight", "silent"]:
            wholes = {tool: [] for tool in tools}
            traces = {tool: [] for tool in tools}
            for _ in range(runs):
                for tool in tools:
                    teardown()
                    build(topology == "silent")
                    whole, trace = run(tool, out_json)
                    wholes[tool].append(whole)
                    traces[tool].append(trace)
            base = statistics.median(wholes[tools[0]]) * 1000
            for tool in tools:
                w, t = statistics.median(wholes[tool]) * 1000, statistics.median(traces[tool]) * 1000
                print("  %-10s %-13s %14.1f %14.1f %15.1fx" % (topology, label(tool), t, w, w / base), flush=True)
        # Issue 14: ICMP Echo (-I) and TCP SYN (-T, to port 80: the server's RST ends it), straight chain.
        for flag in ["-I", "-T"]:
            wholes = {tool: [] for tool in ["traceroute", "tracecap"]}
            traces = {tool: [] for tool in wholes}
            for _ in range(runs):
                for tool in wholes:
                    teardown()
                    build(False)
                    whole, trace = run(tool, out_json, (flag,))
                    wholes[tool].append(whole)
                    traces[tool].append(trace)
            base = statistics.median(wholes["traceroute"]) * 1000
            for tool in wholes:
                w, t = statistics.median(wholes[tool]) * 1000, statistics.median(traces[tool]) * 1000
                print("  %-10s %-13s %14.1f %14.1f %15.1fx" % ("straight", tool + " " + flag, t, w, w / base),
                      flush=True)
    finally:
        teardown()
    print("  load average %.2f at the end" % os.getloadavg()[0])


if __name__ == "__main__":
    main()
