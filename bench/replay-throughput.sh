#!/usr/bin/env bash
# Replay throughput, side by side with the peers, in one run on this machine.
#
#   bench/replay-throughput.sh [PACKETS] [RUNS]     (defaults: 1000000 packets, 5 runs)
#
# Makes (once) a capture of about PACKETS packets of real traces with bench/make-big-capture.py, then
# times, RUNS times each, the whole process of:
#   tracecap replay -n --jsonl -o OUT FILE   (all traces reconstructed into hop JSON Lines)
#   tshark -r FILE -T fields -e ...           (the same fields: addresses, TTL, IP ID, ports, ICMP type,
#                                              code, id/seq, and the quoted inner headers)
#   tcpdump -nr FILE                          (decode and print every packet)
#   tcpdump -r FILE -w /dev/null              (libpcap's own read speed: the floor)
# and prints the median wall time, packets/s, peak RSS and the ratio to tracecap.
set -euo pipefail
cd "$(dirname "$0")/.."
PACKETS=${1:-1000000}
RUNS=${2:-5}
WORK=${BENCH_DIR:-/tmp/tracecap-bench}
mkdir -p "$WORK"
FILE="$WORK/big-$PACKETS.pcap"

need=()
command -v tshark >/dev/null || need+=(tshark)
command -v tcpdump >/dev/null || need+=(tcpdump)
[ -x /usr/bin/time ] || need+=(time)
command -v python3 >/dev/null || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
        echo "installing ${need[*]}..." >&2
        export DEBIAN_FRONTEND=noninteractive
        echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
        apt-get update -qq >/dev/null && apt-get install -y -qq "${need[@]}" >/dev/null
    else
        echo "bench needs ${need[*]}: run  sudo apt-get install ${need[*]}" >&2
        exit 2
    fi
fi

[ -s "$FILE" ] || python3 bench/make-big-capture.py --packets "$PACKETS" "$FILE"
./tracecap --version >/dev/null   # builds on first use, outside the timings
count=$(capinfos -M -c "$FILE" 2>/dev/null | awk -F: '/Number of packets/ {gsub(/ /, "", $2); print $2}')

TSHARK_FIELDS=(-e frame.time_epoch -e ip.src -e ip.dst -e ip.proto -e ip.ttl -e ip.id -e udp.srcport
    -e udp.dstport -e udp.checksum -e tcp.srcport -e tcp.dstport -e tcp.seq_raw -e icmp.type -e icmp.code
    -e icmp.ident -e icmp.seq)

declare -A NAME CMD
NAME[1]="tracecap replay --jsonl";  CMD[1]="./tracecap replay -n --jsonl -o $WORK/out.jsonl $FILE"
NAME[2]="tshark -T fields";         CMD[2]="tshark -n -r $FILE -T fields ${TSHARK_FIELDS[*]}"
NAME[3]="tcpdump -nr";              CMD[3]="tcpdump -nr $FILE"
NAME[4]="tcpdump -w /dev/null";     CMD[4]="tcpdump -r $FILE -w /dev/null"

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

echo "replay throughput: $FILE, $count packets, median of $RUNS runs, $(nproc) cores, $(date -u +%FT%TZ)"
printf '%-26s %10s %14s %12s %10s\n' command "wall s" "packets/s" "peak RSS MB" "vs tracecap"
base=""
for i in 1 2 3 4; do
    walls=(); rss=()
    for _ in $(seq "$RUNS"); do
        out=$( { /usr/bin/time -f '%e %M' bash -c "${CMD[$i]} >/dev/null 2>/dev/null"; } 2>&1 | tail -1)
        walls+=("${out% *}"); rss+=("${out#* }")
    done
    w=$(printf '%s\n' "${walls[@]}" | median)
    r=$(printf '%s\n' "${rss[@]}" | median)
    [ -n "$base" ] || base=$w
    awk -v n="${NAME[$i]}" -v w="$w" -v c="$count" -v r="$r" -v b="$base" \
        'BEGIN {printf "%-26s %10.2f %14.0f %12.0f %9.2fx\n", n, w, c / w, r / 1024, w / b}'
done
