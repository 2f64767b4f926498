ip netns exec tcap-cli traceroute -6 -n -q 3 -m 8 2001:db8:5::2
# capture: ip netns exec tcap-cli tcpdump -i to-r1 -n -U -w silent6-traceroute-udp.pcap
# topology: dual-stack chain, r2 drops its outgoing ICMPv6 time-exceeded (ip6tables OUTPUT)
# tool ran with: own UTS namespace (hostname tcap-cli), /etc/resolv.conf bind-mounted to 'nameserver 127.0.0.1'
