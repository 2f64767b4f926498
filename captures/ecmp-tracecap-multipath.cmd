ip netns exec tcap-cli /work/main/tracecap trace --multipath -n 198.18.5.2
# capture: ip netns exec tcap-cli tcpdump -i to-r1 -n -U -w ecmp-tracecap-multipath.pcap
# topology: ECMP diamond cli-r1-{r2a|r2b}-r3-r4-srv, r1 fib_multipath_hash_policy=1 seed=1
# tool ran with: own UTS namespace (hostname tcap-cli), /etc/resolv.conf bind-mounted to 'nameserver 127.0.0.1'
