package org.tracecap.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.tracecap.capture.CaptureException;
import org.tracecap.capture.PcapFileSource;
import org.tracecap.model.Hop;
import org.tracecap.model.Trace;

/**
 * Whatever the frames, a replay never throws and its counters and traces stay consistent: real captures with
 * bytes flipped, frames dropped and times jittered.
 */
class ReconstructorProperties {
    private record Frame(long time, int linkType, byte[] bytes) {
    }

    private static final List<Frame> REAL = load("multi-traceroute-udp.pcap", "ecmp-mtr-udp.pcap",
            "silent-traceroute-tcp.pcap", "straight-scamper-icmp-paris.pcap", "ecmp-dublin.pcap");

    private static List<Frame> load(String... names) {
        List<Frame> out = new ArrayList<>();
        for (String n : names) {
            try {
                PcapFileSource.read(Replays.CAPTURES.resolve(n),
                        (t, l, f, c, w) -> out.add(new Frame(t, l, java.util.Arrays.copyOf(f, c))));
            } catch (CaptureException e) {
                throw new AssertionError("bundled capture does not read: " + e.getMessage(), e);
            }
        }
        return out;
    }

    @Property(tries = 200)
    void mutatedCapturesNeverBreakTheReplay(@ForAll @Size(max = 40) List<@IntRange(min = 0, max = 1 << 20) Integer> flips,
                                            @ForAll @IntRange(min = 0, max = 9) int dropEvery,
                                            @ForAll @IntRange(min = 0, max = 2_000_000) int jitterNanos) {
        List<Trace> traces = new ArrayList<>();
        Reconstructor r = new Reconstructor(traces::add, 64, 5_000_000_000L);
        long fed = 0;
        for (int i = 0; i < REAL.size(); i++) {
            if (dropEvery > 1 && i % dropEvery == 0) {
                continue;
            }
            Frame f = REAL.get(i);
            byte[] b = f.bytes().clone();
            for (int k = 0; k < flips.size(); k++) {
                int at = flips.get(k);
                if (at % REAL.size() == i) {
                    b[(at >>> 8) % b.length] ^= (byte) (1 << (at & 7));
                }
            }
            long jitter = jitterNanos == 0 ? 0 : (i * 7919L) % jitterNanos - jitterNanos / 2;
            r.frame(f.time() + jitter, f.linkType(), b, b.length, b.length);
            fed++;
        }
        ReplaySummary s = r.finish(false);
        assertEquals(fed, s.packetsRead());
        long probes = 0;
        long previousStart = Long.MIN_VALUE;
        for (Trace t : traces) {
            assertTrue(t.startTimeNanos() >= previousStart, "start-time order");
            previousStart = t.startTimeNanos();
            assertTrue(!t.hops().isEmpty());
            for (int h = 1; h < t.hops().size(); h++) {
                assertEquals(t.hops().get(h - 1).ttl() + 1, t.hops().get(h).ttl(), "one hop per TTL");
            }
            for (Hop h : t.hops()) {
                probes += h.probes().size();
                h.probes().forEach(p -> assertEquals(h.ttl(), p.ttl()));
            }
        }
        assertEquals(probes, s.probesFound());
        assertEquals(traces.size(), s.traces());
        assertTrue(s.repliesAttributed() + s.repliesUnattributed() + s.malformedTotal() <= s.packetsRead());
    }
}
