package org.tracecap.multipath;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.tracecap.cli.Main;
import org.tracecap.testnet.NetnsTopology;

/**
 * One program run in the client namespace of a {@link MultipathNet} while {@link ClientCapture} counts what
 * the client sends: its exit code and output, the packets it put on the wire, and its wall time.
 *
 * <pre>{@code
 * ClientRun r = ClientRun.tracecap(net, "trace", "--multipath", "-n", "--json", net.server());
 * JsonNode graph = new ObjectMapper().readTree(r.stdout()).path("graphs").get(0);
 * assertEquals(net.truth(), MultipathGraph.fromTracecapJson(graph));
 * assertEquals(graph.path("probes").asInt(), r.packetsSent());
 * }</pre>
 */
record ClientRun(int exit, String stdout, String stderr, int packetsSent, Duration wall) {
    static final Duration TIMEOUT = Duration.ofSeconds(120);

    /** {@code command} (a program and its arguments) inside the client's namespace. */
    static ClientRun command(MultipathNet net, String... command) throws Exception {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", net.node("client").name()));
        full.addAll(List.of(command));
        return run(net, full);
    }

    /** tracecap's command line ({@link Main}, in a JVM on the test class path) inside the client's namespace. */
    static ClientRun tracecap(MultipathNet net, String... args) throws Exception {
        return run(net, net.node("client").javaCommand(Main.class, args));
    }

    private static ClientRun run(MultipathNet net, List<String> command) throws Exception {
        try (ClientCapture capture = ClientCapture.start(net)) {
            long start = System.nanoTime();
            NetnsTopology.Result r = NetnsTopology.exec(null, TIMEOUT, command.toArray(new String[0]));
            Duration wall = Duration.ofNanos(System.nanoTime() - start);
            return new ClientRun(r.exit(), r.stdout(), r.stderr(), capture.stop(), wall);
        }
    }
}
