ip netns exec tcap-cli traceroute -6 -n -q 3 -m 8 2001:db8:5::2
# capture: ip netns exec tcap-cli tcpdump -i to-r1 -n -U -w ecmp6-traceroute-udp.pcap
# topology: dual-stack ECMP diamond cli-r1-{r2a|r2b}-r3-r4-srv (link k also 2001:db8:k::/64), r1 net.ipv6.fib_multipath_hash_policy=1
# tool ran with: own UTS namespace (hostname tcap-cli), /etc/resolv.conf bind-mounted to 'nameserver 127.0.0.1'
