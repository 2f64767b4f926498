# Replay throughput: a capture of about $PACKETS packets of real traces, whole process, beside the peers.
#   tracecap replay -n --jsonl -o OUT FILE  every trace reconstructed into hop JSON Lines (tables to /dev/null)
#   the same, FILE.pcapng                    the same packets as pcapng (editcap -F pcapng: one section, one
#                                           interface, Enhanced Packet Blocks): must be as fast as classic pcap
#   tshark -T fields -e ...                 the same fields: addresses, protocol, TTL, IP ID, ports, UDP
#                                           checksum, TCP sequence, ICMP type, code, id and sequence
#   tcpdump -nr FILE                        decode and print every packet
#   tcpdump -r FILE -w /dev/null            libpcap's own read speed: the floor
# Sourced by bench/run (WORK, RUNS, PACKETS and the helpers of bench/lib.sh are set).
big="$WORK/big-$PACKETS.pcap"
[ -s "$big" ] || python3 bench/make-big-capture.py --packets "$PACKETS" "$big"
bigng="$WORK/big-$PACKETS.pcapng"
[ -s "$bigng" ] || editcap -F pcapng "$big" "$bigng"
count=$(capinfos -M -c "$big" | awk -F: '/Number of packets/ {gsub(/ /, "", $2); print $2}')
fields=(-e frame.time_epoch -e ip.src -e ip.dst -e ip.proto -e ip.ttl -e ip.id -e udp.srcport -e udp.dstport
    -e udp.checksum -e tcp.srcport -e tcp.dstport -e tcp.seq_raw -e icmp.type -e icmp.code -e icmp.ident
    -e icmp.seq)

echo
echo "replay throughput: $count packets ($(du -m "$big" | cut -f1) MB), median of $RUNS runs"
printf '  %-30s %8s %12s %9s %13s\n' command "wall s" "packets/s" "RSS MB" "wall vs tc"
# Each tracecap run writes a new file: the previous run's output is removed first, untimed (and what is
# left to write back is flushed). Replacing a file of 120 MB is the file system's work, not tracecap's:
# ext4 frees its blocks in the rename that puts the new output in place, 40-100 ms here (mounted with
# discard), which the peers, writing to /dev/null, never pay. The figure with the old file in place is
# printed too.
fresh="rm -f '$WORK/out.jsonl'; sync"
# The classic pcap and the pcapng of the same packets alternately, run after run: the comparison between
# the two stays fair when the machine's load changes during the runs.
MEASURE_BEFORE=$fresh measure_pair ./tracecap replay -n --jsonl -o "$WORK/out.jsonl" "$big" \
    -- ./tracecap replay -n --jsonl -o "$WORK/out.jsonl" "$bigng"
base=$WALL_A
tracecap_rss=$RSS_MB_A
throughput_row "tracecap replay --jsonl" "$WALL_A" "$count" "$RSS_MB_A" "$base"
throughput_row "tracecap replay --jsonl, pcapng" "$WALL_B" "$count" "$RSS_MB_B" "$base"
measure tshark -n -r "$big" -T fields "${fields[@]}"
throughput_row "tshark -T fields" "$WALL" "$count" "$RSS_MB" "$base"
measure tcpdump -nr "$big"
throughput_row "tcpdump -nr" "$WALL" "$count" "$RSS_MB" "$base"
measure tcpdump -r "$big" -w /dev/null
throughput_row "tcpdump -r -w /dev/null" "$WALL" "$count" "$RSS_MB" "$base"
MEASURE_BEFORE="sync" measure ./tracecap replay -n --jsonl -o "$WORK/out.jsonl" "$big"
throughput_row "tracecap, replacing its output" "$WALL" "$count" "$RSS_MB" "$base"
echo "  target: tracecap >= 1000000 packets/s"

# IPv6 (issue 13): a capture of the same size made the same way from the IPv6 captures (traceroute -6, mtr -6,
# scamper -6), replayed beside one made from the IPv4 captures of the same tools on the same topologies (the
# IPv6 cases' twins: the whole IPv4 mix has other tools, and the traces per packet, hence the JSON written,
# differ), run after run alternately; IPv6 packets per second within 10% of IPv4's is the target.
big6="$WORK/big6-$PACKETS.pcap"
[ -s "$big6" ] || python3 bench/make-big-capture.py --family 6 --packets "$PACKETS" "$big6"
big46="$WORK/big4twins-$PACKETS.pcap"
[ -s "$big46" ] || python3 bench/make-big-capture.py --family 4 --counterparts --packets "$PACKETS" "$big46"
count4=$(capinfos -M -c "$big46" | awk -F: '/Number of packets/ {gsub(/ /, "", $2); print $2}')
count6=$(capinfos -M -c "$big6" | awk -F: '/Number of packets/ {gsub(/ /, "", $2); print $2}')
MEASURE_BEFORE=$fresh measure_pair ./tracecap replay -n --jsonl -o "$WORK/out.jsonl" "$big46" \
    -- ./tracecap replay -n --jsonl -o "$WORK/out.jsonl" "$big6"
echo
echo "replay by family (the same tools and topologies): IPv4 $count4 packets, IPv6 $count6 packets, median of $RUNS runs"
printf '  %-30s %8s %12s %9s %13s\n' command "wall s" "packets/s" "RSS MB" "wall vs tc"
throughput_row "tracecap replay --jsonl, IPv4" "$WALL_A" "$count4" "$RSS_MB_A" "$WALL_A"
throughput_row "tracecap replay --jsonl, IPv6" "$WALL_B" "$count6" "$RSS_MB_B" "$WALL_A"
awk -v a="$WALL_A" -v b="$WALL_B" -v ca="$count4" -v cb="$count6" \
    'BEGIN {printf "  IPv6 packets/s = %.0f%% of IPv4 (target: 90%% or more)\n", (b > 0 && a > 0 ? 100 * (cb / b) / (ca / a) : 0)}'

# Memory is bounded by the traces open at once, not by the file: a quarter of the capture needs about as
# much as all of it.
quarter="$WORK/big-$((PACKETS / 4)).pcap"
[ -s "$quarter" ] || python3 bench/make-big-capture.py --packets "$((PACKETS / 4))" "$quarter" 2>/dev/null
MEASURE_BEFORE=$fresh measure ./tracecap replay -n --jsonl -o "$WORK/out.jsonl" "$quarter"
echo "  tracecap peak RSS: $RSS_MB MB at $((PACKETS / 4)) packets, $tracecap_rss MB at $count packets"
