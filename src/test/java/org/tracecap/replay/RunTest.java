package org.tracecap.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tracecap.replay.Probes.MS;
import static org.tracecap.replay.Probes.S;
import static org.tracecap.replay.Probes.echo;
import static org.tracecap.replay.Probes.syn;
import static org.tracecap.replay.Probes.timeExceeded;
import static org.tracecap.replay.Probes.udp;

import org.junit.jupiter.api.Test;
import org.tracecap.match.SentProbe;

/** The restart rules (condition 3 of {@link Reconstructor}) and the bookkeeping of a run. */
class RunTest {
    private static final long GAP = Reconstructor.RESTART_GAP_NANOS;

    /** traceroute UDP: TTL 1..5 three probes each, random source ports, destination port 33434 + index. */
    private static Run tracerouteRun(int port) {
        Run run = new Run(17);
        int index = 0;
        for (int ttl = 1; ttl <= 5; ttl++) {
            for (int q = 0; q < 3; q++) {
                run.add(udp(index * MS, ttl, 40000 + (index * 7919) % 20000, port + index, 1000 + index * 37, 77));
                index++;
            }
        }
        return run;
    }

    @Test
    void tracerouteRestartingAtItsFirstPortIsANewRun() {
        Run run = tracerouteRun(33434);
        assertEquals(Run.DESTINATION_PORT, run.identityKind());
        assertTrue(run.monotone());
        assertTrue(run.startsNewRun(udp(20 * MS, 1, 51234, 33434, 5, 77), GAP), "port 33434 again at TTL 1");
        assertFalse(run.startsNewRun(udp(20 * MS, 6, 51234, 33449, 5, 77), GAP), "the next port, higher TTL");
        assertFalse(run.startsNewRun(udp(20 * MS, 5, 51234, 33449, 5, 77), GAP), "same TTL as the highest");
    }

    @Test
    void mtrCyclingWithIncreasingPortsIsOneRun() {
        Run run = new Run(17);
        int port = 33000;
        for (int round = 0; round < 3; round++) {
            for (int ttl = 1; ttl <= 6; ttl++) {
                SentProbe p = udp((port - 33000) * 100 * MS, ttl, 30251, port++, port, 1);
                assertFalse(run.startsNewRun(p, GAP), "round " + round + " ttl " + ttl);
                run.add(p);
            }
        }
        assertFalse(run.monotone());
        assertEquals(18, run.size());
        assertTrue(run.startsNewRun(udp(5 * S, 1, 30251, 33000, 9, 1), GAP), "mtr started again: port repeats");
    }

    @Test
    void tcpRandomSourcePortsRestartWhenTheTtlGoesBackDown() {
        Run run = new Run(6);
        for (int ttl = 1; ttl <= 5; ttl++) {
            for (int q = 0; q < 3; q++) {
                run.add(syn((ttl * 3 + q) * MS, ttl, 30000 + (ttl * 3 + q) * 4099 % 30000, 12345L * ttl + q, ttl * 3 + q));
            }
        }
        assertEquals(Run.SOURCE_PORT, run.identityKind());
        assertTrue(run.startsNewRun(syn(30 * MS, 1, 61000, 5, 99), GAP));
        assertFalse(run.startsNewRun(syn(30 * MS, 6, 61000, 5, 99), GAP));
    }

    @Test
    void aLongSilenceThenALowerTtlIsANewRun() {
        Run run = new Run(1);
        for (int seq = 1; seq <= 6; seq++) {
            run.add(echo(seq * MS, seq, 77, 33000 + seq, seq, seq));
        }
        // mtr-like continuing sequence numbers, but after more than the gap
        assertFalse(run.startsNewRun(echo(GAP, 1, 77, 33007, 7, 7), GAP));
        assertTrue(run.startsNewRun(echo(GAP + 7 * MS, 1, 77, 33007, 7, 7), GAP));
        assertFalse(run.startsNewRun(echo(GAP + 7 * MS, 7, 77, 33007, 7, 7), GAP), "a higher TTL continues");
    }

    @Test
    void scamperRetryAtTheSameTtlContinuesAndIcmpSequenceRepeatRestarts() {
        Run run = new Run(1);
        run.add(echo(0, 1, 9, 0, 1, 0xbeef));
        run.add(echo(MS, 2, 9, 1, 2, 0xbeef));
        run.add(echo(2 * MS, 3, 9, 2, 3, 0xbeef));
        assertEquals(Run.ICMP_SEQUENCE, run.identityKind());
        assertFalse(run.startsNewRun(echo(3 * MS, 3, 9, 3, 4, 0xbeef), GAP), "retry at the same TTL");
        assertTrue(run.startsNewRun(echo(3 * MS, 1, 9, 0, 4, 0xbeef), GAP), "sequence 0 again");
    }

    @Test
    void probesWithNothingButTheTtlToTellThemApart() {
        Run run = new Run(17);
        run.add(udp(0, 1, 5000, 6000, 1, 1));
        run.add(udp(MS, 2, 5000, 6000, 1, 1));
        assertEquals(Run.UNKNOWN, run.identityKind());
        assertTrue(run.startsNewRun(udp(2 * MS, 1, 5000, 6000, 1, 1), GAP), "the same label again at a lower TTL");
    }

    @Test
    void identityKindFollowsEachToolsField() {
        assertEquals(Run.DESTINATION_PORT, Run.kindOf(udp(0, 1, 1, 33434, 5, 5), udp(0, 1, 2, 33435, 6, 6)));
        assertEquals(Run.CHECKSUM, Run.kindOf(udp(0, 1, 1, 33435, 1, 1), udp(0, 2, 1, 33435, 2, 2)));
        assertEquals(Run.IP_ID, Run.kindOf(udp(0, 1, 1, 33435, 1, 7), udp(0, 2, 1, 33435, 2, 7)));
        assertEquals(Run.SOURCE_PORT, Run.kindOf(udp(0, 1, 1, 33435, 1, 7), udp(0, 2, 2, 33435, 1, 7)));
        assertEquals(Run.ICMP_SEQUENCE, Run.kindOf(echo(0, 1, 1, 1, 1, 1), echo(0, 1, 1, 2, 1, 1)));
        assertEquals(Run.IP_ID, Run.kindOf(echo(0, 1, 1, 1, 1, 1), echo(0, 1, 1, 1, 2, 1)));
        assertEquals(Run.SOURCE_PORT, Run.kindOf(syn(0, 1, 1, 1, 1), syn(0, 1, 2, 2, 2)));
        assertEquals(Run.TCP_SEQUENCE, Run.kindOf(syn(0, 1, 1, 1, 1), syn(0, 1, 1, 2, 2)));
    }

    @Test
    void sequentialStepsWrapAround() {
        assertTrue(Run.isSequentialStep(65535, 0, Run.DESTINATION_PORT));
        assertTrue(Run.isSequentialStep(10, 74, Run.ICMP_SEQUENCE));
        assertFalse(Run.isSequentialStep(10, 75, Run.ICMP_SEQUENCE));
        assertFalse(Run.isSequentialStep(10, 10, Run.ICMP_SEQUENCE));
        assertFalse(Run.isSequentialStep(10, 9, Run.ICMP_SEQUENCE));
        assertTrue(Run.isSequentialStep(-1, 0, Run.TCP_SEQUENCE));
    }

    @Test
    void aDatagramFarAboveTheRunAndOffItsSequenceIsOutsideItsPattern() {
        Run run = tracerouteRun(33434); // TTL 1..5, ports 33434..33448: confirmed by its 5 TTLs
        assertTrue(run.confirmed());
        assertTrue(run.outsidePattern(udp(20 * MS, 64, 51234, 53, 5, 77)), "reverse DNS at TTL 64");
        assertFalse(run.outsidePattern(udp(20 * MS, 6, 51234, 53, 5, 77)), "one above the highest TTL");
        assertFalse(run.outsidePattern(udp(20 * MS, 2, 51234, 53, 5, 77)), "inside the run's TTLs");
        assertFalse(run.outsidePattern(udp(20 * MS, 8, 51234, 33450, 5, 77)), "a jump, the port counting on");

        Run young = new Run(17);
        young.add(udp(0, 1, 40000, 33434, 1, 77));
        assertFalse(young.confirmed());
        assertFalse(young.outsidePattern(udp(MS, 64, 51234, 53, 5, 77)), "not a trace yet: no pattern");

        Run tcp = new Run(6);
        for (int ttl = 1; ttl <= 4; ttl++) {
            tcp.add(syn(ttl * MS, ttl, 40000 + ttl * 7919 % 20000, 1000L * ttl, ttl));
        }
        assertTrue(tcp.confirmed());
        assertTrue(tcp.outsidePattern(syn(10 * MS, 64, 40001, 5000, 9)), "random ports: the TTL jump alone");
        assertFalse(tcp.outsidePattern(syn(10 * MS, 5, 40001, 5000, 9)));
    }

    @Test
    void ordinaryTrafficKeepsABoundedNumberOfProbes() {
        Run run = new Run(17);
        for (int i = 0; i < 100_000; i++) {
            run.add(udp(i * MS, 64, 443, 50000, i & 0xffff, (i * 31) & 0xffff));
        }
        assertFalse(run.confirmed());
        assertTrue(run.size() <= Run.UNCONFIRMED_LIMIT, "kept " + run.size());
        assertEquals(99_999 * MS, run.slot(run.size() - 1).probe.timeNanos(), "the newest are kept");
    }

    @Test
    void confirmationNeedsThreeTtlsOrATimeExceededOrTwoTtlsAndAReply() {
        Run silent = new Run(17);
        silent.add(udp(0, 1, 1, 33434, 1, 1));
        silent.add(udp(0, 2, 2, 33435, 2, 1));
        assertFalse(silent.confirmed());
        silent.add(udp(0, 3, 3, 33436, 3, 1));
        assertTrue(silent.confirmed());

        Run one = new Run(17);
        SentProbe p = udp(0, 1, 1, 33434, 1, 1);
        one.add(p);
        assertTrue(one.attach(p, timeExceeded(p, MS), MS));
        assertTrue(one.confirmed(), "a Time Exceeded proves TTL-limited probing");
        assertEquals(MS, one.lastActivity());

        Run ping = new Run(1);
        SentProbe e = echo(0, 64, 1, 1, 1, 1);
        ping.add(e);
        ping.attach(e, Probes.echoReply(e, MS), MS);
        assertFalse(ping.confirmed(), "a ping is not a trace");
        assertFalse(ping.attach(echo(0, 64, 1, 1, 1, 1), Probes.echoReply(e, MS), MS), "another instance");
    }
}
