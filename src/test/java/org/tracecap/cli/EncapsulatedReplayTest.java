package org.tracecap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tracecap.capture.CapturedFrames;
import org.tracecap.capture.PcapFileWriter;
import org.tracecap.packet.Bytes;
import org.tracecap.packet.Encapsulation;
import org.tracecap.packet.IcmpErrorEncoder;
import org.tracecap.packet.IcmpExtensions;
import org.tracecap.packet.IpProtocol;
import org.tracecap.packet.Ipv4Address;
import org.tracecap.packet.LinkLayer;
import org.tracecap.packet.MplsEntry;

/**
 * Replay of a SYNTHETIC capture of a provider link: captures/straight-traceroute-udp.pcap (a real Linux
 * traceroute through four Linux routers) rewritten frame by frame by this test, because this kernel forwards
 * neither MPLS nor PPPoE and Linux routers write no garbage into the RFC 4884 length field. Every probe and
 * reply is carried in a 2-label MPLS stack, except one probe and its reply in a PPPoE session; every reply is rebuilt
 * (same addresses, TTL, TOS, IP ID, quote, timestamps) with garbage in its length field, as routers that copy
 * the probe's IP ID there or write 1 do; r2 (198.18.2.2) also appends an MPLS label stack object in the
 * non-compliant layout of RFC 4884 section 5.5 (structure at offset 128, length field 0 or garbage).
 */
class EncapsulatedReplayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CAPTURE = "straight-traceroute-udp.pcap";
    private static final int R2 = Ipv4Address.parse("198.18.2.2");
    private static final List<MplsEntry> TRANSPORT = List.of(new MplsEntry(16005, 0, false, 64),
            new MplsEntry(24001, 0, true, 64));
    /** What r2 says it received: the stack of an LSR with the probe's TTL 1 in its labels (RFC 4950). */
    private static final List<MplsEntry> R2_STACK = List.of(new MplsEntry(16002, 0, false, 1),
            new MplsEntry(300, 5, true, 1));
    /** The probe sent in a PPPoE session (the 7th, the first at TTL 3) and its reply. */
    private static final int PPPOE_PROBE = 7;

    /** How r2 lays its extension out: compliant (the reference) or non-compliant with this length field. */
    enum R2Layout { COMPLIANT, NON_COMPLIANT }

    /** Writes the rewritten capture to {@code file}; returns the warnings the garbage lengths should give. */
    private static Map<String, Long> rewrite(Path file, R2Layout layout) throws IOException {
        Map<String, Long> warnings = new TreeMap<>();
        Set<Integer> pppoeIds = new HashSet<>();
        int probes = 0;
        int replies = 0;
        int r2Replies = 0;
        try (PcapFileWriter w = PcapFileWriter.create(file, LinkLayer.ETHERNET, 65535)) {
            for (CapturedFrames.Frame f : CapturedFrames.read(CAPTURE)) {
                byte[] b = f.bytes();
                byte[] out = b;
                if (Bytes.u16(b, 12) == LinkLayer.ETHERTYPE_IPV4) {
                    byte[] dst = java.util.Arrays.copyOfRange(b, 0, 6);
                    byte[] src = java.util.Arrays.copyOfRange(b, 6, 12);
                    byte[] ip = java.util.Arrays.copyOfRange(b, 14, 14 + Bytes.u16(b, 16));
                    int protocol = Bytes.u8(ip, 9);
                    boolean pppoe = false;
                    if (protocol == IpProtocol.UDP) {
                        pppoe = ++probes == PPPOE_PROBE;
                        if (pppoe) {
                            pppoeIds.add(Bytes.u16(ip, 4));
                        }
                    } else if (protocol == IpProtocol.ICMP) {
                        byte[] quote = java.util.Arrays.copyOfRange(ip, 28, ip.length);
                        pppoe = pppoeIds.contains(Bytes.u16(quote, 4));
                        IcmpErrorEncoder e = IcmpErrorEncoder.error(Bytes.u8(ip, 20), Bytes.u8(ip, 21),
                                Bytes.s32(ip, 12), Bytes.s32(ip, 16), quote, 0, quote.length)
                                .ttl(Bytes.u8(ip, 8)).tos(Bytes.u8(ip, 1)).ipId(Bytes.u16(ip, 4));
                        String warning;
                        if (Bytes.s32(ip, 12) == R2) {
                            e.extensions(List.of(IcmpExtensions.mplsObject(R2_STACK)));
                            // Length 0 (plain non-compliant), 1, 255: the structure at 128 is found each time.
                            int[] lengths = {0, 1, 255};
                            int words = lengths[r2Replies++ % 3];
                            if (layout == R2Layout.NON_COMPLIANT) {
                                e.compatibilityLayout().lengthField(words);
                            }
                            warning = layout == R2Layout.COMPLIANT || words == 0 ? null
                                    : words == 1 ? IcmpExtensions.SHORT_DATAGRAM_FIELD : IcmpExtensions.LENGTH_PAST_END;
                        } else {
                            // The probe's IP ID, one byte or the other, or 1 word.
                            int ipId = Bytes.u16(quote, 4);
                            int words = switch (replies % 3) {
                                case 0 -> ipId & 0xff;
                                case 1 -> ipId >>> 8;
                                default -> 1;
                            };
                            e.lengthField(words);
                            int field = words * 4;
                            warning = words == 0 || field == quote.length ? null
                                    : field < IcmpExtensions.MIN_DATAGRAM_FIELD ? IcmpExtensions.SHORT_DATAGRAM_FIELD
                                    : IcmpExtensions.LENGTH_PAST_END;
                        }
                        replies++;
                        if (warning != null) {
                            warnings.merge(warning, 1L, Long::sum);
                        }
                        ip = e.toBytes();
                    }
                    Encapsulation link = Encapsulation.ethernet(dst, src);
                    out = pppoe ? link.u16(LinkLayer.ETHERTYPE_PPPOE_SESSION).pppoe(0x2a, LinkLayer.PPP_IPV4, ip.length)
                            .then(ip) : link.u16(LinkLayer.ETHERTYPE_MPLS).labels(TRANSPORT).then(ip);
                }
                w.frame(f.timeNanos(), f.linkType(), out, out.length, out.length);
            }
        }
        assertEquals(16, replies);
        assertEquals(1, pppoeIds.size(), "one PPPoE probe");
        return warnings;
    }

    private static JsonNode replayJson(Path file) throws IOException {
        CliRun run = CliRun.of("replay", "--json", "-n", file.toString());
        assertEquals(0, run.status(), run.err());
        return JSON.readTree(run.out());
    }

    /** Each probe of each hop without the fields a rebuilt reply may change (size, extensions). */
    private static List<JsonNode> probesWithoutReplyShape(JsonNode document) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode hop : document.at("/traces/0/hops")) {
            for (JsonNode p : hop.get("probes")) {
                ObjectNode copy = p.deepCopy();
                copy.remove("reply_size");
                copy.remove("extensions");
                out.add(copy);
            }
        }
        return out;
    }

    @Test
    void mplsAndPppoeFramesWithGarbageLengthsReplayToTheHopsOfTheRealCapture(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("provider-link.pcap");
        Map<String, Long> expectedWarnings = rewrite(file, R2Layout.NON_COMPLIANT);
        assertFalse(expectedWarnings.isEmpty());
        JsonNode golden = replayJson(CapturedFrames.CAPTURES.resolve(CAPTURE));
        JsonNode replayed = replayJson(file);

        // Same trace, same hops, same responders and RTTs: no * where a router answered.
        assertEquals(probesWithoutReplyShape(golden), probesWithoutReplyShape(replayed));
        assertEquals(golden.at("/traces/0/stop"), replayed.at("/traces/0/stop"));
        JsonNode summary = replayed.get("summary");
        assertEquals(34, summary.get("packets_read").asInt());
        assertEquals(16, summary.get("replies_attributed").asInt());
        assertEquals(0, summary.get("malformed").size(), summary.toString());
        Map<String, Long> warnings = new TreeMap<>();
        summary.get("warnings").fields().forEachRemaining(e -> warnings.put(e.getKey(), e.getValue().asLong()));
        assertEquals(expectedWarnings, warnings);

        // r2's non-compliant MPLS stack is in its hop's JSON, decoded per RFC 4950.
        for (JsonNode p : replayed.at("/traces/0/hops/1/probes")) {
            assertEquals("198.18.2.2", p.get("responder").asText());
            assertEquals("[{\"label\":16002,\"tc\":0,\"s\":false,\"ttl\":1},{\"label\":300,\"tc\":5,\"s\":true,\"ttl\":1}]",
                    p.at("/extensions/0/mpls").toString());
        }
        for (JsonNode p : replayed.at("/traces/0/hops/0/probes")) {
            assertTrue(p.path("extensions").isMissingNode(), p.toString());
        }

        // The text report shows the same hops as for the real capture.
        assertEquals(CliRun.of("replay", "-n", CapturedFrames.CAPTURES.resolve(CAPTURE).toString()).out(),
                CliRun.of("replay", "-n", file.toString()).out());
    }

    @Test
    void nonCompliantStacksAppearExactlyAsCompliantOnes(@TempDir Path dir) throws IOException {
        Path compliant = dir.resolve("compliant.pcap");
        Path nonCompliant = dir.resolve("non-compliant.pcap");
        rewrite(compliant, R2Layout.COMPLIANT);
        rewrite(nonCompliant, R2Layout.NON_COMPLIANT);
        JsonNode a = replayJson(compliant).at("/traces/0/hops/1");
        JsonNode b = replayJson(nonCompliant).at("/traces/0/hops/1");
        // Same bytes of datagram field (128) and structure in both layouts, so even reply_size is equal.
        assertEquals(a, b);
        assertEquals(3, a.get("probes").size());
    }
}
