package org.tracecap.multipath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** {@link ScamperTracelb#parse} on scamper's JSON: no root needed. */
class ScamperTracelbParseTest {
    /**
     * scamper 20211212's tracelb on {@link MultipathNet#nested()} (bench/multipath_net.py up nested), trimmed to
     * two probes per address and to the fields the parser reads. The first diamond is one link of r1 through a
     * hop of two addresses; the second one has r2 as a node with two links.
     */
    static final String NESTED = """
            {"type":"cycle-start", "list_name":"default", "id":0, "hostname":"vm", "start_time":1795756196}
            {"type":"tracelb","method":"udp-dport","src":"198.18.1.1","dst":"198.18.5.2","confidence":95,\
            "probec":50,"nodec":6,"linkc":6,"nodes":[\
            {"addr":"198.18.1.2","q_ttl":1,"linkc":1,"links":[\
            [{"addr":"198.18.11.2","probes":[{"replyc":1,"ttl":2,"flowid":33437},{"replyc":1,"ttl":2,"flowid":33441}]},\
            {"addr":"198.18.12.2","probes":[{"replyc":1,"ttl":2,"flowid":33435},{"replyc":1,"ttl":2,"flowid":33436}]}],\
            [{"addr":"198.18.21.2","probes":[{"replyc":1,"ttl":3,"flowid":33435},{"replyc":1,"ttl":3,"flowid":33436}]}]]},\
            {"addr":"198.18.21.2","q_ttl":1,"linkc":2,"links":[\
            [{"addr":"198.18.31.2","probes":[{"replyc":1,"ttl":4,"flowid":33435},{"replyc":1,"ttl":4,"flowid":33437}]},\
            {"addr":"198.18.32.2","probes":[{"replyc":1,"ttl":4,"flowid":33436},{"replyc":1,"ttl":4,"flowid":33438}]}]]},\
            {"addr":"198.18.31.2","q_ttl":1,"linkc":1,"links":[\
            [{"addr":"198.18.41.2","probes":[{"replyc":1,"ttl":5,"flowid":33435},{"replyc":1,"ttl":5,"flowid":33437}]}]]},\
            {"addr":"198.18.32.2","q_ttl":1,"linkc":1,"links":[\
            [{"addr":"198.18.41.2","probes":[{"replyc":1,"ttl":5,"flowid":33436},{"replyc":1,"ttl":5,"flowid":33438}]}]]},\
            {"addr":"198.18.41.2","q_ttl":1,"linkc":1,"links":[\
            [{"addr":"198.18.5.2","probes":[{"replyc":1,"ttl":6,"flowid":33436}]}]]}]}
            {"type":"cycle-stop", "list_name":"default", "id":0, "hostname":"vm", "stop_time":1795756200}
            """;

    @Test
    void theNestedDiamondIsTheGroundTruth() {
        ScamperTracelb.Parsed p = ScamperTracelb.parse(NESTED);
        assertEquals(50, p.probec());
        assertEquals(MultipathNet.nestedTruth(), p.graph());
        assertEquals(8, p.graph().nodeCount());
        assertEquals(9, p.graph().links().size());
    }

    @Test
    void twoWideHopsInARowAreLinkedOnlyWhereAFlowWent() {
        // r1 -> (x1, x2) -> (y1, y2) -> z, flow 1 through x1 and y1, flow 2 through x2 and y2
        String json = """
                {"type":"tracelb","probec":9,"nodes":[{"addr":"198.18.1.2","linkc":1,"links":[\
                [{"addr":"198.18.11.2","probes":[{"replyc":1,"ttl":2,"flowid":1}]},\
                {"addr":"198.18.12.2","probes":[{"replyc":1,"ttl":2,"flowid":2}]}],\
                [{"addr":"198.18.21.2","probes":[{"replyc":1,"ttl":3,"flowid":1}]},\
                {"addr":"198.18.22.2","probes":[{"replyc":1,"ttl":3,"flowid":2}]},{"addr":"*"}],\
                [{"addr":"198.18.5.2","probes":[{"replyc":1,"ttl":4,"flowid":1},{"replyc":0,"ttl":4,"flowid":2}]}]]}]}
                """;
        MultipathGraph g = ScamperTracelb.parse(json).graph();
        assertEquals(Set.of("198.18.11.2", "198.18.12.2"), g.at(2));
        assertEquals(new TreeSet<>(List.of(new MultipathGraph.Link(1, "198.18.1.2", "198.18.11.2"),
                new MultipathGraph.Link(1, "198.18.1.2", "198.18.12.2"),
                new MultipathGraph.Link(2, "198.18.11.2", "198.18.21.2"),
                new MultipathGraph.Link(2, "198.18.12.2", "198.18.22.2"),
                new MultipathGraph.Link(3, "198.18.21.2", "198.18.5.2"),
                new MultipathGraph.Link(3, "198.18.22.2", "198.18.5.2"))), g.links());
    }

    @Test
    void outputWithoutATracelbIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> ScamperTracelb.parse("{\"type\":\"cycle-start\"}\n"));
    }

    @Test
    void aPcapFileIsCountedByItsRecords() {
        byte[] pcap = new byte[24 + 16 + 3 + 16 + 5];
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(pcap).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 0xa1b2c3d4);
        b.putInt(24 + 8, 3);
        b.putInt(24 + 16 + 3 + 8, 5);
        assertEquals(2, ClientCapture.records(pcap));
        assertEquals(0, ClientCapture.records(new byte[10]));
    }
}
