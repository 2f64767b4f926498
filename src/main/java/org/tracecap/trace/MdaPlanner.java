package org.tracecap.trace;

import org.tracecap.packet.IpAddress;
import static org.tracecap.trace.MdaStoppingRule.perPacketResends;
import static org.tracecap.trace.MdaStoppingRule.probesNeeded;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tracecap.graph.Graph;
import org.tracecap.model.StopReason;

/**
 * What a {@link MultipathTracer} run sends next and when it is over: rules 1 to 7 of the MDA (rule 8, pacing, is
 * {@link MdaPacing}'s; rules 9 and 10, waiting and ownership, the tracer's), over the state of each TTL
 * ({@link MdaTtlState}). The run asks {@link #plan()} for the probes wanted, lowest TTL first, and
 * {@link #finished()} whether it can stop.
 *
 * <p>A flow <em>reaches</em> a node at TTL {@code t}: the router that answered its (first answered) probe with
 * TTL {@code t}, or the TTL's silent node when neither its probe nor its one retry was answered.
 * A node is <em>final</em> when it is the destination or answered Destination Unreachable.
 * <ol>
 *   <li><b>Predecessors.</b> The predecessors of TTL {@code t} are the non-final nodes of TTL {@code t - 1}
 *       (for the first TTL: the source). A predecessor {@code v} is <em>the only one</em> when it is the
 *       source, or when TTL {@code t - 1} is complete (rule 6) and {@code v} is its one node.</li>
 *   <li><b>Stopping rule.</b> With {@code k} distinct routers (k ≥ 1) reached at {@code t} by the flows
 *       through {@code v} probed so far, {@code v} is done once {@code n(k)} such flows have been probed at
 *       {@code t} and none is in flight: n(1..16) = 6, 11, 16, 21, 27, 33, 38, 44, 51, 57, 63, 70, 76, 83, 90,
 *       96 at 95% confidence; 8, 15, 21, 28, 36, 43, 51, 58, 66, 74, 82, 90, 98, 106, 115, 123 at 99%
 *       (beyond 16, the last step again). The flows through the silent node of {@code t - 1} are probed at
 *       {@code t} as they are, without looking for more. Exceptions: at TTL 1 one flow (every frame goes
 *       to the one gateway MAC, so one router answers there); and one flow when all a predecessor's flows
 *       reached the destination (it answers whatever way a flow came; a longer path to it is not looked for,
 *       as in scamper's tracelb). When a TTL has several predecessors and none is known to reach two
 *       routers (paths side by side, or converging), {@code n(k)} flows in all suffice, k the routers of the
 *       TTL, spread evenly over the predecessors and at least one through each (MDA-Lite's hop-level rule,
 *       Vermeulen et al., IMC 2018); once one of them reaches two routers, the TTL goes back to the full
 *       rule for each predecessor.</li>
 *   <li><b>Flows.</b> A predecessor short of flows takes, in order: flows known to reach it at {@code t - 1}
 *       not yet probed at {@code t}; when it is the only one, new flows (they all cross it); else new flows
 *       sent at {@code t - 1} to find more that reach it (node control), at most {@value #NODE_CONTROL_LIMIT}
 *       per TTL. A predecessor that can get no more flows is done with what it has.</li>
 *   <li><b>Retries.</b> A probe not answered in time is sent again once (same flow, same TTL) before the flow
 *       counts as reaching the silent node.</li>
 *   <li><b>Per-packet load balancing.</b> When a TTL's predecessors are done and it has {@code k ≥ 2}
 *       routers, flows that reached its routers (one per router, in turn) are sent {@code m} more times,
 *       {@code m} the least with {@code (1/k)^m ≤ 1 − confidence} ({@link MdaStoppingRule#perPacketResends};
 *       a lost re-send is sent again): a per-flow balancer sends them all to the same router; any other answer
 *       marks the TTL as balanced per packet ({@link Graph#perPacketTtls()}).</li>
 *   <li><b>Completion.</b> TTL {@code t} is complete when TTL {@code t - 1} is, its predecessors are done,
 *       nothing sent at {@code t} (or for its node control) waits, and rule 5 is done. TTLs are worked on
 *       together: TTL {@code t + 1} starts as soon as some flow reaches a non-final node at {@code t}, with
 *       the flows known so far, so that the probes of a TTL whose routers must wait for rule 8 do not hold
 *       the others up.</li>
 *   <li><b>Stop.</b> Looking at complete TTLs in order: all of a TTL's nodes final: stop "reached" (or
 *       "unreachable" with the first router's code when the destination is not among them); the max TTL
 *       complete: "max-ttl"; {@value #GAP_LIMIT} TTLs in a row with only silent nodes (as scamper tracelb's
 *       gap limit): "gap-limit". {@link MultipathTracer#stop()}: "interrupted", with probes in flight
 *       unanswered. A port failure: "incomplete" (the result holds the failure).</li>
 * </ol>
 */
final class MdaPlanner {
    static final int GAP_LIMIT = 3;
    static final int NODE_CONTROL_LIMIT = 256;

    private final TraceOptions options;
    private final int confidence;
    private final IpAddress destination;
    private final int maxFlows;
    private final MdaPacing pacing;
    private final Clock clock;
    private final MdaTtlState[] ttls;
    private int flowsUsed;

    /** For a run to {@code destination} with flows 0..{@code maxFlows - 1} (rule 2's {@code confidence}). */
    MdaPlanner(TraceOptions options, int confidence, IpAddress destination, int maxFlows, MdaPacing pacing,
            Clock clock) {
        this.options = options;
        this.confidence = confidence;
        this.destination = destination;
        this.maxFlows = maxFlows;
        this.pacing = pacing;
        this.clock = clock;
        this.ttls = new MdaTtlState[options.maxTtl() + 2];
        for (int t = 0; t < ttls.length; t++) {
            ttls[t] = new MdaTtlState();
        }
    }

    /** TTL {@code t}'s state. */
    MdaTtlState ttl(int t) {
        return ttls[t];
    }

    /** Whether a new flow is left to be sent. */
    boolean freshFlowLeft() {
        return flowsUsed < maxFlows;
    }

    /** The next new flow, for a probe about to be sent. */
    int newFlow() {
        return flowsUsed++;
    }

    /** A probe to send: an existing flow, or a new one (flow -1), at a TTL. */
    record Want(int flow, int ttl, boolean perPacket, boolean nodeControl) {
        Want(int flow, int ttl) {
            this(flow, ttl, false, false);
        }
    }

    /** What rules 1-5 want sent now, lowest TTL first; updates each TTL's completion. */
    List<Want> plan() {
        List<Want> wants = new ArrayList<>();
        int first = options.firstTtl();
        for (MdaTtlState s : ttls) {
            s.complete = false;
        }
        for (int t = first; t <= options.maxTtl(); t++) {
            if (t > first && !opens(t)) {
                break;
            }
            planTtl(t, wants);
        }
        return wants;
    }

    /** Whether TTL {@code t} (above the first) has a predecessor yet and is not past a gap-limit run of silence. */
    private boolean opens(int t) {
        if (!ttls[t - 1].anyNonFinal()) {
            return false;
        }
        int silent = 0;
        for (int u = t - 1; u >= options.firstTtl() && ttls[u].complete && ttls[u].onlySilent(); u--) {
            silent++;
        }
        return silent < GAP_LIMIT;
    }

    private void planTtl(int t, List<Want> wants) {
        MdaTtlState s = ttls[t];
        boolean previousComplete = t == options.firstTtl() || ttls[t - 1].complete;
        // Rule 4: retries.
        for (MdaFlowAtTtl f : s.flows.values()) {
            if (f.wantsRetry()) {
                wants.add(new Want(f.flow, t));
            }
        }
        boolean done;
        if (t == options.firstTtl()) {
            done = planOnlyOne(t, s, List.of(), wants);
        } else {
            Map<IpAddress, List<Integer>> preds = ttls[t - 1].groups(true);
            if (previousComplete && preds.size() == 1 && ttls[t - 1].groups(false).size() == 1) {
                done = planOnlyOne(t, s, preds.values().iterator().next(), wants);
            } else {
                if (!s.meshed && diverges(s, preds)) {
                    s.meshed = true;
                }
                done = previousComplete & (s.meshed ? planEachPredecessor(t, s, preds, wants)
                        : planHop(t, s, preds, wants));
            }
        }
        if (t > options.firstTtl() && ttls[t - 1].nodeControlPending() > 0) {
            done = false;
        }
        for (MdaFlowAtTtl f : s.flows.values()) {
            if (f.pending > 0 || f.wantsRetry()) {
                done = false;
            }
        }
        if (!done || s.flows.isEmpty()) {
            return;
        }
        // Rule 5.
        if (s.perPacketFlows == null) {
            s.perPacketFlows = perPacketSamples(s, clock.nowNanos());
        }
        int resends = perPacketResends(confidence, s.routers().size());
        // Re-sends lost (to a limit) are sent again, up to twice as many in all.
        int missing = Math.min(resends - s.perPacketAnswered - s.perPacketPending, 2 * resends - s.perPacketSends);
        if (!s.perPacketFlows.isEmpty() && missing > 0) {
            for (int i = 0; i < missing; i++) {
                int flow = s.perPacketFlows.get((s.perPacketSends + i) % s.perPacketFlows.size());
                wants.add(new Want(flow, t, true, false));
            }
            return;
        }
        if (s.perPacketPending > 0) {
            return;
        }
        s.complete = true;
    }

    /**
     * Rule 2 when every flow at {@code t} crosses one predecessor (the source, or TTL {@code t - 1}'s only
     * node): {@code n(k)} flows at {@code t}, first those known to cross it ({@code through}), then new ones.
     * At TTL 1 one flow is enough: every probe goes to the one gateway MAC, so one router answers there.
     * Returns whether the TTL's probing is done.
     */
    private boolean planOnlyOne(int t, MdaTtlState s, List<Integer> through, List<Want> wants) {
        List<IpAddress> routers = s.routers();
        int need = t == 1 || onlyDestination(routers) ? 1 : probesNeeded(confidence, Math.max(1, routers.size()));
        boolean waiting = s.flows.values().stream().anyMatch(f -> !f.resolved());
        int have = s.flows.size();
        if (have >= need) {
            return !waiting;
        }
        int added = probeThrough(t, s, through, need - have, wants);
        int fresh = Math.min(need - have - added, maxFlows - flowsUsed);
        for (int i = 0; i < fresh; i++) {
            wants.add(new Want(-1, t));
        }
        added += fresh;
        return added == 0 && !waiting; // no flow left to be had: done with what there is
    }

    /**
     * Rule 2's exception: flows that reached the destination need no company. The destination answers every
     * flow that gets there, whichever way it came; another next hop would be a router on a longer path to it,
     * which the MDA does not look for (as scamper's tracelb).
     */
    private boolean onlyDestination(List<IpAddress> routers) {
        return routers.size() == 1 && routers.get(0).equals(destination);
    }

    /** Up to {@code count} of the flows {@code through} a predecessor not yet probed at {@code t}; how many. */
    private static int probeThrough(int t, MdaTtlState s, List<Integer> through, int count, List<Want> wants) {
        int added = 0;
        for (int f : through) {
            if (added == count) {
                break;
            }
            if (!s.flows.containsKey(f)) {
                wants.add(new Want(f, t));
                added++;
            }
        }
        return added;
    }

    /** Whether some predecessor already reaches two routers or more at {@code t} (rule 2's full MDA then). */
    private static boolean diverges(MdaTtlState s, Map<IpAddress, List<Integer>> preds) {
        for (List<Integer> through : preds.values()) {
            java.util.Set<IpAddress> routers = new java.util.HashSet<>();
            for (int f : through) {
                MdaFlowAtTtl here = s.flows.get(f);
                if (here != null && here.reached != null) {
                    routers.add(here.reached);
                }
            }
            if (routers.size() >= 2) {
                return true;
            }
        }
        return false;
    }

    /**
     * Rule 2 at a TTL with several predecessors none of which is known to reach two routers (paths that run
     * side by side or converge): {@code n(k)} flows at {@code t} in all, k the routers of {@code t}, and at
     * least one through each predecessor, spread evenly over them (MDA-Lite's hop-level rule, Vermeulen et
     * al., IMC 2018). Returns whether the TTL's probing is done.
     */
    private boolean planHop(int t, MdaTtlState s, Map<IpAddress, List<Integer>> preds, List<Want> wants) {
        List<IpAddress> routers = s.routers();
        int need = Math.max(onlyDestination(routers) ? 1 : probesNeeded(confidence, Math.max(1, routers.size())),
                preds.size());
        List<List<Integer>> candidates = new ArrayList<>();
        int[] have = new int[preds.size()];
        int total = 0;
        boolean waiting = false;
        int i = 0;
        for (List<Integer> through : preds.values()) {
            List<Integer> free = new ArrayList<>();
            for (int f : through) {
                MdaFlowAtTtl here = s.flows.get(f);
                if (here == null) {
                    free.add(f);
                } else {
                    have[i]++;
                    waiting |= !here.resolved();
                }
            }
            total += have[i];
            candidates.add(free);
            i++;
        }
        boolean everyOne = true;
        for (int h : have) {
            everyOne &= h > 0;
        }
        if (total >= need && everyOne) {
            return !waiting;
        }
        // Round robin over the predecessors with the fewest flows at t.
        int added = 0;
        int short1 = 0;
        while (true) {
            int best = -1;
            for (int p = 0; p < have.length; p++) {
                if (!candidates.get(p).isEmpty() && (best < 0 || have[p] < have[best])) {
                    best = p;
                }
            }
            boolean stillShort = total + added < need;
            boolean someEmpty = false;
            for (int p = 0; p < have.length; p++) {
                someEmpty |= have[p] == 0;
            }
            if (!stillShort && !someEmpty) {
                break;
            }
            if (best < 0 || (!stillShort && have[best] > 0)) {
                // A predecessor with no flow left to try: find more by node control.
                short1 = stillShort ? need - total - added : 1;
                break;
            }
            wants.add(new Want(candidates.get(best).remove(0), t));
            have[best]++;
            added++;
        }
        boolean controlling = short1 > 0 && nodeControl(t, s, short1, 0, wants) > 0;
        return added == 0 && !controlling && !waiting;
    }

    /**
     * Rule 3's node control for TTL {@code t}: new flows sent at {@code t - 1}, some of which will cross the
     * predecessor short of flows; {@code wanted} flows beyond those already in flight for it and the
     * {@code alreadyWanted} of this pass, within {@value #NODE_CONTROL_LIMIT} per TTL and the flows left.
     * Returns how many node-control flows are wanted in this pass or in flight (0: none can be had).
     */
    private int nodeControl(int t, MdaTtlState s, int wanted, int alreadyWanted, List<Want> wants) {
        int pending = ttls[t - 1].nodeControlPending();
        int left = Math.min(NODE_CONTROL_LIMIT - s.nodeControlSent - alreadyWanted,
                maxFlows - flowsUsed - alreadyWanted);
        int fresh = Math.max(0, Math.min(wanted - pending - alreadyWanted, left));
        for (int n = 0; n < fresh; n++) {
            wants.add(new Want(-1, t - 1, false, true));
        }
        return alreadyWanted + fresh + pending;
    }

    /**
     * Rule 2 at a TTL where a predecessor reaches two routers or more among several predecessors (the full
     * MDA, with node control): {@code n(k_v)} flows through each predecessor {@code v}. Returns whether the
     * TTL's probing is done.
     */
    private boolean planEachPredecessor(int t, MdaTtlState s, Map<IpAddress, List<Integer>> preds, List<Want> wants) {
        boolean done = true;
        int nodeControl = 0;
        for (Map.Entry<IpAddress, List<Integer>> pred : preds.entrySet()) {
            IpAddress v = pred.getKey();
            List<Integer> through = pred.getValue();
            boolean waiting = false;
            java.util.Set<IpAddress> routers = new java.util.HashSet<>();
            int have = 0;
            for (int f : through) {
                MdaFlowAtTtl here = s.flows.get(f);
                if (here == null) {
                    continue;
                }
                have++;
                if (here.reached != null) {
                    routers.add(here.reached);
                } else if (!here.silent) {
                    waiting = true;
                }
            }
            int need = onlyDestination(new ArrayList<>(routers)) ? 1
                    : probesNeeded(confidence, Math.max(1, routers.size()));
            if (v == null) {
                need = Math.min(need, through.size());
            }
            if (have >= need) {
                done &= !waiting;
                continue;
            }
            int added = probeThrough(t, s, through, need - have, wants);
            boolean controlling = false;
            if (have + added < need && v != null) {
                int underWay = nodeControl(t, s, need - have - added, nodeControl, wants);
                nodeControl = underWay - ttls[t - 1].nodeControlPending();
                controlling = underWay > 0;
            }
            // No more flows to be had (rule 3): v is done with what it has once they are answered.
            done &= added == 0 && !controlling && !waiting;
        }
        return done;
    }

    /** Rule 7, on the complete TTLs in order; null while the run goes on. */
    StopReason finished() {
        int silentRun = 0;
        for (int t = options.firstTtl(); t <= options.maxTtl(); t++) {
            MdaTtlState s = ttls[t];
            if (!s.complete) {
                return null;
            }
            if (!s.anyNonFinal()) {
                for (MdaFlowAtTtl f : s.flows.values()) {
                    if (f.reached != null && f.reached.equals(destination)) {
                        return StopReason.reached();
                    }
                }
                for (MdaFlowAtTtl f : s.flows.values()) {
                    if (f.unreachableCode != null) {
                        return f.portUnreachable ? StopReason.reached()
                                : StopReason.unreachable(f.unreachableCode);
                    }
                }
                return StopReason.reached();
            }
            silentRun = s.onlySilent() ? silentRun + 1 : 0;
            if (silentRun >= GAP_LIMIT) {
                return StopReason.gapLimit();
            }
        }
        return StopReason.maxTtl();
    }

    /**
     * Rule 5's flows, when the TTL has two routers or more: for each router, the lowest flow that reached it,
     * the routers with the most tokens left (rule 8) first. The re-sends take them in turn, so that they
     * share the routers' buckets; each re-send, like a single flow's, finds another router with a chance of
     * {@code 1 - 1/k} under a per-packet balancer. Empty when the TTL has one router.
     */
    private List<Integer> perPacketSamples(MdaTtlState s, long now) {
        List<IpAddress> routers = s.routers();
        if (routers.size() < 2) {
            return List.of();
        }
        Map<IpAddress, Integer> firstFlow = new LinkedHashMap<>();
        for (MdaFlowAtTtl f : s.flows.values()) {
            if (f.reached != null) {
                firstFlow.putIfAbsent(f.reached, f.flow);
            }
        }
        List<IpAddress> byTokens = new ArrayList<>(firstFlow.keySet());
        byTokens.sort(java.util.Comparator.comparingLong((IpAddress r) -> pacing.spareTokens(r, now)).reversed());
        List<Integer> flows = new ArrayList<>();
        for (IpAddress r : byTokens) {
            flows.add(firstFlow.get(r));
        }
        return flows;
    }
}
