package org.tracecap.cli;

/** The text of {@code tracecap trace --help}; its golden copy is src/test/resources/org/tracecap/cli/trace-help.txt. */
final class TraceHelp {
    static final String TEXT = """
            usage: tracecap trace [OPTIONS] HOST [PACKET_LENGTH]
                   tracecap trace [OPTIONS] --targets FILE | HOST HOST... (dotted)

            Traces the path to HOST (an IPv4 or IPv6 address, or a name) live: builds UDP, ICMP
            Echo or TCP SYN probes itself, sends them on one interface with libpcap, captures the
            answers (ICMP or ICMPv6 errors, Echo Replies, SYN-ACK or RST) there and prints
            each hop as soon as it is settled. Needs root, or CAP_NET_RAW and CAP_NET_ADMIN.
            Options and defaults are traceroute's. Ctrl-C stops and prints what was learned.

            options:
              -4                     trace over IPv4: a name to its IPv4 address
              -6                     trace over IPv6: a name to its IPv6 address (default: the
                                     address's family; a name's IPv4 address, else its IPv6 one);
                                     dublin, --multipath -I or -T and campaigns: IPv4 only
              -i, --interface IFACE  send and capture on IFACE (default: the route's interface)
              -f, --first TTL        first TTL probed, 1..255 (default 1)
              -m, --max-hops TTL     highest TTL probed, up to 255 (default 30)
              -q, --queries N        probes per hop, 1..10 (default 3)
              -I, --icmp             probe with ICMP Echo Requests (as traceroute -I)
              -T, --tcp              probe with TCP SYNs to one port (as traceroute -T); the
                                     destination's SYN-ACK or RST ends the trace
              -U, --udp              probe with UDP to one port (as traceroute -U)
              -p, --port PORT        destination port of the first probe, the next probes
                                     take the next ports (default 33434); -U, -T: the port
                                     (default 53, 80); -I: the first sequence number (default 1)
              -w, --wait MAX[,HERE,NEAR]
                                     wait at most MAX seconds for a reply, less once the same
                                     hop (HERE x its RTT) or a later one (NEAR x its RTT)
                                     answered; 0 turns a factor off (default 5,3,10)
              -N, --sim-queries N    probes in flight at once, 1..1024 (default 16)
              -z, --sendwait TIME    least time between two probes: seconds, or milliseconds
                                     when above 10 (default 0)
              -s, --source ADDR      send from ADDR, an address of the interface, of HOST's family
              -t, --tos TOS          IP type of service byte, IPv6 traffic class (default 0)
              -F, --dont-fragment    set the IP Don't Fragment flag
              -n, --numeric          print addresses only, no reverse DNS lookups
              -e, --extensions       show the ICMP extensions of each reply after its responder,
                                     as traceroute -e: MPLS label stacks (RFC 4950) and interface
                                     information (RFC 5837); hop JSON always has them
                  --method METHOD    classic (a destination port per probe), paris (one flow,
                                     probes told apart by UDP checksum and IP ID; -I: one ICMP
                                     checksum, sequence; -T: one flow either way) or dublin
                                     (UDP only: one flow per destination port, IP ID)
                                     (default classic)
                  --flows N          dublin: trace N flows, to ports PORT..PORT+N-1, one after
                                     another, each printed as its own trace, 1..64 (default 1)
                  --multipath        map every path with the Multipath Detection Algorithm (MDA,
                                     as scamper tracelb): flows to ports PORT, PORT+1..., probes
                                     told apart by UDP checksum and IP ID; prints the graph of
                                     routers per TTL and their links (docs/multipath.md); with
                                     -T flows of source ports, with -I of Echo identifiers
                  --confidence C     multipath: 95 or 99, the chance that no next hop is missed
                                     at each router (default 95)
                  --dot FILE         multipath: also write the graph for Graphviz to FILE
                  --gateway-mac MAC  send the probes to MAC, not to the next hop looked up
                  --json             print hop JSON (docs/hop-json.md) instead of the table
              -o, --output FILE      also write hop JSON to FILE (replaced once it is complete)
                  --jsonl            write JSON Lines (the trace on one line), not a document
                  --save-pcap FILE   save every frame sent and captured to FILE (pcap), which
                                     'tracecap replay FILE' reads back
              -h, --help             show this help

            campaign (many destinations at once, one capture; -q is then the attempts per hop,
            as scamper's, a hop being probed until it answers; -w's MAX alone applies):
                  --targets FILE     trace every destination in FILE (- for stdin): one address
                                     or name a line, # comments; read as the campaign goes
                  --rate PPS         probes a second for the whole campaign, 1..100000
                                     (default 100); no router is sent more than its ICMP
                                     rate limit answers (learned as the campaign goes)
                  --start-ttl TTL    Doubletree's first TTL probed (default: the median path
                                     length seen so far, 6 before any)
                  --in-flight N      destinations traced at a time (default 256)
            Each table (or JSON line) is printed as its trace finishes; a hop measured by
            another destination's trace ends in "(from ADDRESS's trace)".

            PACKET_LENGTH is the probes' IP length in bytes, 28..65535 (IPv6: 48.., its header
            included; default 60; -T sends 60-byte SYNs only). tracecap
            does not fragment probes: the length must fit the interface's MTU.

            exit status: 0 done (reached or not), 2 bad usage or a setup error (no privilege,
            unknown interface, unresolvable host, no route, no ARP or Neighbor Advertisement
            answer).
            """;

    private TraceHelp() {
    }
}
