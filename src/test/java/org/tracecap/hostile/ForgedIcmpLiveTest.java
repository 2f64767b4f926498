package org.tracecap.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tracecap.capture.LivePort;
import org.tracecap.model.ProbeResult;
import org.tracecap.model.Trace;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.Ipv4Address;
import org.tracecap.trace.LinkFacts;
import org.tracecap.trace.TraceOptions;
import org.tracecap.trace.Tracer;

/**
 * Forged and stray ICMP against a live trace (issue 5), sent by an attacker namespace on r1 while the client
 * traces to the server. r2 is made silent (it drops its own Time Exceeded), so hop 2's probes stay
 * outstanding for the whole MAX wait: every forged reply for them arrives while a probe is waiting for a
 * reply, the moment a forgery could be taken. Each kind of forgery comes from its own spoofed source
 * 198.18.7.{kind}: a forgery that were attributed would show as that responder.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ForgedIcmpLiveTest {
    static final int SPORT = 62001;
    static final int BASE_PORT = 33434;
    static final int PROBES = 15;

    static HostileNet net;
    static byte[] attackerMac;
    static byte[] r1Mac;

    @BeforeAll
    static void topology() {
        net = new HostileNet();
        attackerMac = HostileNet.mac(net.attacker.mac("eth0"));
        r1Mac = HostileNet.mac(net.r1.mac("eth2"));
        net.r2.run("iptables", "-A", "OUTPUT", "-p", "icmp", "--icmp-type", "time-exceeded", "-j", "DROP");
    }

    @AfterAll
    static void remove() {
        if (net != null) {
            net.close();
        }
    }

    /** The kinds of forgery, each a function of the probe number it imitates. */
    enum Kind {
        OTHER_SOURCE_PORT(1), OTHER_DESTINATION(2), PROBE_NEVER_SENT(3), QUOTED_TTL_ABOVE_SENT(4),
        IP_ID_NEVER_USED(5), CHECKSUM_NEVER_USED(6), EARLIER_RUN(7), EXACT_COPY(99);

        final int octet;

        Kind(int octet) {
            this.octet = octet;
        }

        int source() {
            return Ipv4Address.parse(HostileNet.FORGED_NET + octet);
        }

        /** The reason the tracer counts this kind under once the probe it imitates has been sent. */
        String reason() {
            return switch (this) {
                case OTHER_SOURCE_PORT -> Tracer.SOURCE_PORT;
                case OTHER_DESTINATION -> Tracer.NOT_OUR_QUOTE;
                case PROBE_NEVER_SENT -> Tracer.NO_SUCH_PROBE;
                case QUOTED_TTL_ABOVE_SENT -> Tracer.QUOTED_TTL_ABOVE;
                case IP_ID_NEVER_USED, EARLIER_RUN -> Tracer.IP_ID;
                case CHECKSUM_NEVER_USED -> Tracer.CHECKSUM;
                case EXACT_COPY -> null;
            };
        }
    }

    /** A trace run as {@link HostileNet#trace} runs it, with its tracer's unattributed replies by reason. */
    record Counted(Trace trace, long droppedFrames, SortedMap<String, Long> unattributed) {
    }

    static Counted traceCounted(TraceOptions options, long seed) throws Exception {
        LinkFacts link = net.clientLink();
        return net.client.call(() -> {
            try (LivePort port = LivePort.open("eth0", IpAddress.ipv4(HostileNet.CLIENT))) {
                Tracer tracer = new Tracer(options, link, port, HostileNet.EPOCH_CLOCK, new SplittableRandom(seed));
                Trace t = tracer.run(hop -> { });
                return new Counted(t, port.droppedFrames(), tracer.unattributed());
            }
        });
    }

    static byte[] forge(Kind k, int n, int ipIdBase, int[] earlierIpIds) {
        int ttl = 1; // what a router quotes: the probe's TTL as it arrived, 1
        int ipId = (ipIdBase + n) & 0xffff;
        int sport = SPORT;
        int dport = BASE_PORT + n;
        int dst = HostileNet.SERVER;
        int checksumDelta = 0;
        switch (k) {
            case OTHER_SOURCE_PORT -> sport = SPORT + 1;
            case OTHER_DESTINATION -> dst = HostileNet.SERVER + 1;
            case PROBE_NEVER_SENT -> {
                dport = BASE_PORT + PROBES + n;
                ipId = (ipIdBase + PROBES + n) & 0xffff;
            }
            case QUOTED_TTL_ABOVE_SENT -> ttl = 64;
            case IP_ID_NEVER_USED -> ipId = (ipId + 0x8000) & 0xffff;
            case CHECKSUM_NEVER_USED -> checksumDelta = 1;
            case EARLIER_RUN -> ipId = earlierIpIds[n];
            case EXACT_COPY -> {
            }
        }
        return HostileNet.timeExceeded(k.source(), HostileNet.quote(dst, ttl, ipId, sport, dport, checksumDelta),
                attackerMac, r1Mac);
    }

    /**
     * Pause between two bursts of the attack: a burst is one forgery of each kind for one probe number (at most 7
     * frames), so the attack stays near 3,500 frames/s. Faster, the attack outruns the client's capture on a
     * busy 2-CPU machine (about 25,000 frames/s through the JNA callback; and with snaplen 65535 on an
     * interface with offloads libpcap's 4 MiB ring holds only about 64 frames): the kernel then drops frames
     * at random, the trace's own probes and real replies among them, and hops turn to stars for a reason that
     * has nothing to do with forgery. The flood of the capture is a test of its own.
     */
    static final long BURST_PAUSE_NANOS = 2_000_000;

    /**
     * Sends forgeries of {@code kinds} from the attacker until {@code stop}, in bursts of one forgery per kind
     * for one probe number (probe numbers in turn), {@code pauseNanos} apart; returns the counts sent.
     */
    static CompletableFuture<Map<Kind, Long>> attack(List<Kind> kinds, int ipIdBase, int[] earlier,
            AtomicBoolean stop, long pauseNanos) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return net.attacker.call(() -> {
                    Map<Kind, Long> sent = new LinkedHashMap<>();
                    byte[][][] bursts = new byte[PROBES][kinds.size()][];
                    for (int n = 0; n < PROBES; n++) {
                        for (int k = 0; k < kinds.size(); k++) {
                            bursts[n][k] = forge(kinds.get(k), n, ipIdBase, earlier);
                        }
                    }
                    try (LivePort port = LivePort.open("eth0", "less 0")) {
                        for (int n = 0; !stop.get(); n = (n + 1) % PROBES) {
                            for (int k = 0; k < kinds.size(); k++) {
                                port.send(bursts[n][k], bursts[n][k].length);
                                sent.merge(kinds.get(k), 1L, Long::sum);
                            }
                            java.util.concurrent.locks.LockSupport.parkNanos(pauseNanos);
                        }
                    }
                    return sent;
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    static Map<Kind, Long> attributed(Trace t) {
        Map<Kind, Long> got = new LinkedHashMap<>();
        for (var hop : t.hops()) {
            for (ProbeResult p : hop.probes()) {
                for (Kind k : Kind.values()) {
                    if (p.responder() != null && p.responder().equals(IpAddress.ipv4(k.source()))) {
                        got.merge(k, 1L, Long::sum);
                    }
                }
            }
        }
        return got;
    }

    static final List<List<String>> EXPECTED = List.of(List.of("198.18.0.1", "198.18.0.1", "198.18.0.1"),
            List.of("*", "*", "*"), List.of("198.18.2.2", "198.18.2.2", "198.18.2.2"));

    @Test
    void forgedTimeExceededOfEveryKindIsNeverAttributed() throws Exception {
        // An earlier run with the same source port: its replies, sent late, quote its own IP IDs.
        Trace earlier = net.trace(HostileNet.options(SPORT, 0.5), 11).trace();
        assertEquals(EXPECTED, HostileNet.responders(earlier));
        int[] earlierIpIds = new int[PROBES];
        for (var hop : earlier.hops()) {
            for (ProbeResult p : hop.probes()) {
                earlierIpIds[p.destinationPort() - BASE_PORT] = p.ipId();
            }
        }
        long seed = 22;
        int base = HostileNet.ipIdBase(seed);
        AtomicBoolean stop = new AtomicBoolean();
        List<Kind> kinds = List.of(Kind.OTHER_SOURCE_PORT, Kind.OTHER_DESTINATION, Kind.PROBE_NEVER_SENT,
                Kind.QUOTED_TTL_ABOVE_SENT, Kind.IP_ID_NEVER_USED, Kind.CHECKSUM_NEVER_USED, Kind.EARLIER_RUN);
        var attack = attack(kinds, base, earlierIpIds, stop, BURST_PAUSE_NANOS);
        Thread.sleep(200);
        Counted run;
        try {
            run = traceCounted(HostileNet.options(SPORT, 2), seed);
        } finally {
            stop.set(true);
        }
        Map<Kind, Long> sent = attack.get(30, TimeUnit.SECONDS);
        Trace t = run.trace();
        for (ProbeResult p : t.hops().get(1).probes()) {
            assertEquals((base + p.destinationPort() - BASE_PORT) & 0xffff, p.ipId(), "IP ID base derivation");
        }
        Map<Kind, Long> got = attributed(t);
        System.out.println("forged ICMP: sent " + sent + ", attributed " + got + ", unattributed by reason "
                + run.unattributed() + ", hops " + HostileNet.responders(t));
        assertTrue(sent.values().stream().allMatch(n -> n >= 100), "each kind sent at least 100 times: " + sent);
        assertEquals(Map.of(), got, "forged replies attributed (sent " + sent + ")");
        // Each kind is counted under its own reason (a forgery of a probe not sent yet: "no such probe").
        for (Kind k : kinds) {
            assertTrue(run.unattributed().getOrDefault(k.reason(), 0L) >= 100,
                    () -> k + " counted under \"" + k.reason() + "\": " + run.unattributed() + " (sent " + sent + ")");
        }
        assertEquals(EXPECTED, HostileNet.responders(t), () -> "the client's capture dropped " + run.droppedFrames()
                + " frames (sent " + sent + ")");
    }

    /**
     * The control: a forgery that copies a real probe's every field (ports, IP ID, checksum, TTL 1) is taken,
     * which shows the forged frames reach the tracer (and is the limit: an attacker who sees the probes can
     * answer them first).
     */
    @Test
    void anExactCopyOfARealProbesIdentityIsTakenTheKnownLimit() throws Exception {
        long seed = 33;
        AtomicBoolean stop = new AtomicBoolean();
        var attack = attack(List.of(Kind.EXACT_COPY), HostileNet.ipIdBase(seed), new int[PROBES], stop,
                BURST_PAUSE_NANOS);
        Thread.sleep(200);
        HostileNet.Run run;
        try {
            run = net.trace(HostileNet.options(SPORT + 2, 1), seed);
        } finally {
            stop.set(true);
        }
        attack.get(30, TimeUnit.SECONDS);
        // SPORT + 2 differs from the forgeries' SPORT: nothing taken. Then the same port: taken at hop 2.
        assertEquals(Map.of(), attributed(run.trace()));
        AtomicBoolean stop2 = new AtomicBoolean();
        var attack2 = attack(List.of(Kind.EXACT_COPY), HostileNet.ipIdBase(seed), new int[PROBES], stop2,
                BURST_PAUSE_NANOS);
        Thread.sleep(200);
        try {
            run = net.trace(HostileNet.options(SPORT, 1), seed);
        } finally {
            stop2.set(true);
        }
        attack2.get(30, TimeUnit.SECONDS);
        Map<Kind, Long> got = attributed(run.trace());
        System.out.println("exact-copy control: attributed " + got + ", hops " + HostileNet.responders(run.trace()));
        assertTrue(got.getOrDefault(Kind.EXACT_COPY, 0L) >= 1, "the control forgery reaches the tracer: " + got);
    }

}
