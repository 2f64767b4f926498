ip netns exec tcap-ctr traceroute -n -q 3 -m 8 198.18.5.2
# capture: ip netns exec tcap-cli tcpdump -i any -n -U -w docker-traceroute-udp.pcap
# topology: chain cli-r1-r2-r3-r4-srv, plus namespace ctr 198.19.17.2 on the client's bridge docker0 198.19.17.1 (veth-ctr its port), the client routing and masquerading it out of to-r1 (as Docker does)
# tool ran with: own UTS namespace (hostname tcap-cli), /etc/resolv.conf bind-mounted to 'nameserver 127.0.0.1'
