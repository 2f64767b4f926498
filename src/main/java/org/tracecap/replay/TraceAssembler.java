package org.tracecap.replay;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tracecap.match.IcmpReply;
import org.tracecap.match.QuotedProbe;
import org.tracecap.match.SentProbe;
import org.tracecap.match.TcpReply;
import org.tracecap.model.Hop;
import org.tracecap.model.ProbeResult;
import org.tracecap.model.StopReason;
import org.tracecap.model.Trace;
import org.tracecap.packet.IpProtocol;

/**
 * Turns a closed {@link Run} into traces: splits parallel Paris flows, trims past the stop, groups probes by
 * TTL, works out the stop reason, and names the probing method through {@link ToolRecognizer} (rules 5 to 8 of
 * {@link Reconstructor}).
 */
final class TraceAssembler {
    /**
     * A trace, how many probes it holds, and how many of its run's probes were sent past its stop TTL and
     * left out (rule 6).
     */
    record Assembled(Trace trace, int probes, int pastStop) {
    }

    private TraceAssembler() {
    }

    /**
     * @param unfinished the stop reason of a trace whose probes show no stop (max-ttl or incomplete)
     */
    static List<Assembled> assemble(Run run, StopReason unfinished) {
        List<Assembled> out = new ArrayList<>(1);
        for (List<Slot> piece : split(run)) {
            if (looksLikeTrace(piece)) {
                out.add(build(run.protocol, piece, unfinished));
            }
        }
        return out;
    }

    /**
     * Rule 5: a UDP/TCP run made of two or more fixed 5-tuples each probed at two or more TTLs is a set of
     * parallel Paris flows (dublin-traceroute): each flow follows its own path and is its own trace. Any
     * other run is one piece.
     */
    static List<List<Slot>> split(Run run) {
        List<Slot> all = new ArrayList<>(run.size());
        for (int i = 0; i < run.size(); i++) {
            all.add(run.slot(i));
        }
        if (IpProtocol.isIcmp(run.protocol) || all.size() < 4) {
            return List.of(all);
        }
        return all.size() <= SMALL_RUN ? splitSmall(all) : splitByMap(all);
    }

    /** {@link #split} of a UDP/TCP run of 4 probes or more, the tuples in a map. */
    static List<List<Slot>> splitByMap(List<Slot> all) {
        Map<Integer, List<Slot>> byTuple = new LinkedHashMap<>();
        for (Slot s : all) {
            int key = (s.probe.sourcePort() << 16) | s.probe.destinationPort();
            byTuple.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
            if (byTuple.size() > all.size() / 2) {
                return List.of(all);
            }
        }
        if (byTuple.size() < 2) {
            return List.of(all);
        }
        for (List<Slot> flow : byTuple.values()) {
            if (distinctTtls(flow) < 2) {
                return List.of(all);
            }
        }
        return new ArrayList<>(byTuple.values());
    }

    /** Runs up to this many probes are split by {@link #splitSmall} (no map, no boxing). */
    static final int SMALL_RUN = 256;

    /**
     * {@link #split} of a run of 4 to {@link #SMALL_RUN} UDP/TCP probes, with the same result: the 5-tuples
     * in order of their first probe are looked up in a small array; most runs (traceroute's new source port
     * or destination port per probe) show more tuples than half their probes after a few probes and stop there.
     */
    static List<List<Slot>> splitSmall(List<Slot> all) {
        int size = all.size();
        int[] tuples = new int[size / 2];
        int[] tupleOf = new int[size];
        int distinct = 0;
        for (int i = 0; i < size; i++) {
            SentProbe p = all.get(i).probe;
            int key = (p.sourcePort() << 16) | p.destinationPort();
            int t = 0;
            while (t < distinct && tuples[t] != key) {
                t++;
            }
            if (t == distinct) {
                if (distinct == tuples.length) {
                    return List.of(all); // more tuples than half the probes: not parallel flows
                }
                tuples[distinct++] = key;
            }
            tupleOf[i] = t;
        }
        if (distinct < 2) {
            return List.of(all);
        }
        List<List<Slot>> flows = new ArrayList<>(distinct);
        for (int t = 0; t < distinct; t++) {
            flows.add(new ArrayList<>());
        }
        for (int i = 0; i < size; i++) {
            flows.get(tupleOf[i]).add(all.get(i));
        }
        for (List<Slot> flow : flows) {
            if (distinctTtls(flow) < 2) {
                return List.of(all);
            }
        }
        return flows;
    }

    static boolean looksLikeTrace(List<Slot> piece) {
        boolean answered = false;
        boolean timeExceeded = false;
        for (int i = 0, size = piece.size(); i < size; i++) {
            Slot s = piece.get(i);
            answered |= s.reply != null;
            timeExceeded |= s.isTimeExceeded();
        }
        return Run.looksLikeTrace(distinctTtls(piece), answered, timeExceeded);
    }

    private static int distinctTtls(List<Slot> slots) {
        // TTLs are 0-255: four words of bits (locals, not an array: one trace after another)
        long b0 = 0;
        long b1 = 0;
        long b2 = 0;
        long b3 = 0;
        for (int i = 0, size = slots.size(); i < size; i++) {
            int ttl = slots.get(i).probe.ttl();
            long bit = 1L << (ttl & 63);
            switch (ttl >>> 6) {
                case 0 -> b0 |= bit;
                case 1 -> b1 |= bit;
                case 2 -> b2 |= bit;
                default -> b3 |= bit;
            }
        }
        return Long.bitCount(b0) + Long.bitCount(b1) + Long.bitCount(b2) + Long.bitCount(b3);
    }

    static Assembled build(int protocol, List<Slot> piece, StopReason unfinished) {
        // Rule 6: the trace stops at the lowest TTL that got a final reply; probes above it were sent in
        // parallel before the answer was known (traceroute keeps 16 in flight) and are left out (counted in
        // pastStop for the summary).
        int stopTtl = Integer.MAX_VALUE;
        for (int i = 0, size = piece.size(); i < size; i++) {
            Slot s = piece.get(i);
            if (s.isFinal() && s.probe.ttl() < stopTtl) {
                stopTtl = s.probe.ttl();
            }
        }
        int minTtl = Integer.MAX_VALUE;
        int maxTtl = Integer.MIN_VALUE;
        int kept = 0;
        int pastStop = 0;
        long start = Long.MAX_VALUE;
        long end = Long.MIN_VALUE;
        for (int i = 0, size = piece.size(); i < size; i++) {
            Slot s = piece.get(i);
            int ttl = s.probe.ttl();
            if (ttl > stopTtl) {
                pastStop++;
                continue;
            }
            kept++;
            minTtl = Math.min(minTtl, ttl);
            maxTtl = Math.max(maxTtl, ttl);
            start = Math.min(start, s.probe.timeNanos());
            end = Math.max(end, Math.max(s.probe.timeNanos(), s.replyTime()));
        }
        // One hop per TTL from the lowest to the highest kept, its probes in send order: counted first,
        // so that each hop's results go into an array of their size (List.of copies it once; Hop keeps
        // that list as it is).
        int[] perTtl = new int[maxTtl - minTtl + 1];
        for (int i = 0, size = piece.size(); i < size; i++) {
            int ttl = piece.get(i).probe.ttl();
            if (ttl <= stopTtl) {
                perTtl[ttl - minTtl]++;
            }
        }
        ProbeResult[][] byTtl = new ProbeResult[perTtl.length][];
        for (int i = 0; i < perTtl.length; i++) {
            byTtl[i] = new ProbeResult[perTtl[i]];
            perTtl[i] = 0; // from here on: how many are filled
        }
        ProbeResult.Builder results = new ProbeResult.Builder();
        for (int i = 0, size = piece.size(); i < size; i++) {
            Slot s = piece.get(i);
            int ttl = s.probe.ttl();
            if (ttl <= stopTtl) {
                int hop = ttl - minTtl;
                byTtl[hop][perTtl[hop]++] = result(protocol, s, results);
            }
        }
        Hop[] hops = new Hop[byTtl.length];
        for (int i = 0; i < byTtl.length; i++) {
            hops[i] = new Hop(minTtl + i, List.of(byTtl[i]));
        }
        StopReason stop = stopTtl == Integer.MAX_VALUE ? unfinished : stopAt(piece, stopTtl);
        SentProbe first = piece.get(0).probe;
        Trace trace = new Trace(first.source(), first.destination(), ToolRecognizer.recognise(protocol, piece), start,
                end, stop, List.of(hops), null);
        return new Assembled(trace, kept, pastStop);
    }

    /**
     * Rule 7: reached when some final reply at the stop TTL is not a Destination Unreachable with a code other
     * than port unreachable (Port Unreachable, Echo Reply, TCP SYN-ACK/RST, anything from the destination);
     * otherwise unreachable with the code of the first such error (what traceroute printed as !X, !H...).
     */
    private static StopReason stopAt(List<Slot> piece, int stopTtl) {
        int code = -1;
        for (int i = 0, size = piece.size(); i < size; i++) {
            Slot s = piece.get(i);
            if (s.probe.ttl() != stopTtl || !s.isFinal()) {
                continue;
            }
            int c = s.unreachableCode();
            if (c < 0) {
                return StopReason.reached();
            }
            if (code < 0) {
                code = c;
            }
        }
        return StopReason.unreachable(code);
    }

    static ProbeResult result(int protocol, Slot s, ProbeResult.Builder b) {
        SentProbe p = s.probe;
        b.probe(p.ttl(), p.timeNanos(), p.ipId(), p.totalLength());
        if (p.source().isIpv6()) {
            b.flowLabel(p.flowLabel());
        }
        if (IpProtocol.isIcmp(protocol)) {
            b.echo(p.icmpId(), p.icmpSequence());
        } else {
            b.ports(p.sourcePort(), p.destinationPort());
        }
        if (protocol == IpProtocol.UDP) {
            // The checksum it left with; a partial one (offload) whose real value is unknown is not that.
            if (p.checksumKnown()) {
                b.udpChecksum(p.checksum());
            }
            if (p.checksumPartial()) {
                b.capturedUdpChecksum(p.capturedChecksum());
            }
        }
        if (s.reply instanceof IcmpReply r) {
            b.reply(r.timeNanos() - p.timeNanos(), r.source(), r.replyTtl(), r.totalLength())
                    .icmp(r.type(), r.code(), r.annotation())
                    .extensions(r.extensions());
            QuotedProbe q = r.quote();
            if (q != null) {
                b.quote(q.ttl(), q.ipId());
                if (q.protocol() == IpProtocol.UDP) {
                    b.quotedUdpChecksum(q.checksum());
                }
            }
        } else if (s.reply instanceof TcpReply r) {
            b.reply(r.timeNanos() - p.timeNanos(), r.source(), r.replyTtl(), r.totalLength()).tcpFlags(r.flags());
        }
        return b.build();
    }
}
