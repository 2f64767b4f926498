ip netns exec tcap-cli traceroute -6 -n -q 3 -m 8 2001:db8:5::2
# capture: ip netns exec tcap-cli tcpdump -i to-r1 -n -U -w chain6-traceroute-udp.pcap
# topology: dual-stack chain cli-r1-r2-r3-r4-srv, link k also 2001:db8:k::/64 (.1 end ::1, .2 end ::2, nodad), everyone answers
# tool ran with: own UTS namespace (hostname tcap-cli), /etc/resolv.conf bind-mounted to 'nameserver 127.0.0.1'
