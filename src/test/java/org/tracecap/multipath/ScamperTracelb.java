package org.tracecap.multipath;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Debian's scamper (20211212) running the MDA, {@code tracelb}, inside the client namespace of a
 * {@link MultipathNet}, and what it found as a {@link MultipathGraph}:
 *
 * <pre>
 * scamper -O json -c 'tracelb -P udp-dport -c 95' -i 198.18.5.2
 * </pre>
 *
 * <p>udp-dport: each flow is one UDP destination port from 33435 up (the flowid), source port fixed; scamper
 * waits 250 ms between probes (-W 25) and 5 s for a reply (-w 5). Its JSON (one object per line; the one of
 * type "tracelb" holds the result, with "probec", the probes it sent) is a graph of scamper's own shape:
 *
 * <ul>
 *   <li>a node is an address where paths branch or join, not every address: in a diamond that starts at the
 *       first hop, scamper makes one link from r1 to the join router through a hop it holds as one probe set
 *       of several addresses, printed as {@code 198.18.1.2 -> (198.18.11.2, 198.18.12.2) -> 198.18.21.2};
 *   <li>a node with one link (linkc 1) lists that link's hops: "links" is a list of hops, each a list of
 *       {addr, probes}, the last hop being the link's target node;
 *   <li>a node with several links (linkc > 1) lists their targets: "links" is one list of {addr, probes}, one
 *       per link (each link one hop long in our topologies);
 *   <li>each probe has its TTL, its flowid and its replies; "*" is an unanswered hop.
 * </ul>
 *
 * <p>{@link #parse} flattens that into (TTL, address) nodes, the TTL from the probes that address answered,
 * and links between consecutive hops: all pairs when either hop has one address, otherwise only pairs seen
 * on one flowid at consecutive TTLs.
 */
final class ScamperTracelb {
    static final String COMMAND = "tracelb -P udp-dport -c %d";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One run: the graph found, scamper's own probe count ({@code probec}), the packets the client really
     * sent (tcpdump), and the wall time of the scamper process.
     */
    record Result(MultipathGraph graph, int probec, int packetsSent, Duration wall, String json) {
    }

    private ScamperTracelb() {
    }

    /** Runs tracelb at {@code confidence} (95 or 99) from the client to the server of {@code net}. */
    static Result run(MultipathNet net, int confidence) throws Exception {
        ClientRun r = ClientRun.command(net, "scamper", "-O", "json", "-c", String.format(COMMAND, confidence),
                "-i", net.server());
        if (r.exit() != 0) {
            throw new IllegalStateException("scamper exited " + r.exit() + ": " + r.stderr().strip());
        }
        Parsed p = parse(r.stdout());
        return new Result(p.graph(), p.probec(), r.packetsSent(), r.wall(), r.stdout());
    }

    /** What {@link #parse} reads from scamper's JSON. */
    record Parsed(MultipathGraph graph, int probec) {
    }

    /** The graph and probe count of the tracelb object in scamper's JSON output (lines of JSON). */
    static Parsed parse(String output) {
        JsonNode doc = null;
        try {
            for (String line : output.lines().toList()) {
                if (!line.isBlank()) {
                    JsonNode d = JSON.readTree(line);
                    if ("tracelb".equals(d.path("type").asText())) {
                        doc = d;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (doc == null) {
            throw new IllegalArgumentException("no tracelb object in scamper's output: " + output);
        }
        // (flowid, ttl) -> the address that answered it
        Map<List<Integer>, String> flows = new HashMap<>();
        record Chain(String from, List<Set<Hop>> hops) {
        }
        List<Chain> chains = new ArrayList<>();
        for (JsonNode node : doc.path("nodes")) {
            List<JsonNode> groups = new ArrayList<>();
            node.path("links").forEach(groups::add);
            if (node.path("linkc").asInt(1) > 1 && !groups.isEmpty()) {
                groups = groups.subList(0, 1); // one list of every link's target
            }
            List<Set<Hop>> hops = new ArrayList<>();
            for (JsonNode group : groups) {
                Set<Hop> hop = new HashSet<>();
                for (JsonNode h : group) {
                    String addr = h.path("addr").asText("*");
                    for (JsonNode p : h.path("probes")) {
                        if (p.path("replyc").asInt() > 0 && !addr.equals("*")) {
                            hop.add(new Hop(p.path("ttl").asInt(), addr));
                            flows.put(List.of(p.path("flowid").asInt(), p.path("ttl").asInt()), addr);
                        }
                    }
                }
                hops.add(hop);
            }
            chains.add(new Chain(node.path("addr").asText(), hops));
        }
        SortedMap<Integer, SortedSet<String>> nodes = new TreeMap<>();
        SortedSet<MultipathGraph.Link> links = new TreeSet<>();
        Set<Integer> flowIds = new HashSet<>();
        flows.keySet().forEach(k -> flowIds.add(k.get(0)));
        for (Chain c : chains) {
            if (c.hops().isEmpty() || c.hops().get(0).isEmpty()) {
                continue;
            }
            int firstTtl = c.hops().get(0).stream().mapToInt(Hop::ttl).min().getAsInt() - 1;
            Set<Hop> previous = Set.of(new Hop(firstTtl, c.from()));
            add(nodes, previous);
            for (Set<Hop> hop : c.hops()) {
                add(nodes, hop);
                for (Hop a : previous) {
                    for (Hop b : hop) {
                        if (b.ttl() == a.ttl() + 1 && (previous.size() == 1 || hop.size() == 1
                                || flowIds.stream().anyMatch(f -> a.address().equals(flows.get(List.of(f, a.ttl())))
                                        && b.address().equals(flows.get(List.of(f, b.ttl())))))) {
                            links.add(new MultipathGraph.Link(a.ttl(), a.address(), b.address()));
                        }
                    }
                }
                previous = hop;
            }
        }
        return new Parsed(new MultipathGraph(nodes, links), doc.path("probec").asInt());
    }

    private record Hop(int ttl, String address) {
    }

    private static void add(SortedMap<Integer, SortedSet<String>> nodes, Set<Hop> hops) {
        for (Hop h : hops) {
            nodes.computeIfAbsent(h.ttl(), t -> new TreeSet<>()).add(h.address());
        }
    }
}
