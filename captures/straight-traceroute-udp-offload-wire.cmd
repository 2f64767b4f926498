ip netns exec tcap-cli traceroute -n -q 3 -m 8 198.18.5.2
# capture: ip netns exec tcap-cli tcpdump -i to-r1 -n -U -w straight-traceroute-udp-offload-wire.pcap
# topology: chain cli-r1-r2-r3-r4-srv, everyone answers
# tool ran with: own UTS namespace (hostname tcap-cli), /etc/resolv.conf bind-mounted to 'nameserver 127.0.0.1'
# client tx checksum offload on, a bridge between cli and r1 completes the checksums (OFFLOAD=wire): captured probes carry partial checksums, routers quote the real ones
