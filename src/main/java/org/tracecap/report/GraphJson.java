package org.tracecap.report;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;
import org.tracecap.graph.Graph;
import org.tracecap.packet.IpAddress;

/**
 * A {@link Graph} as the GRAPH object of hop JSON (docs/hop-json.md): source, destination, method, times,
 * stop, the MDA confidence (live runs only), the probe count, then the flows, nodes and links, each by id, and
 * the TTLs balanced per packet. Same conventions as the traces: absent, not null; addresses as their family
 * prints them (dotted quad, RFC 5952); RTTs in milliseconds.
 */
final class GraphJson {
    private GraphJson() {
    }

    static void writeGraphs(JsonGenerator g, List<Graph> graphs) throws IOException {
        g.writeArrayFieldStart("graphs");
        for (Graph graph : graphs) {
            write(g, graph);
        }
        g.writeEndArray();
    }

    static void write(JsonGenerator g, Graph graph) throws IOException {
        g.writeStartObject();
        g.writeStringField("source", graph.source().toString());
        g.writeStringField("destination", graph.destination().toString());
        g.writeObjectFieldStart("method");
        g.writeStringField("protocol", graph.method().protocol());
        g.writeStringField("tool", graph.method().tool());
        g.writeStringField("probe_identity", graph.method().probeIdentity());
        g.writeEndObject();
        g.writeStringField("start_time", JsonReport.time(graph.startTimeNanos()));
        g.writeStringField("end_time", JsonReport.time(graph.endTimeNanos()));
        g.writeObjectFieldStart("stop");
        g.writeStringField("reason", graph.stop() == null ? "incomplete" : graph.stop().kind());
        if (graph.stop() != null && graph.stop().code() != null) {
            g.writeNumberField("code", graph.stop().code());
        }
        g.writeEndObject();
        if (graph.confidence() != null) {
            g.writeNumberField("confidence", graph.confidence());
        }
        g.writeNumberField("probes", graph.probes());
        g.writeArrayFieldStart("flows");
        for (Graph.Flow f : graph.flows()) {
            g.writeStartObject();
            g.writeNumberField("id", f.id());
            g.writeStringField("protocol", f.protocol());
            optional(g, "source_port", f.sourcePort());
            optional(g, "destination_port", f.destinationPort());
            optional(g, "icmp_id", f.icmpId());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("nodes");
        for (Graph.Node n : graph.nodes()) {
            g.writeStartObject();
            g.writeNumberField("id", n.id());
            g.writeNumberField("ttl", n.ttl());
            if (n.silent()) {
                g.writeBooleanField("silent", true);
            } else {
                g.writeStringField("address", n.address().toString());
            }
            g.writeNumberField("probes", n.probes());
            if (n.rttMinNanos() != null) {
                g.writeFieldName("rtt_ms");
                g.writeStartObject();
                g.writeFieldName("min");
                g.writeNumber(JsonReport.millis(n.rttMinNanos()));
                g.writeFieldName("avg");
                g.writeNumber(JsonReport.millis(n.rttAvgNanos()));
                g.writeFieldName("max");
                g.writeNumber(JsonReport.millis(n.rttMaxNanos()));
                g.writeEndObject();
            }
            if (!n.annotation().isEmpty()) {
                g.writeStringField("annotation", n.annotation());
            }
            ids(g, "flows", n.flows());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("links");
        for (Graph.Link l : graph.links()) {
            g.writeStartObject();
            g.writeNumberField("from", l.from());
            g.writeNumberField("to", l.to());
            ids(g, "flows", l.flows());
            g.writeEndObject();
        }
        g.writeEndArray();
        ids(g, "per_packet_ttls", graph.perPacketTtls());
        g.writeEndObject();
    }

    private static void ids(JsonGenerator g, String name, List<Integer> values) throws IOException {
        g.writeArrayFieldStart(name);
        for (int v : values) {
            g.writeNumber(v);
        }
        g.writeEndArray();
    }

    private static void optional(JsonGenerator g, String name, Integer value) throws IOException {
        if (value != null) {
            g.writeNumberField(name, value.intValue());
        }
    }
}
