ip netns exec tcap-cli traceroute -n -q 3 -m 8 198.18.5.2
# capture: ip netns exec tcap-r1 tcpdump -i any -n -U -w routercap-traceroute-udp.pcap
# topology: chain cli-r1-r2-r3-r4-srv, captured on r1 on all its interfaces: each packet in and out (TTL one lower)
# tool ran with: own UTS namespace (hostname tcap-cli), /etc/resolv.conf bind-mounted to 'nameserver 127.0.0.1'
