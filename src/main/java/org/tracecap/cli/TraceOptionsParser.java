package org.tracecap.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.tracecap.capture.MacAddress;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.Ipv4ProbeEncoder;
import org.tracecap.trace.ProbeMethod;
import org.tracecap.trace.ProbeProtocol;
import org.tracecap.trace.TraceOptions;

/**
 * {@code tracecap trace}'s command line into a {@link TraceRequest}: traceroute's options with its defaults and
 * ranges, every value checked as far as it can be without the network (the options are in {@link TraceHelp}).
 */
final class TraceOptionsParser {
    /** traceroute's -z: a value above 10 is in milliseconds, else in seconds. */
    static final double SENDWAIT_MILLIS_ABOVE = 10;

    private TraceOptionsParser() {
    }

    /** A bad command line: {@link #getMessage()} is said after {@code tracecap: trace: }. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    private static Options options() {
        Options o = new Options();
        o.addOption(Option.builder("4").build());
        o.addOption(Option.builder("6").build());
        o.addOption(Option.builder("i").longOpt("interface").hasArg().argName("IFACE").build());
        o.addOption(Option.builder("f").longOpt("first").hasArg().argName("TTL").build());
        o.addOption(Option.builder("m").longOpt("max-hops").hasArg().argName("TTL").build());
        o.addOption(Option.builder("q").longOpt("queries").hasArg().argName("N").build());
        o.addOption(Option.builder("p").longOpt("port").hasArg().argName("PORT").build());
        o.addOption(Option.builder("w").longOpt("wait").hasArg().argName("MAX[,HERE,NEAR]").build());
        o.addOption(Option.builder("N").longOpt("sim-queries").hasArg().argName("N").build());
        o.addOption(Option.builder("z").longOpt("sendwait").hasArg().argName("TIME").build());
        o.addOption(Option.builder("s").longOpt("source").hasArg().argName("ADDR").build());
        o.addOption(Option.builder("t").longOpt("tos").hasArg().argName("TOS").build());
        o.addOption(Option.builder("F").longOpt("dont-fragment").build());
        o.addOption(Option.builder("n").longOpt("numeric").build());
        o.addOption(Option.builder("I").longOpt("icmp").build());
        o.addOption(Option.builder("T").longOpt("tcp").build());
        o.addOption(Option.builder("U").longOpt("udp").build());
        o.addOption(Option.builder("e").longOpt("extensions").build());
        o.addOption(Option.builder().longOpt("method").hasArg().argName("METHOD").build());
        o.addOption(Option.builder().longOpt("flows").hasArg().argName("N").build());
        o.addOption(Option.builder().longOpt("multipath").build());
        o.addOption(Option.builder().longOpt("confidence").hasArg().argName("C").build());
        o.addOption(Option.builder().longOpt("dot").hasArg().argName("FILE").build());
        o.addOption(Option.builder().longOpt("gateway-mac").hasArg().argName("MAC").build());
        o.addOption(Option.builder().longOpt("json").build());
        o.addOption(Option.builder("o").longOpt("output").hasArg().argName("FILE").build());
        o.addOption(Option.builder().longOpt("jsonl").build());
        o.addOption(Option.builder().longOpt("save-pcap").hasArg().argName("FILE").build());
        CampaignOptions.add(o);
        o.addOption(Option.builder("h").longOpt("help").build());
        return o;
    }

    /** The request {@code args} make, every value range-checked; null for {@code --help}. */
    static TraceRequest parse(String... args) throws UsageException {
        CommandLine line;
        try {
            line = DefaultParser.builder().setAllowPartialMatching(false).build().parse(options(), args);
        } catch (ParseException e) {
            throw new UsageException(Main.lowerFirst(e.getMessage()));
        }
        return line.hasOption("help") ? null : request(line);
    }

    private static TraceRequest request(CommandLine line) throws UsageException {
        List<String> words = line.getArgList();
        TraceRequest.Campaign campaign = CampaignOptions.campaign(line, words);
        if (campaign != null) {
            words = List.of(campaign.hosts().isEmpty() ? "-" : campaign.hosts().get(0));
        }
        if (words.isEmpty()) {
            throw new UsageException("no host given");
        }
        if (words.size() > 2) {
            throw new UsageException("too many arguments: " + String.join(" ", words.subList(2, words.size()))
                    + " (HOST and PACKET_LENGTH only)");
        }
        String host = words.get(0);
        if (host.isEmpty()) {
            throw new UsageException("empty host name");
        }
        int family = family(line, host);
        TraceRequest.Multipath multipath = multipath(line);
        ProbeProtocol protocol = protocol(line);
        if (multipath != null && protocol == ProbeProtocol.UDP_PORT) {
            throw new UsageException("--multipath needs many flows: UDP to many ports, -I or -T, not -U");
        }
        TraceOptions.Builder b = TraceOptions.builder().protocol(protocol);
        int first = integer(line, "f", "first TTL", TraceOptions.DEFAULT_FIRST_TTL, 1, 255);
        int max = integer(line, "m", "max TTL", TraceOptions.DEFAULT_MAX_TTL, 1, 255);
        if (first > max) {
            throw new UsageException("first TTL " + first + " (-f) is above max TTL " + max + " (-m)");
        }
        b.firstTtl(first).maxTtl(max);
        b.probesPerHop(integer(line, "q", "probes per hop", TraceOptions.DEFAULT_PROBES_PER_HOP, 1,
                TraceOptions.MAX_PROBES_PER_HOP));
        // -p as traceroute reads it: UDP's base port, -U's and -T's port, -I's first sequence number.
        b.basePort(protocol == ProbeProtocol.ICMP
                ? integer(line, "p", "first ICMP sequence number", protocol.defaultPort(), 0, 0xffff)
                : integer(line, "p", protocol == ProbeProtocol.UDP ? "base port" : "port", protocol.defaultPort(), 1,
                0xffff));
        b.simultaneous(integer(line, "N", "probes in flight", TraceOptions.DEFAULT_SIMULTANEOUS, 1,
                TraceOptions.MAX_SIMULTANEOUS));
        b.tos(integer(line, "t", "TOS", 0, 0, 0xff));
        if (line.hasOption("method")) {
            try {
                b.method(ProbeMethod.fromOptionName(line.getOptionValue("method")));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--method: " + e.getMessage());
            }
        }
        if (line.hasOption("flows")) {
            b.flows(number(line.getOptionValue("flows"), "flows", 1, TraceOptions.MAX_FLOWS, "--flows"));
        }
        b.dontFragment(line.hasOption("F"));
        if (line.hasOption("w")) {
            b.waiting(waiting(line.getOptionValue("w")));
        }
        if (line.hasOption("z")) {
            b.sendIntervalNanos(sendWait(line.getOptionValue("z")));
        }
        if (line.hasOption("s")) {
            String text = line.getOptionValue("s");
            IpAddress source;
            try {
                source = IpAddress.parse(text);
            } catch (IllegalArgumentException e) {
                throw new UsageException("-s: not an IP address: '" + text + "'");
            }
            if (family != 0 && source.family() != family) {
                throw new UsageException("-s " + source + " is not an IPv" + family + " address, as " + host
                        + (line.hasOption("4") || line.hasOption("6") ? " with -" + family : "") + " is traced");
            }
            family = source.family();
            b.sourceAddress(source);
        }
        if (words.size() == 2) {
            b.packetLength(number(words.get(1), "packet length", 28, 65535, null));
        } else if (protocol == ProbeProtocol.TCP) {
            b.packetLength(Ipv4ProbeEncoder.SYN_TOTAL_LENGTH);
        }
        MacAddress gatewayMac = null;
        if (line.hasOption("gateway-mac")) {
            try {
                gatewayMac = MacAddress.parse(line.getOptionValue("gateway-mac"));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--gateway-mac: " + e.getMessage());
            }
        }
        TraceOptions options;
        try {
            options = b.build();
        } catch (IllegalArgumentException e) {
            // The one check that spans options: base port + probe count within 65535.
            throw new UsageException(e.getMessage());
        }
        boolean json = line.hasOption("json");
        boolean jsonl = line.hasOption("jsonl");
        String output = line.getOptionValue("output");
        if (jsonl && !json && output == null) {
            throw new UsageException("--jsonl says how to write JSON: add --json or -o FILE");
        }
        String iface = line.getOptionValue("interface");
        if (iface != null && iface.isEmpty()) {
            throw new UsageException("-i: empty interface name");
        }
        TraceRequest request = new TraceRequest(host, family, options, iface, gatewayMac, line.hasOption("numeric"),
                json, jsonl, path(output, "-o"), path(line.getOptionValue("save-pcap"), "--save-pcap"), multipath,
                line.hasOption("extensions"), campaign);
        if (family == IpAddress.IPV6) {
            String refused = request.refusedOverIpv6();
            if (refused != null) {
                throw new UsageException(refused);
            }
        }
        return request;
    }

    /** {@code -I}, {@code -T} or {@code -U} (one at most), else UDP to increasing ports. */
    /**
     * The family to trace in: an address literal's, else {@code -4} or {@code -6}, else 0 (a name: IPv4 first, as
     * traceroute resolves it). {@code -4} with an IPv6 literal (or {@code -6} with an IPv4 one) is a usage error.
     */
    private static int family(CommandLine line, String host) throws UsageException {
        boolean four = line.hasOption("4");
        boolean six = line.hasOption("6");
        if (four && six) {
            throw new UsageException("-4 and -6 each choose the family: give one");
        }
        int asked = four ? IpAddress.IPV4 : six ? IpAddress.IPV6 : 0;
        if (!IpAddress.isLiteral(host)) {
            return asked;
        }
        int literal = IpAddress.parse(host).family();
        if (asked != 0 && asked != literal) {
            throw new UsageException("-" + asked + ": " + host + " is an IPv" + literal + " address");
        }
        return literal;
    }

    private static ProbeProtocol protocol(CommandLine line) throws UsageException {
        ProbeProtocol p = ProbeProtocol.UDP;
        int given = 0;
        for (String[] o : new String[][] {{"I", "ICMP"}, {"T", "TCP"}, {"U", "UDP_PORT"}}) {
            if (line.hasOption(o[0])) {
                p = ProbeProtocol.valueOf(o[1]);
                given++;
            }
        }
        if (given > 1) {
            throw new UsageException("-I, -T and -U each choose the probes: give one");
        }
        return p;
    }

    /** {@code --multipath} and the options that go with it, or null without it. */
    private static TraceRequest.Multipath multipath(CommandLine line) throws UsageException {
        if (!line.hasOption("multipath")) {
            for (String only : List.of("confidence", "dot")) {
                if (line.hasOption(only)) {
                    throw new UsageException("--" + only + " goes with --multipath");
                }
            }
            return null;
        }
        for (String[] other : new String[][] {{"method", "--method"}, {"flows", "--flows"}, {"q", "-q"}}) {
            if (line.hasOption(other[0])) {
                throw new UsageException(other[1] + " does not go with --multipath, which picks its own flows"
                        + " and probes");
            }
        }
        if (line.hasOption("extensions")) {
            throw new UsageException("-e shows extensions in the table: not with --multipath's graph");
        }
        if (line.hasOption("jsonl")) {
            throw new UsageException("--jsonl writes traces only: --multipath's graph needs --json or -o FILE");
        }
        int confidence = TraceRequest.Multipath.DEFAULT_CONFIDENCE;
        if (line.hasOption("confidence")) {
            String text = line.getOptionValue("confidence").strip();
            if (!text.equals("95") && !text.equals("99")) {
                throw new UsageException("--confidence: 95 or 99, got '" + text + "'");
            }
            confidence = Integer.parseInt(text);
        }
        return new TraceRequest.Multipath(confidence, path(line.getOptionValue("dot"), "--dot"));
    }

    static int integer(CommandLine line, String option, String what, int fallback, int min, int max)
            throws UsageException {
        String text = line.getOptionValue(option);
        return text == null ? fallback : number(text, what, min, max, (option.length() > 1 ? "--" : "-") + option);
    }

    /** A whole number in {@code min..max}; {@code flag} (or null) names the option in the message. */
    static int number(String text, String what, int min, int max, String flag) throws UsageException {
        String prefix = flag == null ? "" : flag + ": ";
        int v;
        try {
            v = Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new UsageException(prefix + what + " must be a whole number, got '" + text + "'");
        }
        if (v < min || v > max) {
            throw new UsageException(prefix + what + " must be " + min + ".." + max + ", got " + v);
        }
        return v;
    }

    /** traceroute's {@code -w MAX[,HERE,NEAR]}: up to three numbers separated by commas or slashes. */
    static TraceOptions.Wait waiting(String text) throws UsageException {
        String[] parts = text.split("[,/]", -1);
        if (parts.length > 3) {
            throw new UsageException("-w: MAX[,HERE,NEAR] takes at most three numbers, got '" + text + "'");
        }
        double[] v = {TraceOptions.Wait.DEFAULT.maxSeconds(), TraceOptions.Wait.DEFAULT.here(),
            TraceOptions.Wait.DEFAULT.near()};
        for (int i = 0; i < parts.length; i++) {
            v[i] = decimal(parts[i], "-w", "'" + text + "' (MAX[,HERE,NEAR])");
        }
        if (!(v[0] > 0 && v[0] <= TraceOptions.Wait.LIMIT_SECONDS)) {
            throw new UsageException("-w: MAX must be above 0 and at most 3600 seconds, got " + parts[0].strip());
        }
        if (v[1] > 1000 || v[2] > 1000) {
            throw new UsageException("-w: HERE and NEAR must be 0..1000, got '" + text + "'");
        }
        return new TraceOptions.Wait(v[0], v[1], v[2]);
    }

    /** traceroute's {@code -z}: seconds, or milliseconds when above 10; returned in nanoseconds. */
    static long sendWait(String text) throws UsageException {
        double v = decimal(text, "-z", "'" + text + "'");
        double seconds = v > SENDWAIT_MILLIS_ABOVE ? v / 1000 : v;
        if (seconds > 3600) {
            throw new UsageException("-z: the send interval must be at most 3600 s, got " + text.strip());
        }
        return Math.round(seconds * 1e9);
    }

    /** A finite, non-negative decimal number. */
    private static double decimal(String text, String flag, String what) throws UsageException {
        double v;
        try {
            v = Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw new UsageException(flag + ": not a number: " + what);
        }
        if (!Double.isFinite(v) || v < 0 || text.strip().matches("(?i).*[a-z].*")) {
            // Rules out NaN, Infinity, hex floats and Java's "1d"/"1f" suffixes along with negative values.
            throw new UsageException(flag + ": not a number of 0 or more: " + what);
        }
        return v;
    }

    static Path path(String text, String flag) throws UsageException {
        if (text == null) {
            return null;
        }
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new UsageException(flag + ": not a usable path: " + text);
        }
    }
}
