package org.tracecap.multipath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ground truths and tracecap's graph JSON as {@link MultipathGraph}s: no root needed. */
class MultipathGraphTest {

    @Test
    void groundTruths() {
        MultipathGraph d4 = MultipathNet.diamondTruth(4);
        assertEquals(7, d4.nodeCount());
        assertEquals(9, d4.links().size());
        assertEquals(List.of("198.18.21.2"), List.copyOf(d4.at(3)));
        MultipathGraph nested = MultipathNet.nestedTruth();
        assertEquals(8, nested.nodeCount());
        assertEquals(9, nested.links().size());
        assertTrue(nested.addressPairs().contains(List.of("198.18.21.2", "198.18.32.2")));
        assertTrue(MultipathGraph.layers(List.of(List.of("198.18.1.2"))).within(nested));
        assertFalse(nested.within(MultipathNet.diamondTruth(2)));
    }

    /** The graph object of {@code tracecap trace --multipath --json} as agreed: node ids, links by id. */
    @Test
    void tracecapGraphJson() throws Exception {
        String graph = """
                {"source":"198.18.1.1","destination":"198.18.5.2","confidence":95,"probes":17,
                 "flows":[{"id":0,"source_port":61000,"destination_port":33434}],
                 "nodes":[{"id":0,"ttl":1,"address":"198.18.1.2","flows":[0]},
                          {"id":1,"ttl":2,"address":"198.18.11.2","flows":[0]},
                          {"id":2,"ttl":2,"address":"198.18.12.2","flows":[0]},
                          {"id":3,"ttl":3,"address":"198.18.21.2","flows":[0]},
                          {"id":4,"ttl":4,"address":"198.18.5.2","flows":[0]},
                          {"id":5,"ttl":5,"flows":[0]}],
                 "links":[{"from":0,"to":1,"flows":[0]},{"from":0,"to":2,"flows":[0]},{"from":1,"to":3,"flows":[0]},
                          {"from":2,"to":3,"flows":[0]},{"from":3,"to":4,"flows":[0]},{"from":4,"to":5,"flows":[0]}],
                 "per_packet_ttls":[]}
                """;
        MultipathGraph g = MultipathGraph.fromTracecapJson(new ObjectMapper().readTree(graph));
        assertEquals(MultipathNet.diamondTruth(2), g, "the silent node and its link are left out");
    }
}
