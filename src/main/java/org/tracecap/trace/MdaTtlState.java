package org.tracecap.trace;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tracecap.packet.IpAddress;

/** One TTL of a {@link MultipathTracer} run: its flows and the counts that rules 2-8 keep for it. */
final class MdaTtlState {
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
    List<IpAddress> routers() {
        List<IpAddress> out = new ArrayList<>();
        for (MdaFlowAtTtl f : flows.values()) {
            if (f.reached != null && !out.contains(f.reached)) {
                out.add(f.reached);
            }
        }
        return out;
    }

    /**
     * The resolved flows by the node they reached (key: its address, in address order; null, last: the silent
     * node), optionally without the final nodes.
     */
    Map<IpAddress, List<Integer>> groups(boolean nonFinalOnly) {
        Map<IpAddress, List<Integer>> out = new TreeMap<>(Comparator.nullsLast(Comparator.naturalOrder()));
        for (MdaFlowAtTtl f : flows.values()) {
            if (!f.resolved() || (nonFinalOnly && f.isFinal)) {
                continue;
            }
            IpAddress key = f.silent ? null : f.reached;
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
