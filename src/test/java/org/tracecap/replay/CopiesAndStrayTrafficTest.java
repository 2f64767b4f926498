package org.tracecap.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tracecap.replay.Probes.CLIENT;
import static org.tracecap.replay.Probes.MS;
import static org.tracecap.replay.Probes.S;
import static org.tracecap.replay.Probes.SERVER;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.tracecap.match.Classified;
import org.tracecap.match.IcmpReply;
import org.tracecap.match.SentProbe;
import org.tracecap.match.TcpReply;
import org.tracecap.model.Hop;
import org.tracecap.model.StopReason;
import org.tracecap.model.Trace;
import org.tracecap.packet.IcmpType;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.IpProtocol;

/**
 * Rules 4, 10 and 11 of {@link Reconstructor} on whole runs of hand-made records (synthetic, as the
 * classifier would give them): copies of probes and replies folded, datagrams outside a run's pattern and
 * the prober's own ICMP errors and RSTs set aside, and everything else as without them.
 */
class CopiesAndStrayTrafficTest {
    private static final long T0 = 1_795_726_800L * S;

    private record Frame(long time, Classified c) {
    }

    private static long time(Classified c) {
        if (c instanceof SentProbe p) {
            return p.timeNanos();
        }
        if (c instanceof IcmpReply r) {
            return r.timeNanos();
        }
        return ((TcpReply) c).timeNanos();
    }

    private static SentProbe at(SentProbe p, long time, int ttl) {
        return new SentProbe(time, p.source(), p.destination(), p.protocol(), ttl, p.ipId(), p.totalLength(), p.tos(),
                p.sourcePort(), p.destinationPort(), p.icmpId(), p.icmpSequence(), p.checksum(), p.tcpSequence());
    }

    private static IcmpReply at(IcmpReply r, long time, int ttl) {
        return new IcmpReply(time, r.source(), r.destination(), ttl, r.totalLength(), r.type(), r.code(),
                r.nextHopMtu(), r.quote(), r.echoId(), r.echoSequence(), r.extensions());
    }

    /**
     * traceroute UDP: 3 probes at each TTL 1..5, one every 100 us, new source port and destination port + 1
     * per probe; routers answer with Time Exceeded 50 us later, the server (hop 5) with Port Unreachable.
     */
    private static List<Classified> traceroute() {
        List<Classified> out = new ArrayList<>();
        long t = T0;
        int index = 0;
        for (int ttl = 1; ttl <= 5; ttl++) {
            for (int q = 0; q < 3; q++) {
                SentProbe p = Probes.udp(t, ttl, 40000 + index * 17, 33434 + index, 1000 + index, 0x4000 + index);
                out.add(p);
                out.add(ttl < 5 ? Probes.timeExceeded(p, t + 50_000)
                        : Probes.unreachable(p, t + 50_000, SERVER, IcmpType.CODE_PORT_UNREACHABLE));
                t += 100_000;
                index++;
            }
        }
        return out;
    }

    private static Replayed replay(List<Classified> frames) {
        List<Classified> sorted = new ArrayList<>(frames);
        sorted.sort(Comparator.comparingLong(CopiesAndStrayTrafficTest::time)); // stable: copies after originals
        List<Trace> traces = new ArrayList<>();
        Reconstructor r = new Reconstructor(traces::add);
        for (Classified c : sorted) {
            r.classified(time(c), c);
        }
        return new Replayed(traces, r.finish(false));
    }

    private record Replayed(List<Trace> traces, ReplaySummary summary) {
    }

    /** Every frame followed by {@code copy(frame)} when that is not null. */
    private static List<Classified> withCopies(List<Classified> frames, Function<Classified, Classified> copy) {
        List<Classified> out = new ArrayList<>();
        for (Classified c : frames) {
            out.add(c);
            Classified again = copy.apply(c);
            if (again != null) {
                out.add(again);
            }
        }
        return out;
    }

    @Test
    void aCaptureOnTwoInterfacesOfTheProberGivesTheSameTrace() {
        Replayed once = replay(traceroute());
        // a bridge on the prober (Docker's veth and docker0, tcpdump -i any): every frame twice, same TTL
        Replayed twice = replay(withCopies(traceroute(), c -> c instanceof SentProbe p
                ? at(p, p.timeNanos() + 3_000, p.ttl()) : at((IcmpReply) c, time(c) + 3_000, ((IcmpReply) c).replyTtl())));
        assertEquals(once.traces(), twice.traces());
        assertEquals(1, twice.traces().size());
        assertEquals(30, twice.summary().copiesFolded());
        assertEquals(once.summary().probesFound(), twice.summary().probesFound());
        assertEquals(15, twice.summary().repliesAttributed());
        assertEquals(0, twice.summary().repliesUnattributed());
        assertEquals(0, twice.summary().probesPastStop());
        assertEquals(30 + 30, twice.summary().packetsRead());
    }

    @Test
    void aCaptureOnTheFirstRouterShowsProbesAndRepliesInAndOutWithTheTtlOneLower() {
        Replayed once = replay(traceroute());
        Replayed router = replay(withCopies(traceroute(), c -> {
            if (c instanceof SentProbe p) {
                return p.ttl() > 1 ? at(p, p.timeNanos() + 20_000, p.ttl() - 1) : null; // TTL 1 expires here
            }
            IcmpReply r = (IcmpReply) c;
            // the first router's own Time Exceeded goes out once; the others come in, then go out one lower
            return r.source().equals(IpAddress.ipv4(Probes.router(1))) ? null : at(r, r.timeNanos() + 20_000,
                    r.replyTtl() - 1);
        }));
        assertEquals(once.traces(), router.traces());
        assertEquals(12 + 12, router.summary().copiesFolded());
        assertEquals(15, router.summary().probesFound());
        assertEquals(0, router.summary().probesPastStop());
        assertEquals(Map.of(), router.summary().setAside());
    }

    @Test
    void theSameProbeSentAgainIsNotFolded() {
        // a tool that resends its unanswered probe unchanged a second later, and one whose copy comes too late
        List<Classified> frames = new ArrayList<>(traceroute());
        SentProbe retry = Probes.udp(T0 - 3 * S, 1, 39999, 33433, 999, 0x3fff);
        frames.add(retry);
        frames.add(at(retry, retry.timeNanos() + S, 1));
        frames.add(at(retry, retry.timeNanos() + S + CopyFilter.WINDOW_NANOS + MS, 1));
        Replayed r = replay(frames);
        Trace t = r.traces().get(0);
        Hop first = t.hops().get(0);
        assertEquals(3 + 3, first.probes().size(), "three sends of the retried probe and the three of TTL 1");
        assertEquals(0, r.summary().copiesFolded());
        assertEquals(18, r.summary().probesFound());
    }

    @Test
    void reverseDnsQueriesToTheDestinationAreNotProbes() {
        Replayed plain = replay(traceroute());
        List<Classified> frames = new ArrayList<>(traceroute());
        // traceroute without -n, the destination also the resolver with no DNS server: a PTR query per hop
        // (UDP to port 53 at TTL 64, from a port of its own) after the hop is known, answered Port Unreachable
        for (int hop = 1; hop <= 5; hop++) {
            SentProbe query = Probes.udp(T0 + hop * 300_000L + 60_000, 64, 50000 + hop, 53, 7000 + hop, 0x7000 + hop);
            frames.add(query);
            frames.add(Probes.unreachable(query, query.timeNanos() + 50_000, SERVER, IcmpType.CODE_PORT_UNREACHABLE));
        }
        Replayed r = replay(frames);
        assertEquals(plain.traces(), r.traces());
        assertEquals(0, r.summary().probesPastStop());
        assertEquals(15, r.summary().probesFound());
        assertEquals(Map.of(Reconstructor.OUTSIDE_PATTERN, 5L, Reconstructor.REPLY_TO_SET_ASIDE, 5L),
                r.summary().setAside(), "the Port Unreachables answer the queries: set aside with them");
        assertEquals(15, r.summary().repliesAttributed());
        assertEquals(0, r.summary().repliesUnattributed());
    }

    @Test
    void aHigherTtlThatContinuesTheRunsSequenceIsAProbe() {
        // a frame lost from the capture: TTL 3 then 5, the destination port still the next of the sequence
        List<Classified> frames = new ArrayList<>();
        for (int ttl : new int[] {1, 2, 3, 5}) {
            SentProbe p = Probes.udp(T0 + ttl * MS, ttl, 40000 + ttl, 33433 + ttl, ttl, ttl);
            frames.add(p);
            frames.add(ttl < 5 ? Probes.timeExceeded(p, p.timeNanos() + 50_000)
                    : Probes.unreachable(p, p.timeNanos() + 50_000, SERVER, IcmpType.CODE_PORT_UNREACHABLE));
        }
        Replayed r = replay(frames);
        assertEquals(Map.of(), r.summary().setAside());
        assertEquals(5, r.traces().get(0).hops().size());
        assertEquals(StopReason.reached(), r.traces().get(0).stop());
    }

    @Test
    void theProbersOwnRstsAndIcmpErrorsAreNotReplies() {
        List<Classified> frames = new ArrayList<>();
        long t = T0;
        for (int ttl = 1; ttl <= 4; ttl++) {
            for (int q = 0; q < 3; q++) {
                SentProbe syn = Probes.syn(t, ttl, 40000 + ttl * 100 + q * 7, 1_000_000L * ttl + q, 100 + ttl * 3 + q);
                frames.add(syn);
                if (ttl < 4) {
                    frames.add(Probes.timeExceeded(syn, t + 50_000));
                } else {
                    // traceroute -T to a listening port: SYN-ACK, and the prober's kernel resets it
                    frames.add(new TcpReply(t + 50_000, IpAddress.ipv4(SERVER), IpAddress.ipv4(CLIENT), 60, 44, 80,
                            syn.sourcePort(), 777,
                            syn.tcpSequence() + 1, TcpReply.SYN | TcpReply.ACK));
                    frames.add(new TcpReply(t + 60_000, IpAddress.ipv4(CLIENT), IpAddress.ipv4(SERVER), 64, 40,
                            syn.sourcePort(), 80, 778, 0,
                            TcpReply.RST));
                }
                t += 100_000;
            }
        }
        // a late DNS answer from the destination, which the prober's kernel answers with Port Unreachable
        SentProbe dnsAnswer = new SentProbe(t, IpAddress.ipv4(SERVER), IpAddress.ipv4(CLIENT), IpProtocol.UDP, 60,
                4242, 90, 0, 53, 51000, 0, 0,
                0x5555, 0);
        frames.add(dnsAnswer);
        frames.add(Probes.icmp(dnsAnswer, t + 10_000, CLIENT, IcmpType.DEST_UNREACHABLE,
                IcmpType.CODE_PORT_UNREACHABLE, 0, List.of()));
        // traceroute UDP from the same prober at the same time, so that it probes the destination with UDP
        for (int ttl = 1; ttl <= 3; ttl++) {
            SentProbe p = Probes.udp(t - 500_000 + ttl * 1000, ttl, 45000 + ttl, 33433 + ttl, 9000 + ttl, ttl);
            frames.add(p);
            frames.add(Probes.timeExceeded(p, p.timeNanos() + 40_000));
        }
        Replayed r = replay(frames);
        assertEquals(Map.of(Reconstructor.SENT_BY_PROBER, 3L + 1L), r.summary().setAside());
        assertEquals(0, r.summary().repliesUnattributed());
        assertEquals(9 + 3 + 3, r.summary().repliesAttributed());
        Trace tcp = r.traces().stream().filter(x -> x.method().protocol().equals("tcp")).findFirst().orElseThrow();
        assertEquals(StopReason.reached(), tcp.stop());
        assertEquals(4, tcp.hops().size());
        assertTrue(tcp.hops().get(3).probes().stream().allMatch(p -> IpAddress.ipv4(SERVER).equals(p.responder())));
    }
}
