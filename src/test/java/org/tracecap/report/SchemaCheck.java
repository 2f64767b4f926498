package org.tracecap.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a JSON value against docs/hop-json.schema.json for the JSON Schema 2020-12 keywords that schema
 * uses: $ref (local), type, const, enum, required, properties, additionalProperties, items, minItems,
 * minProperties, minimum, maximum, pattern, if/then/else, not and boolean schemas. Annotations
 * (description, examples, format) are not assertions in 2020-12 by default and are skipped. Any other
 * keyword is reported, so the schema cannot grow past what this checks unnoticed.
 */
final class SchemaCheck {
    private static final List<String> ANNOTATIONS = List.of("$schema", "$id", "title", "description", "examples",
            "format", "$defs");
    private final JsonNode root;

    SchemaCheck(JsonNode root) {
        this.root = root;
    }

    static SchemaCheck hopJson() throws IOException {
        return new SchemaCheck(new ObjectMapper().readTree(Path.of("docs", "hop-json.schema.json").toFile()));
    }

    /** Errors of {@code value} against the whole schema ({@code "#"}) or a pointer like {@code "#/$defs/trace"}. */
    List<String> validate(JsonNode value, String pointer) {
        List<String> errors = new ArrayList<>();
        check(resolve(pointer), value, "$", errors);
        return errors;
    }

    private JsonNode resolve(String ref) {
        if (!ref.startsWith("#")) {
            throw new IllegalArgumentException("only local $ref: " + ref);
        }
        JsonNode n = root.at(ref.substring(1));
        if (n.isMissingNode()) {
            throw new IllegalArgumentException("dangling $ref " + ref);
        }
        return n;
    }

    private void check(JsonNode schema, JsonNode v, String at, List<String> errors) {
        if (schema.isBoolean()) {
            if (!schema.booleanValue()) {
                errors.add(at + ": not allowed here");
            }
            return;
        }
        for (Map.Entry<String, JsonNode> e : schema.properties()) {
            JsonNode k = e.getValue();
            switch (e.getKey()) {
                case "$ref" -> check(resolve(k.asText()), v, at, errors);
                case "type" -> {
                    if (!hasType(v, k.asText())) {
                        errors.add(at + ": expected " + k.asText() + ", got " + v);
                    }
                }
                case "const" -> {
                    if (!equal(k, v)) {
                        errors.add(at + ": expected " + k + ", got " + v);
                    }
                }
                case "enum" -> {
                    boolean found = false;
                    for (JsonNode option : k) {
                        found |= equal(option, v);
                    }
                    if (!found) {
                        errors.add(at + ": " + v + " not in " + k);
                    }
                }
                case "required" -> {
                    for (JsonNode name : k) {
                        if (v.isObject() && !v.has(name.asText())) {
                            errors.add(at + ": missing " + name.asText());
                        }
                    }
                }
                case "properties" -> {
                    if (v.isObject()) {
                        k.properties().forEach(p -> {
                            if (v.has(p.getKey())) {
                                check(p.getValue(), v.get(p.getKey()), at + "." + p.getKey(), errors);
                            }
                        });
                    }
                }
                case "additionalProperties" -> {
                    if (v.isObject()) {
                        JsonNode declared = schema.path("properties");
                        v.properties().forEach(p -> {
                            if (!declared.has(p.getKey())) {
                                check(k, p.getValue(), at + "." + p.getKey(), errors);
                            }
                        });
                    }
                }
                case "items" -> {
                    if (v.isArray()) {
                        for (int i = 0; i < v.size(); i++) {
                            check(k, v.get(i), at + "[" + i + "]", errors);
                        }
                    }
                }
                case "minItems" -> {
                    if (v.isArray() && v.size() < k.asInt()) {
                        errors.add(at + ": fewer than " + k.asInt() + " items");
                    }
                }
                case "minProperties" -> {
                    if (v.isObject() && v.size() < k.asInt()) {
                        errors.add(at + ": fewer than " + k.asInt() + " properties");
                    }
                }
                case "minimum" -> {
                    if (v.isNumber() && v.decimalValue().compareTo(k.decimalValue()) < 0) {
                        errors.add(at + ": " + v + " < " + k);
                    }
                }
                case "maximum" -> {
                    if (v.isNumber() && v.decimalValue().compareTo(k.decimalValue()) > 0) {
                        errors.add(at + ": " + v + " > " + k);
                    }
                }
                case "pattern" -> {
                    if (v.isTextual() && !Pattern.compile(k.asText()).matcher(v.asText()).find()) {
                        errors.add(at + ": '" + v.asText() + "' does not match " + k.asText());
                    }
                }
                case "if" -> {
                    List<String> sub = new ArrayList<>();
                    check(k, v, at, sub);
                    JsonNode branch = sub.isEmpty() ? schema.get("then") : schema.get("else");
                    if (branch != null) {
                        check(branch, v, at, errors);
                    }
                }
                case "then", "else" -> {
                    // applied by "if"
                }
                case "not" -> {
                    List<String> sub = new ArrayList<>();
                    check(k, v, at, sub);
                    if (sub.isEmpty()) {
                        errors.add(at + ": must not match " + k);
                    }
                }
                default -> {
                    if (!ANNOTATIONS.contains(e.getKey())) {
                        errors.add(at + ": schema keyword '" + e.getKey() + "' is not checked by SchemaCheck");
                    }
                }
            }
        }
    }

    private static boolean hasType(JsonNode v, String type) {
        return switch (type) {
            case "object" -> v.isObject();
            case "array" -> v.isArray();
            case "string" -> v.isTextual();
            case "integer" -> v.isIntegralNumber();
            case "number" -> v.isNumber();
            case "boolean" -> v.isBoolean();
            case "null" -> v.isNull();
            default -> throw new IllegalArgumentException("unknown type " + type);
        };
    }

    private static boolean equal(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return a.equals(b);
    }
}
