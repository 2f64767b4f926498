package org.tracecap.multipath;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The interfaces of a load-balanced path to one destination, as an MDA graph: the addresses that answer at
 * each TTL, and the links between an address at TTL t and one at t + 1 that one flow (or one packet) went
 * through. Used for a topology's ground truth ({@link MultipathNet#truth()}) and for what a tool found
 * ({@link ScamperTracelb}, {@link #fromTracecapJson}), so that the two compare with {@code equals}. Silent
 * nodes (no address) are left out.
 *
 * @param nodes TTL to the addresses answering at it
 * @param links every link, ordered by TTL then addresses
 */
record MultipathGraph(SortedMap<Integer, SortedSet<String>> nodes, SortedSet<Link> links) {

    /** A link from {@code from}, answering at {@code ttl}, to {@code to}, answering at {@code ttl + 1}. */
    record Link(int ttl, String from, String to) implements Comparable<Link> {
        @Override
        public int compareTo(Link o) {
            int c = Integer.compare(ttl, o.ttl);
            if (c == 0) {
                c = from.compareTo(o.from);
            }
            return c != 0 ? c : to.compareTo(o.to);
        }

        @Override
        public String toString() {
            return ttl + ":" + from + "->" + to;
        }
    }

    MultipathGraph {
        SortedMap<Integer, SortedSet<String>> n = new TreeMap<>();
        nodes.forEach((ttl, a) -> n.put(ttl, Collections.unmodifiableSortedSet(new TreeSet<>(a))));
        nodes = Collections.unmodifiableSortedMap(n);
        links = Collections.unmodifiableSortedSet(new TreeSet<>(links));
    }

    /** An empty graph to fill with {@link #plus}. */
    static MultipathGraph empty() {
        return new MultipathGraph(new TreeMap<>(), new TreeSet<>());
    }

    /**
     * A chain of layers, TTL 1 first, each address of a layer linked to each one of the next: the ground truth
     * of a diamond whose every branch joins the next router.
     */
    static MultipathGraph layers(List<List<String>> layers) {
        SortedMap<Integer, SortedSet<String>> nodes = new TreeMap<>();
        SortedSet<Link> links = new TreeSet<>();
        for (int i = 0; i < layers.size(); i++) {
            nodes.put(i + 1, new TreeSet<>(layers.get(i)));
            if (i + 1 < layers.size()) {
                for (String a : layers.get(i)) {
                    for (String b : layers.get(i + 1)) {
                        links.add(new Link(i + 1, a, b));
                    }
                }
            }
        }
        return new MultipathGraph(nodes, links);
    }

    /** This graph with one more node. */
    MultipathGraph plus(int ttl, String address) {
        SortedMap<Integer, SortedSet<String>> n = new TreeMap<>(nodes);
        SortedSet<String> at = new TreeSet<>(n.getOrDefault(ttl, new TreeSet<>()));
        at.add(address);
        n.put(ttl, at);
        return new MultipathGraph(n, links);
    }

    /** The addresses answering at {@code ttl} (empty when none). */
    SortedSet<String> at(int ttl) {
        return nodes.getOrDefault(ttl, Collections.emptySortedSet());
    }

    /** Every (TTL, address) node, as "ttl:address". */
    SortedSet<String> nodeNames() {
        SortedSet<String> s = new TreeSet<>();
        nodes.forEach((ttl, a) -> a.forEach(x -> s.add(ttl + ":" + x)));
        return s;
    }

    /** How many (TTL, address) nodes. */
    int nodeCount() {
        return nodes.values().stream().mapToInt(Set::size).sum();
    }

    /** The links as address pairs, TTLs dropped. */
    SortedSet<List<String>> addressPairs() {
        SortedSet<List<String>> s = new TreeSet<>(Comparator.<List<String>, String>comparing(x -> x.get(0))
                .thenComparing(x -> x.get(1)));
        links.forEach(l -> s.add(List.of(l.from(), l.to())));
        return s;
    }

    /** Whether every node and link of this graph is in {@code other}. */
    boolean within(MultipathGraph other) {
        return other.nodeNames().containsAll(nodeNames()) && other.links().containsAll(links);
    }

    /**
     * A graph of tracecap's multipath JSON ({@code "graphs"[i]}: nodes with id, ttl and, unless silent,
     * address; links with from and to node ids).
     */
    static MultipathGraph fromTracecapJson(JsonNode graph) {
        Map<Integer, JsonNode> byId = new HashMap<>();
        SortedMap<Integer, SortedSet<String>> nodes = new TreeMap<>();
        for (JsonNode n : graph.path("nodes")) {
            byId.put(n.path("id").asInt(), n);
            if (n.hasNonNull("address")) {
                nodes.computeIfAbsent(n.path("ttl").asInt(), t -> new TreeSet<>()).add(n.path("address").asText());
            }
        }
        SortedSet<Link> links = new TreeSet<>();
        for (JsonNode l : graph.path("links")) {
            JsonNode from = byId.get(l.path("from").asInt());
            JsonNode to = byId.get(l.path("to").asInt());
            if (from != null && to != null && from.hasNonNull("address") && to.hasNonNull("address")) {
                links.add(new Link(from.path("ttl").asInt(), from.path("address").asText(),
                        to.path("address").asText()));
            }
        }
        return new MultipathGraph(nodes, links);
    }

    @Override
    public String toString() {
        return "nodes " + nodeNames() + ", links " + links;
    }
}
