"""Cross-check a golden hop JSON file against tshark's dissection of the same capture.

For every probe in the golden file: find the frame tshark shows at send_time (same ns), check its IP ID,
TTL, ports or ICMP id/seq, UDP checksum and IP length (with a partial checksum, udp_checksum_partial: the
captured field, tshark's "bad" verdict and the checksum tshark calculates). For every answered probe: find the frame at
send_time + rtt_ms, check responder, ICMP type/code or TCP flags, reply TTL, reply size, and for ICMP errors
the quoted TTL, IP ID and UDP checksum (tshark's inner IP/UDP header). Also: the summary's packets_read
equals tshark's frame count. IPv6 frames are read from tshark's ipv6.* and icmpv6.* fields into the same
names (hop limit as TTL, 40 + payload length as IP length, the fragment identification's low 16 bits or 0 as
IP ID), so a golden file of either family, or of both, is checked the same way. Prints a line per problem and a
count."""
import json, subprocess, sys
from decimal import Decimal
from datetime import datetime, timezone

F = ["frame.number", "frame.time_epoch", "ip.src", "ip.dst", "ip.ttl", "ip.id", "ip.len", "udp.srcport",
     "udp.dstport", "udp.checksum", "icmp.type", "icmp.code", "icmp.ident", "icmp.seq", "tcp.srcport",
     "tcp.dstport", "tcp.flags", "udp.checksum.status", "udp.checksum_calculated", "frame.time_epoch",
     "ipv6.src", "ipv6.dst", "ipv6.hlim", "ipv6.plen", "ipv6.fraghdr.ident", "icmpv6.type", "icmpv6.code",
     "icmpv6.echo.identifier", "icmpv6.echo.sequence_number", "ipv6.flow"]

def as_ipv4_names(d):
    """An IPv6 frame's fields under the IPv4 names the checks read (issue 13)."""
    if d["ip.src"] or not d["ipv6.src"]:
        return
    d["ip.src"], d["ip.dst"], d["ip.ttl"] = d["ipv6.src"], d["ipv6.dst"], d["ipv6.hlim"]
    d["ip.len"] = [str(40 + num(x)) for x in d["ipv6.plen"]]
    frag = [str(num(x) & 0xffff) for x in d["ipv6.fraghdr.ident"]]
    d["ip.id"] = frag + ["0"] * (len(d["ipv6.src"]) - len(frag))
    d["icmp.type"], d["icmp.code"] = d["icmpv6.type"], d["icmpv6.code"]
    d["icmp.ident"], d["icmp.seq"] = d["icmpv6.echo.identifier"], d["icmpv6.echo.sequence_number"]

def tshark(path):
    # UDP checksum validation on: for a probe captured with a partial checksum (transmit checksum offload)
    # tshark says "bad" (status 0) and shows the checksum it calculates, which must be the golden's.
    cmd = ["tshark", "-r", path, "-o", "udp.check_checksum:TRUE", "-T", "fields", "-E", "separator=\t"]
    for f in F:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    frames = []
    for line in out.splitlines():
        v = line.split("\t")
        d = {F[i]: (v[i].split(",") if v[i] else []) for i in range(len(F))}
        t = Decimal(d["frame.time_epoch"][0])
        d["ns"] = int(t * 1_000_000_000)
        as_ipv4_names(d)
        frames.append(d)
    return frames

def ns(rfc3339):
    date, frac = rfc3339[:-1], ""
    if "." in date:
        date, frac = date.split(".")
    sec = int(datetime.strptime(date, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc).timestamp())
    return sec * 1_000_000_000 + int((frac + "000000000")[:9])

def num(x):
    return int(x, 16) if x.startswith("0x") else int(x)

def narrow(frames, keep):
    """The frames that pass keep, or all of them when none does (the checks below then say what differs)."""
    kept = [f for f in frames if keep(f)]
    return kept if kept else frames

def main(capture, golden):
    frames = tshark(capture)
    by_time = {}
    for f in frames:
        by_time.setdefault(f["ns"], []).append(f)
    doc = json.load(open(golden))
    problems, probes, replies = [], 0, 0
    def check(what, expected, actual):
        if expected != actual:
            problems.append(f"{what}: golden {expected} tshark {actual}")
    check("packets_read", doc["summary"]["packets_read"], len(frames))
    for t in doc["traces"]:
        for h in t["hops"]:
            for p in h["probes"]:
                probes += 1
                send = ns(p["send_time"])
                cands = [f for f in by_time.get(send, []) if f["ip.src"] and f["ip.src"][0] == t["source"]
                         and num(f["ip.id"][0]) == p["ip_id"]]
                where = f"ttl {h['ttl']} probe at {p['send_time']}"
                # copies of one packet captured twice in the same microsecond (a bridge and its port, a
                # router's way in and out): the one with the probe's TTL and checksum, the first in the file
                cands = narrow(cands, lambda f: num(f["ip.ttl"][0]) == h["ttl"])
                if "udp_checksum" in p:
                    cands = narrow(cands, lambda f: num(f["udp.checksum"][0]) == p["udp_checksum"])
                cands = cands[:1]
                if len(cands) != 1:
                    problems.append(f"{where}: {len(cands)} frames at that time with that IP ID")
                    continue
                f = cands[0]
                check(where + " ttl", h["ttl"], num(f["ip.ttl"][0]))
                check(where + " size", p["size"], num(f["ip.len"][0]))
                check(where + " destination", t["destination"], f["ip.dst"][0])
                if "flow_label" in p or f["ipv6.flow"]:
                    check(where + " flow_label", p.get("flow_label"), num(f["ipv6.flow"][0]) if f["ipv6.flow"] else None)
                if "source_port" in p:
                    sp = f["udp.srcport"] or f["tcp.srcport"]
                    dp = f["udp.dstport"] or f["tcp.dstport"]
                    check(where + " source_port", p["source_port"], num(sp[0]))
                    check(where + " destination_port", p["destination_port"], num(dp[0]))
                if p.get("udp_checksum_partial"):
                    check(where + " captured_udp_checksum", p["captured_udp_checksum"], num(f["udp.checksum"][0]))
                    check(where + " partial checksum bad for tshark", "0", f["udp.checksum.status"][0])
                    if "udp_checksum" in p:
                        check(where + " udp_checksum", p["udp_checksum"], num(f["udp.checksum_calculated"][0]))
                elif "udp_checksum" in p:
                    check(where + " udp_checksum", p["udp_checksum"], num(f["udp.checksum"][0]))
                if "icmp_id" in p:
                    check(where + " icmp_id", p["icmp_id"], num(f["icmp.ident"][0]))
                    check(where + " icmp_sequence", p["icmp_sequence"], num(f["icmp.seq"][0]))
                if not p["answered"]:
                    continue
                replies += 1
                rtt_ns = int(Decimal(str(p["rtt_ms"])) * 1_000_000)
                rc = [r for r in by_time.get(send + rtt_ns, []) if r["ip.src"] and r["ip.src"][0] == p["responder"]]
                rc = narrow(rc, lambda r: num(r["ip.ttl"][0]) == p.get("reply_ttl"))[:1]
                if len(rc) != 1:
                    problems.append(f"{where}: {len(rc)} frames from {p['responder']} at send + {p['rtt_ms']} ms")
                    continue
                r = rc[0]
                check(where + " reply_ttl", p.get("reply_ttl"), num(r["ip.ttl"][0]))
                check(where + " reply_size", p.get("reply_size"), num(r["ip.len"][0]))
                to = r["ip.dst"][0]
                if to != t["source"] and any(f["ip.src"] and f["ip.src"][0] == to
                                             and num(f["ip.id"][0]) == p["ip_id"] for f in frames):
                    # the first copy of the reply came back to the address a source NAT gave the probe
                    # (the capture also holds the probe leaving the NAT from there, same IP ID)
                    to = t["source"]
                check(where + " reply to", t["source"], to)
                if "icmp" in p:
                    check(where + " icmp type", p["icmp"]["type"], num(r["icmp.type"][0]))
                    check(where + " icmp code", p["icmp"]["code"], num(r["icmp.code"][0]))
                    if p["icmp"]["type_name"] in ("destination-unreachable", "time-exceeded", "packet-too-big"):
                        # the inner (quoted) IP header is tshark's second ip.* occurrence
                        check(where + " quoted_ttl", p.get("quoted_ttl"), num(r["ip.ttl"][1]))
                        check(where + " quoted_ip_id", p.get("quoted_ip_id"), num(r["ip.id"][1]))
                        check(where + " quoted id = probe id", p["ip_id"], num(r["ip.id"][1]))
                        if "quoted_udp_checksum" in p:
                            check(where + " quoted_udp_checksum", p["quoted_udp_checksum"], num(r["udp.checksum"][0]))
                    if p["icmp"]["type_name"] == "echo-reply":
                        check(where + " echo seq", p["icmp_sequence"], num(r["icmp.seq"][0]))
                if "tcp_flags" in p:
                    check(where + " tcp_flags", p["tcp_flags"], num(r["tcp.flags"][0]))
                    check(where + " tcp ports", (p["source_port"], p["destination_port"]),
                          (num(r["tcp.dstport"][0]), num(r["tcp.srcport"][0])))
                ann = p.get("annotation")
                port_unreachable = 4 if ":" in p["responder"] else 3
                if p.get("icmp", {}).get("type_name") == "destination-unreachable" \
                        and p["icmp"]["code"] != port_unreachable:
                    check(where + " annotation present", True, ann is not None)
    for x in problems:
        print("  " + x)
    print(f"{golden}: {len(frames)} frames, {probes} probes, {replies} replies checked, {len(problems)} problems")
    return len(problems)

if __name__ == "__main__":
    sys.exit(1 if main(sys.argv[1], sys.argv[2]) else 0)
