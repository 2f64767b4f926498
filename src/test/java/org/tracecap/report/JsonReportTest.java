package org.tracecap.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.tracecap.model.Hop;
import org.tracecap.model.Method;
import org.tracecap.model.ProbeResult;
import org.tracecap.model.StopReason;
import org.tracecap.model.Trace;
import org.tracecap.packet.IpAddress;

class JsonReportTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static ReportSummary summary() {
        return new ReportSummary(84, 1, 15, 3, 16, 0, new TreeMap<>(Map.of("ipv4: header length 4 < 5", 1L)),
                new TreeMap<>(Map.of("ICMP extension checksum", 2L)), null, 31,
                new TreeMap<>(Map.of("sent by the prober (not a reply)", 3L)));
    }

    private static String document(List<Trace> traces, ReportSummary summary, boolean pretty) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonReport.write(traces, summary, out, pretty);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** A trace with one of each kind of probe and reply: UDP with MPLS, unanswered, TCP, ICMP echo, live facts. */
    static Trace everyKind() {
        Trace straight = Samples.straight();
        List<Hop> hops = new ArrayList<>(straight.hops());
        Hop first = hops.get(0);
        hops.set(0, new Hop(1, List.of(Samples.withMpls(first.probes().get(0)), first.probes().get(1),
                Samples.udp(1, 2, null, 0, 0, 0))));
        ProbeResult tcp = new ProbeResult(5, Samples.START + 5_000_000, 17, 45678, 80, null, null, null, 60,
                51_123L, IpAddress.ipv4(Samples.SERVER), null, null, 0x14, "", 60, null, null, null, 40, List.of());
        ProbeResult echo = new ProbeResult(5, Samples.START + 6_000_000, 18, null, null, 0x1c2d, 13, null, 60,
                33_000L, IpAddress.ipv4(Samples.SERVER), 0, 0, null, "", 60, null, null, null, 60, List.of());
        hops.add(new Hop(6, List.of(tcp, echo)));
        return new Trace(IpAddress.ipv4(Samples.CLIENT), IpAddress.ipv4(Samples.SERVER), new Method("udp", "tracecap",
                "udp-destination-port"),
                Samples.START, Samples.START + 6_033_000L, StopReason.reached(), hops,
                Map.of("source_mac", "02:00:c6:12:01:01", "interface", "to-r1", "gateway_mac", "02:00:c6:12:01:02",
                        "source_address", "198.18.1.1"));
    }

    @Test
    void multiplyShiftDivisionsAreExactForEveryUnsigned32BitValueTried() {
        java.util.Random random = new java.util.Random(7);
        List<Long> values = new ArrayList<>(List.of(0L, 1L, 999L, 1000L, 999_999L, 1_000_000L, 0xffff_ffffL,
                0xffff_ffffL - 1, 4_294_000_000L, 4_294_967_000L));
        for (int i = 0; i < 200_000; i++) {
            values.add(random.nextLong() & 0xffff_ffffL);
        }
        for (long k = 1; k <= 4294; k++) {
            values.add(k * 1_000_000 - 1); // just below each million and thousand: where rounding would show
            values.add(k * 1_000_000);
            values.add(k * 1000 - 1);
        }
        for (long v : values) {
            assertEquals(v / 1000, JsonReport.div1000(v), "div1000 " + v);
            assertEquals(v / 1_000_000, JsonReport.div1000000(v), "div1000000 " + v);
        }
    }

    @Test
    void documentHasVersionToolTracesAndSummary() throws IOException {
        JsonNode doc = MAPPER.readTree(document(List.of(Samples.straight(), Samples.silent()), summary(), false));
        assertEquals(1, doc.get("version").asInt());
        assertEquals("tracecap", doc.get("tool").asText());
        assertEquals(2, doc.get("traces").size());
        JsonNode s = doc.get("summary");
        assertEquals(84, s.get("packets_read").asLong());
        assertEquals(1, s.get("traces").asLong());
        assertEquals(15, s.get("probes").asLong());
        assertEquals(3, s.get("probes_past_stop").asLong());
        assertEquals(16, s.get("replies_attributed").asLong());
        assertEquals(0, s.get("replies_unattributed").asLong());
        assertEquals(1, s.get("malformed").get("ipv4: header length 4 < 5").asLong());
        assertEquals(2, s.get("warnings").get("ICMP extension checksum").asLong());
        assertEquals(31, s.get("copies_folded").asLong());
        assertEquals("{\"sent by the prober (not a reply)\":3}", s.get("set_aside").toString());
        assertEquals(List.of("packets_read", "traces", "probes", "probes_past_stop", "replies_attributed",
                "replies_unattributed", "malformed", "warnings", "copies_folded", "set_aside"), fieldNames(s));
        assertEquals(List.of("version", "tool", "traces", "summary"), fieldNames(doc));
    }

    @Test
    void aLiveSummaryHasTheUnattributedRepliesByReasonAndValidates() throws IOException {
        ReportSummary live = new ReportSummary(30, 1, 6, 9, 6, 10, null, null,
                new TreeMap<>(Map.of("probe past the last hop", 9L, "no such probe", 1L)));
        JsonNode doc = MAPPER.readTree(document(List.of(Samples.straight()), live, false));
        JsonNode s = doc.get("summary");
        assertEquals(List.of("packets_read", "traces", "probes", "probes_past_stop", "replies_attributed",
                "replies_unattributed", "malformed", "warnings", "copies_folded", "set_aside", "unattributed"),
                fieldNames(s));
        assertEquals("{\"no such probe\":1,\"probe past the last hop\":9}", s.get("unattributed").toString());
        assertEquals(List.of(), HopJsonSchema.load().validate(doc, "#"));
        JsonNode none = MAPPER.readTree(document(List.of(), new ReportSummary(0, 0, 0, 0, 0, 0, null, null,
                new TreeMap<>()), false)).get("summary");
        assertEquals("{}", none.get("unattributed").toString());
    }

    @Test
    void summaryIsLeftOutWhenNotGiven() throws IOException {
        JsonNode doc = MAPPER.readTree(document(List.of(), null, true));
        assertEquals("{\"version\":1,\"tool\":\"tracecap\",\"traces\":[]}", doc.toString());
    }

    @Test
    void prettyDocumentIsIndentedByTwoSpaces() throws IOException {
        assertEquals("{\n  \"version\": 1,\n  \"tool\": \"tracecap\",\n  \"traces\": [],\n  \"summary\": {\n"
                + "    \"packets_read\": 0,\n    \"traces\": 0,\n    \"probes\": 0,\n    \"probes_past_stop\": 0,\n"
                + "    \"replies_attributed\": 0,\n    \"replies_unattributed\": 0,\n    \"malformed\": {},\n"
                + "    \"warnings\": {},\n    \"copies_folded\": 0,\n    \"set_aside\": {}\n  }\n}\n",
                document(List.of(), new ReportSummary(0, 0, 0, 0, 0, 0, null, null), true));
    }

    @Test
    void traceAndProbeFieldsExactly() throws IOException {
        Trace t = Samples.trace(StopReason.unreachable(13), new Hop(5, List.of(
                Samples.prohibited().hops().get(4).probes().get(0), Samples.udp(5, 13, null, 0, 0, 0))));
        assertEquals("{\"source\":\"198.18.1.1\",\"destination\":\"198.18.5.2\","
                + "\"method\":{\"protocol\":\"udp\",\"tool\":\"traceroute\",\"probe_identity\":\"udp-destination-port\"},"
                + "\"start_time\":\"2026-11-26T21:01:15.123456Z\",\"end_time\":\"2026-11-26T21:01:15.143456Z\","
                + "\"stop\":{\"reason\":\"unreachable\",\"code\":13},"
                + "\"hops\":[{\"ttl\":5,\"probes\":["
                + "{\"send_time\":\"2026-11-26T21:01:15.135456Z\",\"ip_id\":16396,\"source_port\":40000,"
                + "\"destination_port\":33446,\"udp_checksum\":4672,\"size\":60,\"answered\":true,\"rtt_ms\":0.251,"
                + "\"responder\":\"198.18.5.2\",\"icmp\":{\"type\":3,\"code\":13,\"type_name\":\"destination-unreachable\"},"
                + "\"annotation\":\"!X\",\"reply_ttl\":60,\"quoted_ttl\":1,\"quoted_ip_id\":16396,"
                + "\"quoted_udp_checksum\":4672,\"reply_size\":88},"
                + "{\"send_time\":\"2026-11-26T21:01:15.136456Z\",\"ip_id\":16397,\"source_port\":40000,"
                + "\"destination_port\":33447,\"udp_checksum\":4673,\"size\":60,\"answered\":false}"
                + "]}]}", JsonReport.toJson(t));
    }

    @Test
    void timesAreRfc3339UtcWithTheFractionOnlyWhenNeeded() {
        long s = Instant.parse("2026-11-26T21:01:15Z").getEpochSecond() * 1_000_000_000L;
        assertEquals("2026-11-26T21:01:15Z", JsonReport.time(s));
        assertEquals("2026-11-26T21:01:15.123Z", JsonReport.time(s + 123_000_000));
        assertEquals("2026-11-26T21:01:15.123456Z", JsonReport.time(s + 123_456_000));
        assertEquals("2026-11-26T21:01:15.123456789Z", JsonReport.time(s + 123_456_789));
        assertEquals("2026-11-26T21:01:15.000000001Z", JsonReport.time(s + 1));
        assertEquals("1969-12-31T23:59:59.999999999Z", JsonReport.time(-1));
    }

    @Test
    void rttBytesAreTheReferenceText() {
        // millis(long, byte[], int) serves both JSON writers; the StringBuilder one is the reference
        java.util.Random random = new java.util.Random(3);
        List<Long> values = new ArrayList<>(List.of(0L, 1L, -1L, 999_999L, 1_000_000L, 1_000_001L, 0xffff_ffffL,
                0x1_0000_0000L, Long.MAX_VALUE, Long.MIN_VALUE + 1, 2_147_483_647_999_999L));
        for (int i = 0; i < 100_000; i++) {
            long v = random.nextLong();
            values.add(v >> random.nextInt(64));
        }
        byte[] text = new byte[24];
        for (long v : values) {
            int n = JsonReport.millis(v, text, 0);
            assertEquals(JsonReport.millis(v), new String(text, 0, n, StandardCharsets.US_ASCII), "nanos " + v);
        }
    }

    @Test
    void rttKeepsNanosecondsAsDecimalMilliseconds() throws IOException {
        assertEquals("0.164", JsonReport.millis(164_000));
        assertEquals("0.000001", JsonReport.millis(1));
        assertEquals("2", JsonReport.millis(2_000_000));
        assertEquals("12.5", JsonReport.millis(12_500_000));
        assertEquals("1234.567891", JsonReport.millis(1_234_567_891));
        assertEquals("0", JsonReport.millis(0));
        assertEquals("-0.5", JsonReport.millis(-500_000));
        JsonNode rtt = MAPPER.readTree("{\"rtt_ms\":" + JsonReport.millis(164_321) + "}").get("rtt_ms");
        assertTrue(rtt.isNumber());
        assertEquals(0.164321, rtt.asDouble());
    }

    @Test
    void extensionsKeepHexAndDecodeMpls() throws IOException {
        JsonNode probe = MAPPER.readTree(JsonReport.toJson(everyKind())).at("/hops/0/probes/0");
        assertEquals("[{\"class\":1,\"c_type\":1,\"hex\":\"03e800fe03e811ff\",\"mpls\":["
                + "{\"label\":16000,\"tc\":0,\"s\":false,\"ttl\":254},{\"label\":16001,\"tc\":0,\"s\":true,\"ttl\":255}]},"
                + "{\"class\":2,\"c_type\":1,\"hex\":\"00000002\"}]", probe.get("extensions").toString());
        assertEquals(140, probe.get("reply_size").asInt());
        assertFalse(MAPPER.readTree(JsonReport.toJson(everyKind())).at("/hops/0/probes/1").has("extensions"));
    }

    @Test
    void tcpAndEchoRepliesAndLiveFacts() throws IOException {
        JsonNode t = MAPPER.readTree(JsonReport.toJson(everyKind()));
        JsonNode tcp = t.at("/hops/5/probes/0");
        assertEquals(20, tcp.get("tcp_flags").asInt());
        assertEquals("[\"RST\",\"ACK\"]", tcp.get("tcp_flag_names").toString());
        assertFalse(tcp.has("icmp"));
        assertFalse(tcp.has("annotation"));
        assertEquals(0.051123, tcp.get("rtt_ms").asDouble());
        JsonNode echo = t.at("/hops/5/probes/1");
        assertEquals(0x1c2d, echo.get("icmp_id").asInt());
        assertEquals(13, echo.get("icmp_sequence").asInt());
        assertFalse(echo.has("source_port"));
        assertFalse(echo.has("udp_checksum"));
        assertEquals("{\"type\":0,\"code\":0,\"type_name\":\"echo-reply\"}", echo.get("icmp").toString());
        assertEquals(List.of("gateway_mac", "interface", "source_address", "source_mac"), fieldNames(t.get("live")));
        assertFalse(MAPPER.readTree(JsonReport.toJson(Samples.straight())).has("live"));
    }

    @Test
    void jsonLinesIsOneTraceObjectPerLine() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Trace> traces = List.of(Samples.straight(), Samples.prohibited(), Samples.ecmp());
        try (JsonLinesWriter w = JsonLinesWriter.open(out)) {
            for (Trace t : traces) {
                w.write(t);
            }
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.endsWith("}\n"));
        List<String> lines = text.lines().toList();
        assertEquals(3, lines.size());
        HopJsonSchema schema = HopJsonSchema.load();
        for (int i = 0; i < lines.size(); i++) {
            assertEquals(JsonReport.toJson(traces.get(i)), lines.get(i));
            assertEquals(List.of(), schema.validate(MAPPER.readTree(lines.get(i)), "#/$defs/trace"));
        }
    }

    @Test
    void documentWriterStreamsAndAlwaysEndsValid() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonDocumentWriter w = JsonDocumentWriter.open(out);
        w.write(Samples.straight());
        w.close(); // as after Ctrl-C: no summary, still a whole document
        w.close();
        JsonNode doc = MAPPER.readTree(out.toByteArray());
        assertEquals(1, doc.get("traces").size());
        assertFalse(doc.has("summary"));
        assertEquals(List.of(), HopJsonSchema.load().validate(doc, "#"));
    }

    @Test
    void everyKindOfTraceValidatesAgainstTheSchema() throws IOException {
        List<Trace> traces = List.of(Samples.straight(), Samples.prohibited(), Samples.ecmp(), Samples.silent(),
                everyKind(), Samples.trace(StopReason.incomplete(), new Hop(1, List.of())),
                Samples.trace(StopReason.maxTtl()), Samples.trace(StopReason.interrupted()));
        for (boolean pretty : new boolean[] {false, true}) {
            JsonNode doc = MAPPER.readTree(document(traces, summary(), pretty));
            assertEquals(List.of(), HopJsonSchema.load().validate(doc, "#"));
        }
    }

    @Test
    void schemaRejectsWhatTheWriterMustNeverWrite() throws IOException {
        HopJsonSchema schema = HopJsonSchema.load();
        ObjectNode t = (ObjectNode) MAPPER.readTree(JsonReport.toJson(Samples.silent()));
        ObjectNode star = (ObjectNode) t.at("/hops/1/probes/0");
        star.put("responder", "198.18.2.2");
        assertFalse(schema.validate(t, "#/$defs/trace").isEmpty(), "unanswered probe with a responder");
        star.remove("responder");
        star.putNull("rtt_ms");
        assertFalse(schema.validate(t, "#/$defs/trace").isEmpty(), "null instead of absent");
        star.remove("rtt_ms");
        assertEquals(List.of(), schema.validate(t, "#/$defs/trace"));
        ((ObjectNode) t.get("stop")).put("reason", "unreachable");
        assertFalse(schema.validate(t, "#/$defs/trace").isEmpty(), "unreachable without its code");
        ((ObjectNode) t.get("stop")).put("code", 13);
        assertEquals(List.of(), schema.validate(t, "#/$defs/trace"));
        t.put("start_time", "2026-11-26 21:01:15");
        assertFalse(schema.validate(t, "#/$defs/trace").isEmpty(), "not RFC 3339");
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
