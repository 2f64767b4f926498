package org.tracecap.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsers for what the tools printed beside each capture: Linux traceroute, scamper's text trace, mtr's
 * report, dublin-traceroute's text and JSON. Each keeps only what a replay can be checked against.
 */
final class ToolOutputs {
    /** An IPv4 address, or an IPv6 one as traceroute6, mtr -6 and scamper print it (RFC 5952 text). */
    private static final Pattern ADDRESS = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}|[0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,7}");
    private static final Pattern NUMBER = Pattern.compile("\\d+(\\.\\d+)?");
    private static final Pattern TRACEROUTE_HEADER = Pattern.compile("^traceroute to (\\S+) \\((\\S+)\\),.*");
    private static final Pattern SCAMPER_HEADER = Pattern.compile("^traceroute from (\\S+) to (\\S+)$");
    private static final Pattern HOP_LINE = Pattern.compile("^\\s*(\\d+)\\s+(.*)$");
    private static final Pattern MTR_HOP = Pattern.compile(
            "^\\s*(\\d+)\\.\\|--\\s+(\\S+)\\s+([\\d.]+)%?\\s+(\\d+)\\s+([\\d.]+)\\s+([\\d.]+)\\s+([\\d.]+)\\s+([\\d.]+)"
                    + "\\s+([\\d.]+)\\s*$");
    private static final Pattern MTR_MORE = Pattern.compile(
            "^\\s+(\\d{1,3}(\\.\\d{1,3}){3}|[0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,7})\\s*$");
    private static final Pattern DUBLIN_FLOW = Pattern.compile("^== Flow ID (\\d+) ==$");
    private static final Pattern DUBLIN_HOP = Pattern.compile(
            "^(\\d+)\\s+(\\S+) \\((\\S+)\\), IP ID: (\\d+) RTT ([\\d.]+) ms\\s+ICMP \\(type=(\\d+), code=(\\d+)\\).*$");
    private static final Pattern DUBLIN_STAR = Pattern.compile("^(\\d+)\\s+\\*.*$");

    /** One probe as printed: responder (null for {@code *}), RTT in ms (null for {@code *}), annotation. */
    record Probe(String responder, Double rttMillis, String annotation) {
    }

    record Hop(int ttl, List<Probe> probes) {
    }

    /** A trace as printed; {@code source} is null when the tool does not print it; {@code flow} for dublin. */
    record Trace(String source, String destination, Integer flow, List<Hop> hops) {
    }

    /** One mtr report line, with the extra ECMP hosts listed under it. */
    record MtrHop(int ttl, List<String> hosts, double lossPercent, int sent, double best, double worst) {
    }

    /** One dublin-traceroute JSON hop (its icmp type and code fields are swapped in the file; fixed here). */
    record DublinProbe(int flow, int ttl, int sourcePort, int destinationPort, long sentMicros, String responder,
                       Integer replyTtl, Integer icmpType, Integer icmpCode) {
    }

    private ToolOutputs() {
    }

    static List<Trace> traceroute(Path txt) throws IOException {
        List<Trace> traces = new ArrayList<>();
        String destination = null;
        List<Hop> hops = null;
        for (String line : Files.readAllLines(txt)) {
            Matcher h = TRACEROUTE_HEADER.matcher(line);
            if (h.matches()) {
                if (hops != null) {
                    traces.add(new Trace(null, destination, null, hops));
                }
                destination = h.group(2);
                hops = new ArrayList<>();
                continue;
            }
            Matcher m = HOP_LINE.matcher(line);
            if (m.matches() && hops != null) {
                hops.add(new Hop(Integer.parseInt(m.group(1)), hopProbes(m.group(2))));
            } else if (!line.isBlank()) {
                throw new IllegalArgumentException(txt + ": unexpected line: " + line);
            }
        }
        if (hops != null) {
            traces.add(new Trace(null, destination, null, hops));
        }
        return traces;
    }

    static List<Trace> scamper(Path txt) throws IOException {
        List<Trace> traces = new ArrayList<>();
        Trace current = null;
        for (String line : Files.readAllLines(txt)) {
            Matcher h = SCAMPER_HEADER.matcher(line);
            if (h.matches()) {
                current = new Trace(h.group(1), h.group(2), null, new ArrayList<>());
                traces.add(current);
                continue;
            }
            Matcher m = HOP_LINE.matcher(line);
            if (m.matches() && current != null) {
                current.hops().add(new Hop(Integer.parseInt(m.group(1)), hopProbes(m.group(2))));
            } else if (!line.isBlank()) {
                throw new IllegalArgumentException(txt + ": unexpected line: " + line);
            }
        }
        return traces;
    }

    /**
     * The probes of one traceroute hop line: an address sets the responder of the probes that follow (it is
     * printed again only when it changes), {@code N ms} is one answered probe, {@code !X}-style tokens
     * annotate the probe before them, {@code *} is an unanswered probe.
     */
    static List<Probe> hopProbes(String rest) {
        List<Probe> probes = new ArrayList<>();
        String[] tokens = rest.trim().split("\\s+");
        String responder = null;
        for (int i = 0; i < tokens.length; i++) {
            String t = tokens[i];
            if (t.equals("*")) {
                probes.add(new Probe(null, null, null));
            } else if (t.startsWith("!")) {
                Probe last = probes.remove(probes.size() - 1);
                probes.add(new Probe(last.responder(), last.rttMillis(), t));
            } else if (t.startsWith("(") && t.endsWith(")") && ADDRESS.matcher(t.substring(1, t.length() - 1)).matches()) {
                responder = t.substring(1, t.length() - 1); // "name (address)" without -n
            } else if (ADDRESS.matcher(t).matches()) {
                responder = t;
            } else if (NUMBER.matcher(t).matches() && i + 1 < tokens.length && tokens[i + 1].equals("ms")) {
                probes.add(new Probe(responder, Double.parseDouble(t), ""));
                i++;
            } else if (i + 1 < tokens.length && tokens[i + 1].startsWith("(")) {
                continue; // a host name, its address follows in parentheses
            } else {
                throw new IllegalArgumentException("unexpected token '" + t + "' in hop line: " + rest);
            }
        }
        return probes;
    }

    static List<MtrHop> mtr(Path txt) throws IOException {
        List<MtrHop> hops = new ArrayList<>();
        for (String line : Files.readAllLines(txt)) {
            Matcher m = MTR_HOP.matcher(line);
            if (m.matches()) {
                List<String> hosts = new ArrayList<>();
                if (!m.group(2).equals("???")) {
                    hosts.add(m.group(2));
                }
                hops.add(new MtrHop(Integer.parseInt(m.group(1)), hosts, Double.parseDouble(m.group(3)),
                        Integer.parseInt(m.group(4)), Double.parseDouble(m.group(7)), Double.parseDouble(m.group(8))));
                continue;
            }
            Matcher more = MTR_MORE.matcher(line);
            if (more.matches() && !hops.isEmpty()) {
                hops.get(hops.size() - 1).hosts().add(more.group(1));
            } else if (!line.startsWith("Start:") && !line.startsWith("HOST:") && !line.isBlank()) {
                throw new IllegalArgumentException(txt + ": unexpected line: " + line);
            }
        }
        return hops;
    }

    /** dublin-traceroute's stdout: one trace per "== Flow ID n ==" section; the icmp type/code per hop as annotation. */
    static List<Trace> dublinText(Path txt) throws IOException {
        List<Trace> traces = new ArrayList<>();
        Trace current = null;
        for (String line : Files.readAllLines(txt)) {
            Matcher f = DUBLIN_FLOW.matcher(line);
            if (f.matches()) {
                current = new Trace(null, null, Integer.parseInt(f.group(1)), new ArrayList<>());
                traces.add(current);
                continue;
            }
            if (current == null) {
                continue;
            }
            Matcher h = DUBLIN_HOP.matcher(line);
            if (h.matches()) {
                current.hops().add(new Hop(Integer.parseInt(h.group(1)), List.of(new Probe(h.group(3),
                        Double.parseDouble(h.group(5)), h.group(6) + "/" + h.group(7)))));
                continue;
            }
            Matcher s = DUBLIN_STAR.matcher(line);
            if (s.matches()) {
                current.hops().add(new Hop(Integer.parseInt(s.group(1)), List.of(new Probe(null, null, null))));
            }
        }
        return traces;
    }

    static List<DublinProbe> dublinJson(Path json) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        List<DublinProbe> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.get("flows").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> flow = it.next();
            for (JsonNode hop : flow.getValue()) {
                JsonNode sent = hop.get("sent");
                JsonNode received = hop.get("received");
                boolean answered = received != null && !received.isNull() && received.has("ip");
                out.add(new DublinProbe(Integer.parseInt(flow.getKey()), sent.get("ip").get("ttl").asInt(),
                        sent.get("udp").get("sport").asInt(), sent.get("udp").get("dport").asInt(),
                        micros(sent.get("timestamp").asText()),
                        answered ? received.get("ip").get("src").asText() : null,
                        answered ? received.get("ip").get("ttl").asInt() : null,
                        // the file swaps them: "code": 11, "type": 0 for a Time Exceeded
                        answered ? received.get("icmp").get("code").asInt() : null,
                        answered ? received.get("icmp").get("type").asInt() : null));
            }
        }
        return out;
    }

    /**
     * dublin-traceroute writes a timeval as seconds "." microseconds without zero padding: "1795726818.34226"
     * is 34226 microseconds past the second, not 342260.
     */
    private static long micros(String timeval) {
        int dot = timeval.indexOf('.');
        return Long.parseLong(timeval.substring(0, dot)) * 1_000_000L + Long.parseLong(timeval.substring(dot + 1));
    }

    /**
     * scamper tracelb's text ({@code tracelb from S to D, ...} then lines {@code A -> B}, {@code A -> (B, C) -> D}):
     * every link it lists, as [from, to] address pairs.
     */
    static java.util.Set<List<String>> tracelbLinks(Path txt) throws IOException {
        java.util.Set<List<String>> links = new java.util.LinkedHashSet<>();
        for (String line : Files.readAllLines(txt)) {
            if (line.startsWith("tracelb ") || line.isBlank()) {
                continue;
            }
            List<List<String>> groups = new ArrayList<>();
            for (String part : line.split(" -> ")) {
                List<String> addresses = new ArrayList<>();
                java.util.regex.Matcher m = ADDRESS.matcher(part);
                while (m.find()) {
                    addresses.add(m.group());
                }
                groups.add(addresses);
            }
            for (int i = 1; i < groups.size(); i++) {
                List<String> from = groups.get(i - 1);
                List<String> to = groups.get(i);
                if (from.size() > 1 && from.size() == to.size()) {
                    // "(a, b) -> (c, d)": parallel paths a -> c and b -> d (ecmp6-scamper-tracelb: r3 answers from
                    // the interface each branch reaches it by, 2001:db8:3::2 after r2a, 2001:db8:13::2 after r2b)
                    for (int k = 0; k < from.size(); k++) {
                        links.add(List.of(from.get(k), to.get(k)));
                    }
                    continue;
                }
                for (String a : groups.get(i - 1)) {
                    for (String b : groups.get(i)) {
                        links.add(List.of(a, b));
                    }
                }
            }
        }
        return links;
    }
}
