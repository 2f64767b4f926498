package org.tracecap.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.tracecap.match.FrameClassifier;
import org.tracecap.match.IcmpReply;
import org.tracecap.match.SentProbe;
import org.tracecap.packet.Bytes;
import org.tracecap.packet.IcmpErrorEncoder;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.IpProtocol;
import org.tracecap.packet.LinkLayer;
import org.tracecap.packet.ProbeEncoder;

/**
 * The identities over IPv6 ({@link ProbeIdentity#NO_IP_ID}): each writes an IPv6 probe (hop limit, flow label 0, no
 * IP ID) that the classifier reads back as the probe it returned, numbers it again, and owns a router's quote of
 * it; nothing is told apart by an IP ID, which IPv6 has not.
 */
class Ipv6IdentitiesTest {
    static final IpAddress CLIENT = IpAddress.parse("2001:db8:1::1");
    static final IpAddress ROUTER = IpAddress.parse("2001:db8:1::2");
    static final IpAddress TARGET = IpAddress.parse("2001:db8:3::2");
    static final byte[] MAC = {2, 0, 0, 0, 0, 1};

    static List<ProbeIdentity> identities() {
        int noId = ProbeIdentity.NO_IP_ID;
        return List.of(new ClassicUdpIdentity(33434, 30, 51000, noId), new ParisUdpIdentity(33434, 30, 51000, noId),
                new FixedPortUdpIdentity(53, 30, 51000, noId), new IcmpEchoIdentity(4242, 1, 30, noId),
                new ParisIcmpIdentity(4242, 1, 30, noId, 0x1234), new TcpSynIdentity(80, 30, 51000, 0x12345678L, noId));
    }

    @Test
    void probesAreWrittenReadBackAndOwned() {
        FrameClassifier classifier = new FrameClassifier();
        for (ProbeIdentity identity : identities()) {
            int protocol = IpProtocol.ofFamily(identity.protocol(), IpAddress.IPV6);
            for (int n : new int[] {0, 1, 7, 29}) {
                byte[] buf = new byte[200];
                ProbeIdentity.Envelope e = new ProbeIdentity.Envelope(MAC, MAC, CLIENT, TARGET, 1 + n / 3, 0, false,
                        60);
                SentProbe sent = identity.write(n, e, buf, 1_000L);
                int length = e.linkHeader() + sent.totalLength();
                assertEquals(14 + (identity instanceof TcpSynIdentity ? 80 : 60), length, identity.method().toString());
                assertEquals(0x86dd, Bytes.u16(buf, 12), "ethertype IPv6");
                assertEquals(6, (buf[14] & 0xf0) >>> 4);
                assertEquals(0, Bytes.u32(buf, 14) & 0xfffff, "flow label 0, the same for every probe");
                assertEquals(1 + n / 3, buf[14 + 7] & 0xff, "hop limit");
                assertEquals(protocol, sent.protocol());
                assertEquals(0, sent.ipId(), "IPv6 has no IP ID");

                SentProbe seen = assertInstanceOf(SentProbe.class,
                        classifier.classify(2_000L, LinkLayer.ETHERNET, buf, length, length));
                assertEquals(sent.checksum(), seen.checksum(), identity.method().toString());
                assertEquals(protocol, seen.protocol());
                assertEquals(n, identity.sequenceOf(seen), identity.method() + " probe " + n);

                byte[] quote = java.util.Arrays.copyOfRange(buf, 14, length);
                IcmpErrorEncoder te = IcmpErrorEncoder.timeExceeded(ROUTER, CLIENT, quote, 0, quote.length);
                byte[] reply = new byte[te.ethernet(MAC, MAC).length()];
                te.encode(reply, 0);
                IcmpReply r = assertInstanceOf(IcmpReply.class,
                        classifier.classify(3_000L, LinkLayer.ETHERNET, reply, reply.length, reply.length));
                assertTrue(r.isTimeExceeded());
                assertTrue(identity.owns(r.quote(), sent), identity.method() + " owns its quote " + n);
            }
        }
    }

    @Test
    void aQuoteOfAnotherProbeIsNotOwnedThroughAnIpIdOfZero() {
        for (ProbeIdentity identity : identities()) {
            byte[] a = new byte[200];
            byte[] b = new byte[200];
            ProbeIdentity.Envelope e = new ProbeIdentity.Envelope(null, null, CLIENT, TARGET, 5, 0, false, 60);
            SentProbe first = identity.write(3, e, a, 0);
            identity.write(4, e, b, 0);
            // probe 4 as quoted through a NAT that rewrote the source (the IPv4 fallbacks read the IP ID there)
            byte[] quote = java.util.Arrays.copyOf(b, 60);
            Bytes.put64(quote, 8, IpAddress.parse("2001:db8:9::9").high());
            IcmpErrorEncoder te = IcmpErrorEncoder.timeExceeded(ROUTER, CLIENT, quote, 0, quote.length);
            byte[] reply = new byte[te.length()];
            te.encode(reply, 0);
            IcmpReply r = assertInstanceOf(IcmpReply.class,
                    new FrameClassifier().classify(0, LinkLayer.RAW, reply, reply.length, reply.length));
            assertFalse(identity.owns(r.quote(), first), identity.method() + ": quote of probe 4 for probe 3");
        }
    }

    @Test
    void dublinNeedsAnIpId() {
        assertThrows(IllegalArgumentException.class,
                () -> new DublinUdpIdentity(33434, 30, 51000, ProbeIdentity.NO_IP_ID));
    }

    @Test
    void heldEchoChecksumsAreKeptOverIpv6() {
        ProbeIdentity paris = new ParisIcmpIdentity(4242, 1, 30, ProbeIdentity.NO_IP_ID, 0x1234);
        ProbeIdentity.Envelope e = new ProbeIdentity.Envelope(null, null, CLIENT, TARGET, 1, 0, false, 60);
        for (int n = 0; n < 5; n++) {
            assertEquals(0x1234, paris.write(n, e, new byte[100], 0).checksum(), "probe " + n);
        }
        assertEquals(ProbeEncoder.IPV6_HEADER, e.ipHeader());
    }
}
