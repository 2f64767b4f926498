#!/usr/bin/env python3
"""Make a big capture of real traces for replay benchmarks, from the recorded captures in captures/.

The output is a classic pcap (Ethernet, microsecond timestamps) of about --packets packets: the recorded
Ethernet captures of captures/ (real traceroute, mtr, scamper and dublin-traceroute runs on Linux
routers in namespaces) played one after another, over and over, each copy shifted in time so that it
starts --gap seconds after the previous one ended. Nothing is rewritten inside the packets: the result
is what a long capture of repeated traces looks like (back-to-back runs to the same destinations).

    bench/make-big-capture.py [--packets 1000000] [--gap 2] [--family 4|6] OUT.pcap

--family 4 (the default) takes the IPv4 captures, --family 6 the IPv6-only ones (cases named *6-*, issue 13:
chain6, silent6, prohibited6, ecmp6), so that the two replays compare the same kind of traffic, family apart.
The capture holding both families (dual6-*) is in neither. --counterparts (with --family 4) takes only the
IPv4 captures of the same tools on the same topologies as the IPv6 ones (chain6 -> straight, silent6 -> silent,
prohibited6 -> prohibited, ecmp6 -> ecmp): the IPv4 side of a comparison of the two families. The family
comparison leaves scamper tracelb out on both sides: a replay splits its run into one trace per flow only when
every flow was probed at two TTLs or more, which the two recorded runs did differently (1 trace against 11),
so the JSON written per packet would differ for a reason that is not the family.
"""
import argparse
import glob
import os
import re
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CAPTURES = os.path.join(HERE, "..", "captures")


def read_pcap(path):
    """Yields (ts_usec_total, caplen, wirelen, data) of a classic little/big-endian pcap, Ethernet only."""
    with open(path, "rb") as f:
        header = f.read(24)
    magic = header[:4]
    if magic == b"\xd4\xc3\xb2\xa1":
        endian, nano = "<", False
    elif magic == b"\xa1\xb2\xc3\xd4":
        endian, nano = ">", False
    elif magic == b"\x4d\x3c\xb2\xa1":
        endian, nano = "<", True
    elif magic == b"\xa1\xb2\x3c\x4d":
        endian, nano = ">", True
    else:
        return None
    linktype = struct.unpack(endian + "I", header[20:24])[0]
    if linktype != 1:
        return None
    records = []
    with open(path, "rb") as f:
        f.seek(24)
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                break
            sec, frac, caplen, wirelen = struct.unpack(endian + "IIII", rec)
            data = f.read(caplen)
            if len(data) < caplen:
                break
            usec = frac // 1000 if nano else frac
            records.append((sec * 1_000_000 + usec, caplen, wirelen, data))
    return records


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--packets", type=int, default=1_000_000)
    parser.add_argument("--gap", type=float, default=2.0, help="seconds between copies")
    parser.add_argument("--family", type=int, choices=(4, 6), default=4, help="IPv4 or IPv6 captures")
    parser.add_argument("--counterparts", action="store_true",
                        help="IPv4: only the captures the IPv6 ones have a twin of")
    args = parser.parse_args()
    twins = {"chain6": "straight", "silent6": "silent", "prohibited6": "prohibited", "ecmp6": "ecmp"}
    wanted = set()
    for path in glob.glob(os.path.join(CAPTURES, "*6-*.pcap")):
        case, _, tool = os.path.basename(path).partition("-")
        if case in twins:
            wanted.add(twins[case] + "-" + tool)

    sources = []
    for path in sorted(glob.glob(os.path.join(CAPTURES, "*.pcap"))):
        name = os.path.basename(path)
        if name.startswith("dual6-"):
            continue
        if bool(re.match(r"[a-z]+6-", name)) != (args.family == 6):
            continue
        if args.counterparts and name not in wanted:
            continue
        if (args.counterparts or args.family == 6) and "-tracelb" in name:
            continue
        records = read_pcap(path)
        if records:
            base = records[0][0]
            sources.append([(ts - base, caplen, wirelen, data) for ts, caplen, wirelen, data in records])
    if not sources:
        sys.exit("make-big-capture: no Ethernet captures found in " + CAPTURES)

    gap = int(args.gap * 1_000_000)
    clock = 1_795_000_000 * 1_000_000  # 2026-11-18, microseconds since the epoch
    written = 0
    copies = 0
    with open(args.out, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        chunk = []
        while written < args.packets:
            records = sources[copies % len(sources)]
            for rel, caplen, wirelen, data in records:
                ts = clock + rel
                chunk.append(struct.pack("<IIII", ts // 1_000_000, ts % 1_000_000, caplen, wirelen))
                chunk.append(data)
            written += len(records)
            clock += records[-1][0] + gap
            copies += 1
            if len(chunk) > 20000:
                out.write(b"".join(chunk))
                chunk = []
        out.write(b"".join(chunk))
    print(f"{args.out}: {written} packets, {copies} copies of {len(sources)} recorded captures",
          file=sys.stderr)


if __name__ == "__main__":
    main()
