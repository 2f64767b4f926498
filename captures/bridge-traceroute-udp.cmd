ip netns exec tcap-cli traceroute -n -q 3 -m 8 198.18.5.2
# capture: ip netns exec tcap-cli tcpdump -i any -n -U -w bridge-traceroute-udp.pcap
# topology: chain cli-r1-r2-r3-r4-srv, the client's address on bridge br0 whose port is to-r1: each frame captured on br0 and to-r1
# tool ran with: own UTS namespace (hostname tcap-cli), /etc/resolv.conf bind-mounted to 'nameserver 127.0.0.1'
