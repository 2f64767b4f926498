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
 * @param copiesFolded        probes and replies captured again and folded into their first copy (a replay;
 *                            0 for a live trace, whose capture sees each frame once)
 * @param setAside            frames of the probing flows that are neither probes nor replies, by reason (a
 *                            replay; empty for a live trace)
 */
public record ReportSummary(long packetsRead, long traces, long probesFound, long probesPastStop,
        long repliesAttributed, long repliesUnattributed, SortedMap<String, Long> malformed,
        SortedMap<String, Long> warnings, SortedMap<String, Long> unattributed, long copiesFolded,
        SortedMap<String, Long> setAside) {
    public ReportSummary {
        malformed = counts(malformed);
        warnings = counts(warnings);
        unattributed = unattributed == null ? null : counts(unattributed);
        setAside = counts(setAside);
    }

    /** A summary with the unattributed replies counted by reason (a live trace's): no copies, nothing set aside. */
    public ReportSummary(long packetsRead, long traces, long probesFound, long probesPastStop,
            long repliesAttributed, long repliesUnattributed, SortedMap<String, Long> malformed,
            SortedMap<String, Long> warnings, SortedMap<String, Long> unattributed) {
        this(packetsRead, traces, probesFound, probesPastStop, repliesAttributed, repliesUnattributed, malformed,
                warnings, unattributed, 0, null);
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
