package org.tracecap.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.tracecap.capture.Interfaces;
import org.tracecap.graph.Graph;
import org.tracecap.capture.LinkInterface;
import org.tracecap.capture.LiveCaptureException;
import org.tracecap.capture.LivePort;
import org.tracecap.capture.MacAddress;
import org.tracecap.capture.NeighbourLookup;
import org.tracecap.capture.PcapFileWriter;
import org.tracecap.capture.Privilege;
import org.tracecap.capture.Route;
import org.tracecap.capture.RouteLookup;
import org.tracecap.match.Classified;
import org.tracecap.match.FrameClassifier;
import org.tracecap.match.FrameSink;
import org.tracecap.match.IcmpReply;
import org.tracecap.match.TcpReply;
import org.tracecap.model.Hop;
import org.tracecap.model.ProbeResult;
import org.tracecap.model.Trace;
import org.tracecap.packet.Ipv4Address;
import org.tracecap.report.GraphDot;
import org.tracecap.report.GraphText;
import org.tracecap.report.JsonDocumentWriter;
import org.tracecap.report.JsonLinesWriter;
import org.tracecap.report.ReportSummary;
import org.tracecap.report.ReverseDns;
import org.tracecap.report.TextReport;
import org.tracecap.report.TraceWriter;
import org.tracecap.trace.Clock;
import org.tracecap.trace.FlowTracer;
import org.tracecap.trace.PortFailedException;
import org.tracecap.trace.LinkFacts;
import org.tracecap.trace.MultipathTracer;
import org.tracecap.trace.ForwardingPacketPort;
import org.tracecap.trace.ProbeMethod;
import org.tracecap.trace.TraceOptions;
import org.tracecap.trace.Tracer;

/**
 * {@code tracecap trace [OPTIONS] HOST [PACKET_LENGTH]}: traces the path to HOST live with the
 * {@link Tracer}, on a {@link LivePort}.
 *
 * <ol>
 *   <li>Setup, each step an error line and exit status 2 when it fails: options (traceroute's, with its
 *       defaults and ranges), HOST (dotted IPv4, else a name resolved to its first IPv4 address), the
 *       privilege to capture, the interface ({@code -i}, else the route's), the kernel's route, the next
 *       hop's MAC ({@code --gateway-mac}, else the neighbour table, else ARP), the capture.</li>
 *   <li>stdout: the header line, then each hop's line as soon as the tracer settles it (flushed), then
 *       {@code (interrupted)} after a Ctrl-C. With {@code --method dublin --flows N}, the flows are traced
 *       one after another ({@link FlowTracer}), each after a line {@code flow K: source port S, destination
 *       port D}, and the JSON holds one trace per flow. With {@code --json}: the hop JSON document (or one
 *       JSON line per trace with {@code --jsonl}) instead, written when the trace ends. Names are looked up
 *       in parallel, started as soon as a reply arrives, on a printing thread of their own, so a slow
 *       resolver delays a line by at most {@link ReverseDns#DEFAULT_DEADLINE} and never delays the probes.</li>
 *   <li>{@code -o FILE}: the hop JSON with the live facts, written beside FILE and renamed over it at the
 *       end. {@code --save-pcap FILE}: every frame the capture saw (own probes and what answered them,
 *       both directions), for {@code tracecap replay}.</li>
 *   <li>stderr: one summary line (probes sent, replies attributed and not, frames captured, malformed,
 *       dropped).</li>
 *   <li>Ctrl-C (SIGINT, or any JVM shutdown while tracing): a shutdown hook stops the tracer and waits up
 *       to {@value #INTERRUPT_GRACE_MILLIS} ms while the hops learned are printed, the JSON is completed
 *       with stop reason "interrupted" and the capture file is closed.</li>
 * </ol>
 */
final class TraceCommand {
    static final String HELP = """
            usage: tracecap trace [OPTIONS] HOST [PACKET_LENGTH]

            Traces the path to HOST (an IPv4 address or a name) live: builds UDP probes itself,
            sends them on one interface with libpcap, captures the ICMP answers there and prints
            each hop as soon as it is settled. Needs root, or CAP_NET_RAW and CAP_NET_ADMIN.
            Options and defaults are traceroute's. Ctrl-C stops and prints what was learned.

            options:
              -i, --interface IFACE  send and capture on IFACE (default: the route's interface)
              -f, --first TTL        first TTL probed, 1..255 (default 1)
              -m, --max-hops TTL     highest TTL probed, up to 255 (default 30)
              -q, --queries N        probes per hop, 1..10 (default 3)
              -p, --port PORT        destination port of the first probe, the next probes
                                     take the next ports (default 33434)
              -w, --wait MAX[,HERE,NEAR]
                                     wait at most MAX seconds for a reply, less once the same
                                     hop (HERE x its RTT) or a later one (NEAR x its RTT)
                                     answered; 0 turns a factor off (default 5,3,10)
              -N, --sim-queries N    probes in flight at once, 1..1024 (default 16)
              -z, --sendwait TIME    least time between two probes: seconds, or milliseconds
                                     when above 10 (default 0)
              -s, --source ADDR      send from ADDR, an address of the interface
              -t, --tos TOS          IP type of service byte, 0..255 (default 0)
              -F, --dont-fragment    set the IP Don't Fragment flag
              -n, --numeric          print addresses only, no reverse DNS lookups
                  --method METHOD    classic (a destination port per probe), paris (one flow,
                                     probes told apart by UDP checksum and IP ID) or dublin
                                     (one flow per destination port, IP ID) (default classic)
                  --flows N          dublin: trace N flows, to ports PORT..PORT+N-1, one after
                                     another, each printed as its own trace, 1..64 (default 1)
                  --multipath        map every path with the Multipath Detection Algorithm (MDA,
                                     as scamper tracelb): flows to ports PORT, PORT+1..., probes
                                     told apart by UDP checksum and IP ID; prints the graph of
                                     routers per TTL and their links (docs/multipath.md)
                  --confidence C     multipath: 95 or 99, the chance that no next hop is missed
                                     at each router (default 95)
                  --dot FILE         multipath: also write the graph for Graphviz to FILE
                  --gateway-mac MAC  send the probes to MAC, not to the next hop looked up
                  --json             print hop JSON (docs/hop-json.md) instead of the table
              -o, --output FILE      also write hop JSON to FILE (replaced once it is complete)
                  --jsonl            write JSON Lines (the trace on one line), not a document
                  --save-pcap FILE   save every frame sent and captured to FILE (pcap), which
                                     'tracecap replay FILE' reads back
              -h, --help             show this help

            PACKET_LENGTH is the probes' IP length in bytes, 28..65535 (default 60). tracecap
            does not fragment probes: the length must fit the interface's MTU.

            exit status: 0 done (reached or not), 2 bad usage or a setup error (no privilege,
            unknown interface, unresolvable host, no route, no ARP answer).
            """;

    /** How long a Ctrl-C waits for the hops, the JSON and the capture file to be written. */
    static final long INTERRUPT_GRACE_MILLIS = 3000;
    /** How long the end of a trace waits for hop lines still waiting for a name. */
    private static final long PRINTER_DRAIN_SECONDS = 5;
    /** traceroute's -z: a value above 10 is in milliseconds, else in seconds. */
    static final double SENDWAIT_MILLIS_ABOVE = 10;
    private static final String TRY = "tracecap trace --help";

    private TraceCommand() {
    }

    /** A bad command line: {@link #getMessage()} is said after {@code tracecap: trace: }. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** A failed setup step, said in one line after {@code tracecap: }. */
    private static final class SetupException extends Exception {
        private static final long serialVersionUID = 1L;

        SetupException(String message) {
            super(message);
        }
    }

    /**
     * What the command line asks for, checked as far as it can be without the network.
     *
     * @param host          HOST as typed
     * @param options       the tracer's options ({@code -s} is in them)
     * @param interfaceName {@code -i}, or null
     * @param gatewayMac    {@code --gateway-mac}, or null
     */
    record Request(String host, TraceOptions options, String interfaceName, MacAddress gatewayMac, boolean numeric,
                   boolean json, boolean jsonl, Path output, Path savePcap, Multipath multipath) {
    }

    /** {@code --multipath}: the MDA's confidence (95 or 99) and {@code --dot FILE} (or null). */
    record Multipath(int confidence, Path dot) {
        static final int DEFAULT_CONFIDENCE = 95;
    }

    private static Options options() {
        Options o = new Options();
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
        o.addOption(Option.builder("h").longOpt("help").build());
        return o;
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Request request;
        try {
            request = parse(args);
        } catch (UsageException e) {
            return Main.usageError(err, "trace: " + e.getMessage(), TRY);
        }
        if (request == null) {
            out.print(HELP);
            return Main.OK;
        }
        return trace(request, out, err);
    }

    // ---- the command line ----------------------------------------------------------------------------

    /** The request {@code args} make, every value range-checked; null for {@code --help}. */
    static Request parse(String... args) throws UsageException {
        CommandLine line;
        try {
            line = DefaultParser.builder().setAllowPartialMatching(false).build().parse(options(), args);
        } catch (ParseException e) {
            throw new UsageException(Main.lowerFirst(e.getMessage()));
        }
        return line.hasOption("help") ? null : request(line);
    }

    private static Request request(CommandLine line) throws UsageException {
        List<String> words = line.getArgList();
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
        Multipath multipath = multipath(line);
        TraceOptions.Builder b = TraceOptions.builder();
        int first = integer(line, "f", "first TTL", TraceOptions.DEFAULT_FIRST_TTL, 1, 255);
        int max = integer(line, "m", "max TTL", TraceOptions.DEFAULT_MAX_TTL, 1, 255);
        if (first > max) {
            throw new UsageException("first TTL " + first + " (-f) is above max TTL " + max + " (-m)");
        }
        b.firstTtl(first).maxTtl(max);
        b.probesPerHop(integer(line, "q", "probes per hop", TraceOptions.DEFAULT_PROBES_PER_HOP, 1,
                TraceOptions.MAX_PROBES_PER_HOP));
        b.basePort(integer(line, "p", "base port", TraceOptions.DEFAULT_BASE_PORT, 1, 0xffff));
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
            try {
                b.sourceAddress(Ipv4Address.parse(text));
            } catch (IllegalArgumentException e) {
                throw new UsageException("-s: not an IPv4 address: '" + text + "'");
            }
        }
        if (words.size() == 2) {
            b.packetLength(number(words.get(1), "packet length", 28, 65535, null));
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
        return new Request(host, options, iface, gatewayMac, line.hasOption("numeric"), json, jsonl,
                path(output, "-o"), path(line.getOptionValue("save-pcap"), "--save-pcap"), multipath);
    }

    /** {@code --multipath} and the options that go with it, or null without it. */
    private static Multipath multipath(CommandLine line) throws UsageException {
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
        if (line.hasOption("jsonl")) {
            throw new UsageException("--jsonl writes traces only: --multipath's graph needs --json or -o FILE");
        }
        int confidence = Multipath.DEFAULT_CONFIDENCE;
        if (line.hasOption("confidence")) {
            String text = line.getOptionValue("confidence").strip();
            if (!text.equals("95") && !text.equals("99")) {
                throw new UsageException("--confidence: 95 or 99, got '" + text + "'");
            }
            confidence = Integer.parseInt(text);
        }
        return new Multipath(confidence, path(line.getOptionValue("dot"), "--dot"));
    }

    private static int integer(CommandLine line, String option, String what, int fallback, int min, int max)
            throws UsageException {
        String text = line.getOptionValue(option);
        return text == null ? fallback : number(text, what, min, max, "-" + option);
    }

    /** A whole number in {@code min..max}; {@code flag} (or null) names the option in the message. */
    private static int number(String text, String what, int min, int max, String flag) throws UsageException {
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

    private static Path path(String text, String flag) throws UsageException {
        if (text == null) {
            return null;
        }
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new UsageException(flag + ": not a usable path: " + text);
        }
    }

    // ---- setup ---------------------------------------------------------------------------------------

    /** HOST as an IPv4 address: dotted as is, else the first IPv4 address the system resolver gives. */
    private static int resolve(String host) throws SetupException {
        try {
            return Ipv4Address.parse(host);
        } catch (IllegalArgumentException notDotted) {
            // a name, then
        }
        InetAddress[] all;
        try {
            all = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            String why = e.getMessage() == null ? "unknown host" : e.getMessage();
            if (why.startsWith(host + ": ")) {
                why = why.substring(host.length() + 2);
            } else if (why.equals(host)) {
                why = "unknown host";
            }
            throw new SetupException("cannot resolve " + host + ": " + why);
        } catch (SecurityException e) {
            throw new SetupException("cannot resolve " + host + ": " + e.getMessage());
        }
        for (InetAddress a : all) {
            if (a instanceof Inet4Address v4) {
                return Ipv4Address.fromBytes(v4.getAddress());
            }
        }
        throw new SetupException("cannot resolve " + host + ": it has no IPv4 address (tracecap traces IPv4 only)");
    }

    /** Where a file option can be created: fails early, before any probe, on a directory or a missing one. */
    private static void checkWritable(Path target) throws SetupException {
        if (target == null) {
            return;
        }
        if (Files.isDirectory(target)) {
            throw new SetupException("cannot write " + target + ": is a directory");
        }
        Path directory = target.toAbsolutePath().getParent();
        if (directory == null || !Files.isDirectory(directory)) {
            throw new SetupException("cannot write " + target + ": no such directory");
        }
        if (!Files.isWritable(directory)) {
            throw new SetupException("cannot write " + target + ": permission denied");
        }
    }

    /**
     * The link a trace goes out on, checked: the route, its interface, the source address, and the gateway's MAC
     * when it is known without an ARP exchange (given, or in the neighbour table), else null.
     */
    private record CheckedLink(Route route, LinkInterface link, int source, MacAddress gatewayMac) {
        LinkFacts facts(MacAddress gateway) {
            return new LinkFacts(link.name(), link.mac().bytes(), gateway.bytes(), source, route.destination());
        }
    }

    /**
     * The link a trace to {@code destination} goes out on: interface, MACs and addresses.
     *
     * @throws LiveCaptureException no privilege, unknown interface, no route
     */
    private static CheckedLink link(Request request, int destination, Interruption interruption)
            throws LiveCaptureException, SetupException {
        String asked = request.interfaceName();
        // each listing is a pcap_findalldevs: list at most once, and no earlier than before
        List<LinkInterface> interfaces = null;
        if (asked != null) {
            Privilege.check(asked);
            interfaces = Interfaces.list();
            Interfaces.find(asked, interfaces);
        }
        Integer source = request.options().sourceAddress();
        if (source != null && interfaces == null) {
            interfaces = Interfaces.list();
        }
        if (source != null && interfaces.stream().noneMatch(i -> i.hasAddress(source))) {
            throw new SetupException("-s " + Ipv4Address.format(source) + " is not an address of this host: see"
                    + " ip -4 address");
        }
        Route route = RouteLookup.lookup(destination, source, asked);
        interruption.check();
        if (route.local()) {
            // Frames injected on lo towards the host itself never reach its UDP layer (they are counted in
            // IpInReceives and go no further), so no Port Unreachable could come back.
            throw new SetupException(Ipv4Address.format(destination) + " is an address of this host: tracecap"
                    + " sends its probes as frames on a link and cannot trace the host itself");
        }
        if (asked == null) {
            Privilege.check(route.interfaceName());
        }
        LinkInterface link = Interfaces.find(route.interfaceName(),
                interfaces != null ? interfaces : Interfaces.list());
        if (link.loopback()) {
            throw new SetupException("interface " + link.name() + " is the loopback device: probes sent there"
                    + " never leave this host; choose another with -i");
        }
        if (!link.up()) {
            throw new SetupException("interface " + link.name() + " is down: bring it up with ip link set "
                    + link.name() + " up");
        }
        int from = source != null ? source : route.source();
        if (source != null && !link.hasAddress(source)) {
            throw new SetupException("-s " + Ipv4Address.format(source) + " is not an address of " + link.name()
                    + " (" + (link.addresses().isEmpty() ? "it has none" : "it has " + link.addresses().stream()
                    .map(LinkInterface.Address::toString).collect(Collectors.joining(", "))) + ")");
        }
        if (link.mac() == null) {
            throw new SetupException("interface " + link.name() + " has no Ethernet address: tracecap sends"
                    + " Ethernet frames only");
        }
        MacAddress gateway = request.gatewayMac() != null ? request.gatewayMac()
                : NeighbourLookup.known(route, link).orElse(null);
        return new CheckedLink(route, link, from, gateway);
    }

    // ---- the trace -----------------------------------------------------------------------------------

    private static int trace(Request request, PrintStream out, PrintStream err) {
        Interruption interruption = new Interruption();
        interruption.install();
        AtomicOutputFile outputFile = null;
        LivePort port = null;
        PcapFileWriter pcap = null;
        try {
            Interfaces.prepare(); // in the background, while the host and the route are looked up
            int destination = resolve(request.host());
            checkWritable(request.savePcap());
            checkWritable(request.multipath() == null ? null : request.multipath().dot());
            if (request.output() != null) {
                try {
                    outputFile = AtomicOutputFile.create(request.output());
                } catch (IOException e) {
                    throw new SetupException(AtomicOutputFile.cannotWrite(request.output(), e));
                }
            }
            interruption.check();
            CheckedLink checked = link(request, destination, interruption);
            interruption.check();
            // Every probe goes to basePort + n (classic: n < the probe count; paris: n = 0; dublin: n < flows;
            // multipath: n < its flows).
            TraceOptions o = request.options();
            int ports = request.multipath() != null ? MultipathTracer.flowsFrom(o.basePort())
                    : Math.max(o.probeCount(), o.flows());
            String filter = LivePort.traceFilter(checked.source(), destination, o.basePort(),
                    Math.min(0xffff, o.basePort() + ports - 1));
            // link() has checked the privilege and the interface. A gateway MAC still unknown is asked for on the
            // trace's own port (which then also captures the gateway's ARP replies), not on one of its own.
            port = checked.gatewayMac() != null ? LivePort.openChecked(checked.link().name(), filter)
                    : LivePort.openChecked(checked.link().name(), filter, checked.route().nextHop());
            LinkFacts facts = checked.facts(checked.gatewayMac() != null ? checked.gatewayMac()
                    : NeighbourLookup.resolve(checked.route(), checked.link(), NeighbourLookup.DEFAULT_TIMEOUT,
                    NeighbourLookup.DEFAULT_ATTEMPTS, port));
            interruption.check();
            if (request.savePcap() != null) {
                try {
                    pcap = PcapFileWriter.create(request.savePcap(), port.linkType(), LivePort.SNAPLEN);
                } catch (IOException e) {
                    throw new SetupException(oneLine(e.getMessage()));
                }
            }
            return traceOn(request, facts, port, pcap, outputFile, interruption, out, err);
        } catch (SetupException e) {
            err.println("tracecap: " + e.getMessage());
            return Main.FAILED;
        } catch (LiveCaptureException e) {
            err.println(errorLine(e.getMessage()));
            return Main.FAILED;
        } catch (Interrupted e) {
            return Main.FAILED;
        } finally {
            if (pcap != null) {
                pcap.discard(); // does nothing once closed
            }
            if (port != null) {
                port.close();
            }
            if (outputFile != null) {
                outputFile.abandon(); // does nothing once committed
            }
            out.flush();
            err.flush();
            interruption.finished();
        }
    }

    private static int traceOn(Request request, LinkFacts facts, LivePort livePort, PcapFileWriter pcap,
            AtomicOutputFile outputFile, Interruption interruption, PrintStream out, PrintStream err) {
        if (request.multipath() != null) {
            return multipathOn(request, facts, livePort, pcap, outputFile, interruption, out, err);
        }
        TraceOptions options = request.options();
        boolean text = !request.json();
        ReverseDns names = text && !request.numeric() ? ReverseDns.system() : ReverseDns.numeric();
        WatchedPort port = new WatchedPort(livePort, pcap, facts.sourceAddress(), names);
        FlowTracer tracer;
        try {
            tracer = new FlowTracer(options, facts, port, Clock.system());
        } catch (IllegalArgumentException e) {
            err.println("tracecap: cannot trace on " + facts.interfaceName() + ": " + e.getMessage());
            names.close();
            return Main.FAILED;
        }
        HopPrinter printer = text ? new HopPrinter(out, names, options.flows() > 1) : null;
        List<Trace> traces;
        String portFailure = null;
        try {
            if (text) {
                TextReport.writeHeader(request.host(), facts.destinationAddress(), facts.sourceAddress(),
                        tracer.method(), options.maxTtl(), options.packetLength(), out);
                out.flush();
            }
            interruption.tracing(tracer::stop);
            try {
                traces = tracer.run(printer != null ? printer : FlowPrinter.SILENT);
            } catch (PortFailedException e) {
                // The interface went down (or the capture failed) mid-trace: print and write the hops learned
                // so far, then the port's error, exit status 2.
                traces = e.traces();
                portFailure = "tracecap: " + sendAdvice(oneLine(e.getMessage()), options.packetLength());
            }
            if (portFailure == null) {
                port.drain();
            }
        } catch (IOException e) {
            if (printer != null) {
                printer.finish();
            }
            names.close();
            err.println("tracecap: " + sendAdvice(oneLine(e.getMessage()), options.packetLength()));
            return Main.FAILED;
        }
        if (printer != null) {
            printer.finish();
            out.flush();
        }
        names.close();
        long dropped = livePort.droppedFrames();
        ReportSummary summary = port.summary(traces, tracer.unattributed());
        int status = closePcap(pcap, err);
        status = Math.max(status, writeJson(request, outputFile, traces, List.of(), summary, out, err));
        out.flush();
        if (portFailure != null) {
            err.println(portFailure);
            status = Main.FAILED;
        }
        err.println(summaryLine(port, summary, dropped));
        return status;
    }

    /**
     * {@code --multipath}: the MDA, then the graph as text (header first, the rest at the end), hop JSON (the
     * flows' traces and the graph) and {@code --dot}; the same summary line and exit statuses as a trace.
     */
    private static int multipathOn(Request request, LinkFacts facts, LivePort livePort, PcapFileWriter pcap,
            AtomicOutputFile outputFile, Interruption interruption, PrintStream out, PrintStream err) {
        TraceOptions options = request.options();
        boolean text = !request.json();
        ReverseDns names = text && !request.numeric() ? ReverseDns.system() : ReverseDns.numeric();
        WatchedPort port = new WatchedPort(livePort, pcap, facts.sourceAddress(), names);
        AtomicOutputFile dotFile = null;
        try {
            MultipathTracer tracer;
            try {
                tracer = new MultipathTracer(options, request.multipath().confidence(), facts, port, Clock.system());
            } catch (IllegalArgumentException e) {
                err.println("tracecap: cannot trace on " + facts.interfaceName() + ": " + e.getMessage());
                return Main.FAILED;
            }
            Path dot = request.multipath().dot();
            if (dot != null) {
                try {
                    dotFile = AtomicOutputFile.create(dot);
                } catch (IOException e) {
                    err.println("tracecap: " + AtomicOutputFile.cannotWrite(dot, e));
                    return Main.FAILED;
                }
            }
            if (text) {
                try {
                    GraphText.writeHeader(request.host(), facts.destinationAddress(), facts.sourceAddress(),
                            MultipathTracer.METHOD, request.multipath().confidence(), out);
                } catch (IOException e) {
                    // a PrintStream keeps its errors
                }
                out.flush();
            }
            interruption.tracing(tracer::stop);
            MultipathTracer.Result result = tracer.run();
            if (result.failure() == null) {
                try {
                    port.drain();
                } catch (IOException e) {
                    // the trace is over: what was captured is in
                }
            }
            int status = Main.OK;
            if (text) {
                try {
                    GraphText.writeNodes(result.graph(), out, names);
                } catch (IOException e) {
                    // a PrintStream keeps its errors
                }
                out.flush();
            }
            long dropped = livePort.droppedFrames();
            ReportSummary summary = port.summary(result.flows(), tracer.unattributed());
            status = Math.max(status, closePcap(pcap, err));
            status = Math.max(status, writeJson(request, outputFile, result.flows(), List.of(result.graph()), summary,
                    out, err));
            if (dotFile != null) {
                try {
                    Writer w = new OutputStreamWriter(dotFile.stream(), StandardCharsets.UTF_8);
                    GraphDot.write(List.of(result.graph()), w);
                    w.flush();
                    dotFile.commit();
                } catch (IOException e) {
                    err.println("tracecap: " + AtomicOutputFile.cannotWrite(dot, e));
                    status = Main.FAILED;
                }
            }
            if (result.failure() != null) {
                err.println("tracecap: " + sendAdvice(oneLine(result.failure().getMessage()), options.packetLength()));
                status = Main.FAILED;
            }
            err.println(summaryLine(port, summary, dropped));
            return status;
        } finally {
            names.close();
            if (dotFile != null) {
                dotFile.abandon(); // does nothing once committed
            }
        }
    }

    /** Closes the {@code --save-pcap} file (null: none): OK, or FAILED after saying why. */
    private static int closePcap(PcapFileWriter pcap, PrintStream err) {
        if (pcap != null) {
            try {
                pcap.close();
            } catch (IOException e) {
                err.println("tracecap: " + oneLine(e.getMessage()));
                return Main.FAILED;
            }
        }
        return Main.OK;
    }

    /**
     * Hop JSON to stdout ({@code --json}) and {@code -o}: the traces, the multipath graphs (none for a trace
     * without {@code --multipath}) and the summary. Returns the exit status so far: OK, or FAILED after saying
     * which output could not be written.
     */
    private static int writeJson(Request request, AtomicOutputFile outputFile, List<Trace> traces,
            List<Graph> graphs, ReportSummary summary, PrintStream out, PrintStream err) {
        List<TraceWriter> writers = new ArrayList<>();
        try {
            if (request.json()) {
                writers.add(jsonWriter(out, request.jsonl()));
            }
            if (outputFile != null) {
                writers.add(jsonWriter(outputFile.stream(), request.jsonl()));
            }
            for (TraceWriter w : writers) {
                for (Trace trace : traces) {
                    w.write(trace);
                }
                w.finish(graphs, summary);
            }
            if (outputFile != null) {
                outputFile.commit();
            }
            return Main.OK;
        } catch (IOException e) {
            err.println("tracecap: " + AtomicOutputFile.cannotWrite(outputFile, e));
            return Main.FAILED;
        } finally {
            for (TraceWriter w : writers) {
                try {
                    w.close();
                } catch (IOException ignored) {
                    // reported above
                }
            }
            out.flush();
        }
    }

    /** {@code tracecap: MESSAGE}, without saying "tracecap" twice when the message starts with it. */
    static String errorLine(String message) {
        String m = oneLine(message);
        return "tracecap: " + (m.startsWith("tracecap ") ? m.substring("tracecap ".length()) : m);
    }

    private static TraceWriter jsonWriter(OutputStream stream, boolean jsonl) throws IOException {
        return jsonl ? JsonLinesWriter.open(stream) : JsonDocumentWriter.open(stream, true);
    }

    /** A send that failed for the frame's size gets the reason tracecap can name. */
    static String sendAdvice(String message, int packetLength) {
        if (message.toLowerCase(Locale.ROOT).contains("message too long")) {
            return message + " (tracecap does not fragment probes: packet length " + packetLength
                    + " must fit the interface's MTU)";
        }
        return message;
    }

    /**
     * {@code tracecap: 16 probes sent (+1 past the last hop, not shown), 15 replies attributed, 1 unattributed
     * (probe past the last hop=1), 34 frames captured, 0 malformed, 0 dropped}: "unattributed" counts the replies
     * to this host that answer no probe shown (late ones, those to probes past the last hop, another trace's,
     * forged ones), then, when there are any, how many for each reason ({@link Tracer}'s, and
     * {@value WatchedPort#AFTER_THE_END} for those captured after the trace ended).
     */
    static String summaryLine(WatchedPort port, ReportSummary s, long dropped) {
        StringBuilder line = new StringBuilder("tracecap: ").append(Main.count(port.probesSent, "probe"))
                .append(" sent");
        if (s.probesPastStop() > 0) {
            line.append(" (+").append(s.probesPastStop()).append(" past the last hop, not shown)");
        }
        line.append(", ").append(Main.count(s.repliesAttributed(), "reply", "replies")).append(" attributed, ")
                .append(s.repliesUnattributed()).append(" unattributed");
        if (s.unattributed() != null && !s.unattributed().isEmpty()) {
            line.append(s.unattributed().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(java.util.stream.Collectors.joining(", ", " (", ")")));
        }
        line.append(", ")
                .append(Main.count(s.packetsRead(), "frame")).append(" captured, ")
                .append(s.malformed().values().stream().mapToLong(Long::longValue).sum()).append(" malformed, ")
                .append(dropped).append(" dropped");
        return line.toString();
    }

    private static String oneLine(String message) {
        return message == null ? "no details" : message.replaceAll("\\s+", " ").strip();
    }


    // ---- pieces --------------------------------------------------------------------------------------

    /**
     * The live port as the tracer sees it, also writing every captured frame to the capture file, counting
     * what went by for the summary, and starting the name lookup of each responder as soon as its reply
     * arrives. Frames are only handled on the tracing thread, inside {@link #receive}.
     */
    static final class WatchedPort extends ForwardingPacketPort {
        private static final int DRAIN_POLLS = 8;
        /** The reason of the unattributed replies captured after the tracer ended (while draining). */
        static final String AFTER_THE_END = "after the trace ended";
        private final LivePort port;
        private final PcapFileWriter pcap;
        private final int source;
        private final ReverseDns names;
        private final FrameClassifier classifier = new FrameClassifier();
        private final SortedMap<String, Long> malformed = new TreeMap<>();
        private long probesSent;
        private long framesCaptured;
        private long repliesSeen;
        private long repliesAfterTheEnd;
        private boolean draining;

        WatchedPort(LivePort port, PcapFileWriter pcap, int source, ReverseDns names) {
            super(port);
            this.port = port;
            this.pcap = pcap;
            this.source = source;
            this.names = names;
        }

        @Override
        public void send(byte[] frame, int length) throws IOException {
            super.send(frame, length);
            probesSent++;
        }

        @Override
        public int receive(FrameSink sink, long timeoutNanos) throws IOException {
            return super.receive((time, link, bytes, caplen, wire) -> {
                observe(time, link, bytes, caplen, wire);
                sink.frame(time, link, bytes, caplen, wire);
            }, timeoutNanos);
        }

        /**
         * Takes the frames already captured (no waiting) into the file and the counts: until two polls in a
         * row find nothing (a wakeup mark left by stop() ends one early), at most {@value #DRAIN_POLLS} polls so
         * that a flood cannot hold the end up.
         */
        void drain() throws IOException {
            int empty = 0;
            draining = true;
            try {
                for (int polls = 0; empty < 2 && polls < DRAIN_POLLS; polls++) {
                    empty = port.receive(this::observe, 0) == 0 ? empty + 1 : 0;
                }
            } finally {
                draining = false;
            }
        }

        private void observe(long time, int link, byte[] bytes, int caplen, int wire) {
            framesCaptured++;
            if (pcap != null) {
                pcap.frame(time, link, bytes, caplen, wire);
            }
            Classified c = classifier.classify(time, link, bytes, caplen, wire);
            if (c instanceof IcmpReply r && r.destination() == source) {
                replySeen();
                if (names.resolves()) {
                    names.prefetch(List.of(r.source()));
                }
            } else if (c instanceof TcpReply r && r.destination() == source) {
                replySeen();
            } else if (c instanceof Classified.Malformed m) {
                malformed.merge(m.reason(), 1L, Long::sum);
            }
        }

        private void replySeen() {
            repliesSeen++;
            if (draining) {
                repliesAfterTheEnd++;
            }
        }

        /**
         * The JSON summary of one live trace: frames captured, probes shown and past the stop, replies; the
         * unattributed ones by reason: {@code byTracer}, the tracer's reasons for those it saw, and
         * {@value #AFTER_THE_END} for those captured after it ended.
         */
        ReportSummary summary(List<Trace> traces, SortedMap<String, Long> byTracer) {
            long shown = 0;
            long answered = 0;
            for (Trace trace : traces) {
                for (Hop hop : trace.hops()) {
                    for (ProbeResult p : hop.probes()) {
                        shown++;
                        if (p.answered()) {
                            answered++;
                        }
                    }
                }
            }
            SortedMap<String, Long> unattributed = new TreeMap<>(byTracer);
            if (repliesAfterTheEnd > 0) {
                unattributed.merge(AFTER_THE_END, repliesAfterTheEnd, Long::sum);
            }
            return new ReportSummary(framesCaptured, traces.size(), shown, Math.max(0, probesSent - shown), answered,
                    Math.max(0, repliesSeen - answered), malformed, null, unattributed);
        }
    }

    /**
     * Prints hop lines in the order the tracer settles them. Without names, at once on the tracing thread;
     * with names, on a thread of its own, so that waiting for a name never holds up the tracer.
     */
    private static final class HopPrinter implements FlowPrinter {
        private final PrintStream out;
        private final ReverseDns names;
        private final ExecutorService thread;

        HopPrinter(PrintStream out, ReverseDns names, boolean flowLines) {
            this.flowLines = flowLines;
            this.out = out;
            this.names = names;
            this.thread = names.resolves() ? Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "tracecap-hop-printer");
                t.setDaemon(true);
                return t;
            }) : null;
        }

        /** Several flows (dublin): a line naming each flow before its hops. */
        private final boolean flowLines;

        @Override
        public void flowStarted(int flow, int sourcePort, int destinationPort) {
            if (flowLines) {
                later(() -> out.println("flow " + (flow + 1) + ": source port " + sourcePort
                        + ", destination port " + destinationPort));
            }
        }

        @Override
        public void hopSettled(int flow, Hop hop) {
            later(() -> print(hop));
        }

        @Override
        public void flowEnded(int flow, Trace trace) {
            later(() -> {
                try {
                    TextReport.writeStop(trace.stop(), out);
                } catch (IOException e) {
                    // a PrintStream keeps its errors
                }
                out.flush();
            });
        }

        /** In order with the hop lines: at once without names, else on the printing thread. */
        private void later(Runnable r) {
            if (thread == null) {
                r.run();
            } else {
                thread.execute(r);
            }
        }

        private void print(Hop hop) {
            try {
                TextReport.writeHop(hop, out, names);
            } catch (IOException e) {
                // a PrintStream keeps its errors
            }
            out.flush();
        }

        /** Waits until every line handed over is printed (each waits at most for its name's deadline). */
        void finish() {
            if (thread == null) {
                return;
            }
            thread.shutdown();
            try {
                thread.awaitTermination(PRINTER_DRAIN_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** What the tracing thread tells the output about flows and hops. */
    private interface FlowPrinter extends FlowTracer.FlowListener {
        FlowPrinter SILENT = new FlowPrinter() {
            @Override
            public void flowStarted(int flow, int sourcePort, int destinationPort) {
            }

            @Override
            public void hopSettled(int flow, Hop hop) {
            }

            @Override
            public void flowEnded(int flow, Trace trace) {
            }
        };
    }

    /** Thrown by {@link Interruption#check()} when a Ctrl-C came during setup: end quietly. */
    private static final class Interrupted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Interrupted() {
            super(null, null, false, false);
        }
    }

    /**
     * Ctrl-C. The JVM runs shutdown hooks on SIGINT (and SIGTERM, SIGHUP) and halts when they return; the
     * hook stops the tracer, whose run then returns with what was learned, and waits (bounded) until the
     * command has printed and written everything. During setup, the command ends at its next step.
     */
    private static final class Interruption {
        private final CountDownLatch done = new CountDownLatch(1);
        private final Thread hook = new Thread(this::signalled, "tracecap-interrupt");
        private volatile Runnable stopper;
        private volatile boolean requested;

        void install() {
            Runtime.getRuntime().addShutdownHook(hook);
        }

        private void signalled() {
            requested = true;
            Runnable t = stopper;
            if (t != null) {
                t.run();
            }
            try {
                done.await(INTERRUPT_GRACE_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Ends a setup that a Ctrl-C interrupted. */
        void check() {
            if (requested) {
                throw new Interrupted();
            }
        }

        /** From now on a Ctrl-C runs {@code stop}, a tracer's stop (at once if one already came). */
        void tracing(Runnable stop) {
            stopper = stop;
            if (requested) {
                stop.run();
            }
        }

        /** Everything is written: lets the hook return, and removes it when no shutdown is under way. */
        void finished() {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down (Ctrl-C): the hook is running and returns now
            }
        }
    }
}
