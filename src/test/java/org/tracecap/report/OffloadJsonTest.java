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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tracecap.model.Hop;
import org.tracecap.model.Method;
import org.tracecap.model.ProbeResult;
import org.tracecap.model.StopReason;
import org.tracecap.model.Trace;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.Ipv4Address;

/**
 * The hop JSON of probes captured with a partial checksum (transmit checksum offload): {@code udp_checksum}
 * is the checksum the probe left with, absent when unknown; {@code udp_checksum_partial} and
 * {@code captured_udp_checksum} say what the capture held. Jackson's writer and the JSON Lines one agree.
 */
class OffloadJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Trace trace() {
        ProbeResult.Builder b = new ProbeResult.Builder();
        int r1 = Ipv4Address.parse("198.18.1.2");
        // Completed from the whole datagram (straight-traceroute-udp-offload-wire.pcap frames 3-4).
        ProbeResult completed = b.probe(1, 1_764_191_000_000_000_000L, 46993, 60).ports(34872, 33434)
                .udpChecksum(0x6d9e).capturedUdpChecksum(0x9261).reply(57_000, IpAddress.ipv4(r1), 64, 88).icmp(11, 0,
                        "")
                .quote(1, 46993).quotedUdpChecksum(0x6d9e).build();
        // Cut by the snap length: the real checksum is unknown.
        ProbeResult cut = b.probe(1, 1_764_191_000_000_100_000L, 38298, 60).ports(47562, 33435)
                .capturedUdpChecksum(0x9261).build();
        ProbeResult plain = b.probe(1, 1_764_191_000_000_200_000L, 1, 60).ports(40000, 33436).udpChecksum(0x1234)
                .build();
        return new Trace(IpAddress.parse("198.18.1.1"),
                IpAddress.parse("198.18.5.2"),
                new Method("udp", "traceroute", "udp-destination-port"), 1_764_191_000_000_000_000L,
                1_764_191_000_000_300_000L, StopReason.reached(), List.of(new Hop(1, List.of(completed, cut, plain))),
                Map.of());
    }

    private static String compact(Trace t) throws IOException {
        CompactTraceJson json = new CompactTraceJson(16);
        json.trace(t);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        json.writeTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void partialChecksumFieldsAsDocumented() throws IOException {
        Trace t = trace();
        String jackson = JsonReport.toJson(t);
        assertEquals(jackson, compact(t));
        JsonNode probes = JSON.readTree(jackson).get("hops").get(0).get("probes");
        JsonNode completed = probes.get(0);
        assertEquals(0x6d9e, completed.get("udp_checksum").intValue());
        assertTrue(completed.get("udp_checksum_partial").booleanValue());
        assertEquals(0x9261, completed.get("captured_udp_checksum").intValue());
        JsonNode cut = probes.get(1);
        assertFalse(cut.has("udp_checksum"));
        assertTrue(cut.get("udp_checksum_partial").booleanValue());
        assertEquals(0x9261, cut.get("captured_udp_checksum").intValue());
        JsonNode plain = probes.get(2);
        assertEquals(0x1234, plain.get("udp_checksum").intValue());
        assertFalse(plain.has("udp_checksum_partial"));
        assertFalse(plain.has("captured_udp_checksum"));
        HopJsonSchema schema = HopJsonSchema.load();
        assertEquals(List.of(), schema.validate(JSON.readTree(jackson), "#/$defs/trace"));
    }

    @Test
    void theSchemaWantsBothPartialFieldsTogether() throws IOException {
        HopJsonSchema schema = HopJsonSchema.load();
        JsonNode completed = JSON.readTree(JsonReport.toJson(trace())).get("hops").get(0).get("probes").get(0);
        ObjectNode noCaptured = completed.deepCopy();
        noCaptured.remove("captured_udp_checksum");
        assertFalse(schema.validate(noCaptured, "#/$defs/probe").isEmpty());
        ObjectNode noFlag = completed.deepCopy();
        noFlag.remove("udp_checksum_partial");
        assertFalse(schema.validate(noFlag, "#/$defs/probe").isEmpty());
        ObjectNode falseFlag = completed.deepCopy();
        falseFlag.put("udp_checksum_partial", false);
        assertFalse(schema.validate(falseFlag, "#/$defs/probe").isEmpty());
    }
}
