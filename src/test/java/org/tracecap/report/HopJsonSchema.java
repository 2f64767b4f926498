package org.tracecap.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * docs/hop-json.schema.json, checked by the networknt JSON Schema validator (draft 2020-12), for the tests of
 * every layer that writes hop JSON. {@code format} stays an annotation, as 2020-12 says by default; the
 * schema's {@code pattern} on times is what holds them to RFC 3339.
 */
public final class HopJsonSchema {
    public static final Path FILE = Path.of("docs", "hop-json.schema.json");
    /** The schema's {@code $id}: sub-schemas are reached as {@code ID + "#/$defs/trace"}. */
    private static final String ID = "urn:tracecap:hop-json:1";

    private final SchemaRegistry registry;

    private HopJsonSchema(String schemaText) {
        registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                builder -> builder.schemas(Map.of(ID, schemaText)));
    }

    /** The schema as it is in docs/ now. */
    public static HopJsonSchema load() {
        try {
            return new HopJsonSchema(Files.readString(FILE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The errors of {@code value} against the whole schema ({@code "#"}, a document) or a part of it
     * ({@code "#/$defs/trace"}, one JSON Lines line; {@code "#/$defs/probe"}); empty when it is valid.
     */
    public List<String> validate(JsonNode value, String pointer) {
        Schema schema = registry.getSchema(SchemaLocation.of("#".equals(pointer) ? ID : ID + pointer));
        return schema.validate(value).stream().map(Error::toString).toList();
    }
}
