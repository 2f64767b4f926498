package org.tracecap.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.SerializedString;
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
import org.tracecap.packet.IcmpMeaning;
import org.tracecap.packet.InterfaceInformation;
import org.tracecap.packet.IpAddress;
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

    // The field names of traces, hops and probes, encoded once: a replay writes hundreds of thousands of
    // probes, and Jackson would otherwise check every name for characters to escape each time.
    private static final SerializedString F_ANNOTATION = new SerializedString("annotation");
    private static final SerializedString F_ANSWERED = new SerializedString("answered");
    private static final SerializedString F_C_TYPE = new SerializedString("c_type");
    private static final SerializedString F_CLASS = new SerializedString("class");
    private static final SerializedString F_CODE = new SerializedString("code");
    private static final SerializedString F_DESTINATION = new SerializedString("destination");
    private static final SerializedString F_DESTINATION_PORT = new SerializedString("destination_port");
    private static final SerializedString F_END_TIME = new SerializedString("end_time");
    private static final SerializedString F_EXTENSIONS = new SerializedString("extensions");
    private static final SerializedString F_HEX = new SerializedString("hex");
    private static final SerializedString F_HOPS = new SerializedString("hops");
    private static final SerializedString F_ICMP = new SerializedString("icmp");
    private static final SerializedString F_INTERFACE = new SerializedString("interface");
    private static final SerializedString F_ICMP_ID = new SerializedString("icmp_id");
    private static final SerializedString F_ICMP_SEQUENCE = new SerializedString("icmp_sequence");
    private static final SerializedString F_IP_ID = new SerializedString("ip_id");
    private static final SerializedString F_LABEL = new SerializedString("label");
    private static final SerializedString F_LIVE = new SerializedString("live");
    private static final SerializedString F_METHOD = new SerializedString("method");
    private static final SerializedString F_MPLS = new SerializedString("mpls");
    private static final SerializedString F_NAT = new SerializedString("nat");
    private static final SerializedString F_LEARNED_FROM = new SerializedString("learned_from");
    private static final SerializedString F_PROBE_IDENTITY = new SerializedString("probe_identity");
    private static final SerializedString F_PROBES = new SerializedString("probes");
    private static final SerializedString F_PROTOCOL = new SerializedString("protocol");
    private static final SerializedString F_QUOTED_IP_ID = new SerializedString("quoted_ip_id");
    private static final SerializedString F_QUOTED_TTL = new SerializedString("quoted_ttl");
    private static final SerializedString F_QUOTED_UDP_CHECKSUM = new SerializedString("quoted_udp_checksum");
    private static final SerializedString F_REASON = new SerializedString("reason");
    private static final SerializedString F_REPLY_SIZE = new SerializedString("reply_size");
    private static final SerializedString F_REPLY_TTL = new SerializedString("reply_ttl");
    private static final SerializedString F_RESPONDER = new SerializedString("responder");
    private static final SerializedString F_RTT_MS = new SerializedString("rtt_ms");
    private static final SerializedString F_S = new SerializedString("s");
    private static final SerializedString F_SEND_TIME = new SerializedString("send_time");
    private static final SerializedString F_SIZE = new SerializedString("size");
    private static final SerializedString F_SOURCE = new SerializedString("source");
    private static final SerializedString F_SOURCE_PORT = new SerializedString("source_port");
    private static final SerializedString F_START_TIME = new SerializedString("start_time");
    private static final SerializedString F_STOP = new SerializedString("stop");
    private static final SerializedString F_TC = new SerializedString("tc");
    private static final SerializedString F_TCP_FLAG_NAMES = new SerializedString("tcp_flag_names");
    private static final SerializedString F_TCP_FLAGS = new SerializedString("tcp_flags");
    private static final SerializedString F_TOOL = new SerializedString("tool");
    private static final SerializedString F_TTL = new SerializedString("ttl");
    private static final SerializedString F_TYPE = new SerializedString("type");
    private static final SerializedString F_TYPE_NAME = new SerializedString("type_name");
    private static final SerializedString F_UDP_CHECKSUM = new SerializedString("udp_checksum");
    private static final SerializedString F_FLOW_LABEL = new SerializedString("flow_label");
    private static final SerializedString F_UDP_CHECKSUM_PARTIAL = new SerializedString("udp_checksum_partial");
    private static final SerializedString F_CAPTURED_UDP_CHECKSUM = new SerializedString("captured_udp_checksum");

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
        // Times and addresses are ASCII that never needs escaping: they are built as bytes here and written
        // as they are, with no String per probe.
        byte[] scratch = new byte[SCRATCH];
        g.writeStartObject();
        g.writeFieldName(F_SOURCE);
        address(g, t.source(), scratch);
        g.writeFieldName(F_DESTINATION);
        address(g, t.destination(), scratch);
        g.writeFieldName(F_METHOD);
        g.writeStartObject();
        g.writeFieldName(F_PROTOCOL);
        g.writeString(t.method().protocol());
        g.writeFieldName(F_TOOL);
        g.writeString(t.method().tool());
        g.writeFieldName(F_PROBE_IDENTITY);
        g.writeString(t.method().probeIdentity());
        g.writeEndObject();
        g.writeFieldName(F_START_TIME);
        time(g, t.startTimeNanos(), scratch);
        g.writeFieldName(F_END_TIME);
        time(g, t.endTimeNanos(), scratch);
        writeStop(g, t.stop());
        if (!t.live().isEmpty()) {
            g.writeFieldName(F_LIVE);
            g.writeStartObject();
            for (Map.Entry<String, String> e : new TreeMap<>(t.live()).entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
        }
        g.writeFieldName(F_HOPS);
        g.writeStartArray();
        for (Hop h : t.hops()) {
            g.writeStartObject();
            g.writeFieldName(F_TTL);
            g.writeNumber(h.ttl());
            if (h.nat()) {
                g.writeFieldName(F_NAT);
                g.writeBoolean(true);
            }
            if (h.learnedFrom() != null) {
                g.writeFieldName(F_LEARNED_FROM);
                g.writeString(h.learnedFrom());
            }
            g.writeFieldName(F_PROBES);
            g.writeStartArray();
            for (ProbeResult p : h.probes()) {
                writeProbe(g, p, scratch);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void writeStop(JsonGenerator g, StopReason stop) throws IOException {
        g.writeFieldName(F_STOP);
        g.writeStartObject();
        g.writeFieldName(F_REASON);
        g.writeString(stop == null ? StopReason.INCOMPLETE : stop.kind());
        if (stop != null && stop.code() != null) {
            g.writeFieldName(F_CODE);
            g.writeNumber(stop.code());
        }
        g.writeEndObject();
    }

    private static void writeProbe(JsonGenerator g, ProbeResult p, byte[] scratch) throws IOException {
        g.writeStartObject();
        g.writeFieldName(F_SEND_TIME);
        time(g, p.sendTimeNanos(), scratch);
        g.writeFieldName(F_IP_ID);
        g.writeNumber(p.ipId());
        optional(g, F_FLOW_LABEL, p.flowLabel());
        optional(g, F_SOURCE_PORT, p.sourcePort());
        optional(g, F_DESTINATION_PORT, p.destinationPort());
        optional(g, F_ICMP_ID, p.icmpId());
        optional(g, F_ICMP_SEQUENCE, p.icmpSequence());
        optional(g, F_UDP_CHECKSUM, p.udpChecksum());
        if (p.udpChecksumPartial()) {
            g.writeFieldName(F_UDP_CHECKSUM_PARTIAL);
            g.writeBoolean(true);
            optional(g, F_CAPTURED_UDP_CHECKSUM, p.capturedUdpChecksum());
        }
        g.writeFieldName(F_SIZE);
        g.writeNumber(p.size());
        g.writeFieldName(F_ANSWERED);
        g.writeBoolean(p.answered());
        if (p.answered()) {
            if (p.rttNanos() != null) {
                g.writeFieldName(F_RTT_MS);
                millis(g, p.rttNanos());
            }
            g.writeFieldName(F_RESPONDER);
            address(g, p.responder(), scratch);
            if (p.icmpType() != null) {
                g.writeFieldName(F_ICMP);
                g.writeStartObject();
                g.writeFieldName(F_TYPE);
                g.writeNumber(p.icmpType());
                if (p.icmpCode() != null) {
                    g.writeFieldName(F_CODE);
                    g.writeNumber(p.icmpCode());
                }
                g.writeFieldName(F_TYPE_NAME);
                g.writeString(IcmpMeaning.name(p.responder().family(), p.icmpType()));
                g.writeEndObject();
            }
            if (p.tcpFlags() != null) {
                g.writeFieldName(F_TCP_FLAGS);
                g.writeNumber(p.tcpFlags());
                g.writeFieldName(F_TCP_FLAG_NAMES);
                g.writeStartArray();
                for (int bit = 0; bit < TCP_FLAG_NAMES.length; bit++) {
                    if ((p.tcpFlags() & (1 << bit)) != 0) {
                        g.writeString(TCP_FLAG_NAMES[bit]);
                    }
                }
                g.writeEndArray();
            }
            if (p.annotation() != null && !p.annotation().isEmpty()) {
                g.writeFieldName(F_ANNOTATION);
                g.writeString(p.annotation());
            }
            optional(g, F_REPLY_TTL, p.replyTtl());
            optional(g, F_QUOTED_TTL, p.quotedTtl());
            optional(g, F_QUOTED_IP_ID, p.quotedIpId());
            optional(g, F_QUOTED_UDP_CHECKSUM, p.quotedUdpChecksum());
            optional(g, F_REPLY_SIZE, p.replySize());
            if (!p.extensions().isEmpty()) {
                writeExtensions(g, p.extensions());
            }
        }
        g.writeEndObject();
    }

    private static void writeExtensions(JsonGenerator g, List<IcmpExtension> extensions) throws IOException {
        g.writeFieldName(F_EXTENSIONS);
        g.writeStartArray();
        for (IcmpExtension x : extensions) {
            g.writeStartObject();
            g.writeFieldName(F_CLASS);
            g.writeNumber(x.classNum());
            g.writeFieldName(F_C_TYPE);
            g.writeNumber(x.cType());
            g.writeFieldName(F_HEX);
            g.writeString(x.payloadHex());
            if (!x.mpls().isEmpty()) {
                g.writeFieldName(F_MPLS);
                g.writeStartArray();
                for (MplsEntry m : x.mpls()) {
                    g.writeStartObject();
                    g.writeFieldName(F_LABEL);
                    g.writeNumber(m.label());
                    g.writeFieldName(F_TC);
                    g.writeNumber(m.trafficClass());
                    g.writeFieldName(F_S);
                    g.writeBoolean(m.bottomOfStack());
                    g.writeFieldName(F_TTL);
                    g.writeNumber(m.ttl());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            if (x.interfaceInformation() != null) {
                writeInterface(g, x.interfaceInformation());
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** RFC 5837's object: {@code "interface":{"role":..., "if_index", "address", "name", "mtu" when sent}}. */
    private static void writeInterface(JsonGenerator g, InterfaceInformation info) throws IOException {
        g.writeFieldName(F_INTERFACE);
        g.writeStartObject();
        g.writeStringField("role", info.roleName());
        if (info.ifIndex() != null) {
            g.writeNumberField("if_index", info.ifIndex());
        }
        if (info.address() != null) {
            g.writeStringField("address", info.address().toString());
        }
        if (info.name() != null) {
            g.writeStringField("name", info.name());
        }
        if (info.mtu() != null) {
            g.writeNumberField("mtu", info.mtu());
        }
        g.writeEndObject();
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
        g.writeNumberField("copies_folded", s.copiesFolded());
        writeCounts(g, "set_aside", s.setAside());
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

    private static void optional(JsonGenerator g, SerializedString name, Integer value) throws IOException {
        if (value != null) {
            g.writeFieldName(name);
            g.writeNumber(value.intValue());
        }
    }

    /** Room for the longest text built in the scratch buffer: a time of 30 bytes. */
    private static final int SCRATCH = 32;

    /** A string value of ASCII bytes that need no escaping. */
    private static void address(JsonGenerator g, IpAddress address, byte[] scratch) throws IOException {
        if (address.isIpv4()) {
            g.writeRawUTF8String(scratch, 0, Ipv4Address.format((int) address.low(), scratch, 0));
        } else {
            g.writeString(address.toString()); // RFC 5952 text: hex digits and colons, up to 39 bytes
        }
    }

    private static void time(JsonGenerator g, long epochNanos, byte[] scratch) throws IOException {
        int n = time(epochNanos, scratch);
        if (n < 0) {
            g.writeString(instantText(epochNanos));
        } else {
            g.writeRawUTF8String(scratch, 0, n);
        }
    }

    /**
     * RFC 3339 in UTC: {@code 2026-11-26T21:01:15Z}, with a fraction of 3, 6 or 9 digits when the
     * nanoseconds are not zero ({@code .123Z}, {@code .123456Z}, {@code .123456789Z}).
     */
    static String time(long epochNanos) {
        byte[] text = new byte[SCRATCH];
        int n = time(epochNanos, text);
        return n < 0 ? instantText(epochNanos) : new String(text, 0, n, StandardCharsets.US_ASCII);
    }

    /** {@link #time(long)} for the times the byte builder leaves out: {@code Instant.toString}. */
    private static String instantText(long epochNanos) {
        return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L),
                Math.floorMod(epochNanos, 1_000_000_000L)).toString();
    }

    /**
     * {@link #time(long)} as ASCII bytes into {@code text} (at least {@link #SCRATCH} long); returns their
     * number, or -1 for a time before 1970 or from the year 10000 on (left to {@code Instant.toString}).
     */
    private static int time(long epochNanos, byte[] text) {
        return time(epochNanos, text, 0);
    }

    /** {@link #time(long, byte[])} at {@code at} in {@code text} (room for {@link #SCRATCH} bytes from there). */
    static int time(long epochNanos, byte[] text, int at) {
        // The same text as Instant.toString (ISO_INSTANT), built directly: a replay writes one per probe,
        // and DateTimeFormatter was a fifth of the JSON writing. The date and time to the second change
        // rarely from one probe to the next: they are cached, and a time inside the cached second needs
        // no division.
        Second second = lastSecond;
        // epochNanos >= startNanos first: then the difference cannot overflow (a time near Long.MIN_VALUE
        // minus the start of a second in 2262 would wrap around into [0, 10^9))
        long sinceSecond = epochNanos - second.startNanos();
        if (second.epochSecond() < 0 || epochNanos < second.startNanos() || sinceSecond >= 1_000_000_000L) {
            long seconds = Math.floorDiv(epochNanos, 1_000_000_000L);
            if (seconds < 0 || seconds >= YEAR_10000) {
                return -1;
            }
            second = second(seconds);
            lastSecond = second;
            sinceSecond = Math.floorMod(epochNanos, 1_000_000_000L);
        }
        int nanos = (int) sinceSecond;
        byte[] prefix = second.text();
        System.arraycopy(prefix, 0, text, at, prefix.length);
        int n = at + prefix.length;
        if (nanos != 0) {
            text[n++] = '.';
            // nanos / 10^6 and / 10^3 as multiply-shifts (exact for every unsigned 32-bit value)
            int millis = (int) ((nanos * 1_125_899_907L) >>> 50);
            int micros = (int) ((nanos * 0x1062_4DD3L) >>> 38);
            if (millis * 1_000_000 == nanos) {
                n = digits(text, n, millis, 3);
            } else if (micros * 1000 == nanos) {
                n = digits(text, n, micros, 6);
            } else {
                n = digits(text, n, nanos, 9);
            }
        }
        text[n++] = 'Z';
        return n - at;
    }

    /** 10000-01-01T00:00:00Z: from there ISO_INSTANT writes a sign and a fifth year digit. */
    private static final long YEAR_10000 = 253_402_300_800L;

    /** A day since the epoch and its text {@code 2026-11-18T} in ASCII (never modified, so safe to share). */
    private record Day(long epochDay, byte[] text) {
    }

    /**
     * A second since the epoch (-1: none yet), its first nanosecond since the epoch and its text
     * {@code 2026-11-18T21:01:15} in ASCII (never modified).
     */
    private record Second(long epochSecond, long startNanos, byte[] text) {
    }

    private static volatile Day lastDay = new Day(0, "1970-01-01T".getBytes(StandardCharsets.US_ASCII));
    private static volatile Second lastSecond = new Second(-1, 0, new byte[0]);

    /** The text of {@code seconds} (0 to the year 9999) to the second, without the fraction and the Z. */
    private static Second second(long seconds) {
        long epochDay = seconds / 86_400;
        int secondOfDay = (int) (seconds % 86_400);
        Day day = lastDay;
        if (day.epochDay() != epochDay) {
            day = new Day(epochDay, (LocalDate.ofEpochDay(epochDay) + "T").getBytes(StandardCharsets.US_ASCII));
            lastDay = day;
        }
        byte[] date = day.text();
        byte[] text = java.util.Arrays.copyOf(date, date.length + 8);
        int n = date.length;
        n = digits(text, n, secondOfDay / 3600, 2);
        text[n++] = ':';
        n = digits(text, n, secondOfDay / 60 % 60, 2);
        text[n++] = ':';
        digits(text, n, secondOfDay % 60, 2);
        return new Second(seconds, seconds * 1_000_000_000L, text);
    }

    /** "00" to "99" as ASCII pairs: two digits per division when writing numbers. */
    private static final byte[] DIGIT_PAIRS = new byte[200];

    static {
        for (int i = 0; i < 100; i++) {
            DIGIT_PAIRS[2 * i] = (byte) ('0' + i / 10);
            DIGIT_PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
    }

    /**
     * Writes {@code value} (0 or more) zero-padded to {@code width} digits at {@code n}; returns the end.
     * The divisions by 10 and 100 are multiplications and shifts (exact for every int of 0 or more): the JIT
     * tier the launcher uses (C1) divides with the processor's divide instruction, and a replay writes
     * several numbers per probe.
     */
    static int digits(byte[] text, int n, int value, int width) {
        int i = n + width;
        while (i - n >= 2) {
            int q = div100(value);
            int pair = (value - q * 100) << 1;
            text[--i] = DIGIT_PAIRS[pair + 1];
            text[--i] = DIGIT_PAIRS[pair];
            value = q;
        }
        if (i > n) {
            text[--i] = (byte) ('0' + value - div10(value) * 10);
        }
        return n + width;
    }

    /** The decimal digits of {@code value} (0 or more) at {@code n}, no padding; returns the end. */
    static int digits(byte[] text, int n, int value) {
        return digits(text, n, value, digitCount(value));
    }

    /** How many decimal digits {@code value} (0 or more) has. */
    static int digitCount(int value) {
        if (value < 100_000) {
            return value < 100 ? (value < 10 ? 1 : 2) : value < 1000 ? 3 : value < 10_000 ? 4 : 5;
        }
        return value < 10_000_000 ? (value < 1_000_000 ? 6 : 7)
                : value < 100_000_000 ? 8 : value < 1_000_000_000 ? 9 : 10;
    }

    /** {@code value / 10} for {@code value >= 0} (0x_CCCC_CCCD / 2^35, exact for every unsigned 32-bit value). */
    private static int div10(int value) {
        return (int) ((value * 0xCCCC_CCCDL) >>> 35);
    }

    /** {@code value / 1000} for {@code 0 <= value < 2^32} (0x1062_4DD3 / 2^38, exact in that range). */
    static long div1000(long value) {
        return (value * 0x1062_4DD3L) >>> 38;
    }

    /** {@code value / 1 000 000} for {@code 0 <= value < 2^32} (1125899907 / 2^50, exact in that range). */
    static long div1000000(long value) {
        return (value * 1_125_899_907L) >>> 50;
    }

    /** {@code value / 100} for {@code value >= 0} (1374389535 / 2^37, exact for every unsigned 32-bit value). */
    private static int div100(int value) {
        return (int) ((value * 1_374_389_535L) >>> 37);
    }

    /** {@link #millis(long)} as a number value, built in an array rather than a String. */
    private static void millis(JsonGenerator g, long nanos) throws IOException {
        if (nanos == Long.MIN_VALUE) {
            g.writeNumber(millis(nanos));
            return;
        }
        byte[] bytes = new byte[24];
        int n = millis(nanos, bytes, 0);
        char[] text = new char[n];
        for (int i = 0; i < n; i++) {
            text[i] = (char) bytes[i];
        }
        g.writeNumber(text, 0, n);
    }

    /**
     * {@link #millis(long)} as ASCII bytes at {@code at} (24 bytes of room); returns their number. Not for
     * Long.MIN_VALUE.
     */
    static int millis(long nanos, byte[] text, int at) {
        int n = at;
        if (nanos < 0) {
            text[n++] = '-';
        }
        long abs = Math.abs(nanos);
        // an RTT is under 4.3 s (2^32 ns): a multiply-shift (C1 divides a long by calling the runtime)
        long whole = abs <= 0xffff_ffffL ? div1000000(abs) : abs / 1_000_000;
        int frac = (int) (abs - whole * 1_000_000);
        if (whole <= Integer.MAX_VALUE) {
            n = digits(text, n, (int) whole);
        } else {
            byte[] wholeText = Long.toString(whole).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(wholeText, 0, text, n, wholeText.length);
            n += wholeText.length;
        }
        if (frac != 0) {
            int width = 6;
            for (int q = div10(frac); q * 10 == frac; q = div10(frac)) {
                frac = q;
                width--;
            }
            text[n++] = '.';
            n = digits(text, n, frac, width);
        }
        return n - at;
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
