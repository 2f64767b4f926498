ip netns exec tcap-cli traceroute -n -T -q 3 -m 8 198.18.5.2
# capture: ip netns exec tcap-cli tcpdump -i to-r1 -n -U -w listening-traceroute-tcp.pcap
# topology: chain cli-r1-r2-r3-r4-srv, srv listens on TCP port 80 (python3 -m http.server)
# tool ran with: own UTS namespace (hostname tcap-cli), /etc/resolv.conf bind-mounted to 'nameserver 127.0.0.1'
