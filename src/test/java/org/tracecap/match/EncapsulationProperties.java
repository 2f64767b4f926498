package org.tracecap.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.tracecap.packet.Encapsulation;
import org.tracecap.packet.IcmpErrorEncoder;
import org.tracecap.packet.IcmpExtension;
import org.tracecap.packet.IcmpExtensions;
import org.tracecap.packet.Ipv4Address;
import org.tracecap.packet.LinkLayer;
import org.tracecap.packet.MplsEntry;
import org.tracecap.packet.ProbeEncoder;

/**
 * Hostile input for the encapsulations on the way to IPv4 (MPLS label stacks, PPPoE sessions, VLAN tags in
 * front of them) and for the RFC 4884 length field: SYNTHETIC frames (no MPLS or PPPoE forwarding in this
 * kernel, no Linux router writing a garbage length) built with the project's encoders and
 * {@link Encapsulation}. Every property checks that {@link FrameClassifier#classify} returns a
 * {@link Classified}, never a "decoder error", and the exact outcome where one is expected.
 */
class EncapsulationProperties {
    static final int PROBER = HostileFrameProperties.PROBER;
    static final int ROUTER = HostileFrameProperties.ROUTER;

    /** How the IPv4 bytes travel: each kind writes its headers, then the IPv4 datagram. */
    enum Kind {
        MPLS, MPLS_MULTICAST, VLAN_MPLS, QINQ_MPLS, PPPOE, VLAN_PPPOE, PPPOE_MPLS, SLL_MPLS, SLL2_PPPOE,
        PPP_ETHER, PPP_HDLC_MPLS
    }

    record Framed(int linkType, byte[] frame, int header) {
    }

    static Framed frame(Kind kind, List<MplsEntry> stack, byte[] ip) {
        Encapsulation e = Encapsulation.ethernet(Encapsulation.HOST_MAC, Encapsulation.ROUTER_MAC);
        int linkType = LinkLayer.ETHERNET;
        switch (kind) {
            case MPLS -> e.u16(LinkLayer.ETHERTYPE_MPLS).labels(stack);
            case MPLS_MULTICAST -> e.u16(LinkLayer.ETHERTYPE_MPLS_MULTICAST).labels(stack);
            case VLAN_MPLS -> e.tag(LinkLayer.ETHERTYPE_VLAN, 100).u16(LinkLayer.ETHERTYPE_MPLS).labels(stack);
            case QINQ_MPLS -> e.tag(LinkLayer.ETHERTYPE_QINQ, 200).tag(LinkLayer.ETHERTYPE_VLAN, 100)
                    .u16(LinkLayer.ETHERTYPE_MPLS).labels(stack);
            case PPPOE -> e.u16(LinkLayer.ETHERTYPE_PPPOE_SESSION).pppoe(0x1234, LinkLayer.PPP_IPV4, ip.length);
            case VLAN_PPPOE -> e.tag(LinkLayer.ETHERTYPE_VLAN, 7).u16(LinkLayer.ETHERTYPE_PPPOE_SESSION)
                    .pppoe(1, LinkLayer.PPP_IPV4, ip.length);
            case PPPOE_MPLS -> e.u16(LinkLayer.ETHERTYPE_PPPOE_SESSION)
                    .pppoe(1, LinkLayer.PPP_MPLS, stack.size() * 4 + ip.length).labels(stack);
            case SLL_MPLS -> {
                // packet type 0 (to us), ARPHRD_ETHER, address length 6, address, protocol
                e = Encapsulation.bare().u16(0).u16(1).u16(6).raw(Encapsulation.ROUTER_MAC).u16(0)
                        .u16(LinkLayer.ETHERTYPE_MPLS).labels(stack);
                linkType = LinkLayer.LINUX_SLL;
            }
            case SLL2_PPPOE -> {
                e = Encapsulation.bare().u16(LinkLayer.ETHERTYPE_PPPOE_SESSION).u16(0).raw(new byte[] {0, 0, 0, 2})
                        .u16(1).raw(new byte[] {0, 6}).raw(Encapsulation.ROUTER_MAC).u16(0)
                        .pppoe(9, LinkLayer.PPP_IPV4, ip.length);
                linkType = LinkLayer.LINUX_SLL2;
            }
            case PPP_ETHER -> {
                e = Encapsulation.bare().pppoe(9, LinkLayer.PPP_IPV4, ip.length);
                linkType = LinkLayer.PPP_ETHER;
            }
            case PPP_HDLC_MPLS -> {
                e = Encapsulation.bare().raw(new byte[] {(byte) 0xff, 0x03}).u16(LinkLayer.PPP_MPLS).labels(stack);
                linkType = LinkLayer.PPP_HDLC;
            }
            default -> throw new AssertionError(kind);
        }
        byte[] frame = e.then(ip);
        return new Framed(linkType, frame, frame.length - ip.length);
    }

    @Provide
    Arbitrary<HostileFrameProperties.Probe> probes() {
        return Combinators.combine(Arbitraries.integers().between(0, 0xffff), Arbitraries.integers().between(1, 255),
                        Arbitraries.integers().between(0, 0xffff), Arbitraries.integers().between(ProbeEncoder.MIN_TOTAL_LENGTH, 300),
                        Arbitraries.integers().between(1, 0xffff), Arbitraries.integers().between(1, 0xffff))
                .as((low, ttl, ipId, total, sport, dport) -> HostileFrameProperties.probe(
                        Ipv4Address.parse("198.19.0.0") + low, ttl, ipId, 0, total, sport, dport));
    }

    @Provide
    Arbitrary<List<MplsEntry>> stacks() {
        Arbitrary<MplsEntry> entry = Combinators.combine(Arbitraries.integers().between(0, 0xfffff),
                Arbitraries.integers().between(0, 7), Arbitraries.integers().between(0, 255))
                .as((label, tc, ttl) -> new MplsEntry(label, tc, false, ttl));
        return entry.list().ofMinSize(1).ofMaxSize(8).map(list -> {
            List<MplsEntry> out = new ArrayList<>(list);
            MplsEntry last = out.get(out.size() - 1);
            out.set(out.size() - 1, new MplsEntry(last.label(), last.trafficClass(), true, last.ttl()));
            return out;
        });
    }

    static Classified classify(FrameClassifier classifier, Framed f, int caplen) {
        Classified c = classifier.classify(HostileFrameProperties.REPLY_AT, f.linkType(), f.frame(), caplen, caplen);
        assertNotNull(c);
        if (c instanceof Classified.Malformed m) {
            assertFalse(m.reason().startsWith("decoder error"), m.reason());
        }
        return c;
    }

    @Property(tries = 1500)
    void framedProbesAndRepliesDecodeAsUnframed(@ForAll("probes") HostileFrameProperties.Probe probe,
                                                @ForAll Kind kind, @ForAll("stacks") List<MplsEntry> stack) {
        FrameClassifier classifier = new FrameClassifier();
        Framed sent = frame(kind, stack, probe.ip());
        SentProbe p = assertInstanceOf(SentProbe.class, classify(classifier, sent, sent.frame().length));
        assertEquals(probe.sent().destinationPort(), p.destinationPort());
        assertEquals(probe.sent().checksum(), p.checksum());
        assertEquals(probe.sent().ipId(), p.ipId());
        byte[] reply = IcmpErrorEncoder.timeExceeded(ROUTER, PROBER, probe.ip(), 0, probe.ip().length).toBytes();
        Framed back = frame(kind, stack, reply);
        IcmpReply r = assertInstanceOf(IcmpReply.class, classify(classifier, back, back.frame().length));
        HostileFrameProperties.assertQuotes(probe, r.quote());
        ProbeTable table = new ProbeTable(4);
        table.add(p);
        assertSame(p, table.attribute(r));
    }

    @Property(tries = 1500)
    void framedFramesCutAnywhere(@ForAll("probes") HostileFrameProperties.Probe probe, @ForAll Kind kind,
                                 @ForAll("stacks") List<MplsEntry> stack, @ForAll @IntRange(min = 0, max = 400) int cut) {
        Framed f = frame(kind, stack, probe.ip());
        int caplen = Math.min(cut, f.frame().length);
        Classified c = classify(new FrameClassifier(), f, caplen);
        // MPLS needs the payload's first byte to say what it is; the others only their own headers.
        boolean nibble = kind.name().contains("MPLS");
        if (caplen < f.header() || (nibble && caplen == f.header())) {
            assertEquals(new Classified.Malformed("link header truncated"), c);
        } else if (caplen < f.header() + 20) {
            assertEquals(new Classified.Malformed("IPv4 header past capture"), c);
        }
    }

    @Property(tries = 2000)
    void randomBytesBehindEveryEncapsulationNeverThrow(@ForAll @Size(max = 120) byte[] tail) {
        int[] types = {LinkLayer.ETHERTYPE_MPLS, LinkLayer.ETHERTYPE_MPLS_MULTICAST, LinkLayer.ETHERTYPE_PPPOE_SESSION,
            LinkLayer.ETHERTYPE_PPPOE_DISCOVERY, LinkLayer.ETHERTYPE_VLAN, LinkLayer.ETHERTYPE_QINQ};
        FrameClassifier classifier = new FrameClassifier();
        for (int type : types) {
            byte[] eth = Encapsulation.ethernet(Encapsulation.HOST_MAC, Encapsulation.ROUTER_MAC).u16(type).then(tail);
            check(classifier, LinkLayer.ETHERNET, eth);
            byte[] sll = Encapsulation.bare().u16(0).u16(1).u16(6).raw(Encapsulation.ROUTER_MAC).u16(0).u16(type)
                    .then(tail);
            check(classifier, LinkLayer.LINUX_SLL, sll);
        }
        for (int linkType : new int[] {LinkLayer.PPP, LinkLayer.PPP_HDLC, LinkLayer.PPP_ETHER, LinkLayer.C_HDLC}) {
            check(classifier, linkType, tail);
            byte[] hdlc = Encapsulation.bare().raw(new byte[] {(byte) 0xff, 0x03, 0x00, 0x21}).then(tail);
            check(classifier, linkType, hdlc);
        }
    }

    private static void check(FrameClassifier classifier, int linkType, byte[] frame) {
        Classified c = classifier.classify(0L, linkType, frame, frame.length, frame.length);
        assertNotNull(c);
        if (c instanceof Classified.Malformed m) {
            assertFalse(m.reason().startsWith("decoder error"), m.reason());
        }
    }

    /** Where the extension structure goes: none, after a compliant length, at 128 with the length field 0. */
    enum Layout { NONE, COMPLIANT, NON_COMPLIANT }

    @Property(tries = 2000)
    void anyLengthFieldKeepsTheReply(@ForAll("probes") HostileFrameProperties.Probe probe, @ForAll Layout layout,
                                     @ForAll @IntRange(min = -1, max = 255) int words,
                                     @ForAll("stacks") List<MplsEntry> stack, @ForAll boolean mplsFramed) {
        IcmpErrorEncoder e = IcmpErrorEncoder.timeExceeded(ROUTER, PROBER, probe.ip(), 0, probe.ip().length);
        List<IcmpExtension> objects = List.of(IcmpExtensions.mplsObject(stack));
        if (layout != Layout.NONE) {
            e.extensions(objects);
        }
        if (layout == Layout.NON_COMPLIANT) {
            e.compatibilityLayout();
        }
        if (words >= 0) {
            e.lengthField(words);
        }
        byte[] reply = e.toBytes();
        Framed f = mplsFramed ? frame(Kind.MPLS, stack, reply) : new Framed(LinkLayer.IPV4, reply, 0);
        FrameClassifier classifier = new FrameClassifier();
        // The quote holds the IP header + 8 bytes whatever the length field says: always a reply, attributed.
        IcmpReply r = assertInstanceOf(IcmpReply.class, classify(classifier, f, f.frame().length));
        HostileFrameProperties.assertQuotes(probe, r.quote());
        ProbeTable table = new ProbeTable(4);
        table.add(probe.sent());
        assertSame(probe.sent(), table.attribute(r));
        Map<String, Long> warnings = classifier.warnings();
        assertTrue(warnings.size() <= 1 && warnings.values().stream().allMatch(n -> n == 1L), warnings.toString());
        if (layout == Layout.NONE) {
            assertEquals(List.of(), r.extensions());
        } else {
            // Decoded exactly, or dropped; never something else.
            assertTrue(r.extensions().isEmpty() || r.extensions().equals(objects), r.extensions().toString());
            boolean exact = words < 0 || (layout == Layout.NON_COMPLIANT ? words == 0 : words == 32);
            if (exact) {
                assertEquals(objects, r.extensions());
                assertEquals(Map.of(), warnings);
            }
            int body = reply.length - 28;
            if (layout == Layout.NON_COMPLIANT && words * 4 != body && (words < 32 || words * 4 + 4 > body)) {
                // Zero or ignored: the structure at 128 is found (RFC 4884 section 5.5).
                assertEquals(objects, r.extensions());
            }
        }
    }
}
