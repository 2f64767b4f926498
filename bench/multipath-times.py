#!/usr/bin/env python3
"""Multipath discovery beside scamper: scamper tracelb (MDA) and tracecap trace --multipath on fresh
load-balanced namespace topologies (bench/multipath_net.py), in one run. Needs root.

    bench/multipath-times.py RUNS

Per topology (ECMP diamonds of width 2 and 4, a diamond behind a diamond, all with the routers' ICMP rate
limits off; the width-2 diamond again with Linux's rate limits on; a width-2 split balancing per packet, which
needs nft) and tool, prints:
  wall:   median wall time of the whole process over RUNS runs, each on a fresh topology;
  probes: median packets the client sent on its interface (tcpdump, every IPv4 packet from the client), and
          in brackets the tool's own count (scamper's probec, tracecap's graph "probes");
  nodes, links: found / ground truth, from the last run: found counts only what is in the ground truth; an
          extra (not in the ground truth) is reported after a "+";
  exact:  how many of the runs found exactly the ground truth (MDA at 95% may miss a branch: about 3% per
          split of width 2).
A tool that fails (tracecap before --multipath exists) is reported as "failed (why)", and the rest goes on.
"""
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import multipath_net  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
TRACECAP = os.path.join(HERE, "..", "tracecap")
SCAMPER = "tracelb -P udp-dport -c 95"
TOOL_TIMEOUT = 300


class Failed(Exception):
    pass


def scamper_graph(text):
    """(probec, nodes {(ttl, addr)}, links {(ttl, a, b)}) from scamper -O json tracelb output. Scamper's JSON
    lists, per node, either its links' targets (linkc > 1: links[0] is the list of next hops) or its one link
    as a chain of hops (linkc 1: links is a list of probesets, each a list of {addr, probes}, the last the
    link's target). Where two consecutive hops both hold several addresses, only pairs seen on one flow
    (flowid) at consecutive TTLs count as links."""
    doc = None
    for line in text.splitlines():
        if line.strip():
            d = json.loads(line)
            if d.get("type") == "tracelb":
                doc = d
    if doc is None:
        raise Failed("no tracelb object in scamper's output")
    flows = {}
    chains = []
    for node in doc.get("nodes", []):
        groups = node.get("links", [])
        if node.get("linkc", 1) > 1:
            groups = groups[:1]
        hops = []
        for group in groups:
            hop = set()
            for h in group:
                for p in h.get("probes", []):
                    if p.get("replyc", 0) > 0 and h["addr"] != "*":
                        hop.add((p["ttl"], h["addr"]))
                        flows[(p["flowid"], p["ttl"])] = h["addr"]
            hops.append(hop)
        chains.append((node["addr"], hops))
    nodes, links = set(), set()
    for addr, hops in chains:
        if not hops or not hops[0]:
            continue
        first_ttl = min(t for t, _ in hops[0]) - 1
        prev = {(first_ttl, addr)}
        nodes |= prev
        for hop in hops:
            nodes |= hop
            if not hop:
                prev = hop
                continue
            for t1, a in prev:
                for t2, b in hop:
                    if t2 != t1 + 1:
                        continue
                    if len(prev) == 1 or len(hop) == 1 or any(
                            flows.get((f, t1)) == a and flows.get((f, t2)) == b for f, _ in flows):
                        links.add((t1, a, b))
            prev = hop
    return int(doc.get("probec", 0)), nodes, links


def tracecap_graph(text):
    """(probes, nodes, links) from tracecap trace --multipath --json: its first graph."""
    doc = json.loads(text)
    graphs = doc.get("graphs") or []
    if not graphs:
        raise Failed("no \"graphs\" in its JSON")
    g = graphs[0]
    by_id = {n["id"]: (n["ttl"], n.get("address")) for n in g.get("nodes", [])}
    nodes = {v for v in by_id.values() if v[1] is not None}
    links = set()
    for link in g.get("links", []):
        a, b = by_id.get(link["from"]), by_id.get(link["to"])
        if a and b and a[1] and b[1]:
            links.add((a[0], a[1], b[1]))
    return int(g.get("probes", 0)), nodes, links


def command(tool, topo):
    base = ["ip", "netns", "exec", topo.ns_name("client")]
    if tool == "scamper":
        return base + ["scamper", "-O", "json", "-c", SCAMPER, "-i", multipath_net.DEST]
    return base + [TRACECAP, "trace", "--multipath", "-n", "--json", multipath_net.DEST]


def run_once(tool, topo, work):
    """(wall s, packets the client sent, the tool's count, nodes, links) of one run."""
    pcap = os.path.join(work, "client.pcap")
    dump = subprocess.Popen(["ip", "netns", "exec", topo.ns_name("client"), "tcpdump", "-i",
                             multipath_net.CLIENT_IFACE, "-n", "-U", "--immediate-mode", "-w", pcap,
                             "ip src %s" % multipath_net.CLIENT],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        for line in dump.stderr:  # "listening on to-r1, ...": the capture is open
            if "listening on" in line:
                break
        else:
            raise Failed("tcpdump did not start")
        start = time.time()
        try:
            p = subprocess.run(command(tool, topo), capture_output=True, text=True, timeout=TOOL_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise Failed("no result after %d s" % TOOL_TIMEOUT)
        wall = time.time() - start
        time.sleep(0.2)
    finally:
        dump.send_signal(signal.SIGINT)
        try:
            dump.wait(timeout=10)
        except subprocess.TimeoutExpired:
            dump.kill()
            dump.wait()
    if p.returncode != 0:
        said = (p.stderr.strip().splitlines() or ["no message"])[0]
        raise Failed("exit %d: %s" % (p.returncode, said[:100]))
    sent = subprocess.run(["tcpdump", "-n", "-r", pcap], capture_output=True, text=True).stdout.count("\n")
    try:
        own, nodes, links = (scamper_graph if tool == "scamper" else tracecap_graph)(p.stdout)
    except (ValueError, KeyError, TypeError) as e:
        raise Failed("unreadable output: %s" % e)
    return wall, sent, own, nodes, links


def found(got, truth):
    extra = len(got - truth)
    return "%d/%d%s" % (len(got & truth), len(truth), " +%d" % extra if extra else "")


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    work = tempfile.mkdtemp(prefix="tcapm-")
    prefix = "tcapm-%d" % os.getpid()
    cases = [("diamond2", False), ("diamond4", False), ("nested", False), ("diamond2", True), ("per-packet", False)]
    print("  scamper: scamper -O json -c '%s' -i DEST; tracecap: tracecap trace --multipath -n --json DEST"
          % SCAMPER)
    print("  %-22s %-9s %9s %17s %9s %9s %7s" % ("topology", "tool", "wall s", "probes (own)", "nodes", "links",
                                                "exact"))
    for kind, limits in cases:
        name = kind + (" rate-limited" if limits else "")
        if kind == "per-packet" and shutil.which("nft") is None:
            print("  %-22s not measured: needs nft (apt-get install nftables)" % name)
            continue
        for tool in ("scamper", "tracecap"):
            walls, sents, owns, last, exact = [], [], [], None, 0
            try:
                for _ in range(runs):
                    topo = multipath_net.build(kind, prefix, limits)
                    try:
                        wall, sent, own, nodes, links = run_once(tool, topo, work)
                    finally:
                        topo.close()
                    walls.append(wall)
                    sents.append(sent)
                    owns.append(own)
                    last = (topo, nodes, links)
                    truth_nodes = {(t, a) for t, addrs in topo.nodes.items() for a in addrs}
                    exact += nodes == truth_nodes and links == topo.links
            except Failed as e:
                print("  %-22s %-9s failed (%s)" % (name, tool, e), flush=True)
                continue
            topo, nodes, links = last
            print("  %-22s %-9s %9.2f %10.0f (%4.0f) %9s %9s %7s" % (
                name, tool, statistics.median(walls), statistics.median(sents), statistics.median(owns),
                found(nodes, truth_nodes), found(links, topo.links), "%d/%d" % (exact, runs)), flush=True)


if __name__ == "__main__":
    main()
