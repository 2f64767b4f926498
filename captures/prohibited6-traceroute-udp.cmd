ip netns exec tcap-cli traceroute -6 -n -q 3 -m 8 2001:db8:5::2
# capture: ip netns exec tcap-cli tcpdump -i to-r1 -n -U -w prohibited6-traceroute-udp.pcap
# topology: dual-stack chain, srv INPUT rejects udp, tcp and ICMPv6 echo requests with icmp6-adm-prohibited (ip6tables)
# tool ran with: own UTS namespace (hostname tcap-cli), /etc/resolv.conf bind-mounted to 'nameserver 127.0.0.1'
