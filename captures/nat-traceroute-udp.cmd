ip netns exec tcap-cli traceroute -n -q 3 -m 8 198.18.5.2
# capture: ip netns exec tcap-cli tcpdump -i to-r1 -n -U -w nat-traceroute-udp.pcap
# topology: chain cli-r1-r2-r3-r4-srv, r2 masquerades what leaves to-r3 (iptables MASQUERADE, conntrack)
# tool ran with: own UTS namespace (hostname tcap-cli), /etc/resolv.conf bind-mounted to 'nameserver 127.0.0.1'
