package org.tracecap.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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

/**
 * A trace whose addresses are IPv6 through every report: the table as traceroute6 prints it (names and
 * {@code -n}; the numeric table's buffer sized for 39-byte addresses), hop JSON in RFC 5952 text from both
 * writers, valid against the schema. Synthetic: built by hand, no capture (the classifier does not decode
 * IPv6 yet).
 */
class Ipv6ReportTest {
    static final IpAddress SRC = IpAddress.parse("2001:db8:1::1");
    static final IpAddress R1 = IpAddress.parse("2001:db8:1::2");
    // the longest text an address can have: 8 groups of 4 digits
    static final IpAddress LONG = IpAddress.parse("2001:db8:ffff:eeee:dddd:cccc:bbbb:aaaa");
    static final IpAddress DST = IpAddress.parse("2001:db8:5::2");
    static final long T0 = 1_700_000_000_000_000_000L;

    private static ProbeResult probe(int ttl, int n, IpAddress responder, long rttNanos) {
        ProbeResult.Builder b = new ProbeResult.Builder().probe(ttl, T0 + n * 1_000_000L, 0, 80)
                .ports(40000, 33434 + n).udpChecksum(0x1234);
        if (responder != null) {
            boolean last = responder.equals(DST);
            b.reply(rttNanos, responder, 64 - ttl, 128).icmp(last ? 1 : 3, last ? 4 : 0, "");
        }
        return b.build();
    }

    static Trace trace() {
        return new Trace(SRC, DST, new Method("udp", "traceroute", "udp-destination-port"), T0, T0 + 9_000_000L,
                StopReason.reached(), List.of(
                        new Hop(1, List.of(probe(1, 0, R1, 164_000), probe(1, 1, R1, 9_000), probe(1, 2, R1, 7_000))),
                        new Hop(2, List.of(probe(2, 3, LONG, 153_000), probe(2, 4, null, 0),
                                probe(2, 5, R1, 13_000))),
                        new Hop(3, List.of(probe(3, 6, DST, 39_000), probe(3, 7, DST, 20_000),
                                probe(3, 8, DST, 25_000)))), null);
    }

    @Test
    void theTableIsTraceroute6s() throws IOException {
        StringBuilder named = new StringBuilder();
        Map<IpAddress, String> ptr = Map.of(R1, "r1.tcap.test");
        try (ReverseDns names = ReverseDns.using(ptr::get, 2, Duration.ofSeconds(1))) {
            TextReport.write(List.of(trace()), named, names);
        }
        assertEquals("traceroute to 2001:db8:5::2 (2001:db8:5::2) from 2001:db8:1::1, udp (traceroute, probes told"
                + " apart by udp-destination-port), 3 hops\n"
                + " 1  r1.tcap.test (2001:db8:1::2)  0.164 ms  0.009 ms  0.007 ms\n"
                + " 2  2001:db8:ffff:eeee:dddd:cccc:bbbb:aaaa (2001:db8:ffff:eeee:dddd:cccc:bbbb:aaaa)  0.153 ms *"
                + " r1.tcap.test (2001:db8:1::2)  0.013 ms\n"
                + " 3  2001:db8:5::2 (2001:db8:5::2)  0.039 ms  0.020 ms  0.025 ms\n", named.toString());

        StringBuilder numeric = new StringBuilder();
        TextReport.write(List.of(trace()), numeric, ReverseDns.numeric());
        String expected = "traceroute to 2001:db8:5::2 (2001:db8:5::2) from 2001:db8:1::1, udp (traceroute, probes"
                + " told apart by udp-destination-port), 3 hops\n"
                + " 1  2001:db8:1::2  0.164 ms  0.009 ms  0.007 ms\n"
                + " 2  2001:db8:ffff:eeee:dddd:cccc:bbbb:aaaa  0.153 ms * 2001:db8:1::2  0.013 ms\n"
                + " 3  2001:db8:5::2  0.039 ms  0.020 ms  0.025 ms\n";
        assertEquals(expected, numeric.toString());

        TextReport.NumericTable table = new TextReport.NumericTable();
        assertTrue(table.write(trace()));
        assertEquals(expected, new String(table.bytes(), 0, table.length(), StandardCharsets.US_ASCII));
    }

    @Test
    void hopJsonCarriesRfc5952TextFromBothWritersAndValidates() throws IOException {
        Trace t = trace();
        String jackson = JsonReport.toJson(t);
        CompactTraceJson compact = new CompactTraceJson(16);
        compact.trace(t);
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        compact.writeTo(lines);
        assertEquals(jackson, lines.toString(StandardCharsets.UTF_8));
        assertTrue(jackson.contains("\"source\":\"2001:db8:1::1\",\"destination\":\"2001:db8:5::2\""), jackson);
        assertTrue(jackson.contains("\"responder\":\"2001:db8:ffff:eeee:dddd:cccc:bbbb:aaaa\""), jackson);

        ByteArrayOutputStream doc = new ByteArrayOutputStream();
        JsonReport.write(List.of(t, Samples.straight()), new ReportSummary(9, 2, 9, 0, 8, 1, null, null,
                new TreeMap<>()), doc, false);
        JsonNode node = new ObjectMapper().readTree(doc.toByteArray());
        assertEquals(List.of(), HopJsonSchema.load().validate(node, "#"));
        assertEquals("2001:db8:1::2", node.get("traces").get(0).get("hops").get(0).get("probes").get(0)
                .get("responder").asText());
    }
}
