package org.tracecap.multipath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tracecap.model.StopReason;
import org.tracecap.model.Trace;
import org.tracecap.testnet.NetnsTopology;
import org.tracecap.trace.ProbeMethod;
import org.tracecap.trace.TraceOptions;

/**
 * scamper's MDA ({@code tracelb}, {@link ScamperTracelb}) finds exactly the ground truth
 * ({@link MultipathNet#truth()}) of the load-balanced topologies of {@link MultipathNet}
 * ({@link #findsTheGroundTruth}, which {@link MdaLiveTest} runs beside tracecap on the diamonds): that checks
 * the topologies, their ground truth and the parser together.
 * Also checks the per-packet balancer (one flow, both branches) and the rate-limit option.
 *
 * <p>MDA at 95% confidence stops looking for more next hops of a router after 6 probes all took one branch
 * of two (n1 = 6 in Augustin et al., IMC 2007): it misses a branch of a width-2 split with probability
 * 2 * 2^-6, about 3% (we saw it once in a few dozen runs of the nested diamond, which has two splits). So a
 * run may find less than the truth, never more: every run must be within the truth, and one of up to
 * {@value #ATTEMPTS} runs on the same topology (new flows each time: scamper's source port comes from its pid)
 * must find all of it.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ScamperTracelbLiveTest {
    static final int ATTEMPTS = 3;

    static ScamperTracelb.Result findsTheGroundTruth(MultipathNet net) throws Exception {
        List<String> runs = new ArrayList<>();
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            ScamperTracelb.Result r = ScamperTracelb.run(net, 95);
            runs.add(r.graph() + ", " + r.probec() + " probes, " + r.wall().toMillis() + " ms");
            assertTrue(r.graph().within(net.truth()), () -> "found what is not there: " + r.graph()
                    + "\ntruth " + net.truth());
            // Nothing else leaves the client: scamper's count is the number of probes on the wire.
            assertEquals(r.probec(), r.packetsSent(), "scamper's probec against tcpdump");
            if (r.graph().equals(net.truth())) {
                System.out.println("scamper tracelb on " + net.server() + ": " + runs);
                return r;
            }
        }
        fail("no run of " + ATTEMPTS + " found the ground truth " + net.truth() + ":\n" + String.join("\n", runs));
        return null;
    }

    /** One Paris flow (fixed 5-tuple) through the per-packet balancer meets both branches at hop 2. */
    @Test
    void perPacketBalancerSendsOneFlowDownBothBranches() throws Exception {
        try (MultipathNet net = MultipathNet.perPacket()) {
            TraceOptions paris = TraceOptions.builder().method(ProbeMethod.PARIS).probesPerHop(10).maxTtl(8)
                    .sourcePort(62000).build();
            Trace t = net.trace(paris, 1).get(0);
            List<List<String>> hops = MultipathNet.responders(t);
            assertEquals(StopReason.reached(), t.stop(), hops::toString);
            assertEquals(4, hops.size(), hops::toString);
            for (int ttl = 1; ttl <= 4; ttl++) {
                // 10 probes all on one branch of a fair coin: 2 * 2^-10
                assertEquals(net.truth().at(ttl), new TreeSet<>(hops.get(ttl - 1)), () -> "one flow: " + hops);
            }
        }
    }

    /**
     * {@link ClientRun#tracecap} runs the real command line in the client's namespace and counts what it sends:
     * the probes of its summary line ("N probes sent (+M past the last hop, not shown)": the M are among the N).
     */
    @Test
    void clientRunCountsTracecapsProbes() throws Exception {
        try (MultipathNet net = MultipathNet.diamond(2)) {
            ClientRun r = ClientRun.tracecap(net, "trace", "-n", "--method", "paris", net.server());
            assertEquals(0, r.exit(), r::toString);
            java.util.regex.Matcher m = java.util.regex.Pattern
                    .compile("tracecap: (\\d+) probes sent \\(\\+(\\d+) past the last hop").matcher(r.stderr());
            assertTrue(m.find(), r.stderr());
            assertEquals(Integer.parseInt(m.group(1)), r.packetsSent(), r::toString);
        }
    }

    /** Linux's limits kept: a burst of 6 Time Exceeded from r1, then silence; without them all 10 answered. */
    @Test
    void kernelRateLimitsAreKeptWhenAsked() throws Exception {
        for (boolean limits : List.of(true, false)) {
            try (MultipathNet net = MultipathNet.diamond(2, limits)) {
                assertEquals(limits ? "1000" : "0",
                        net.node("r1").run("sysctl", "-n", "net.ipv4.icmp_ratelimit").strip());
                NetnsTopology.Result r = net.node("client").exec(Duration.ofSeconds(20), "traceroute", "-n", "-f",
                        "1", "-m", "1", "-q", "10", "-N", "10", "-w", "1", net.server());
                assertEquals(0, r.exit(), r::toString);
                String hop = r.stdout().lines().filter(l -> l.startsWith(" 1 ")).findFirst().orElseThrow();
                long answered = hop.split("\\s+").length - hop.replace(" ms", "").split("\\s+").length;
                assertEquals(limits ? 6 : 10, answered, hop);
            }
        }
    }
}
