# Short-command latency: whole process (JVM start included) of tracecap --help and of a replay of a small
# bundled capture, beside tshark and tcpdump reading the same capture. Sourced by bench/run.
small=captures/straight-traceroute-udp.pcap
fields=(-e frame.time_epoch -e ip.src -e ip.dst -e ip.proto -e ip.ttl -e ip.id -e udp.srcport -e udp.dstport
    -e icmp.type -e icmp.code)

echo
echo "short commands: whole process, hyperfine median (3 warm-up runs), peak RSS median of $RUNS runs"
printf '  %-52s %9s %9s %9s\n' command "median ms" "stddev" "RSS MB"
short_row() {
    local name=$1
    shift
    latency "$@"
    measure "$@"
    printf '  %-52s %9s %9s %9s\n' "$name" "$LAT_MS" "$LAT_SD" "$RSS_MB"
}
short_row "tracecap --help" ./tracecap --help
short_row "tracecap replay -n $(basename "$small")" ./tracecap replay -n "$small"
short_row "tracecap replay -n --json $(basename "$small")" ./tracecap replay -n --json "$small"
short_row "tshark -T fields $(basename "$small")" tshark -n -r "$small" -T fields "${fields[@]}"
short_row "tcpdump -nr $(basename "$small")" tcpdump -nr "$small"
echo "  target: tracecap --help and the small replay <= 300 ms"
