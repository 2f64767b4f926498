package org.tracecap.trace;

/**
 * What a {@link CampaignTracer} may do: {@code --rate}, {@code --in-flight}, {@code --start-ttl} and the gap limit.
 *
 * @param ratePps         probes a second for the whole campaign, 1..100000
 * @param targetsInFlight destinations traced at a time, 1..65536
 * @param startTtl        Doubletree's start TTL, or null to learn it (rule 1)
 * @param gapLimit        forward TTLs in a row without an answer that end a trace, 1..255
 */
public record CampaignSettings(int ratePps, int targetsInFlight, Integer startTtl, int gapLimit) {
    public static final int DEFAULT_RATE = 100;
    public static final int DEFAULT_TARGETS_IN_FLIGHT = 256;
    public static final int DEFAULT_GAP_LIMIT = 5;

    public CampaignSettings {
        if (ratePps < 1 || ratePps > 100_000 || targetsInFlight < 1 || targetsInFlight > 65_536
                || gapLimit < 1 || gapLimit > 255 || (startTtl != null && (startTtl < 1 || startTtl > 255))) {
            throw new IllegalArgumentException("campaign settings out of range: " + ratePps + " pps, "
                    + targetsInFlight + " in flight, start TTL " + startTtl + ", gap limit " + gapLimit);
        }
    }

    public static CampaignSettings defaults() {
        return new CampaignSettings(DEFAULT_RATE, DEFAULT_TARGETS_IN_FLIGHT, null, DEFAULT_GAP_LIMIT);
    }
}
