ip netns exec tcap-cli scamper -O text -c 'trace -P udp-paris -q 3 -m 8' -i 198.18.5.2
# capture: ip netns exec tcap-cli tcpdump -i to-r1 -n -U -w straight-scamper-udp-paris.pcap
# topology: chain cli-r1-r2-r3-r4-srv, everyone answers
# tool ran with: own UTS namespace (hostname tcap-cli), /etc/resolv.conf bind-mounted to 'nameserver 127.0.0.1'
