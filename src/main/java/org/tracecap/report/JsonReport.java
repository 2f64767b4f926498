package org.tracecap.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tracecap.model.Hop;
import org.tracecap.model.ProbeResult;
import org.tracecap.model.StopReason;
import org.tracecap.model.Trace;
import org.tracecap.packet.IcmpExtension;
import org.tracecap.packet.IcmpType;
import org.tracecap.packet.Ipv4Address;
import org.tracecap.packet.MplsEntry;

/**
 * Hop JSON (docs/hop-json.md, schema docs/hop-json.schema.json), written with Jackson's streaming
 * {@link JsonGenerator}: no reflection, no tree, one pass.
 *
 * <ul>
 *   <li>{@link #write(List, ReportSummary, OutputStream, boolean)}: the document
 *       {@code {"version":1,"tool":"tracecap","traces":[...],"summary":{...}}} in one call;</li>
 *   <li>{@link JsonDocumentWriter} writes the same document one trace at a time, {@link JsonLinesWriter}
 *       writes JSON Lines (one trace object per line).</li>
 * </ul>
 *
 * <p>Fields that do not apply are left out rather than written as null; every probe says whether it was
 * {@code answered}, and the reply's fields appear only when it was.
 */
public final class JsonReport {
    /** The {@code version} of the document this class writes; bumped on any incompatible change. */
    public static final int VERSION = 1;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();

    private static final String[] TCP_FLAG_NAMES = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"};

    private JsonReport() {
    }

    /** The whole document; {@code summary} may be null; {@code pretty} indents by two spaces. */
    public static void write(List<Trace> traces, ReportSummary summary, OutputStream out, boolean pretty)
            throws IOException {
        try (JsonDocumentWriter w = JsonDocumentWriter.open(out, pretty)) {
            for (Trace t : traces) {
                w.write(t);
            }
            w.finish(summary);
        }
    }

    /** One trace object as compact JSON text (the form of one JSON Lines line, without its newline). */
    public static String toJson(Trace trace) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator g = generator(bytes, false)) {
            writeTrace(g, trace);
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    static JsonGenerator generator(OutputStream out, boolean pretty) throws IOException {
        JsonGenerator g = FACTORY.createGenerator(out);
        if (pretty) {
            // "key": value, two-space indent, {} and [] for empty containers (as Python's json.dumps(indent=2)).
            Separators separators = Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("")
                    .withArrayEmptySeparator("");
            DefaultPrettyPrinter printer = new DefaultPrettyPrinter(separators)
                    .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                    .withArrayIndenter(new DefaultIndenter("  ", "\n"));
            g.setPrettyPrinter(printer);
        }
        return g;
    }

    static void writeTrace(JsonGenerator g, Trace t) throws IOException {
        g.writeStartObject();
        g.writeStringField("source", Ipv4Address.format(t.source()));
        g.writeStringField("destination", Ipv4Address.format(t.destination()));
        g.writeObjectFieldStart("method");
        g.writeStringField("protocol", t.method().protocol());
        g.writeStringField("tool", t.method().tool());
        g.writeStringField("probe_identity", t.method().probeIdentity());
        g.writeEndObject();
        g.writeStringField("start_time", time(t.startTimeNanos()));
        g.writeStringField("end_time", time(t.endTimeNanos()));
        writeStop(g, t.stop());
        if (!t.live().isEmpty()) {
            g.writeObjectFieldStart("live");
            for (Map.Entry<String, String> e : new TreeMap<>(t.live()).entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
        }
        g.writeArrayFieldStart("hops");
        for (Hop h : t.hops()) {
            g.writeStartObject();
            g.writeNumberField("ttl", h.ttl());
            if (h.nat()) {
                g.writeBooleanField("nat", true);
            }
            g.writeArrayFieldStart("probes");
            for (ProbeResult p : h.probes()) {
                writeProbe(g, p);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void writeStop(JsonGenerator g, StopReason stop) throws IOException {
        g.writeObjectFieldStart("stop");
        g.writeStringField("reason", stop == null ? StopReason.INCOMPLETE : stop.kind());
        if (stop != null && stop.code() != null) {
            g.writeNumberField("code", stop.code());
        }
        g.writeEndObject();
    }

    private static void writeProbe(JsonGenerator g, ProbeResult p) throws IOException {
        g.writeStartObject();
        g.writeStringField("send_time", time(p.sendTimeNanos()));
        g.writeNumberField("ip_id", p.ipId());
        optional(g, "source_port", p.sourcePort());
        optional(g, "destination_port", p.destinationPort());
        optional(g, "icmp_id", p.icmpId());
        optional(g, "icmp_sequence", p.icmpSequence());
        optional(g, "udp_checksum", p.udpChecksum());
        g.writeNumberField("size", p.size());
        g.writeBooleanField("answered", p.answered());
        if (p.answered()) {
            if (p.rttNanos() != null) {
                g.writeFieldName("rtt_ms");
                g.writeNumber(millis(p.rttNanos()));
            }
            g.writeStringField("responder", Ipv4Address.format(p.responder()));
            if (p.icmpType() != null) {
                g.writeObjectFieldStart("icmp");
                g.writeNumberField("type", p.icmpType());
                if (p.icmpCode() != null) {
                    g.writeNumberField("code", p.icmpCode());
                }
                g.writeStringField("type_name", IcmpType.name(p.icmpType()));
                g.writeEndObject();
            }
            if (p.tcpFlags() != null) {
                g.writeNumberField("tcp_flags", p.tcpFlags());
                g.writeArrayFieldStart("tcp_flag_names");
                for (int bit = 0; bit < TCP_FLAG_NAMES.length; bit++) {
                    if ((p.tcpFlags() & (1 << bit)) != 0) {
                        g.writeString(TCP_FLAG_NAMES[bit]);
                    }
                }
                g.writeEndArray();
            }
            if (p.annotation() != null && !p.annotation().isEmpty()) {
                g.writeStringField("annotation", p.annotation());
            }
            optional(g, "reply_ttl", p.replyTtl());
            optional(g, "quoted_ttl", p.quotedTtl());
            optional(g, "quoted_ip_id", p.quotedIpId());
            optional(g, "quoted_udp_checksum", p.quotedUdpChecksum());
            optional(g, "reply_size", p.replySize());
            if (!p.extensions().isEmpty()) {
                writeExtensions(g, p.extensions());
            }
        }
        g.writeEndObject();
    }

    private static void writeExtensions(JsonGenerator g, List<IcmpExtension> extensions) throws IOException {
        g.writeArrayFieldStart("extensions");
        for (IcmpExtension x : extensions) {
            g.writeStartObject();
            g.writeNumberField("class", x.classNum());
            g.writeNumberField("c_type", x.cType());
            g.writeStringField("hex", x.payloadHex());
            if (!x.mpls().isEmpty()) {
                g.writeArrayFieldStart("mpls");
                for (MplsEntry m : x.mpls()) {
                    g.writeStartObject();
                    g.writeNumberField("label", m.label());
                    g.writeNumberField("tc", m.trafficClass());
                    g.writeBooleanField("s", m.bottomOfStack());
                    g.writeNumberField("ttl", m.ttl());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    static void writeSummary(JsonGenerator g, ReportSummary s) throws IOException {
        g.writeObjectFieldStart("summary");
        g.writeNumberField("packets_read", s.packetsRead());
        g.writeNumberField("traces", s.traces());
        g.writeNumberField("probes", s.probesFound());
        g.writeNumberField("probes_past_stop", s.probesPastStop());
        g.writeNumberField("replies_attributed", s.repliesAttributed());
        g.writeNumberField("replies_unattributed", s.repliesUnattributed());
        writeCounts(g, "malformed", s.malformed());
        writeCounts(g, "warnings", s.warnings());
        if (s.unattributed() != null) {
            writeCounts(g, "unattributed", s.unattributed());
        }
        g.writeEndObject();
    }

    private static void writeCounts(JsonGenerator g, String name, Map<String, Long> byReason) throws IOException {
        g.writeObjectFieldStart(name);
        for (Map.Entry<String, Long> e : byReason.entrySet()) {
            g.writeNumberField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }

    private static void optional(JsonGenerator g, String name, Integer value) throws IOException {
        if (value != null) {
            g.writeNumberField(name, value);
        }
    }

    /**
     * RFC 3339 in UTC: {@code 2026-11-26T21:01:15Z}, with a fraction of 3, 6 or 9 digits when the
     * nanoseconds are not zero ({@code .123Z}, {@code .123456Z}, {@code .123456789Z}).
     */
    static String time(long epochNanos) {
        long seconds = Math.floorDiv(epochNanos, 1_000_000_000L);
        int nanos = (int) Math.floorMod(epochNanos, 1_000_000_000L);
        if (seconds < 0 || seconds >= YEAR_10000) {
            return Instant.ofEpochSecond(seconds, nanos).toString();
        }
        // The same text as Instant.toString (ISO_INSTANT), built directly: a replay writes one per probe,
        // and DateTimeFormatter was a fifth of the JSON writing. The date changes rarely: it is cached.
        long epochDay = seconds / 86_400;
        int secondOfDay = (int) (seconds % 86_400);
        Day day = lastDay;
        if (day.epochDay() != epochDay) {
            day = new Day(epochDay, LocalDate.ofEpochDay(epochDay) + "T");
            lastDay = day;
        }
        StringBuilder s = new StringBuilder(32).append(day.text());
        digits(s, secondOfDay / 3600, 2).append(':');
        digits(s, secondOfDay / 60 % 60, 2).append(':');
        digits(s, secondOfDay % 60, 2);
        if (nanos != 0) {
            s.append('.');
            if (nanos % 1_000_000 == 0) {
                digits(s, nanos / 1_000_000, 3);
            } else if (nanos % 1000 == 0) {
                digits(s, nanos / 1000, 6);
            } else {
                digits(s, nanos, 9);
            }
        }
        return s.append('Z').toString();
    }

    /** 10000-01-01T00:00:00Z: from there ISO_INSTANT writes a sign and a fifth year digit. */
    private static final long YEAR_10000 = 253_402_300_800L;

    /** A day since the epoch and its text {@code 2026-11-18T}; immutable, so sharing it between threads is safe. */
    private record Day(long epochDay, String text) {
    }

    private static volatile Day lastDay = new Day(0, "1970-01-01T");

    /** Appends {@code value} (0 or more) zero-padded to {@code width} digits. */
    private static StringBuilder digits(StringBuilder s, int value, int width) {
        for (int unit = pow10(width - 1); unit > 0; unit /= 10) {
            s.append((char) ('0' + value / unit % 10));
        }
        return s;
    }

    private static int pow10(int exponent) {
        int p = 1;
        for (int i = 0; i < exponent; i++) {
            p *= 10;
        }
        return p;
    }

    /**
     * Nanoseconds as a decimal number of milliseconds, exact (up to 6 decimals), no trailing zeros:
     * 164000 ns -> {@code 0.164}, 1 ns -> {@code 0.000001}, 2000000 ns -> {@code 2}.
     */
    static String millis(long nanos) {
        StringBuilder s = new StringBuilder(16);
        if (nanos < 0) {
            s.append('-');
        }
        long abs = Math.abs(nanos);
        s.append(abs / 1_000_000);
        long frac = abs % 1_000_000;
        if (frac != 0) {
            String digits = Long.toString(frac + 1_000_000).substring(1);
            int end = digits.length();
            while (digits.charAt(end - 1) == '0') {
                end--;
            }
            s.append('.').append(digits, 0, end);
        }
        return s.toString();
    }
}
