# Campaigns (many targets at once): tracecap trace --targets FILE beside scamper -c "trace -P udp-paris" -p RATE
# -f FILE, on a fan of namespaces with Linux's ICMP rate limits on (bench/campaign-times.py: 4 leaves, 63 targets
# each on their loopbacks, 100 probes a second): wall time, probes on the wire, targets complete and right, wrong
# hops, and the floor the routers' rate limits impose; then tracecap alone on 1000 and 4000 targets (rate limits
# off, 1000 probes a second) for how time and memory grow. One run per figure (a run takes minutes: the limits
# make it slow by design). Needs root, scamper, sc_warts2json and tcpdump. Sourced by bench/run.
echo
echo "campaigns: fresh fan topology per run, one run each"
if [ "$(id -u)" != 0 ]; then
    echo "  not measured: campaigns in network namespaces need root"
else
    python3 bench/campaign-times.py 63 100 250 1000
fi
