package org.tracecap.live;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.tracecap.cli.Main;
import org.tracecap.testnet.Hops;
import org.tracecap.testnet.Namespace;

/** Runs tracecap for the live tests and reads what it printed and wrote. */
final class Tracecap {
    static final String STAR = Hops.STAR;
    /**
     * {@code -w} for tests that assert exact hop lists: traceroute's rules, with HERE and NEAR factors 10 times
     * the defaults (5,3,10). The defaults give up on a probe 3 x (RTT + 1 ms), about 3 ms, after an answer of
     * its hop; on a CI machine short of CPU the capture reader can be descheduled longer than that (plus the
     * port's delivery lag), and a reply captured in time is then lost. These tests are about attribution and
     * stop rules, so they wait ~30 ms instead; the silent-hop bound still shows NEAR at work.
     */
    static final String WAIT = "5,30,100";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern HOP_LINE = Pattern.compile("^\\s*(\\d+)\\s+(.*)$");
    private static final Pattern ADDRESS = Pattern.compile("\\b(\\d{1,3}(?:\\.\\d{1,3}){3})\\b");

    private Tracecap() {
    }

    /** What one in-process run did: exit status, stdout, stderr and how long {@code Main.run} took. */
    record Result(int exit, String out, String err, long wallNanos) {
        double wallSeconds() {
            return wallNanos / 1e9;
        }

        @Override
        public String toString() {
            return "exit " + exit + " after " + wallSeconds() + " s\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** {@code tracecap ARGS} through {@link Main#run} on a thread inside {@code ns}. */
    static Result run(Namespace ns, String... args) throws Exception {
        return ns.call(() -> runHere(args));
    }

    /** {@code tracecap ARGS} through {@link Main#run} on this thread (wherever it is). */
    static Result runHere(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        long start = System.nanoTime();
        int exit;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            exit = Main.run(args, o, e);
        }
        long wall = System.nanoTime() - start;
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), wall);
    }

    /** Runs and checks exit status 0. */
    static Result ok(Namespace ns, String... args) throws Exception {
        Result r = run(ns, args);
        assertEquals(0, r.exit(), r::toString);
        return r;
    }

    /** The only trace of a hop JSON document file. */
    static JsonNode onlyTrace(Path document) throws IOException {
        JsonNode doc = JSON.readTree(document.toFile());
        assertEquals(1, doc.path("version").asInt(), "document version");
        JsonNode traces = doc.path("traces");
        assertEquals(1, traces.size(), () -> "one trace in " + doc);
        return traces.get(0);
    }

    static JsonNode parse(String json) throws IOException {
        return JSON.readTree(json);
    }

    /** Per hop (lowest TTL first), each probe's responder in the order sent, {@link #STAR} when unanswered. */
    static List<List<String>> responders(JsonNode trace) {
        return Hops.responders(trace);
    }

    /** Per hop, the distinct responders ({@link #STAR} left out), as traceroute names them. */
    static List<List<String>> distinctResponders(JsonNode trace) {
        List<List<String>> hops = new ArrayList<>();
        for (List<String> hop : responders(trace)) {
            hops.add(hop.stream().filter(s -> !s.equals(STAR)).distinct().toList());
        }
        return hops;
    }

    /** Every hop {@code k} (1-based) answered {@code q} times by {@code expected.get(k-1)}. */
    static List<List<String>> allAnswered(List<String> expected, int q) {
        return expected.stream().map(a -> java.util.Collections.nCopies(q, a)).toList();
    }

    /**
     * The hop lines of a traceroute-style table (traceroute's or tracecap's): per hop number the addresses
     * on its line and following continuation lines, and "*" for each star.
     */
    static List<List<String>> tableHops(String text) {
        List<List<String>> hops = new ArrayList<>();
        for (String line : text.lines().toList()) {
            Matcher m = HOP_LINE.matcher(line);
            if (!m.matches() || line.startsWith("traceroute") || line.startsWith("tracecap")) {
                continue;
            }
            int ttl = Integer.parseInt(m.group(1));
            while (hops.size() < ttl) {
                hops.add(new ArrayList<>());
            }
            List<String> hop = hops.get(ttl - 1);
            Matcher a = ADDRESS.matcher(m.group(2));
            while (a.find()) {
                hop.add(a.group(1));
            }
            for (String word : m.group(2).split("\\s+")) {
                if (word.equals(STAR)) {
                    hop.add(STAR);
                }
            }
        }
        return hops;
    }

    /** {@link #tableHops} with stars left out and each address once, as distinct responders per hop. */
    static List<List<String>> tableResponders(String text) {
        return tableHops(text).stream().map(h -> h.stream().filter(s -> !s.equals(STAR)).distinct().toList())
                .toList();
    }
}
