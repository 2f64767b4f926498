package org.tracecap.report;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The counts written as the hop JSON document's {@code summary} (docs/hop-json.md): what a replay (or a
 * live trace) read and how much of it it could attribute.
 *
 * @param packetsRead         frames read from the capture
 * @param probesFound         outgoing probes recognised
 * @param repliesAttributed   ICMP/TCP replies matched to one of those probes
 * @param repliesUnattributed replies that quoted or answered no known probe
 * @param malformed           frames skipped as malformed, by reason
 */
public record ReportSummary(long packetsRead, long probesFound, long repliesAttributed, long repliesUnattributed,
        SortedMap<String, Long> malformed) {
    public ReportSummary {
        malformed = malformed == null ? Collections.emptySortedMap()
                : Collections.unmodifiableSortedMap(new TreeMap<>(malformed));
    }
}
