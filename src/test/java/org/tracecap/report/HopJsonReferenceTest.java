package org.tracecap.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.tracecap.capture.CapturedFrames;
import org.tracecap.model.Trace;
import org.tracecap.packet.IcmpErrorEncoder;
import org.tracecap.packet.IcmpExtensions;
import org.tracecap.packet.InterfaceInformation;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.Ipv4Address;
import org.tracecap.packet.MplsEntry;
import org.tracecap.replay.Reconstructor;
import org.tracecap.replay.ReplaySummary;

/**
 * The examples in docs/hop-json.md are valid against the schema and are what tracecap writes: the whole
 * document is the golden result of a bundled capture, the RFC 4950 example is what a replay gives for a
 * synthetic Time Exceeded carrying an MPLS label stack.
 */
class HopJsonReferenceTest {
    private static final Path PAGE = Path.of("docs", "hop-json.md");
    private static final String REAL_EXAMPLE = "straight-scamper-udp-paris.pcap";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<JsonNode> jsonBlocks() throws IOException {
        Matcher m = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(PAGE));
        List<JsonNode> blocks = new ArrayList<>();
        while (m.find()) {
            blocks.add(JSON.readTree(m.group(1)));
        }
        return blocks;
    }

    @Test
    void everyExampleValidates() throws IOException {
        HopJsonSchema schema = HopJsonSchema.load();
        List<JsonNode> blocks = jsonBlocks();
        assertTrue(blocks.size() >= 3, "examples found: " + blocks.size());
        int documents = 0;
        for (int i = 0; i < blocks.size(); i++) {
            JsonNode example = blocks.get(i);
            String pointer = example.has("version") ? "#" : example.has("links") ? "#/$defs/graph"
                    : example.has("hops") ? "#/$defs/trace" : "#/$defs/probe";
            documents += example.has("version") ? 1 : 0;
            assertEquals(List.of(), schema.validate(example, pointer), "example " + (i + 1) + " of " + PAGE);
        }
        assertEquals(1, documents, PAGE + " has one whole-document example");
    }

    @Test
    void documentExampleIsTheGoldenResultOfABundledCapture() throws IOException {
        JsonNode document = jsonBlocks().stream().filter(b -> b.has("version")).findFirst().orElseThrow();
        JsonNode golden = JSON.readTree(Path.of("src", "test", "resources", "golden", REAL_EXAMPLE + ".json")
                .toFile());
        assertEquals(golden, document);
    }

    /**
     * straight-traceroute-udp.pcap with its frame 4 (r1's Time Exceeded for the TTL 1 probe of frame 3)
     * replaced by a SYNTHETIC one carrying an RFC 4884 extension structure: an RFC 4950 MPLS label stack
     * object with two entries and an RFC 5837 Interface Information object (the incoming interface: ifIndex,
     * address, name, MTU), built with the project's encoder.
     */
    static Trace replayWithSyntheticMpls() {
        List<CapturedFrames.Frame> frames = CapturedFrames.read("straight-traceroute-udp.pcap");
        List<Trace> traces = new ArrayList<>();
        Reconstructor replay = new Reconstructor(traces::add);
        for (CapturedFrames.Frame f : frames) {
            byte[] bytes = f.bytes();
            if (f.number() == 4) {
                byte[] probe = frames.get(2).bytes();
                byte[] clientMac = java.util.Arrays.copyOfRange(probe, 6, 12);
                byte[] routerMac = java.util.Arrays.copyOfRange(probe, 0, 6);
                bytes = IcmpErrorEncoder.timeExceeded(Ipv4Address.parse("198.18.1.2"),
                                Ipv4Address.parse("198.18.1.1"), probe, 14, probe.length - 14)
                        .ethernet(clientMac, routerMac).ipId(0xa523).tos(0xc0)
                        .extensions(List.of(
                                IcmpExtensions.mplsObject(List.of(new MplsEntry(16000, 0, false, 1),
                                        new MplsEntry(16001, 0, true, 1))),
                                new InterfaceInformation(InterfaceInformation.ROLE_INCOMING, 2L,
                                        IpAddress.parse("198.18.1.2"), "eth0", 1500L).toExtension()))
                        .toBytes();
            }
            replay.frame(f.timeNanos(), f.linkType(), bytes, bytes.length, bytes.length);
        }
        ReplaySummary summary = replay.finish(false);
        assertEquals(0, summary.malformedTotal());
        assertEquals(0, summary.warningsTotal());
        assertEquals(1, traces.size());
        return traces.get(0);
    }

    @Test
    void mplsExampleIsWhatAReplayGivesForTheSyntheticFrame() throws IOException {
        JsonNode fromReplay = JSON.readTree(JsonReport.toJson(replayWithSyntheticMpls())).at("/hops/0/probes/0");
        JsonNode example = jsonBlocks().stream().filter(b -> b.has("extensions")).findFirst().orElseThrow();
        assertEquals(fromReplay, example);
        assertEquals("[{\"label\":16000,\"tc\":0,\"s\":false,\"ttl\":1},{\"label\":16001,\"tc\":0,\"s\":true,\"ttl\":1}]",
                example.at("/extensions/0/mpls").toString());
    }

    /** The GRAPH example is what {@code replay --multipath --json} writes for the capture it names. */
    @Test
    void graphExampleIsWhatTracecapWrites() throws IOException {
        JsonNode example = jsonBlocks().stream().filter(b -> b.has("links")).findFirst().orElseThrow();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int status = org.tracecap.cli.Main.run(new String[] {"replay", "--multipath", "--json", "-n",
            "captures/ecmp-tracecap-multipath.pcap"}, new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
                new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true, java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(0, status);
        assertEquals(JSON.readTree(out.toString(java.nio.charset.StandardCharsets.UTF_8)).at("/graphs/0"), example);
    }
}
