package org.tracecap.multipath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tracecap.model.Hop;
import org.tracecap.model.ProbeResult;
import org.tracecap.model.StopReason;
import org.tracecap.model.Trace;
import org.tracecap.trace.ProbeMethod;
import org.tracecap.trace.TraceOptions;

/**
 * ECMP diamonds of width 2 and 4 on real Linux routers ({@link MultipathNet#diamond}): a Paris trace keeps
 * one path, every probe of a hop answered by one router, the same one when the flow is traced again; other
 * flows (source ports) reach every branch; classic probes of one trace spread over several branches.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ParisEcmpLiveTest {
    static final int FLOWS = 24;
    /**
     * Every probe waited for up to 2 s: traceroute's HERE and NEAR factors (3 and 10 times an RTT of some 20 us
     * here) would give a reply the scheduler of a loaded machine holds back a few hundred microseconds a star,
     * and this test is about paths, not waits.
     */
    static final TraceOptions.Wait PATIENT = new TraceOptions.Wait(2, 0, 0);

    static void parisGivesOnePathPerFlow(int width) throws Exception {
        try (MultipathNet net = MultipathNet.diamond(width)) {
            Set<String> branches = new TreeSet<>();
            for (int f = 0; f < FLOWS; f++) {
                int sourcePort = 62000 + f;
                TraceOptions paris = TraceOptions.builder().method(ProbeMethod.PARIS).probesPerHop(6).maxTtl(8)
                        .sourcePort(sourcePort).waiting(PATIENT).build();
                Trace t = net.trace(paris, f).get(0);
                List<List<String>> hops = MultipathNet.responders(t);
                assertEquals(StopReason.reached(), t.stop(), hops::toString);
                assertEquals(4, hops.size(), hops::toString);
                for (List<String> hop : hops) {
                    assertEquals(1, new HashSet<>(hop).size(), () -> "flow " + sourcePort + ": " + hops);
                    assertTrue(!hop.contains("*"), () -> "flow " + sourcePort + ": " + hops);
                }
                assertEquals("198.18.1.2", hops.get(0).get(0));
                assertEquals("198.18.21.2", hops.get(2).get(0));
                assertEquals(MultipathNet.DIAMOND_SERVER, hops.get(3).get(0));
                for (Hop h : t.hops()) {
                    for (ProbeResult p : h.probes()) {
                        assertEquals(33434, p.destinationPort());
                        assertEquals(p.udpChecksum(), p.quotedUdpChecksum());
                    }
                }
                branches.add(hops.get(1).get(0));
                if (f < 4) {
                    // The same flow again takes the same branch.
                    List<List<String>> again = MultipathNet.responders(net.trace(paris, 100 + f).get(0));
                    assertEquals(hops.get(1), again.get(1), "flow " + sourcePort + " traced twice");
                }
            }
            Set<String> all = new TreeSet<>();
            for (int i = 1; i <= width; i++) {
                all.add(MultipathNet.branch(i));
            }
            // A branch missed by 24 random flows: chance width * (1 - 1/width)^24, below 0.5% for width 4.
            assertEquals(all, branches, FLOWS + " flows");

            TraceOptions classic = TraceOptions.builder().probesPerHop(10).maxTtl(8).sourcePort(62000)
                    .waiting(PATIENT).build();
            List<List<String>> hops = MultipathNet.responders(net.trace(classic, 1).get(0));
            assertTrue(new HashSet<>(hops.get(1)).size() > 1,
                    () -> "10 classic probes (10 flows) all took one branch: " + hops);
        }
    }

    @Test
    void widthTwo() throws Exception {
        parisGivesOnePathPerFlow(2);
    }

    @Test
    void widthFour() throws Exception {
        parisGivesOnePathPerFlow(4);
    }
}
