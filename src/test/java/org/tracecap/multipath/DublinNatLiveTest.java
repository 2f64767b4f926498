package org.tracecap.multipath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tracecap.model.Hop;
import org.tracecap.model.ProbeResult;
import org.tracecap.model.StopReason;
import org.tracecap.model.Trace;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.Ipv4Address;
import org.tracecap.trace.ProbeMethod;
import org.tracecap.trace.TraceOptions;

/**
 * A stateless nftables source NAT at hop 2 (see {@link MultipathNet#natChain()}): the quotes of hop 3 and the
 * server carry the NAT's address and a rewritten UDP checksum, so every method still attributes every reply,
 * and hop 3 is flagged as the first hop past the NAT.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DublinNatLiveTest {
    static final List<List<String>> HOPS = List.of(List.of("198.18.1.2"), List.of("198.18.2.2"),
            List.of("198.18.3.2"), List.of(MultipathNet.NAT_SERVER));

    static void assertNatAtHop3(Trace t) {
        assertEquals(StopReason.reached(), t.stop(), () -> MultipathNet.responders(t).toString());
        List<List<String>> hops = MultipathNet.responders(t);
        for (int h = 0; h < HOPS.size(); h++) {
            assertEquals(HOPS.get(h), hops.get(h).stream().distinct().toList(), hops::toString);
        }
        assertEquals(List.of(false, false, true, false), t.hops().stream().map(Hop::nat).toList());
        for (ProbeResult p : t.hops().get(1).probes()) {
            assertEquals(p.udpChecksum(), p.quotedUdpChecksum(), "r2 quotes the probe as it arrived");
        }
        for (ProbeResult p : t.hops().get(2).probes()) {
            assertNotEquals(p.udpChecksum(), p.quotedUdpChecksum(), "r3 quotes the rewritten probe");
        }
    }

    @Test
    void dublinFlagsTheHopPastTheNatInEveryFlow() throws Exception {
        try (MultipathNet net = MultipathNet.natChain()) {
            List<Trace> traces = net.trace(TraceOptions.builder().method(ProbeMethod.DUBLIN).flows(3).maxTtl(8)
                    .build(), 1);
            assertEquals(3, traces.size());
            for (int f = 0; f < 3; f++) {
                Trace t = traces.get(f);
                assertNatAtHop3(t);
                for (Hop h : t.hops()) {
                    for (ProbeResult p : h.probes()) {
                        assertEquals(33434 + f, p.destinationPort());
                    }
                }
            }
        }
    }

    @Test
    void parisAndClassicRepliesSurviveTheNatAndFlagItToo() throws Exception {
        try (MultipathNet net = MultipathNet.natChain()) {
            for (ProbeMethod m : List.of(ProbeMethod.PARIS, ProbeMethod.UDP)) {
                List<Trace> traces = net.trace(TraceOptions.builder().method(m).maxTtl(8).build(), 2);
                assertEquals(1, traces.size());
                assertNatAtHop3(traces.get(0));
                assertTrue(traces.get(0).hops().get(3).probes().stream()
                        .allMatch(p -> IpAddress.parse(MultipathNet.NAT_SERVER).equals(p.responder())), m.name());
            }
        }
    }
}
