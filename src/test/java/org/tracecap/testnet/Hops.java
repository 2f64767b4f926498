package org.tracecap.testnet;

import java.util.ArrayList;
import java.util.List;

import org.tracecap.model.Hop;
import org.tracecap.model.ProbeResult;
import org.tracecap.model.Trace;
import org.tracecap.packet.Ipv4Address;
import org.tracecap.trace.FlowTracer;

/** What the live tests read from the traces they run, and a listener for the runs they only want the end of. */
public final class Hops {
    /** A {@link FlowTracer.FlowListener} that ignores every event. */
    public static final FlowTracer.FlowListener SILENT_FLOWS = new FlowTracer.FlowListener() {
        @Override
        public void flowStarted(int flow, int sourcePort, int destinationPort) {
        }

        @Override
        public void hopSettled(int flow, Hop hop) {
        }

        @Override
        public void flowEnded(int flow, Trace trace) {
        }
    };

    private Hops() {
    }

    /** Each hop's responders, dotted quads, "*" for an unanswered probe. */
    public static List<List<String>> responders(Trace t) {
        List<List<String>> hops = new ArrayList<>();
        for (Hop h : t.hops()) {
            List<String> r = new ArrayList<>();
            for (ProbeResult p : h.probes()) {
                r.add(p.responder() == null ? "*" : Ipv4Address.format(p.responder()));
            }
            hops.add(r);
        }
        return hops;
    }
}
