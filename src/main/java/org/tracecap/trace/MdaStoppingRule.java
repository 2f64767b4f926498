package org.tracecap.trace;

/**
 * The numbers of the MDA's stopping rule ({@link MdaPlanner} rule 2: how many flows rule out one more next hop)
 * and of its per-packet test (rule 5: how many re-sends find a per-packet balancer), at 95% or 99% confidence.
 */
final class MdaStoppingRule {
    /** n(1..16) at 95% confidence (Veitch et al., INFOCOM 2009, as scamper's tracelb). */
    static final int[] PROBES_95 = {6, 11, 16, 21, 27, 33, 38, 44, 51, 57, 63, 70, 76, 83, 90, 96};
    /** n(1..16) at 99% confidence. */
    static final int[] PROBES_99 = {8, 15, 21, 28, 36, 43, 51, 58, 66, 74, 82, 90, 98, 106, 115, 123};

    private MdaStoppingRule() {
    }

    /** Probes needed to rule out one more next hop once {@code k} were seen (rule 2). */
    static int probesNeeded(int confidence, int k) {
        int[] table = confidence == 99 ? PROBES_99 : PROBES_95;
        if (k <= table.length) {
            return table[Math.max(1, k) - 1];
        }
        int step = table[table.length - 1] - table[table.length - 2];
        return table[table.length - 1] + (k - table.length) * step;
    }

    /**
     * Rule 5: how many times to re-send one flow at a TTL with {@code routers} routers, so that a balancer
     * spreading packets evenly over them is missed with a chance of at most 1 − confidence:
     * {@code ceil(log(1/(1 - c)) / log(routers))}.
     */
    static int perPacketResends(int confidence, int routers) {
        double miss = confidence == 99 ? 0.01 : 0.05;
        return (int) Math.ceil(Math.log(1 / miss) / Math.log(Math.max(2, routers)) - 1e-9);
    }
}
