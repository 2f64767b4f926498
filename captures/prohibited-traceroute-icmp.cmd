ip netns exec tcap-cli traceroute -n -I -q 3 -m 8 198.18.5.2
# capture: ip netns exec tcap-cli tcpdump -i to-r1 -n -U -w prohibited-traceroute-icmp.pcap
# topology: chain, srv INPUT rejects udp/icmp/tcp with icmp-admin-prohibited
# tool ran with: own UTS namespace (hostname tcap-cli), /etc/resolv.conf bind-mounted to 'nameserver 127.0.0.1'
