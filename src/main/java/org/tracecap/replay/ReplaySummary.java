package org.tracecap.replay;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a replay saw, for the summary on stderr and in the hop JSON document.
 *
 * <p>The probe counts add up to every probe of every trace: {@code probesFound} are in the traces as output,
 * {@code probesPastStop} were sent by the same runs at TTLs above where their trace stopped (traceroute sends
 * up to 16 probes in parallel before the destination answers) and are left out of the hops.
 * {@code repliesAttributed} counts every reply the probe table matched, so it may include replies to those
 * left-out probes, and to probes of traffic that formed no trace (a ping answered by its destination).
 *
 * @param packetsRead         frames handed to the {@link Reconstructor}
 * @param traces              traces output
 * @param probesFound         probes in the traces output, i.e. in their hops
 * @param probesPastStop      probes of those traces' runs sent at a TTL above the trace's stop, left out
 * @param repliesAttributed   ICMP errors, Echo Replies, TCP SYN-ACK/RST that the probe table matched to a probe
 * @param repliesUnattributed the same kinds of reply for which no probe was found
 * @param malformed           frames skipped because their bytes contradict themselves, by reason
 * @param warnings            replies kept with an RFC 4884 problem, by reason (length field ignored,
 *                            extension dropped; {@link org.tracecap.match.FrameClassifier#warnings()})
 * @param copiesFolded        probes and replies captured again (a second interface, a router's way out) and
 *                            folded into their first copy (rule 4 of {@link Reconstructor}); not counted above
 * @param setAside            frames of the probing flows that are neither probes nor replies, by reason
 *                            (rules 10 and 11 of {@link Reconstructor}); not counted above
 * @param ignored             frames that are neither a probe candidate nor a reply, by reason
 *                            ({@link org.tracecap.match.Classified.Ignored}: not IP, an ICMP or ICMPv6 type not
 *                            traced such as Neighbor Discovery, a non-first fragment...); not counted above
 */
public record ReplaySummary(long packetsRead, long traces, long probesFound, long probesPastStop,
                            long repliesAttributed, long repliesUnattributed, SortedMap<String, Long> malformed,
                            SortedMap<String, Long> warnings, long copiesFolded, SortedMap<String, Long> setAside,
                            SortedMap<String, Long> ignored) {
    public ReplaySummary {
        ignored = Collections.unmodifiableSortedMap(new TreeMap<>(ignored));
        malformed = Collections.unmodifiableSortedMap(new TreeMap<>(malformed));
        warnings = Collections.unmodifiableSortedMap(new TreeMap<>(warnings));
        setAside = Collections.unmodifiableSortedMap(new TreeMap<>(setAside));
    }

    /** A summary with no frame ignored. */
    public ReplaySummary(long packetsRead, long traces, long probesFound, long probesPastStop,
            long repliesAttributed, long repliesUnattributed, SortedMap<String, Long> malformed,
            SortedMap<String, Long> warnings, long copiesFolded, SortedMap<String, Long> setAside) {
        this(packetsRead, traces, probesFound, probesPastStop, repliesAttributed, repliesUnattributed, malformed,
                warnings, copiesFolded, setAside, new TreeMap<>());
    }

    /** Frames set aside over all reasons. */
    public long setAsideTotal() {
        return total(setAside);
    }

    /** Malformed frames over all reasons. */
    public long malformedTotal() {
        return total(malformed);
    }

    /** Warnings over all reasons. */
    public long warningsTotal() {
        return total(warnings);
    }

    private static long total(SortedMap<String, Long> counts) {
        long n = 0;
        for (long v : counts.values()) {
            n += v;
        }
        return n;
    }
}
