package org.tracecap.testnet;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.tracecap.model.Hop;
import org.tracecap.model.ProbeResult;
import org.tracecap.model.Trace;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.Ipv4Address;
import org.tracecap.trace.FlowTracer;

/** What the live tests read from the traces they run, and a listener for the runs they only want the end of. */
public final class Hops {
    /** How an unanswered probe is shown. */
    public static final String STAR = "*";

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
                r.add(p.responder() == null ? STAR : Ipv4Address.format(p.responder().ipv4()));
            }
            hops.add(r);
        }
        return hops;
    }

    /** The same from hop JSON: per hop (lowest TTL first), each probe's responder in the order sent. */
    public static List<List<String>> responders(JsonNode trace) {
        List<List<String>> hops = new ArrayList<>();
        for (JsonNode hop : trace.path("hops")) {
            List<String> probes = new ArrayList<>();
            for (JsonNode p : hop.path("probes")) {
                probes.add(p.path("answered").asBoolean() ? p.path("responder").asText() : STAR);
            }
            hops.add(probes);
        }
        return hops;
    }
}
