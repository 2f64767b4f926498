package org.tracecap.live;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tracecap.testnet.NetnsTopology;

/**
 * Debian's {@code traceroute -n} (modern traceroute 2.1, default UDP method) and tracecap on the same fresh
 * chain give the same responders per hop, on a straight path and with a silent hop. run-tests installs
 * traceroute; in CI a missing traceroute fails the test instead of skipping it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DebianTracerouteComparisonTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"straight", "silent"})
    void sameRespondersPerHopAsTraceroute(String topology) throws Exception {
        try (LiveNet net = LiveNet.chain()) {
            requireTraceroute(net);
            if (topology.equals("silent")) {
                net.iptables("r2", "-A", "OUTPUT", "-p", "icmp", "--icmp-type", "time-exceeded", "-j", "DROP");
            }
            NetnsTopology.Result tr = net.client().exec(Duration.ofSeconds(30), "traceroute", "-n", "-q", "3", "-m",
                    "8", LiveNet.SERVER);
            assertEquals(0, tr.exit(), tr.stderr());
            Path json = dir.resolve("trace.json");
            Tracecap.Result tc = Tracecap.ok(net.client(), "trace", "-n", "-w", Tracecap.WAIT, "-q", "3", "-m", "8", "-o",
                    json.toString(), LiveNet.SERVER);
            JsonNode trace = Tracecap.onlyTrace(json);

            List<List<String>> expected = new ArrayList<>();
            for (String hop : LiveNet.chainHops()) {
                expected.add(List.of(hop));
            }
            if (topology.equals("silent")) {
                expected.set(1, List.of());
            }
            List<List<String>> traceroute = Tracecap.tableResponders(tr.stdout());
            assertEquals(expected, traceroute, "traceroute said:\n" + tr.stdout());
            assertEquals(traceroute, Tracecap.distinctResponders(trace),
                    "traceroute:\n" + tr.stdout() + "\ntracecap:\n" + tc.out());
            assertEquals(traceroute, Tracecap.tableResponders(tc.out()),
                    "traceroute:\n" + tr.stdout() + "\ntracecap:\n" + tc.out());
        }
    }

    private static void requireTraceroute(LiveNet net) {
        NetnsTopology.Result which = net.client().exec(Duration.ofSeconds(10), "sh", "-c", "command -v traceroute");
        if (which.exit() != 0) {
            if (System.getenv("CI") != null) {
                Assertions.fail("traceroute is not installed (run-tests installs it)");
            }
            Assumptions.abort("traceroute is not installed: apt-get install traceroute");
        }
    }
}
