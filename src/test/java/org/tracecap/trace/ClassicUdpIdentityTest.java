package org.tracecap.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tracecap.match.QuotedProbe;
import org.tracecap.match.SentProbe;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.IpProtocol;
import org.tracecap.packet.ProbeEncoder;

class ClassicUdpIdentityTest {
    final ClassicUdpIdentity id = new ClassicUdpIdentity(33434, 90, 62000, 0xfffe);

    static SentProbe sent(int sport, int dport, int ipId) {
        return new SentProbe(0, IpAddress.ipv4(1), IpAddress.ipv4(2), IpProtocol.UDP, 1, ipId, 60, 0, sport, dport, 0,
                0, 0x1234, 0);
    }

    static QuotedProbe quote(int sport, int dport, int ipId) {
        return new QuotedProbe(IpAddress.ipv4(1), IpAddress.ipv4(2), IpProtocol.UDP, 1, ipId, 60, 0, sport, dport, 0,
                0, 0x1234, 0, 60);
    }

    @Test
    void probeNGoesToBasePortPlusNWithIpIdBasePlusN() {
        assertEquals(new ProbeIdentity.ProbeFields(62000, 33434, 0xfffe, ProbeEncoder.NATURAL_CHECKSUM), id.fields(0));
        // The IP ID wraps at 2^16.
        assertEquals(new ProbeIdentity.ProbeFields(62000, 33437, 1, ProbeEncoder.NATURAL_CHECKSUM), id.fields(3));
        assertThrows(IllegalArgumentException.class, () -> id.fields(90));
        assertThrows(IllegalArgumentException.class, () -> id.fields(-1));
    }

    @Test
    void recognisesItsOwnProbesOnly() {
        assertEquals(3, id.sequenceOf(sent(62000, 33437, 1)));
        assertEquals(-1, id.sequenceOf(sent(62001, 33437, 1)), "another trace's source port");
        assertEquals(-1, id.sequenceOf(sent(62000, 33437, 2)), "same port, another trace's IP ID");
        assertEquals(-1, id.sequenceOf(sent(62000, 33434 + 90, (0xfffe + 90) & 0xffff)), "past the last probe");
        assertEquals(-1, id.sequenceOf(sent(62000, 33433, 0xfffd)), "below the base port");
    }

    @Test
    void ownsOnlyQuotesCarryingTheProbesIdentity() {
        SentProbe ours = sent(62000, 33437, 1);
        assertTrue(id.owns(quote(62000, 33437, 1), ours));
        assertFalse(id.owns(quote(62001, 33437, 1), ours), "the NAT fallback's catch from another source port");
        assertFalse(id.owns(quote(62000, 33437, 7), ours), "same source port, another trace's IP ID");
        assertFalse(id.owns(quote(62000, 33438, 2), ours), "our probe 4's quote is not probe 3's");
    }

    @Test
    void rejectsPortsPastTheRange() {
        assertThrows(IllegalArgumentException.class, () -> new ClassicUdpIdentity(65500, 90, 62000, 0));
        assertThrows(IllegalArgumentException.class, () -> new ClassicUdpIdentity(33434, 90, 0, 0));
    }
}
