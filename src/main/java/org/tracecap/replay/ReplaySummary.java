package org.tracecap.replay;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a replay saw, for the summary on stderr.
 *
 * @param packetsRead         frames handed to the {@link Reconstructor}
 * @param probesFound         probes that belong to a trace that was output (probes trimmed above a trace's
 *                            stop TTL, and probes of traffic that formed no trace, are not counted)
 * @param repliesAttributed   ICMP errors, Echo Replies, TCP SYN-ACK/RST that the probe table matched to a probe
 * @param repliesUnattributed the same kinds of reply for which no probe was found
 * @param malformed           frames skipped because their bytes contradict themselves, by reason
 */
public record ReplaySummary(long packetsRead, long probesFound, long repliesAttributed, long repliesUnattributed,
                            SortedMap<String, Long> malformed) {
    public ReplaySummary {
        malformed = Collections.unmodifiableSortedMap(new TreeMap<>(malformed));
    }

    /** Malformed frames over all reasons. */
    public long malformedTotal() {
        long n = 0;
        for (long v : malformed.values()) {
            n += v;
        }
        return n;
    }
}
