package org.tracecap.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tracecap.trace.TracerTest.DST;
import static org.tracecap.trace.TracerTest.R1;
import static org.tracecap.trace.TracerTest.R2;
import static org.tracecap.trace.TracerTest.T0;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tracecap.model.Hop;
import org.tracecap.model.Trace;
import org.tracecap.report.HopJsonSchema;
import org.tracecap.report.JsonReport;
import org.tracecap.report.ReverseDns;
import org.tracecap.report.TextReport;
import org.tracecap.trace.SimulatedNetwork.DestinationMode;

/** A hop marked as NAT in text ({@code [NAT]}) and hop JSON ({@code "nat": true}, valid by the schema). */
class NatReportTest {

    @Test
    void theNatHopIsMarkedInTextAndJsonAndOnlyThere() throws Exception {
        SimulatedNetwork net = SimulatedNetwork.builder(new ManualClock(T0)).natRouter(R1, DublinTest.NAT, 1000)
                .router(R2, 1000).destination(DST, DestinationMode.PORT_UNREACHABLE, 1000).build();
        Trace t = TracerTest.run(net, TraceOptions.builder().method(ProbeMethod.DUBLIN).build()).trace();
        assertEquals(List.of(false, true, false), t.hops().stream().map(Hop::nat).toList());

        StringBuilder text = new StringBuilder();
        TextReport.writeTrace(t, text, ReverseDns.numeric());
        List<String> lines = text.toString().lines().toList();
        assertFalse(lines.get(1).contains("[NAT]"), lines.get(1));
        assertTrue(lines.get(2).startsWith(" 2  198.18.2.1") && lines.get(2).endsWith("ms  [NAT]"), lines.get(2));
        assertFalse(lines.get(3).contains("[NAT]"), lines.get(3));

        JsonNode json = new ObjectMapper().readTree(JsonReport.toJson(t));
        assertTrue(json.path("hops").get(0).path("nat").isMissingNode());
        assertTrue(json.path("hops").get(1).path("nat").asBoolean());
        assertTrue(json.path("hops").get(2).path("nat").isMissingNode());
        assertEquals(List.of(), HopJsonSchema.load().validate(json, "#/$defs/trace"));
    }
}
