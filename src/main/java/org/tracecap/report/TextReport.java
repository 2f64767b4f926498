package org.tracecap.report;

import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.tracecap.model.Hop;
import org.tracecap.model.Method;
import org.tracecap.model.ProbeResult;
import org.tracecap.model.StopReason;
import org.tracecap.model.Trace;
import org.tracecap.packet.IpAddress;

/**
 * Traceroute's table, one trace after another, laid out as Linux traceroute 2.1 prints it
 * ({@code print_probe} in traceroute.c):
 *
 * <ol>
 *   <li>a header {@code traceroute to DST (DST) from SRC, METHOD, N hops}: tracecap names the source and how
 *       probes were told apart, since a replay has many sources and methods (a live trace ends it as
 *       traceroute does, {@code M hops max, L byte packets});</li>
 *   <li>per TTL: the hop number right-aligned in two columns and a space ({@code "%2d "}), then per probe
 *       in sending order: {@code " *"} when unanswered; otherwise the responder ({@code " ADDR"}, or
 *       {@code " NAME (ADDR)"} with names) when it is the hop's first answer or differs from the previous
 *       answer of that hop, then {@code "  %.3f ms"}, then {@code " !X"} when the reply carries an
 *       annotation; with {@code -e} ({@code extensions}), {@code " <TEXT>"} after the responder when the reply
 *       has ICMP extension objects ({@link ExtensionText}), and the responder is printed again when that text
 *       differs from the previous answer's, as traceroute {@code -e} does;</li>
 *   <li>after the table, one line only when the table alone would mislead: the capture ended before the
 *       trace did, or the user interrupted it. Reached, unreachable (its annotation is already on the last
 *       line) and max TTL need no words, as with traceroute.</li>
 * </ol>
 *
 * <p>The pieces are public so a live trace can print its header first and each hop as it settles.
 */
public final class TextReport {
    private TextReport() {
    }

    /** All traces, names looked up in parallel (1 s deadline) unless {@code numeric}. */
    public static void write(List<Trace> traces, Appendable out, boolean numeric) throws IOException {
        try (ReverseDns names = numeric ? ReverseDns.numeric() : ReverseDns.system()) {
            write(traces, out, names);
        }
    }

    /** All traces, names from {@code names}: every address is prefetched first so lookups overlap. */
    public static void write(List<Trace> traces, Appendable out, ReverseDns names) throws IOException {
        if (names.resolves()) {
            names.prefetch(addresses(traces));
        }
        for (Trace t : traces) {
            writeTrace(t, out, names);
        }
    }

    /** One trace: header, one line per hop, and the stop line when there is one. */
    public static void writeTrace(Trace trace, Appendable out, ReverseDns names) throws IOException {
        writeTrace(trace, out, names, false);
    }

    /** {@link #writeTrace(Trace, Appendable, ReverseDns)}, with the extension text when {@code extensions}. */
    public static void writeTrace(Trace trace, Appendable out, ReverseDns names, boolean extensions)
            throws IOException {
        if (names.resolves()) {
            names.prefetch(addresses(List.of(trace)));
        }
        writeHeader(trace, out, names);
        for (Hop hop : trace.hops()) {
            writeHop(hop, out, names, extensions);
        }
        writeStop(trace.stop(), out);
    }

    /** {@code traceroute to DST (DST) from SRC, METHOD, N hops}: N is the number of TTLs the trace holds. */
    public static void writeHeader(Trace trace, Appendable out, ReverseDns names) throws IOException {
        String destination = names.name(trace.destination());
        header(destination, trace.destination(), trace.source(), trace.method(), out);
        out.append(", ").append(Integer.toString(trace.hops().size()))
                .append(trace.hops().size() == 1 ? " hop\n" : " hops\n");
    }

    /**
     * The header of a live trace before it has any hop: {@code traceroute to HOST (DST) from SRC, METHOD,
     * M hops max, L byte packets}, where {@code host} is what the user typed (traceroute prints it as given)
     * and L the probes' IP length, as traceroute's header ends.
     */
    public static void writeHeader(String host, IpAddress destination, IpAddress source, Method method, int maxTtl,
            int packetLength, Appendable out) throws IOException {
        header(host, destination, source, method, out);
        out.append(", ").append(Integer.toString(maxTtl)).append(" hops max, ")
                .append(Integer.toString(packetLength)).append(" byte packets\n");
    }

    private static void header(String host, IpAddress destination, IpAddress source, Method method, Appendable out)
            throws IOException {
        out.append("traceroute to ").append(host)
                .append(" (").append(destination.toString()).append(") from ")
                .append(source.toString()).append(", ").append(method.describe());
    }

    /** One hop's line, ending in a newline. A TTL of which no probe was captured says so. */
    public static void writeHop(Hop hop, Appendable out, ReverseDns names) throws IOException {
        writeHop(hop, out, names, false);
    }

    /** {@link #writeHop(Hop, Appendable, ReverseDns)}, with the extension text when {@code extensions}. */
    public static void writeHop(Hop hop, Appendable out, ReverseDns names, boolean extensions) throws IOException {
        StringBuilder line = new StringBuilder(80);
        if (hop.ttl() < 10) {
            line.append(' ');
        }
        line.append(hop.ttl()).append(' ');
        if (hop.probes().isEmpty()) {
            line.append(" (no probe captured)");
        }
        IpAddress previous = null;
        String previousText = null;
        for (ProbeResult p : hop.probes()) {
            if (!p.answered()) {
                line.append(" *");
                continue;
            }
            // traceroute prints the address again when it or the extension text changes (print_probe)
            String text = extensions ? ExtensionText.of(p.extensions()) : null;
            if (previous == null || !previous.equals(p.responder()) || !Objects.equals(previousText, text)) {
                line.append(' ').append(responder(p.responder(), names));
                if (text != null) {
                    line.append(" <").append(text).append('>');
                }
            }
            previous = p.responder();
            previousText = text;
            if (p.rttNanos() != null) {
                millis3(line.append("  "), p.rttNanos()).append(" ms");
            }
            if (p.annotation() != null && !p.annotation().isEmpty()) {
                line.append(' ').append(p.annotation());
            }
        }
        if (hop.nat()) {
            // The quoted UDP checksum changed here (docs/multipath.md): a NAT between this hop and the last.
            line.append("  [NAT]");
        }
        if (hop.learnedFrom() != null) {
            // A campaign's hop measured by another trace (Doubletree's backward stop).
            line.append("  (from ").append(hop.learnedFrom()).append("'s trace)");
        }
        out.append(line).append('\n');
    }

    /** The line after the table, only for a trace that did not end on its own (see class comment). */
    public static void writeStop(StopReason stop, Appendable out) throws IOException {
        if (stop == null) {
            return;
        }
        switch (stop.kind()) {
            case StopReason.INCOMPLETE -> out.append("(incomplete: the capture ended before this trace did)\n");
            case StopReason.INTERRUPTED -> out.append("(interrupted)\n");
            default -> {
            }
        }
    }

    /**
     * {@code ADDR}, or {@code NAME (ADDR)} when names are looked up (NAME = ADDR when there is none), the
     * address as its family prints it: {@code 2001:db8::1 (2001:db8::1)}, as traceroute6 prints one.
     */
    static String responder(IpAddress address, ReverseDns names) {
        String text = address.toString();
        return names.resolves() ? names.name(address) + " (" + text + ")" : text;
    }

    /** Nanoseconds as milliseconds with three decimals, rounded half up like printf's {@code %.3f}. */
    static String millis3(long nanos) {
        return millis3(new StringBuilder(12), nanos).toString();
    }

    /** Appends {@link #millis3(long)} to {@code s} (no String per probe); returns {@code s}. */
    private static StringBuilder millis3(StringBuilder s, long nanos) {
        boolean negative = nanos < 0;
        long micros = (Math.abs(nanos) + 500) / 1000;
        long whole = micros / 1000;
        long frac = micros % 1000;
        if (negative && micros != 0) {
            s.append('-');
        }
        s.append(whole).append('.');
        if (frac < 100) {
            s.append('0');
        }
        if (frac < 10) {
            s.append('0');
        }
        return s.append(frac);
    }

    /**
     * A trace's table with numeric addresses ({@code -n}) as ASCII bytes in a buffer reused from trace to
     * trace: the same text as {@link #writeTrace} with {@link ReverseDns#numeric()}, without a
     * {@code String} per line, per responder or per RTT, and without a charset encoder (a replay prints tens
     * of thousands of tables a second). A trace with a character outside ASCII in its method or an
     * annotation is not written here ({@link #write} returns false): the caller encodes it as text.
     */
    public static final class NumericTable {
        private byte[] bytes = new byte[4096];
        private int length;
        private Method method;
        private byte[] methodBytes;

        /** The table of {@code trace} in {@link #bytes()}; false (nothing usable) when it is not all ASCII. */
        public boolean write(Trace trace) {
            length = 0;
            if (!header(trace)) {
                return false;
            }
            for (Hop hop : trace.hops()) {
                if (!hop(hop)) {
                    return false;
                }
            }
            StopReason stop = trace.stop();
            if (stop != null) {
                switch (stop.kind()) {
                    case StopReason.INCOMPLETE -> ascii("(incomplete: the capture ended before this trace did)\n");
                    case StopReason.INTERRUPTED -> ascii("(interrupted)\n");
                    default -> {
                    }
                }
            }
            return true;
        }

        /** The table's bytes, valid until the next {@link #write}: {@code bytes()[0 .. length())}. */
        public byte[] bytes() {
            return bytes;
        }

        public int length() {
            return length;
        }

        private boolean header(Trace trace) {
            room(32 + 3 * CompactTraceJson.IPV6_TEXT);
            ascii("traceroute to ");
            address(trace.destination());
            ascii(" (");
            address(trace.destination());
            ascii(") from ");
            address(trace.source());
            ascii(", ");
            if (!trace.method().equals(method)) { // a replay makes a Method per trace, mostly equal ones
                byte[] encoded = encoded(trace.method().describe());
                if (encoded == null) {
                    return false;
                }
                method = trace.method();
                methodBytes = encoded;
            }
            room(methodBytes.length + 32);
            System.arraycopy(methodBytes, 0, bytes, length, methodBytes.length);
            length += methodBytes.length;
            ascii(", ");
            number(trace.hops().size());
            ascii(trace.hops().size() == 1 ? " hop\n" : " hops\n");
            return true;
        }

        /** As {@link TextReport#writeHop} with numeric addresses. */
        private boolean hop(Hop hop) {
            room(40);
            if (hop.ttl() < 10) {
                bytes[length++] = ' ';
            }
            number(hop.ttl());
            bytes[length++] = ' ';
            if (hop.probes().isEmpty()) {
                ascii(" (no probe captured)");
            }
            boolean any = false;
            IpAddress previous = null;
            for (ProbeResult p : hop.probes()) {
                // the longest piece: " " + address (up to 40), "  " + RTT (up to 23) + " ms" (3)
                room(32 + CompactTraceJson.IPV6_TEXT);
                if (!p.answered()) {
                    bytes[length++] = ' ';
                    bytes[length++] = '*';
                    continue;
                }
                IpAddress r = p.responder();
                if (!any || !previous.equals(r)) {
                    bytes[length++] = ' ';
                    address(r);
                }
                any = true;
                previous = r;
                if (p.has(ProbeResult.HAS_RTT)) {
                    bytes[length++] = ' ';
                    bytes[length++] = ' ';
                    millis3(p.rttNanosOr(0));
                    bytes[length++] = ' ';
                    bytes[length++] = 'm';
                    bytes[length++] = 's';
                }
                String annotation = p.annotation();
                if (annotation != null && !annotation.isEmpty()) {
                    room(annotation.length() + 1);
                    bytes[length++] = ' ';
                    for (int i = 0; i < annotation.length(); i++) {
                        char c = annotation.charAt(i);
                        if (c >= 0x80) {
                            return false;
                        }
                        bytes[length++] = (byte) c;
                    }
                }
            }
            room(8);
            if (hop.nat()) {
                ascii("  [NAT]");
            }
            if (hop.learnedFrom() != null) {
                room(hop.learnedFrom().length() + 16);
                ascii("  (from " + hop.learnedFrom() + "'s trace)");
            }
            bytes[length++] = '\n';
            return true;
        }

        /** As {@link TextReport#millis3(long)}. */
        private void millis3(long nanos) {
            boolean negative = nanos < 0;
            long rounded = Math.abs(nanos) + 500;
            // RTTs are under 4.3 s (2^32 ns): multiply-shifts (C1 divides a long by calling the runtime)
            long micros = rounded >= 0 && rounded <= 0xffff_ffffL ? JsonReport.div1000(rounded) : rounded / 1000;
            long whole = micros >= 0 && micros <= 0xffff_ffffL ? JsonReport.div1000(micros) : micros / 1000;
            long frac = micros - whole * 1000;
            if (negative && micros != 0) {
                bytes[length++] = '-';
            }
            number(whole);
            bytes[length++] = '.';
            if (frac < 100) {
                bytes[length++] = '0';
            }
            if (frac < 10) {
                bytes[length++] = '0';
            }
            number(frac);
        }

        /** As {@code StringBuilder.append(long)}: at most 20 bytes. */
        private void number(long v) {
            if (v >= 0 && v <= Integer.MAX_VALUE) {
                length = JsonReport.digits(bytes, length, (int) v);
                return;
            }
            if (v < 0) {
                if (v == Long.MIN_VALUE) {
                    ascii(Long.toString(v));
                    return;
                }
                bytes[length++] = '-';
                v = -v;
            }
            int digits = 1;
            for (long t = v; t >= 10; t /= 10) {
                digits++;
            }
            int end = length + digits;
            for (int i = end - 1; i >= length; i--) {
                bytes[i] = (byte) ('0' + v % 10);
                v /= 10;
            }
            length = end;
        }

        private void address(IpAddress a) {
            length = CompactTraceJson.text(a, bytes, length);
        }

        /** Appends text known to be ASCII. */
        private void ascii(String text) {
            room(text.length());
            for (int i = 0; i < text.length(); i++) {
                bytes[length++] = (byte) text.charAt(i);
            }
        }

        private static byte[] encoded(String text) {
            byte[] b = new byte[text.length()];
            for (int i = 0; i < b.length; i++) {
                char c = text.charAt(i);
                if (c >= 0x80) {
                    return null;
                }
                b[i] = (byte) c;
            }
            return b;
        }

        private void room(int more) {
            if (length + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
            }
        }
    }

    private static Set<IpAddress> addresses(List<Trace> traces) {
        Set<IpAddress> all = new LinkedHashSet<>();
        for (Trace t : traces) {
            all.add(t.destination());
            for (Hop h : t.hops()) {
                for (ProbeResult p : h.probes()) {
                    if (p.responder() != null) {
                        all.add(p.responder());
                    }
                }
            }
        }
        return all;
    }
}
