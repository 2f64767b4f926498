package org.tracecap.report;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The counts written as the hop JSON document's {@code summary} (docs/hop-json.md): what a replay (or a
 * live trace) read and how much of it it could attribute.
 *
 * @param packetsRead         frames read from the capture
 * @param traces              traces in the document
 * @param probesFound         probes in those traces' hops
 * @param probesPastStop      probes sent by the same runs above each trace's stop TTL, left out of the hops
 * @param repliesAttributed   ICMP/TCP replies matched to a probe (also to a left-out one, or to one of
 *                            traffic that formed no trace)
 * @param repliesUnattributed replies that quoted or answered no known probe
 * @param malformed           frames skipped as malformed, by reason
 * @param warnings            replies kept with an RFC 4884 problem (length field ignored, extension dropped),
 *                            by reason
 * @param unattributed        the unattributed replies by reason (a live trace: they add up to
 *                            {@code repliesUnattributed}), or null when not counted by reason (a replay):
 *                            then the JSON has no {@code unattributed} field
 */
public record ReportSummary(long packetsRead, long traces, long probesFound, long probesPastStop,
        long repliesAttributed, long repliesUnattributed, SortedMap<String, Long> malformed,
        SortedMap<String, Long> warnings, SortedMap<String, Long> unattributed) {
    public ReportSummary {
        malformed = counts(malformed);
        warnings = counts(warnings);
        unattributed = unattributed == null ? null : counts(unattributed);
    }

    /** A summary without the unattributed replies counted by reason (a replay's). */
    public ReportSummary(long packetsRead, long traces, long probesFound, long probesPastStop,
            long repliesAttributed, long repliesUnattributed, SortedMap<String, Long> malformed,
            SortedMap<String, Long> warnings) {
        this(packetsRead, traces, probesFound, probesPastStop, repliesAttributed, repliesUnattributed, malformed,
                warnings, null);
    }

    private static SortedMap<String, Long> counts(SortedMap<String, Long> byReason) {
        return byReason == null ? Collections.emptySortedMap()
                : Collections.unmodifiableSortedMap(new TreeMap<>(byReason));
    }
}
