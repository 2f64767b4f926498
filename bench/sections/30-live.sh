# Live tracing: trace time and whole-process time of tracecap beside Debian traceroute and scamper, on
# fresh namespace topologies (straight chain; a silent hop; the chain dual-stack, IPv4 beside IPv6). Needs
# root (network namespaces), and traceroute and scamper (installed by bench/run). Sourced by bench/run.
echo
echo "live tracing: fresh 5-hop chain of Linux routers in network namespaces per run, median of $RUNS runs"
if [ "$(id -u)" != 0 ]; then
    echo "  not measured: live tracing in network namespaces needs root"
else
    python3 bench/live-times.py "$RUNS"
    echo "  targets: trace time within 2x of traceroute's; whole process within 0.5 s on the straight chain;"
    echo "  dual: tracecap v6 (IPv6) within the whole-process time of tracecap (IPv4) on the same chain"
fi
