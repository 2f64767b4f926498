package org.tracecap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tracecap.testnet.Namespace;
import org.tracecap.testnet.NetnsTopology;

/**
 * {@code tracecap trace} over IPv6 on real Linux routers in network namespaces (root; see {@link NetnsTopology}):
 * client 2001:db8:1::1 -- r1 -- r2 -- server 2001:db8:3::2, link k being 2001:db8:k::/64 with its ::1 on the
 * client side, every address added with {@code nodad}. The client's route goes through r1's link-local address
 * (the kernel's EUI-64 one), which is in no neighbour table when the first trace starts: the gateway's MAC comes
 * from a Neighbor Solicitation tracecap sends and the Advertisement it captures.
 */
class TraceIpv6LiveTest {
    private static final String SERVER = "2001:db8:3::2";
    private static final String CLIENT_MAC = "02:00:c6:12:01:01";
    private static final String R1_MAC = "02:00:c6:12:01:02";
    private static final List<String> RESPONDERS = List.of("2001:db8:1::2", "2001:db8:2::2", SERVER);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Namespace[] chain(NetnsTopology net) {
        Namespace client = net.host("client");
        Namespace r1 = net.host("r1");
        Namespace r2 = net.host("r2");
        Namespace server = net.host("server");
        client.enableIpv6(false);
        r1.enableIpv6(true);
        r2.enableIpv6(true);
        server.enableIpv6(false);
        net.link(client, "to-r1", null, CLIENT_MAC, r1, "to-client", null, R1_MAC);
        net.link(r1, "to-r2", null, "02:00:c6:12:02:01", r2, "to-r1", null, "02:00:c6:12:02:02");
        net.link(r2, "to-server", null, "02:00:c6:12:03:01", server, "to-r2", null, "02:00:c6:12:03:02");
        client.address6("to-r1", "2001:db8:1::1/64");
        r1.address6("to-client", "2001:db8:1::2/64");
        r1.address6("to-r2", "2001:db8:2::1/64");
        r2.address6("to-r1", "2001:db8:2::2/64");
        r2.address6("to-server", "2001:db8:3::1/64");
        server.address6("to-r2", "2001:db8:3::2/64");
        client.run("ip", "-6", "route", "add", "2001:db8::/32", "via", Namespace.linkLocal(R1_MAC), "dev", "to-r1");
        r1.run("ip", "-6", "route", "add", "2001:db8:3::/64", "via", "2001:db8:2::2");
        r2.run("ip", "-6", "route", "add", "2001:db8:1::/64", "via", "2001:db8:2::1");
        server.run("ip", "-6", "route", "add", "2001:db8::/32", "via", "2001:db8:3::1");
        return new Namespace[] {client, r1, r2, server};
    }

    /** Each hop's responders from the table, "*" for a probe unanswered (-n output, three probes a hop). */
    private static List<List<String>> responders(List<String> tableLines) {
        List<List<String>> hops = new ArrayList<>();
        for (String line : tableLines.subList(1, tableLines.size())) {
            List<String> probes = new ArrayList<>();
            String last = null;
            for (String word : line.strip().split("\\s+")) {
                if (word.equals("*")) {
                    probes.add("*");
                } else if (word.contains(":")) {
                    last = word;
                } else if (word.equals("ms")) {
                    probes.add(last);
                }
            }
            hops.add(probes);
        }
        return hops;
    }

    private static List<List<String>> threeEach(List<String> addresses) {
        return addresses.stream().map(a -> List.of(a, a, a)).toList();
    }

    /**
     * UDP (classic, Paris, -U, from -s), ICMPv6 Echo and TCP SYN: the same responders per hop as {@code traceroute -6} on the same
     * chain; the first trace resolves the link-local gateway by Neighbor Solicitation, and its capture replays to
     * the same hops.
     */
    @Test
    @Timeout(180)
    void chainBesideTraceroute6(@TempDir Path dir) throws Exception {
        try (NetnsTopology net = NetnsTopology.create()) {
            Namespace[] nodes = chain(net);
            Namespace client = nodes[0];
            // traceroute -6 sends 16 probes at once: with the kernel's ICMPv6 rate limit the destination answers
            // only a burst of them and traceroute prints stars (tracecap paces itself, rule 4 of Tracer).
            for (Namespace ns : nodes) {
                ns.sysctl("net.ipv6.icmp.ratelimit", "0");
            }
            Path json = dir.resolve("trace.json");
            Path pcap = dir.resolve("trace.pcap");
            String neighbours = client.run("ip", "-6", "neigh", "show", "dev", "to-r1");
            assertTrue(!neighbours.contains(R1_MAC), "the gateway is not in the neighbour table yet: " + neighbours);
            CliRun udp = client.call(() -> CliRun.of("trace", "-n", "-o", json.toString(), "--save-pcap",
                    pcap.toString(), SERVER));
            assertEquals(0, udp.status(), udp.err());
            assertEquals("traceroute to 2001:db8:3::2 (2001:db8:3::2) from 2001:db8:1::1, udp (tracecap, probes told"
                    + " apart by udp-destination-port), 30 hops max, 60 byte packets", udp.outLines().get(0));
            assertEquals(threeEach(RESPONDERS), responders(udp.outLines()), udp.out());
            JsonNode trace = JSON.readTree(json.toFile()).path("traces").get(0);
            assertEquals("reached", trace.path("stop").path("reason").asText());
            assertEquals("2001:db8:1::1", trace.path("source").asText());
            assertEquals(CLIENT_MAC, trace.path("live").path("source_mac").asText());
            assertEquals(R1_MAC, trace.path("live").path("gateway_mac").asText(), "from the Advertisement");

            CliRun replay = CliRun.of("replay", "-n", pcap.toString());
            assertEquals(0, replay.status(), replay.err());
            assertEquals(threeEach(RESPONDERS), responders(replay.outLines()), replay.out());

            NetnsTopology.Result tr = client.exec(Duration.ofSeconds(60), "traceroute", "-6", "-n", "-q", "3",
                    SERVER);
            assertEquals(0, tr.exit(), tr.stderr());
            List<String> trLines = tr.stdout().lines().toList();
            assertEquals(responders(trLines), responders(udp.outLines()), tr.stdout());

            // The kernel knows r1 now (traceroute's packets went through it): -I takes its MAC from ip -6 neigh.
            // -T: SYNs to port 80, where nothing listens: the server's RST ends the trace.
            for (List<String> args : List.of(List.of("-I"), List.of("--method", "paris"),
                    List.of("-I", "--method", "paris"), List.of("-T"), List.of("-U"), List.of("-s", "2001:db8:1::1"))) {
                List<String> command = new ArrayList<>(List.of("trace", "-n"));
                command.addAll(args);
                command.add(SERVER);
                CliRun run = client.call(() -> CliRun.of(command.toArray(new String[0])));
                assertEquals(0, run.status(), args + ": " + run.err());
                assertEquals(threeEach(RESPONDERS), responders(run.outLines()), args + ": " + run.out());
            }
        }
    }

    /**
     * A router that sends no Time Exceeded (ip6tables drops them on its way out) is a line of stars; a
     * destination that rejects the probes with ICMPv6 administratively prohibited ends the trace with {@code !X}.
     */
    @Test
    @Timeout(180)
    void silentRouterAndProhibitedDestination(@TempDir Path dir) throws Exception {
        try (NetnsTopology net = NetnsTopology.create()) {
            Namespace[] nodes = chain(net);
            nodes[2].run("ip6tables", "-w", "-A", "OUTPUT", "-p", "icmpv6", "--icmpv6-type", "time-exceeded",
                    "-j", "DROP");
            nodes[3].run("ip6tables", "-w", "-A", "INPUT", "-p", "udp", "-j", "REJECT", "--reject-with",
                    "icmp6-adm-prohibited");
            Path json = dir.resolve("trace.json");
            CliRun run = nodes[0].call(() -> CliRun.of("trace", "-n", "-w", "1", "-o", json.toString(), SERVER));
            assertEquals(0, run.status(), run.err());
            List<String> lines = run.outLines();
            assertEquals(4, lines.size(), run.out());
            assertEquals(" 2  * * *", lines.get(2));
            assertTrue(lines.get(3).matches(" 3  2001:db8:3::2(  \\d+\\.\\d{3} ms !X){3}"), lines.get(3));
            JsonNode stop = JSON.readTree(json.toFile()).path("traces").get(0).path("stop");
            assertEquals("unreachable", stop.path("reason").asText(), stop.toString());
        }
    }

    /**
     * An ECMP diamond over IPv6: r1 balances 2001:db8:5::/64 over b1 and b2 by the 5-tuple
     * ({@code net.ipv6.fib_multipath_hash_policy=1}). {@code --method paris} keeps its one flow on one branch;
     * {@code --multipath} finds both (its flows differ in destination port and flow label).
     */
    @Test
    @Timeout(180)
    void ecmpDiamondParisAndMultipath() throws Exception {
        try (NetnsTopology net = NetnsTopology.create()) {
            String[] roles = {"client", "r1", "b1", "b2", "r3", "server"};
            java.util.Map<String, Namespace> n = new java.util.HashMap<>();
            for (String role : roles) {
                Namespace ns = net.host(role);
                ns.enableIpv6(role.startsWith("r") || role.startsWith("b"));
                ns.sysctl("net.ipv6.icmp.ratelimit", "0");
                n.put(role, ns);
            }
            String[][] links = {{"client", "r1", "1"}, {"r1", "b1", "11"}, {"r1", "b2", "12"}, {"b1", "r3", "21"},
                {"b2", "r3", "22"}, {"r3", "server", "5"}};
            for (String[] l : links) {
                net.link(n.get(l[0]), "to-" + l[1], null, n.get(l[1]), "to-" + l[0], null);
                n.get(l[0]).address6("to-" + l[1], "2001:db8:" + l[2] + "::1/64");
                n.get(l[1]).address6("to-" + l[0], "2001:db8:" + l[2] + "::2/64");
            }
            n.get("client").run("ip", "-6", "route", "add", "2001:db8::/32", "via", "2001:db8:1::2");
            n.get("server").run("ip", "-6", "route", "add", "2001:db8::/32", "via", "2001:db8:5::1");
            for (int i = 1; i <= 2; i++) {
                n.get("b" + i).run("ip", "-6", "route", "add", "2001:db8:1::/64", "via", "2001:db8:1" + i + "::1");
                n.get("b" + i).run("ip", "-6", "route", "add", "2001:db8:5::/64", "via", "2001:db8:2" + i + "::2");
            }
            n.get("r3").run("ip", "-6", "route", "add", "2001:db8:1::/64", "via", "2001:db8:21::1");
            n.get("r1").sysctl("net.ipv6.fib_multipath_hash_policy", "1");
            n.get("r1").run("ip", "-6", "route", "add", "2001:db8:5::/64", "nexthop", "via", "2001:db8:11::2",
                    "nexthop", "via", "2001:db8:12::2");
            String server = "2001:db8:5::2";
            List<String> branches = List.of("2001:db8:11::2", "2001:db8:12::2");

            CliRun paris = n.get("client").call(() -> CliRun.of("trace", "-n", "--method", "paris", server));
            assertEquals(0, paris.status(), paris.err());
            List<List<String>> hops = responders(paris.outLines());
            assertEquals(4, hops.size(), paris.out());
            assertTrue(branches.contains(hops.get(1).get(0)), paris.out());
            // r3 answers from its address on the link the probe came in by: 2001:db8:2i::2 after branch bi.
            String after = hops.get(1).get(0).equals(branches.get(0)) ? "2001:db8:21::2" : "2001:db8:22::2";
            assertEquals(threeEach(List.of("2001:db8:1::2", hops.get(1).get(0), after, server)), hops,
                    "one flow, one branch: " + paris.out());

            // dublin over IPv6: each flow a fixed 5-tuple (destination port 33434 + f) numbering its probes by the
            // UDP checksum; every flow stays on one branch, and the flows' traces say which
            CliRun dublin = n.get("client").call(() -> CliRun.of("trace", "-n", "--method", "dublin", "--flows", "4",
                    "--json", server));
            assertEquals(0, dublin.status(), dublin.err());
            com.fasterxml.jackson.databind.JsonNode traces = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(dublin.out()).path("traces");
            assertEquals(4, traces.size(), dublin.out());
            for (com.fasterxml.jackson.databind.JsonNode t : traces) {
                assertEquals("udp-checksum", t.path("method").path("probe_identity").asText(), dublin.out());
                java.util.Set<String> second = new java.util.HashSet<>();
                for (com.fasterxml.jackson.databind.JsonNode p : t.path("hops").get(1).path("probes")) {
                    if (p.path("answered").asBoolean()) {
                        second.add(p.path("responder").asText());
                    }
                }
                assertEquals(1, second.size(), "one flow, one branch: " + dublin.out());
                assertTrue(branches.containsAll(second), dublin.out());
                assertEquals(server, t.path("hops").get(3).path("probes").get(0).path("responder").asText(),
                        dublin.out());
            }

            // The MDA stops at 95% confidence: its random source port sends all 6 flows of hop 2 down one branch
            // in about 3% of runs, and it rightly reports one; a few runs make that vanishingly rare.
            CliRun mda = null;
            for (int attempt = 0; attempt < 3; attempt++) {
                mda = n.get("client").call(() -> CliRun.of("trace", "-n", "--multipath", server));
                assertEquals(0, mda.status(), mda.err());
                if (mda.out().contains(branches.get(0)) && mda.out().contains(branches.get(1))) {
                    break;
                }
            }
            for (String b : branches) {
                assertTrue(mda.out().contains(b), "both branches: " + mda.out());
            }
            assertTrue(mda.out().contains(server), mda.out());
        }
    }

    /** -4 with an IPv6 address, --multipath -I over IPv6: one line each, exit 2, before any probe. */
    @Test
    void refusedOverIpv6() {
        for (List<String> args : List.of(List.of("-4", SERVER), List.of("-6", "198.18.3.2"),
                List.of("--method", "dublin", SERVER, "48"), List.of("--multipath", "-I", SERVER),
                List.of("-s", "198.18.1.1", SERVER), List.of(SERVER, "40"))) {
            List<String> command = new ArrayList<>(List.of("trace"));
            command.addAll(args);
            CliRun run = CliRun.of(command.toArray(new String[0]));
            assertEquals(2, run.status(), args + ": " + run.err());
            assertEquals(2, run.errLines().size(), args + ": " + run.err());
            assertTrue(run.errLines().get(0).startsWith("tracecap: "), run.err());
        }
    }
}
