# Multipath discovery (MDA): scamper tracelb beside tracecap trace --multipath on fresh load-balanced
# namespace topologies (bench/multipath_net.py: ECMP diamonds of width 2 and 4, a diamond behind a diamond,
# the width-2 diamond again with Linux's ICMP rate limits on, and a per-packet balancer): wall time, probes
# on the wire (tcpdump on the client's interface) beside each tool's own count, and nodes and links found
# against the ground truth. Needs root (network namespaces), scamper and tcpdump (installed by bench/run),
# and nft for the per-packet balancer. Sourced by bench/run.
echo
echo "multipath discovery: fresh load-balanced topology per run, median of $RUNS runs"
if [ "$(id -u)" != 0 ]; then
    echo "  not measured: multipath discovery in network namespaces needs root"
else
    python3 bench/multipath-times.py "$RUNS"
fi
