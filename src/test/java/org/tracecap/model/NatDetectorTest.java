package org.tracecap.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tracecap.packet.IpAddress;

/** dublin-traceroute's NAT detection over hops' sent and quoted UDP checksums. */
class NatDetectorTest {

    static ProbeResult probe(int ttl, Integer sent, Integer quoted) {
        return new ProbeResult(ttl, 0, 1, 62000, 33434, null, null, sent, 60, quoted == null ? null : 1000L,
                quoted == null ? null : IpAddress.ipv4(0x0a000000 + ttl), quoted == null ? null : 11,
                        quoted == null ? null : 0, null,
                quoted == null ? null : "", 64, 1, 1, quoted, 56, List.of());
    }

    static Hop hop(int ttl, ProbeResult... probes) {
        return new Hop(ttl, List.of(probes));
    }

    static List<Boolean> marks(Hop... hops) {
        NatDetector d = new NatDetector();
        List<Boolean> out = new ArrayList<>();
        for (Hop h : hops) {
            out.add(d.mark(h).nat());
        }
        return out;
    }

    @Test
    void differenceIsOnesComplementWithBothZeros() {
        assertEquals(0, NatDetector.difference(0x1234, 0x1234));
        assertEquals(0, NatDetector.difference(0xffff, 0x0000), "0xffff and 0 are both zero");
        assertEquals(1, NatDetector.difference(0x1235, 0x1234));
        assertEquals(0xfffe, NatDetector.difference(0x1234, 0x1235));
        // RFC 1624: one rewrite shifts any checksum by the same amount.
        assertEquals(NatDetector.difference(0x0001 + 0x0777, 0x0001), NatDetector.difference(0x0101 + 0x0777, 0x0101));
    }

    @Test
    void theFirstHopWhoseQuoteChangedIsTheNat() {
        assertEquals(List.of(false, false, true, false, false), marks(
                hop(1, probe(1, 0x1111, 0x1111)),
                hop(2, probe(2, 0x1111, 0x1111)),
                hop(3, probe(3, 0x1111, 0x2222), probe(3, 0x1111, 0x2222)),
                hop(4, probe(4, 0x1111, 0x2222)),
                hop(5, probe(5, 0x1111, 0x2222))));
    }

    @Test
    void silentHopsAndUnansweredProbesChangeNothing() {
        assertEquals(List.of(false, false, true, false), marks(
                hop(1, probe(1, 0x1111, 0x1111), probe(1, 0x1111, null)),
                hop(2, probe(2, 0x1111, null), probe(2, 0x1111, null)),
                hop(3, probe(3, 0x1111, 0x2222)),
                hop(4)));
    }

    @Test
    void perProbeChecksumsCompareByTheirChange() {
        // Paris: each probe has its own checksum; the NAT adds the same 0x0100 to every one.
        assertEquals(List.of(false, true, false), marks(
                hop(1, probe(1, 1, 1), probe(1, 2, 2)),
                hop(2, probe(2, 3, 0x103), probe(2, 4, 0x104)),
                hop(3, probe(3, 5, 0x105))));
    }

    @Test
    void aNatRightAtTheFirstHopAndASecondNatFurtherOn() {
        assertEquals(List.of(true, false, true), marks(
                hop(1, probe(1, 0x1111, 0x2222)),
                hop(2, probe(2, 0x1111, 0x2222)),
                hop(3, probe(3, 0x1111, 0x3333))));
    }

    @Test
    void theMajorityOfAHopsProbesDecides() {
        assertEquals(List.of(false, false), marks(
                hop(1, probe(1, 0x1111, 0x1111)),
                hop(2, probe(2, 0x1111, 0x1111), probe(2, 0x1111, 0x1111), probe(2, 0x1111, 0x9999))));
        // the first probe is the odd one out: the others outvote it
        assertEquals(List.of(false, false), marks(
                hop(1, probe(1, 0x1111, 0x1111)),
                hop(2, probe(2, 0x1111, 0x9999), probe(2, 0x1111, 0x1111), probe(2, 0x1111, 0x1111))));
        // a tie: the change that reached the most votes first
        assertEquals(List.of(false, true), marks(
                hop(1, probe(1, 0x1111, 0x1111)),
                hop(2, probe(2, 0x1111, 0x9999), probe(2, 0x1111, 0x1111))));
        assertFalse(new Hop(1, List.of()).nat());
        assertTrue(new Hop(1, List.of(), true).nat());
    }
}
