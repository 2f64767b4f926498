#!/usr/bin/env bash
# Makes tracecap's corpus of broken capture files (issue 5) in DIR, from one real capture.
# Usage: src/test/corpus/make-corpus.sh DIR [GOOD.pcap GOOD.pcapng]
# Each case is one file named after what is wrong with it; cases.tsv lists them with the outcome
# tracecap must give: "fail" (exit 2, nothing read), "partial" (exit 2 after printing the traces read
# before the fault) or "ok" (exit 0: the damage is inside frames or blocks that are skipped and counted).
# Used by src/test/java/org/tracecap/hostile/CaptureCorpusTest.java; needs bash, python3, gzip, truncate.
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
out="${1:?usage: make-corpus.sh DIR [GOOD.pcap GOOD.pcapng]}"
good="${2:-$here/../../../captures/straight-traceroute-udp.pcap}"
goodng="${3:-$here/../../../captures/straight-traceroute-udp.pcapng}"
mkdir -p "$out"
cd "$out"
: > cases.tsv
case_() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >> cases.tsv; }   # file, outcome, what it is

# Files that are not captures at all.
: > empty.pcap;                                   case_ empty.pcap fail "empty file"
mkdir -p directory.pcap;                          case_ directory.pcap fail "a directory"
printf 'GET / HTTP/1.1\r\nHost: x\r\n\r\n%.0s' {1..4} > bad-magic.pcap
                                                  case_ bad-magic.pcap fail "bad magic (text)"
head -c 10 "$good" > truncated-global-header.pcap; case_ truncated-global-header.pcap fail "10 of the 24 header bytes"
head -c 24 "$good" > header-only.pcap;            case_ header-only.pcap ok "file header, no record"
gzip -c "$good" > gzip.pcap;                      case_ gzip.pcap ok "gzip-compressed capture, named .pcap"
gzip -c "$goodng" > gzip.pcapng.gz;               case_ gzip.pcapng.gz ok "gzip-compressed pcapng"
gzip -c "$good" | head -c 700 > gzip-cut.pcap.gz; case_ gzip-cut.pcap.gz partial "gzip stream cut in its middle"
gzip -c "$good" | head -c 5 > gzip-cut-header.pcap.gz
                                                  case_ gzip-cut-header.pcap.gz fail "gzip stream cut in its header"
printf 'these are notes\n' | gzip -c > gzip-text.pcap.gz
                                                  case_ gzip-text.pcap.gz fail "gzip of a text file"
truncate -s 1G sparse-zeros.pcap;                 case_ sparse-zeros.pcap fail "1 GiB sparse file of zeros"
head -c 4096 /dev/zero > zeros.pcap;              case_ zeros.pcap fail "4 KiB of zeros"

python3 - "$good" "$goodng" <<'PY'
import struct, sys
good = open(sys.argv[1], 'rb').read()
goodng = open(sys.argv[2], 'rb').read()
hdr, body = good[:24], good[24:]
endian = '<' if struct.unpack('<I', hdr[:4])[0] in (0xa1b2c3d4, 0xa1b23c4d) else '>'

def records(data):
    """(offset, header, frame) of every record of a classic pcap body."""
    out, at = [], 0
    while at + 16 <= len(data):
        sec, frac, cap, wire = struct.unpack(endian + 'IIII', data[at:at + 16])
        out.append((at, data[at:at + 16], data[at + 16:at + 16 + cap]))
        at += 16 + cap
    return out

recs = records(body)
half = len(recs) // 2
cut = recs[half][0]                      # the body offset where the middle record starts
def rec(sec, frac, cap, wire, frame):
    return struct.pack(endian + 'IIII', sec, frac, cap, wire) + frame
sec0, frac0 = struct.unpack(endian + 'II', recs[0][1][:8])
cases = []
def write(name, outcome, what, data):
    open(name, 'wb').write(data)
    cases.append((name, outcome, what))

write('truncated-record-header.pcap', 'partial', 'cut inside a record header', hdr + body[:cut + 7])
write('truncated-record-frame.pcap', 'partial', 'cut inside a frame', hdr + body[:cut + 16 + 20])
snap = struct.unpack(endian + 'I', hdr[16:20])[0]
small_snap = hdr[:16] + struct.pack(endian + 'I', 64) + hdr[20:]
write('caplen-above-snaplen.pcap', 'ok', 'records longer than the file snaplen of 64 (under 256 KiB)',
      small_snap + body)
write('caplen-above-max.pcap', 'partial', 'a record of caplen 300000 (above 256 KiB)',
      hdr + body[:cut] + rec(sec0, frac0, 300000, 300000, b'\0' * 64))
write('caplen-zero.pcap', 'ok', 'records of caplen 0 between good ones',
      hdr + body[:cut] + rec(sec0, frac0, 0, 60, b'') * 3 + body[cut:])
write('caplen-2g.pcap', 'partial', 'a record length of 2^31',
      hdr + body[:cut] + rec(sec0, frac0, 1 << 31, 1 << 31, b'\0' * 64))
write('caplen-4g.pcap', 'partial', 'a record length of 2^32-1',
      hdr + body[:cut] + rec(sec0, frac0, 0xffffffff, 0xffffffff, b'\0' * 64))
write('wire-below-caplen.pcap', 'ok', 'original length 0, smaller than caplen',
      hdr + b''.join(rec(*struct.unpack(endian + 'II', h[:8]), len(f), 0, f) for _, h, f in recs))
write('garbage-after-records.pcap', 'partial', '100 bytes of 0xff after the last record',
      good + b'\xff' * 100)
bad_version = hdr[:4] + struct.pack(endian + 'HH', 9, 9) + hdr[8:]
write('bad-version.pcap', 'fail', 'version 9.9', bad_version + body)
unknown_link = hdr[:20] + struct.pack(endian + 'I', 147) + hdr[24:]
write('unknown-link-type.pcap', 'ok', 'link type 147 (USER0): frames counted, no trace', unknown_link + body)
write('snaplen-zero.pcap', 'ok', 'snaplen 0 in the file header',
      hdr[:16] + struct.pack(endian + 'I', 0) + hdr[20:] + body)
# A record whose fraction of a second is 1.5 s (usec 1500000): the Java reader takes it as a time; a
# version 2.3 file goes to libpcap, whose pcap4j binding cannot build a java.sql.Timestamp from it.
def fraction_over(h):
    out = []
    for i, (_, rh, f) in enumerate(recs):
        sec, frac, cap, wire = struct.unpack(endian + 'IIII', rh)
        out.append(rec(sec, 1500000 if i == half else frac, cap, wire, f))
    return h + b''.join(out)
write('timestamp-fraction-over-1s.pcap', 'ok', 'a record with a fraction of 1.5 s (Java reader)', fraction_over(hdr))
write('timestamp-fraction-over-1s-v23.pcap', 'partial',
      'the same in a version 2.3 file (read by libpcap)', fraction_over(hdr[:4] + struct.pack(endian + 'HH', 2, 3) + hdr[8:]))
# One record of 256 KiB whose bytes are random: parsed and counted as malformed or ignored.
import random
rnd = random.Random(5)
write('random-frame.pcap', 'ok', 'one 256 KiB record of random bytes',
      hdr[:16] + struct.pack(endian + 'I', 262144) + hdr[20:] + rec(sec0, frac0, 262144, 262144,
      bytes(rnd.getrandbits(8) for _ in range(262144))))

# pcapng: blocks are type, total length, body, total length again (draft-ietf-opsawg-pcapng section 3).
ng_end = '<' if goodng[8:12] == b'\x4d\x3c\x2b\x1a' else '>'
def blocks(data):
    out, at = [], 0
    while at + 12 <= len(data):
        btype, blen = struct.unpack(ng_end + 'II', data[at:at + 8])
        out.append((btype, data[at:at + blen]))
        at += blen
    return out
blks = blocks(goodng)
def block(btype, body):
    pad = body + b'\0' * (-len(body) % 4)
    n = 12 + len(pad)
    return struct.pack(ng_end + 'II', btype, n) + pad + struct.pack(ng_end + 'I', n)
epb = [i for i, (t, _) in enumerate(blks) if t == 6]
mid = epb[len(epb) // 2]
before = b''.join(b for _, b in blks[:mid])
after = b''.join(b for _, b in blks[mid:])
write('pcapng-unknown-blocks.pcapng', 'ok', 'pcapng with unknown block types 0x0bad and 0x80000001 inside',
      before + block(0x0BAD, b'hello, reader') + block(0x80000001, b'\x01' * 40) + after)
write('pcapng-garbage.pcapng', 'partial', 'pcapng with 64 bytes of garbage between blocks',
      before + bytes(rnd.getrandbits(8) for _ in range(64)) + after)
write('pcapng-bad-block-length.pcapng', 'partial', 'pcapng block whose length is 7 (not a multiple of 4)',
      before + struct.pack(ng_end + 'II', 6, 7) + b'\0' * 20 + after)
write('pcapng-huge-block.pcapng', 'partial', 'pcapng block claiming 2 GiB',
      before + struct.pack(ng_end + 'II', 6, 0x80000000) + b'\0' * 20)
write('pcapng-truncated.pcapng', 'partial', 'pcapng cut inside a block', goodng[:len(before) + 30])
write('pcapng-trailing-bytes.pcapng', 'partial', 'pcapng with 5 stray bytes at the end', goodng + b'\x01' * 5)
# A second interface description block with another link type (LINKTYPE_RAW), and a packet on it.
idb = [b for t, b in blks if t == 1][0]
idb2 = idb[:8] + struct.pack(ng_end + 'H', 101) + idb[10:]
raw_frame = blks[mid][1][28 + 14:28 + struct.unpack(ng_end + 'I', blks[mid][1][20:24])[0]]
epb2 = block(6, struct.pack(ng_end + 'IIIII', 1, 0, 0, len(raw_frame), len(raw_frame)) + raw_frame)
write('pcapng-mixed-link-types.pcapng', 'ok', 'pcapng with a second interface of another link type (raw IPv4)',
      before + idb2 + epb2 + after)
write('pcapng-only-shb.pcapng', 'ok', 'pcapng section header and nothing else (no packets)', blks[0][1])
# Every length field lying, in the middle packet block (type, total length, interface, ts, ts, caplen, wire...).
e = bytearray(blks[mid][1])
def lie(at, value):
    b = bytearray(e)
    b[at:at + 4] = struct.pack(ng_end + 'I', value)
    return bytes(b)
write('pcapng-caplen-past-block.pcapng', 'partial', 'pcapng packet whose captured length runs past its block',
      before + lie(20, len(e)) + after)
write('pcapng-trailer-differs.pcapng', 'partial', 'pcapng block whose two total lengths differ',
      before + lie(len(e) - 4, len(e) + 4) + after)
write('pcapng-undescribed-interface.pcapng', 'partial', 'pcapng packet on an interface never described',
      before + lie(8, 7) + after)
flags_lie = struct.pack(ng_end + 'HH', 2, 64) + b'\0' * 4
write('pcapng-option-past-block.pcapng', 'partial', 'pcapng packet whose option runs past its block',
      before + block(6, e[8:-4] + flags_lie) + after)
write('pcapng-bad-byte-order.pcapng', 'fail', 'pcapng section header whose byte-order magic is wrong',
      goodng[:8] + b'\x12\x34\x56\x78' + goodng[12:])
with open('cases.tsv', 'a') as f:
    for c in cases:
        f.write('\t'.join(c) + '\n')
PY
