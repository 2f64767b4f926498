ip netns exec tcap-cli traceroute -q 3 -m 8 198.18.5.2
# capture: ip netns exec tcap-cli tcpdump -i to-r1 -n -U -w resolver-traceroute-udp.pcap
# topology: chain cli-r1-r2-r3-r4-srv, the client's resolver is the destination 198.18.5.2, where no DNS server listens
# tool ran with: own UTS namespace (hostname tcap-cli), /etc/resolv.conf bind-mounted to 'nameserver 198.18.5.2'
