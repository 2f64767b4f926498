ip netns exec tcap-cli dublin-traceroute -n 2 -T 8 198.18.5.2
# capture: ip netns exec tcap-cli tcpdump -i to-r1 -n -U -w straight-dublin.pcap
# topology: chain cli-r1-r2-r3-r4-srv, everyone answers
# tool ran with: own UTS namespace (hostname tcap-cli), /etc/resolv.conf bind-mounted to 'nameserver 127.0.0.1'
# client has an extra 'default via 198.18.1.2' (needed by dublin-traceroute)
