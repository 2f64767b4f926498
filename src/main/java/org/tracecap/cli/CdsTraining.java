package org.tracecap.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;

import org.tracecap.capture.Interfaces;
import org.tracecap.capture.LivePort;
import org.tracecap.capture.NeighbourLookup;
import org.tracecap.capture.Privilege;
import org.tracecap.capture.RouteLookup;
import org.tracecap.match.FrameSink;
import org.tracecap.model.Trace;
import org.tracecap.packet.IcmpErrorEncoder;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.Ipv4Address;
import org.tracecap.packet.Ipv4View;
import org.tracecap.report.JsonDocumentWriter;
import org.tracecap.report.JsonLinesWriter;
import org.tracecap.report.ReportSummary;
import org.tracecap.report.TextReport;
import org.tracecap.report.TraceWriter;
import org.tracecap.trace.Clock;
import org.tracecap.trace.FlowTracer;
import org.tracecap.trace.LinkFacts;
import org.tracecap.trace.PacketPort;
import org.tracecap.trace.TraceOptions;

/**
 * The launcher's training run for its class data sharing archive (not a command): the classes loaded here are
 * the ones the JVM maps from the archive instead of loading, parsing and verifying them on every start.
 *
 * <p>{@code java -XX:ArchiveClassesAtExit=A -cp tracecap.jar org.tracecap.cli.CdsTraining JNA_DIR REPLAY_ARGS...}
 * <ol>
 *   <li>copies JNA's native dispatch library out of its jar into {@code JNA_DIR}, for
 *       {@code -Djna.boot.library.path}: JNA otherwise unpacks it to a new temporary file on every start (a
 *       {@code SecureRandom} for the file name, 110 kB inflated and written, deleted at exit);</li>
 *   <li>runs {@code tracecap REPLAY_ARGS} (a replay of a bundled capture);</li>
 *   <li>walks the live trace's path as far as it goes without sending anything: the route and neighbour
 *       lookups of a loopback address, the interface listing (JNA and libpcap), and, with the privilege, a
 *       capture port on {@code lo} opened and closed (nothing sent); then a trace of three hops against a
 *       network simulated in memory, written as text and JSON to nowhere.</li>
 *   <li>saves, in {@code JNA_DIR}, the library directories JNA found ({@link #savePlatformLibraryPath});</li>
 * </ol>
 * Every step is best effort: a step that fails only leaves its classes out of the archive.
 */
public final class CdsTraining {

    private static final int LOOPBACK = Ipv4Address.parse("127.0.0.1");

    private CdsTraining() {
    }

    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: CdsTraining JNA_DIR REPLAY_ARGS...");
            System.exit(2);
        }
        try {
            unpackJnaDispatch(Path.of(args[0]));
        } catch (IOException | RuntimeException e) {
            // JNA unpacks it itself.
        }
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        String[] replay = java.util.Arrays.copyOfRange(args, 1, args.length);
        int status = Main.run(replay, nowhere, nowhere);
        // The trace command up to its route lookup: 127.0.0.1 is this host's, refused before any capture opens.
        Main.run(new String[] {"trace", "-n", "127.0.0.1"}, nowhere, nowhere);
        try {
            livePath();
        } catch (Exception | LinkageError e) {
            // A machine without libpcap or privileges trains the replay only.
        }
        try {
            savePlatformLibraryPath(Path.of(args[0]));
        } catch (IOException | RuntimeException e) {
            // JNA asks ldconfig itself.
        }
        try {
            simulatedTrace(nowhere);
        } catch (IOException | RuntimeException e) {
            // Left out of the archive.
        }
        preload(CdsTraining.class, "org/tracecap/");
        preload(com.sun.jna.Native.class, "com/sun/jna/");
        preload(org.pcap4j.core.Pcaps.class, "org/pcap4j/core/");
        System.exit(status);
    }

    /**
     * Loads (without initialising) every class under {@code prefix} in the jar of {@code anchor}, so that the
     * archive has also those no step above reached (a live trace's own, such as the CLI's hop printer).
     */
    private static void preload(Class<?> anchor, String prefix) {
        ClassLoader loader = CdsTraining.class.getClassLoader();
        try (java.util.zip.ZipFile jar = new java.util.zip.ZipFile(
                Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI()).toFile())) {
            for (String name : jar.stream().map(java.util.zip.ZipEntry::getName)
                    .filter(n -> n.startsWith(prefix) && n.endsWith(".class") && !n.endsWith("module-info.class"))
                    .toList()) {
                try {
                    Class.forName(name.substring(0, name.length() - ".class".length()).replace('/', '.'), false,
                            loader);
                } catch (ClassNotFoundException | LinkageError e) {
                    // not loadable here (another platform's): not needed here either
                }
            }
        } catch (IOException | java.net.URISyntaxException | RuntimeException e) {
            // that jar is left as the steps above left it
        }
    }

    /**
     * JNA's {@code com/sun/jna/<platform>/libjnidispatch.so}, copied to {@code directory}, replacing the copy of
     * an earlier build (JNA refuses a dispatch library of another version). The copy is written under a
     * temporary name and renamed: a JVM starting at the same time sees the old file or the new one.
     */
    static void unpackJnaDispatch(Path directory) throws IOException {
        String name = System.mapLibraryName("jnidispatch");
        Path target = directory.resolve(name);
        String resource = "com/sun/jna/" + com.sun.jna.Platform.RESOURCE_PREFIX + "/" + name;
        try (InputStream in = CdsTraining.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                return;
            }
            Files.createDirectories(directory);
            writeAtomically(target, in.readAllBytes());
        }
    }

    /** Where the launcher finds the value of {@code jna.platform.library.path} saved by a training run. */
    static final String PLATFORM_LIBRARY_PATH_FILE = "platform-library-path";

    /**
     * Saves, in {@code directory}, the library directories JNA found for this machine when it loaded libpcap
     * here ({@code jna.platform.library.path}, which JNA sets). JNA computes them in its first use of a native
     * library by running {@code /sbin/ldconfig -p} (a subprocess, 10-20 ms of every live trace's start-up)
     * unless the property is already set: the launcher sets it from this file. The file is made again by
     * every training run (after each build), and removed when JNA could not be used here.
     */
    static void savePlatformLibraryPath(Path directory) throws IOException {
        String path = System.getProperty("jna.platform.library.path");
        Path target = directory.resolve(PLATFORM_LIBRARY_PATH_FILE);
        if (path == null || path.isBlank() || path.contains("\n")) {
            Files.deleteIfExists(target);
            return;
        }
        Files.createDirectories(directory);
        writeAtomically(target, (path + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@code bytes} as the whole of {@code target}, through a temporary file renamed over it
     * ({@link AtomicOutputFile}: the usual permissions, so that other users' launchers can read it too).
     */
    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
        AtomicOutputFile file = AtomicOutputFile.create(target);
        try {
            file.stream().write(bytes);
            file.commit();
        } finally {
            file.abandon(); // after a commit: nothing
        }
    }

    private static void livePath() throws Exception {
        try {
            RouteLookup.lookup(IpAddress.ipv4(LOOPBACK), null, null);
        } catch (Exception e) {
            // no ip, no route: still trained up to here
        }
        NeighbourLookup.fromTable(IpAddress.ipv4(LOOPBACK), "lo");
        Interfaces.find("lo", Interfaces.list());
        Privilege.check("lo");
        String filter = LivePort.traceFilter(IpAddress.ipv4(LOOPBACK), IpAddress.ipv4(LOOPBACK + 1),
                TraceOptions.DEFAULT_BASE_PORT,
                TraceOptions.DEFAULT_BASE_PORT + 2);
        try (LivePort port = LivePort.openChecked("lo", filter, LOOPBACK + 1)) {
            port.receive((time, link, frame, length, wire) -> {
            }, 1_000_000L);
            port.droppedFrames();
        }
    }

    /** A trace of {@code 198.51.100.3} through two routers simulated in {@link ChainPort}, written to nowhere. */
    private static void simulatedTrace(PrintStream nowhere) throws IOException {
        int source = Ipv4Address.parse("198.51.100.1");
        int destination = Ipv4Address.parse("198.51.100.3");
        byte[] mac = {2, 0, 0, 0, 0, 1};
        byte[] gateway = {2, 0, 0, 0, 0, 2};
        LinkFacts facts = new LinkFacts("sim0", mac, gateway, IpAddress.ipv4(source), IpAddress.ipv4(destination));
        TraceOptions options = TraceOptions.defaults();
        ChainPort port = new ChainPort(destination, 3, mac, gateway);
        FlowTracer tracer = new FlowTracer(options, facts, port, Clock.system());
        List<Trace> traces = tracer.run(new FlowTracer.FlowListener() {
            @Override
            public void flowStarted(int flow, int sourcePort, int destinationPort) {
            }

            @Override
            public void hopSettled(int flow, org.tracecap.model.Hop hop) {
            }

            @Override
            public void flowEnded(int flow, Trace trace) {
            }
        });
        TextReport.writeHeader(Ipv4Address.format(destination), IpAddress.ipv4(destination), IpAddress.ipv4(source),
                tracer.method(),
                options.maxTtl(), options.packetLength(), nowhere);
        ReportSummary summary = new ReportSummary(port.frames, traces.size(), 0, 0, 0, 0, null, null,
                tracer.unattributed());
        for (TraceWriter w : List.of(JsonDocumentWriter.open(nowhere, true), JsonLinesWriter.open(nowhere),
                (TraceWriter) new TextTraceWriter(nowhere, true))) {
            for (Trace t : traces) {
                w.write(t);
            }
            w.finish(summary);
            w.close();
        }
    }

    /**
     * A path simulated in memory: every probe comes back (as the kernel shows a packet socket its own frames)
     * followed at once by a Time Exceeded from router 10.0.0.TTL, or, from TTL {@code hops} on, a Port
     * Unreachable from the destination.
     */
    private static final class ChainPort implements PacketPort {
        private final int destination;
        private final int hops;
        private final byte[] mac;
        private final byte[] gateway;
        private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
        private long frames;

        ChainPort(int destination, int hops, byte[] mac, byte[] gateway) {
            this.destination = destination;
            this.hops = hops;
            this.mac = mac;
            this.gateway = gateway;
        }

        @Override
        public int linkType() {
            return 1;
        }

        @Override
        public synchronized void send(byte[] frame, int length) {
            byte[] probe = java.util.Arrays.copyOf(frame, length);
            queue.add(probe);
            Ipv4View ip = Ipv4View.of(probe, 14, length - 14);
            IcmpErrorEncoder reply = ip.ttl() < hops
                    ? IcmpErrorEncoder.timeExceeded(Ipv4Address.parse("10.0.0.0") + ip.ttl(), ip.source(), probe, 14,
                            length - 14)
                    : IcmpErrorEncoder.destinationUnreachable(destination, ip.source(), 3, probe, 14, length - 14);
            queue.add(reply.ethernet(mac, gateway).toBytes());
            notifyAll();
        }

        @Override
        public synchronized int receive(FrameSink sink, long timeoutNanos) {
            int n = 0;
            for (byte[] f; (f = queue.poll()) != null; n++) {
                frames++;
                sink.frame(Clock.system().nowNanos(), 1, f, f.length, f.length);
            }
            if (n == 0 && timeoutNanos > 0) {
                try {
                    wait(Math.max(1, timeoutNanos / 1_000_000L));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return n;
        }

        @Override
        public synchronized void wakeup() {
            notifyAll();
        }

        @Override
        public void close() {
        }
    }
}
