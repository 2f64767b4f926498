package org.tracecap.trace;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** One TTL of a {@link MultipathTracer} run: its flows and the counts that rules 2-8 keep for it. */
final class MdaTtlState {
    /** The key of the silent node in {@link #groups}: above every unsigned IPv4 address. */
    static final long SILENT = 1L << 32;

    final Map<Integer, MdaFlowAtTtl> flows = new TreeMap<>();
    int unknownPending;
    boolean verifyInFlight;
    boolean limited;
    /** Rule 5's flows once chosen (empty: the TTL needs no test). */
    List<Integer> perPacketFlows;
    int perPacketSends;
    int perPacketPending;
    int perPacketAnswered;
    int nodeControlSent;
    /** Rule 2: a predecessor reaches two routers or more here, so each gets its own n(k). */
    boolean meshed;
    long maxRttNanos;
    boolean complete;

    /** The routers flows reached here so far, in first-answer order. */
    List<Integer> routers() {
        List<Integer> out = new ArrayList<>();
        for (MdaFlowAtTtl f : flows.values()) {
            if (f.reached != null && !out.contains(f.reached)) {
                out.add(f.reached);
            }
        }
        return out;
    }

    /**
     * The resolved flows by the node they reached (key: unsigned address, or SILENT), optionally without
     * the final nodes.
     */
    Map<Long, List<Integer>> groups(boolean nonFinalOnly) {
        Map<Long, List<Integer>> out = new TreeMap<>();
        for (MdaFlowAtTtl f : flows.values()) {
            if (!f.resolved() || (nonFinalOnly && f.isFinal)) {
                continue;
            }
            long key = f.silent ? SILENT : f.reached & 0xffffffffL;
            out.computeIfAbsent(key, k -> new ArrayList<>()).add(f.flow);
        }
        return out;
    }

    boolean anyNonFinal() {
        for (MdaFlowAtTtl f : flows.values()) {
            if (f.resolved() && !f.isFinal) {
                return true;
            }
        }
        return false;
    }

    boolean onlySilent() {
        for (MdaFlowAtTtl f : flows.values()) {
            if (!f.silent) {
                return false;
            }
        }
        return !flows.isEmpty();
    }

    int nodeControlPending() {
        int n = 0;
        for (MdaFlowAtTtl f : flows.values()) {
            if (f.nodeControl && !f.resolved()) {
                n++;
            }
        }
        return n;
    }
}
