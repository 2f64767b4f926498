package org.tracecap.report;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
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
 * One trace object as compact hop JSON, appended as UTF-8 bytes to a growing buffer: byte for byte what
 * {@link JsonReport#writeTrace} writes through Jackson's generator without a pretty printer (same fields,
 * same order, same number and string forms; {@code CompactTraceJsonTest} compares the two on every bundled
 * capture and on synthetic traces). JSON Lines writes one per line: a replay writes hundreds of thousands
 * of probes, and Jackson's generator checks its context and the buffer's room for every token (the JIT
 * tier the launcher uses, C1, inlines little of it), where this appends constant bytes.
 *
 * <p>Field names are pre-encoded with their quotes, colon and leading comma. Strings that are printable
 * ASCII without {@code "} or {@code \} are written as they are; any other string (rare: none of the
 * strings a replay writes) goes through a Jackson generator of its own, so escaping stays Jackson's
 * (control characters, and characters outside the BMP as two escaped surrogates). Not thread-safe.
 */
final class CompactTraceJson {
    private static final byte[] SOURCE = ascii("{\"source\":");
    private static final byte[] DESTINATION = ascii(",\"destination\":");
    private static final byte[] METHOD_PROTOCOL = ascii(",\"method\":{\"protocol\":");
    private static final byte[] TOOL = ascii(",\"tool\":");
    private static final byte[] PROBE_IDENTITY = ascii(",\"probe_identity\":");
    private static final byte[] START_TIME = ascii("},\"start_time\":");
    private static final byte[] END_TIME = ascii(",\"end_time\":");
    private static final byte[] STOP_REASON = ascii(",\"stop\":{\"reason\":");
    private static final byte[] CODE = ascii(",\"code\":");
    private static final byte[] LIVE = ascii(",\"live\":{");
    private static final byte[] HOPS = ascii(",\"hops\":[");
    private static final byte[] TTL_FIRST = ascii("{\"ttl\":");
    private static final byte[] NAT_TRUE = ascii(",\"nat\":true");
    private static final byte[] LEARNED_FROM = ascii(",\"learned_from\":");
    private static final byte[] PROBES = ascii(",\"probes\":[");
    private static final byte[] SEND_TIME = ascii("{\"send_time\":");
    private static final byte[] IP_ID = ascii(",\"ip_id\":");
    private static final byte[] SOURCE_PORT = ascii(",\"source_port\":");
    private static final byte[] DESTINATION_PORT = ascii(",\"destination_port\":");
    private static final byte[] ICMP_ID = ascii(",\"icmp_id\":");
    private static final byte[] ICMP_SEQUENCE = ascii(",\"icmp_sequence\":");
    private static final byte[] UDP_CHECKSUM = ascii(",\"udp_checksum\":");
    private static final byte[] FLOW_LABEL = ascii(",\"flow_label\":");
    private static final byte[] PARTIAL_CAPTURED_UDP_CHECKSUM =
            ascii(",\"udp_checksum_partial\":true,\"captured_udp_checksum\":");
    private static final byte[] SIZE = ascii(",\"size\":");
    private static final byte[] ANSWERED_TRUE = ascii(",\"answered\":true");
    private static final byte[] ANSWERED_FALSE = ascii(",\"answered\":false");
    private static final byte[] ANSWERED_TRUE_RTT_MS = ascii(",\"answered\":true,\"rtt_ms\":");
    private static final byte[] RESPONDER = ascii(",\"responder\":");
    private static final byte[] ICMP_TYPE = ascii(",\"icmp\":{\"type\":");
    private static final byte[] TYPE_NAME = ascii(",\"type_name\":");
    private static final byte[] TCP_FLAGS = ascii(",\"tcp_flags\":");
    private static final byte[] TCP_FLAG_NAMES = ascii(",\"tcp_flag_names\":[");
    private static final byte[] ANNOTATION = ascii(",\"annotation\":");
    private static final byte[] REPLY_TTL = ascii(",\"reply_ttl\":");
    private static final byte[] QUOTED_TTL = ascii(",\"quoted_ttl\":");
    private static final byte[] QUOTED_IP_ID = ascii(",\"quoted_ip_id\":");
    private static final byte[] QUOTED_UDP_CHECKSUM = ascii(",\"quoted_udp_checksum\":");
    private static final byte[] REPLY_SIZE = ascii(",\"reply_size\":");
    private static final byte[] EXTENSIONS = ascii(",\"extensions\":[");
    private static final byte[] CLASS_FIRST = ascii("{\"class\":");
    private static final byte[] C_TYPE = ascii(",\"c_type\":");
    private static final byte[] HEX = ascii(",\"hex\":");
    private static final byte[] MPLS = ascii(",\"mpls\":[");
    private static final byte[] LABEL_FIRST = ascii("{\"label\":");
    private static final byte[] TC = ascii(",\"tc\":");
    private static final byte[] S_TRUE = ascii(",\"s\":true");
    private static final byte[] S_FALSE = ascii(",\"s\":false");
    private static final byte[] TTL = ascii(",\"ttl\":");
    private static final byte[] INTERFACE_ROLE = ascii(",\"interface\":{\"role\":");
    private static final byte[] IF_INDEX = ascii(",\"if_index\":");
    private static final byte[] INTERFACE_ADDRESS = ascii(",\"address\":");
    private static final byte[] INTERFACE_NAME = ascii(",\"name\":");
    private static final byte[] INTERFACE_MTU = ascii(",\"mtu\":");

    /**
     * {@code ,"type_name":"NAME"}} of each ICMP type, made on first use: the same bytes as the name field,
     * its string and the brace that ends the {@code icmp} object (per instance: writers on two threads).
     */
    /** Per family: IPv4 types at 0-255, ICMPv6 types at 256-511. */
    private final byte[][] typeNameClose = new byte[512][];

    private static final String[] TCP_FLAG_NAME = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"};

    /** Room for any single number, time or address: a time is at most 32 bytes, a quoted one 34. */
    private static final int TOKEN = 40;
    /**
     * The most a probe takes up to its ICMP type name: thirteen names of up to 24 bytes, each with a number,
     * time or address of up to {@link #TOKEN} ({@link #time}, {@link #millis} and {@link #address} check
     * for themselves too).
     */
    private static final int PROBE_FIXED = 17 * (24 + TOKEN);
    /** The most the five reply fields after the annotation take. */
    private static final int PROBE_TAIL = 5 * (24 + TOKEN) + 1;

    private byte[] buf;
    private int n;
    /** {@link #packDigits} of each 16-bit value, filled as they come (0: not yet). */
    private final long[] sixteenBit = new long[1 << 16];

    CompactTraceJson(int capacity) {
        buf = new byte[Math.max(capacity, 256)];
    }

    /** Bytes appended since the last {@link #writeTo}. */
    int size() {
        return n;
    }

    /** Writes the bytes appended so far to {@code out} and empties the buffer. */
    void writeTo(OutputStream out) throws IOException {
        if (n > 0) {
            out.write(buf, 0, n);
            n = 0;
        }
    }

    /** Appends one byte (the newline of a JSON Line). */
    void append(byte b) {
        room(1);
        buf[n++] = b;
    }

    /** Appends {@code t} as one compact trace object. */
    void trace(Trace t) {
        raw(SOURCE);
        address(t.source());
        raw(DESTINATION);
        address(t.destination());
        raw(METHOD_PROTOCOL);
        string(t.method().protocol());
        raw(TOOL);
        string(t.method().tool());
        raw(PROBE_IDENTITY);
        string(t.method().probeIdentity());
        raw(START_TIME);
        time(t.startTimeNanos());
        raw(END_TIME);
        time(t.endTimeNanos());
        StopReason stop = t.stop();
        raw(STOP_REASON);
        string(stop == null ? StopReason.INCOMPLETE : stop.kind());
        if (stop != null && stop.code() != null) {
            raw(CODE);
            number(stop.code());
        }
        append((byte) '}');
        if (!t.live().isEmpty()) {
            raw(LIVE);
            boolean first = true;
            for (Map.Entry<String, String> e : new TreeMap<>(t.live()).entrySet()) {
                if (!first) {
                    append((byte) ',');
                }
                first = false;
                string(e.getKey());
                append((byte) ':');
                string(e.getValue());
            }
            append((byte) '}');
        }
        raw(HOPS);
        List<Hop> hops = t.hops();
        for (int i = 0, size = hops.size(); i < size; i++) {
            Hop h = hops.get(i);
            if (i > 0) {
                append((byte) ',');
            }
            raw(TTL_FIRST);
            number(h.ttl());
            if (h.nat()) {
                raw(NAT_TRUE);
            }
            if (h.learnedFrom() != null) {
                raw(LEARNED_FROM);
                string(h.learnedFrom());
            }
            raw(PROBES);
            List<ProbeResult> probes = h.probes();
            for (int j = 0, count = probes.size(); j < count; j++) {
                if (j > 0) {
                    append((byte) ',');
                }
                probe(probes.get(j));
            }
            room(2);
            buf[n++] = ']';
            buf[n++] = '}';
        }
        room(2);
        buf[n++] = ']';
        buf[n++] = '}';
    }

    private void probe(ProbeResult p) {
        // Room for everything up to the ICMP type name at once (names, numbers, times, an address), so
        // the pieces below need no check of their own; strings check for themselves.
        room(PROBE_FIXED);
        put(SEND_TIME);
        time(p.sendTimeNanos());
        put(IP_ID);
        putNumber(p.ipId());
        putOptional(FLOW_LABEL, p.has(ProbeResult.HAS_FLOW_LABEL), p.flowLabelOr(0));
        putOptional(SOURCE_PORT, p.has(ProbeResult.HAS_SOURCE_PORT), p.sourcePortOr(0));
        putOptional(DESTINATION_PORT, p.has(ProbeResult.HAS_DESTINATION_PORT), p.destinationPortOr(0));
        putOptional(ICMP_ID, p.has(ProbeResult.HAS_ICMP_ID), p.icmpIdOr(0));
        putOptional(ICMP_SEQUENCE, p.has(ProbeResult.HAS_ICMP_SEQUENCE), p.icmpSequenceOr(0));
        putOptional(UDP_CHECKSUM, p.has(ProbeResult.HAS_UDP_CHECKSUM), p.udpChecksumOr(0));
        if (p.udpChecksumPartial()) {
            raw(PARTIAL_CAPTURED_UDP_CHECKSUM);
            number(p.capturedUdpChecksumOr(0));
        }
        put(SIZE);
        putNumber(p.size());
        if (!p.answered()) {
            put(ANSWERED_FALSE);
            buf[n++] = '}';
            return;
        }
        if (p.has(ProbeResult.HAS_RTT)) {
            put(ANSWERED_TRUE_RTT_MS);
            millis(p.rttNanosOr(0));
        } else {
            put(ANSWERED_TRUE);
        }
        put(RESPONDER);
        address(p.responder());
        if (p.has(ProbeResult.HAS_ICMP_TYPE)) {
            int icmpType = p.icmpTypeOr(0);
            put(ICMP_TYPE);
            putNumber(icmpType);
            if (p.has(ProbeResult.HAS_ICMP_CODE)) {
                put(CODE);
                putNumber(p.icmpCodeOr(0));
            }
            raw(typeNameAndBrace(p.responder().family(), icmpType));
        }
        Integer flags = p.tcpFlags();
        if (flags != null) {
            raw(TCP_FLAGS);
            number(flags);
            raw(TCP_FLAG_NAMES);
            boolean first = true;
            for (int bit = 0; bit < TCP_FLAG_NAME.length; bit++) {
                if ((flags & (1 << bit)) != 0) {
                    if (!first) {
                        append((byte) ',');
                    }
                    first = false;
                    string(TCP_FLAG_NAME[bit]);
                }
            }
            append((byte) ']');
        }
        String annotation = p.annotation();
        if (annotation != null && !annotation.isEmpty()) {
            raw(ANNOTATION);
            string(annotation);
        }
        room(PROBE_TAIL);
        putOptional(REPLY_TTL, p.has(ProbeResult.HAS_REPLY_TTL), p.replyTtlOr(0));
        putOptional(QUOTED_TTL, p.has(ProbeResult.HAS_QUOTED_TTL), p.quotedTtlOr(0));
        putOptional(QUOTED_IP_ID, p.has(ProbeResult.HAS_QUOTED_IP_ID), p.quotedIpIdOr(0));
        putOptional(QUOTED_UDP_CHECKSUM, p.has(ProbeResult.HAS_QUOTED_UDP_CHECKSUM), p.quotedUdpChecksumOr(0));
        putOptional(REPLY_SIZE, p.has(ProbeResult.HAS_REPLY_SIZE), p.replySizeOr(0));
        if (!p.extensions().isEmpty()) {
            extensions(p.extensions());
        }
        append((byte) '}');
    }

    /** {@link #typeNameClose} of {@code type} of the family (any int: those outside 0-255 are made each time). */
    private byte[] typeNameAndBrace(int family, int type) {
        int slot = family == IpAddress.IPV6 ? 256 + type : type;
        byte[] bytes = (type & ~0xff) == 0 ? typeNameClose[slot] : null;
        if (bytes == null) {
            int start = n;
            raw(TYPE_NAME);
            string(IcmpMeaning.name(family, type));
            append((byte) '}');
            bytes = java.util.Arrays.copyOfRange(buf, start, n);
            n = start;
            if ((type & ~0xff) == 0) {
                typeNameClose[slot] = bytes;
            }
        }
        return bytes;
    }

    private void extensions(List<IcmpExtension> extensions) {
        raw(EXTENSIONS);
        boolean first = true;
        for (IcmpExtension x : extensions) {
            if (!first) {
                append((byte) ',');
            }
            first = false;
            raw(CLASS_FIRST);
            number(x.classNum());
            raw(C_TYPE);
            number(x.cType());
            raw(HEX);
            string(x.payloadHex());
            if (!x.mpls().isEmpty()) {
                raw(MPLS);
                boolean firstEntry = true;
                for (MplsEntry m : x.mpls()) {
                    if (!firstEntry) {
                        append((byte) ',');
                    }
                    firstEntry = false;
                    raw(LABEL_FIRST);
                    number(m.label());
                    raw(TC);
                    number(m.trafficClass());
                    raw(m.bottomOfStack() ? S_TRUE : S_FALSE);
                    raw(TTL);
                    number(m.ttl());
                    append((byte) '}');
                }
                append((byte) ']');
            }
            if (x.interfaceInformation() != null) {
                interfaceInformation(x.interfaceInformation());
            }
            append((byte) '}');
        }
        append((byte) ']');
    }

    /** As {@code JsonReport.writeInterface}: rare (RFC 5837 routers), so written through strings. */
    private void interfaceInformation(InterfaceInformation info) {
        raw(INTERFACE_ROLE);
        string(info.roleName());
        if (info.ifIndex() != null) {
            raw(IF_INDEX);
            raw(ascii(Long.toString(info.ifIndex())));
        }
        if (info.address() != null) {
            raw(INTERFACE_ADDRESS);
            string(info.address().toString());
        }
        if (info.name() != null) {
            raw(INTERFACE_NAME);
            string(info.name());
        }
        if (info.mtu() != null) {
            raw(INTERFACE_MTU);
            raw(ascii(Long.toString(info.mtu())));
        }
        append((byte) '}');
    }

    /** A field when {@code present}, where the caller made room (a name and {@link #TOKEN}). */
    private void putOptional(byte[] name, boolean present, int value) {
        if (present) {
            put(name);
            putNumber(value);
        }
    }

    /** {@link #raw} where the caller made room. */
    private void put(byte[] bytes) {
        System.arraycopy(bytes, 0, buf, n, bytes.length);
        n += bytes.length;
    }

    /** {@link #number} where the caller made room ({@link #TOKEN}). */
    private void putNumber(int value) {
        if ((value & ~0xffff) == 0) {
            // Almost every number of a probe is a 16-bit field (IDs, ports, sequences, checksums, sizes,
            // TTLs): its digits are made once and kept packed in a long.
            long digits = sixteenBit[value];
            if (digits == 0) {
                digits = packDigits(value);
                sixteenBit[value] = digits;
            }
            // all five bytes, whatever the length: the room made is more, and what follows overwrites them
            buf[n] = (byte) digits;
            buf[n + 1] = (byte) (digits >>> 8);
            buf[n + 2] = (byte) (digits >>> 16);
            buf[n + 3] = (byte) (digits >>> 24);
            buf[n + 4] = (byte) (digits >>> 32);
            n += (int) (digits >>> 56);
            return;
        }
        if (value < 0) {
            if (value == Integer.MIN_VALUE) {
                raw(ascii(Integer.toString(value)));
                return;
            }
            buf[n++] = '-';
            value = -value;
        }
        n = JsonReport.digits(buf, n, value);
    }

    /** The digits of a 16-bit value as bytes 0-4 of a long, their count in the top byte (never 0). */
    private static long packDigits(int value) {
        byte[] text = new byte[5];
        int length = JsonReport.digits(text, 0, value);
        long packed = (long) length << 56;
        for (int i = 0; i < length; i++) {
            packed |= (long) (text[i] & 0xff) << (i << 3);
        }
        return packed;
    }

    private void raw(byte[] bytes) {
        room(bytes.length);
        System.arraycopy(bytes, 0, buf, n, bytes.length);
        n += bytes.length;
    }

    /** A quoted address (what {@code writeRawUTF8String} of its text writes). */
    private void address(IpAddress address) {
        room(TOKEN + IPV6_TEXT);
        buf[n++] = '"';
        n = text(address, buf, n);
        buf[n++] = '"';
    }

    /** The longest text of an IPv6 address in RFC 5952 form (8 groups of 4 digits and 7 colons). */
    static final int IPV6_TEXT = 39;

    /**
     * An address's text as ASCII bytes into {@code text} from {@code n} (room for {@link #IPV6_TEXT} bytes);
     * returns the offset after it. An IPv4 address is written digit by digit ({@link #dotted}), no String made.
     */
    static int text(IpAddress address, byte[] text, int n) {
        if (address.isIpv4()) {
            return dotted((int) address.low(), text, n);
        }
        String s = address.toString();
        for (int i = 0; i < s.length(); i++) {
            text[n++] = (byte) s.charAt(i);
        }
        return n;
    }

    /** Each octet's digits as bytes 0-2 of an int, their count in the top byte. */
    private static final int[] OCTET = new int[256];

    static {
        for (int v = 0; v < 256; v++) {
            int packed = v < 10 ? '0' + v
                    : v < 100 ? ('0' + v / 10) | ('0' + v % 10) << 8
                    : ('0' + v / 100) | ('0' + v / 10 % 10) << 8 | ('0' + v % 10) << 16;
            OCTET[v] = packed | (v < 10 ? 1 : v < 100 ? 2 : 3) << 24;
        }
    }

    /**
     * {@link Ipv4Address#format(int, byte[], int)} from a table of the 256 octets (no division per
     * octet: C1 divides with the processor's divide instruction); at most 15 bytes, but the caller makes
     * room for 17 (the last octet's three bytes are written whatever its length).
     */
    static int dotted(int address, byte[] text, int n) {
        for (int shift = 24; shift >= 0; shift -= 8) {
            int octet = OCTET[(address >>> shift) & 0xff];
            // three bytes whatever the length: the next piece overwrites those past it
            text[n] = (byte) octet;
            text[n + 1] = (byte) (octet >>> 8);
            text[n + 2] = (byte) (octet >>> 16);
            n += octet >>> 24;
            if (shift != 0) {
                text[n++] = '.';
            }
        }
        return n;
    }

    /** A quoted RFC 3339 time, as {@link JsonReport#time(long)} words it. */
    private void time(long epochNanos) {
        room(TOKEN);
        int start = n + 1;
        int length = JsonReport.time(epochNanos, buf, start);
        if (length < 0) {
            string(JsonReport.time(epochNanos));
            return;
        }
        buf[n] = '"';
        n = start + length;
        buf[n++] = '"';
    }

    /** An int as Jackson's {@code writeNumber(int)} writes it: plain decimal. */
    private void number(int value) {
        room(TOKEN);
        putNumber(value);
    }

    /** An RTT in milliseconds, as {@code JsonReport.millis} writes it. */
    private void millis(long nanos) {
        if (nanos == Long.MIN_VALUE) {
            raw(ascii(JsonReport.millis(nanos)));
            return;
        }
        room(TOKEN);
        n += JsonReport.millis(nanos, buf, n);
    }

    /**
     * A JSON string: plain printable ASCII as it is, anything else as Jackson writes it. The strings of a
     * replay are mostly the same few constants (method names, ICMP type names): the last
     * {@value #CACHED} are kept encoded, found by identity.
     */
    private void string(String s) {
        for (int i = 0; i < CACHED; i++) {
            if (cachedStrings[i] == s) {
                raw(cachedBytes[i]);
                return;
            }
        }
        int start = n;
        encode(s);
        cachedStrings[nextCached] = s;
        cachedBytes[nextCached] = java.util.Arrays.copyOfRange(buf, start, n);
        nextCached = (nextCached + 1) % CACHED;
    }

    private static final int CACHED = 16;
    private final String[] cachedStrings = new String[CACHED];
    private final byte[][] cachedBytes = new byte[CACHED][];
    private int nextCached;

    private void encode(String s) {
        int length = s.length();
        room(length + 2);
        int at = n;
        buf[at++] = '"';
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                raw(jacksonString(s));
                return;
            }
            buf[at++] = (byte) c;
        }
        buf[at++] = '"';
        n = at;
    }

    /** {@code s} as Jackson's generator writes a string value, quotes included (it escapes more than its encoder). */
    private static byte[] jacksonString(String s) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length() * 6 + 2);
        try (JsonGenerator g = JsonReport.generator(bytes, false)) {
            g.writeString(s);
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        return bytes.toByteArray();
    }

    private void room(int more) {
        if (n + more > buf.length) {
            buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, n + more));
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
