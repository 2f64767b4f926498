package org.tracecap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tracecap.capture.CapturedFrames;
import org.tracecap.report.HopJsonSchema;

/**
 * Every bundled capture replayed as {@code tracecap replay --json -n CAPTURE} gives, byte for byte, the
 * reviewed hop JSON in {@code src/test/resources/golden/CAPTURE.json} (how they were reviewed:
 * captures/README.md, "Golden results"), and every golden file is valid against docs/hop-json.schema.json.
 *
 * <p>To regenerate after an intended change: {@code mvn -o test -Dtest=GoldenJsonTest
 * -Dtracecap.updateGolden=true}. That run rewrites the files that differ and then fails on each of them, so
 * a regeneration is never silent: review {@code git diff src/test/resources/golden}, then run the tests
 * again without the property.
 */
class GoldenJsonTest {
    static final Path GOLDEN = Path.of("src", "test", "resources", "golden");
    private static final String UPDATE = "tracecap.updateGolden";
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<String> captures() {
        return CapturedFrames.bundled().stream().map(p -> p.getFileName().toString());
    }

    static Path goldenFor(String capture) {
        return GOLDEN.resolve(capture + ".json");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void replayJsonEqualsTheReviewedGoldenFile(String capture) throws IOException {
        CliRun run = CliRun.of("replay", "--json", "-n", CapturedFrames.CAPTURES.resolve(capture).toString());
        assertEquals(0, run.status(), run.err());
        Path golden = goldenFor(capture);
        String expected = Files.exists(golden) ? Files.readString(golden, StandardCharsets.UTF_8) : null;
        if (run.out().equals(expected)) {
            return;
        }
        if (Boolean.getBoolean(UPDATE)) {
            Files.createDirectories(GOLDEN);
            Files.writeString(golden, run.out(), StandardCharsets.UTF_8);
            fail(golden + " rewritten (-D" + UPDATE + "=true): review it with git diff, then run the tests"
                    + " again without the property");
        }
        if (expected == null) {
            fail("no golden file " + golden + " for " + capture + ": make it with mvn -o test"
                    + " -Dtest=GoldenJsonTest -D" + UPDATE + "=true, then review it (captures/README.md)");
        }
        // Parsed trees first: the message names the first difference rather than a byte offset.
        assertEquals(JSON.readTree(expected), JSON.readTree(run.out()), capture + " vs " + golden);
        assertEquals(expected, run.out(), capture + " vs " + golden + " (same JSON, different bytes)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void goldenFileIsValidHopJson(String capture) throws IOException {
        Path golden = goldenFor(capture);
        assertTrue(Files.exists(golden), "no golden file " + golden);
        JsonNode doc = JSON.readTree(golden.toFile());
        assertEquals(List.of(), HopJsonSchema.load().validate(doc, "#"), golden.toString());
        assertTrue(doc.get("traces").size() >= 1, golden + " holds at least one trace");
        assertEquals(doc.get("traces").size(), doc.at("/summary/traces").asInt(), golden.toString());
    }

    @Test
    void everyGoldenFileBelongsToABundledCapture() throws IOException {
        List<String> expected = captures().map(c -> c + ".json").sorted().toList();
        try (Stream<Path> files = Files.list(GOLDEN)) {
            assertEquals(expected, files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "golden files in " + GOLDEN + " and captures in " + CapturedFrames.CAPTURES);
        }
    }
}
