package org.tracecap.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.tracecap.packet.Bytes;
import org.tracecap.packet.Checksum;
import org.tracecap.packet.IcmpErrorEncoder;
import org.tracecap.packet.IcmpExtension;
import org.tracecap.packet.IcmpExtensions;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.IpProtocol;
import org.tracecap.packet.Ipv4Address;
import org.tracecap.packet.LinkLayer;
import org.tracecap.packet.MplsEntry;
import org.tracecap.packet.ProbeEncoder;

/**
 * Targeted hostile input for the whole decode path: well-formed frames built with the project's encoders
 * ({@link ProbeEncoder}, {@link IcmpErrorEncoder}, {@link IcmpExtensions}), then lied about in one place.
 * Each property checks that {@link FrameClassifier#classify} returns a {@link Classified} without throwing,
 * that the lie gives exactly the expected Malformed reason, warning or Ignored reason (or, for IP options and
 * first fragments, a correct decode), and that {@link ProbeTable#attribute} never throws and never
 * attributes a reply whose quote names another destination, destination port or protocol.
 * {@link DecoderProperties} covers random and blindly mutated bytes.
 */
class HostileFrameProperties {
    static final int PROBER = Ipv4Address.parse("198.18.1.1");
    static final int ROUTER = Ipv4Address.parse("198.18.2.2");
    static final byte[] MAC = {2, 0, 0, 0, 0, 1};
    static final long SENT_AT = 1_000L;
    static final long REPLY_AT = 2_000L;

    /** Where the quoted IPv4 header starts in an Ethernet ICMP error built by {@link IcmpErrorEncoder}. */
    static final int QUOTE = ProbeEncoder.ETHERNET_HEADER + 20 + 8;
    /** The RFC 4884 extension structure of a non-compatibility layout: after the 128-byte datagram field. */
    static final int EXTENSIONS = QUOTE + IcmpExtensions.MIN_DATAGRAM_FIELD;

    static final String QUOTED_IHL = "quoted IPv4 IHL < 5";
    static final String QUOTED_PAST = "quoted IPv4 header past capture";
    static final String OBJECT_LENGTH = "ICMP extension object length";

    /** A UDP probe as sent: its IPv4 bytes and what the classifier makes of them. */
    record Probe(byte[] ip, SentProbe sent) {
        int total() {
            return ip.length;
        }

        @Override
        public String toString() {
            return "Probe" + sent;
        }
    }

    static Probe probe(int destination, int ttl, int ipId, int tos, int total, int sport, int dport) {
        ProbeEncoder.UdpProbe p = new ProbeEncoder.UdpProbe(null, null, PROBER, destination, ttl, ipId, tos, false,
                total, sport, dport, ProbeEncoder.NATURAL_CHECKSUM, null);
        byte[] ip = new byte[total];
        ProbeEncoder.encodeIp(p, ip, 0);
        SentProbe sent = assertInstanceOf(SentProbe.class,
                new FrameClassifier().classify(SENT_AT, LinkLayer.IPV4, ip, ip.length, ip.length));
        return new Probe(ip, sent);
    }

    @Provide
    Arbitrary<Probe> probes() {
        Arbitrary<Integer> destination = Arbitraries.integers().between(0, 0x1ffff)
                .map(low -> Ipv4Address.parse("198.18.0.0") + 0x10000 + (low & 0xffff));
        return Combinators.combine(destination, Arbitraries.integers().between(1, 255),
                        Arbitraries.integers().between(0, 0xffff), Arbitraries.integers().between(0, 0xff),
                        Arbitraries.integers().between(ProbeEncoder.MIN_TOTAL_LENGTH, 120),
                        Arbitraries.integers().between(1, 0xffff), Arbitraries.integers().between(1, 0xffff))
                .as(HostileFrameProperties::probe);
    }

    /** An Ethernet Time Exceeded from the router quoting at most {@code quoteLimit} bytes of the probe. */
    static byte[] timeExceeded(byte[] probeIp, int quoteLimit) {
        return IcmpErrorEncoder.timeExceeded(ROUTER, PROBER, probeIp, 0, probeIp.length).ethernet(MAC, MAC)
                .quoteLimit(quoteLimit).toBytes();
    }

    /** Same, with an MPLS extension object in the RFC 4884 layout (length field set, structure after 128). */
    static byte[] withMpls(byte[] probeIp, List<MplsEntry> stack) {
        return IcmpErrorEncoder.timeExceeded(ROUTER, PROBER, probeIp, 0, probeIp.length).ethernet(MAC, MAC)
                .extensions(List.of(IcmpExtensions.mplsObject(stack))).toBytes();
    }

    static final class Run {
        final FrameClassifier classifier = new FrameClassifier();
        final ProbeTable table = new ProbeTable(16);
        final Classified result;
        final SentProbe attributed;

        Run(Probe probe, byte[] frame) {
            table.add(probe.sent());
            result = classifier.classify(REPLY_AT, LinkLayer.ETHERNET, frame, frame.length, frame.length);
            assertNotNull(result);
            if (result instanceof Classified.Malformed m) {
                assertFalse(m.reason().startsWith("decoder error"), m.reason());
            }
            attributed = result instanceof IcmpReply r ? table.attribute(r) : null;
            if (attributed != null) {
                // Whatever else may be relaxed, a reply goes only to a probe to the destination, port and
                // protocol it quotes.
                QuotedProbe q = ((IcmpReply) result).quote();
                assertEquals(attributed.destination(), q.destination());
                assertEquals(attributed.protocol(), q.protocol());
                assertEquals(attributed.destinationPort(), q.destinationPort());
            }
        }

        void malformed(String reason) {
            assertEquals(new Classified.Malformed(reason), result);
            assertNull(attributed);
        }

        IcmpReply reply() {
            return assertInstanceOf(IcmpReply.class, result);
        }
    }

    static void assertQuotes(Probe probe, QuotedProbe q) {
        SentProbe s = probe.sent();
        assertEquals(s.source(), q.source());
        assertEquals(s.destination(), q.destination());
        assertEquals(IpProtocol.UDP, q.protocol());
        assertEquals(s.ttl(), q.ttl());
        assertEquals(s.ipId(), q.ipId());
        assertEquals(s.totalLength(), q.totalLength());
        assertEquals(s.tos(), q.tos());
        assertEquals(s.sourcePort(), q.sourcePort());
        assertEquals(s.destinationPort(), q.destinationPort());
        assertEquals(s.checksum(), q.checksum());
    }

    // ---- (1) the quoted IPv4 header lies ----

    @Property(tries = 1500)
    void quotedIhlAndCutAnywhere(@ForAll("probes") Probe probe, @ForAll @IntRange(min = 0, max = 15) int ihl,
                                 @ForAll @IntRange(min = 0, max = 130) int cut, @ForAll boolean lieAboutIhl) {
        byte[] frame = timeExceeded(probe.ip(), cut);
        int quoted = Math.min(cut, probe.total());
        int header = lieAboutIhl ? ihl : 5;
        if (quoted > 0) {
            frame[QUOTE] = (byte) (0x40 | header);
        }
        Run run = new Run(probe, frame);
        if (quoted < 28) {
            run.malformed(FrameClassifier.SHORT_QUOTE);
        } else if (header < 5) {
            run.malformed(QUOTED_IHL);
        } else if (header * 4 > quoted) {
            run.malformed(QUOTED_PAST);
        } else if (quoted - header * 4 < 8) {
            run.malformed(FrameClassifier.SHORT_QUOTE);
        } else {
            QuotedProbe q = run.reply().quote();
            assertEquals(quoted, q.quotedLength());
            if (header == 5) {
                assertQuotes(probe, q);
                assertSame(probe.sent(), run.attributed);
            }
        }
    }

    @Property(tries = 1000)
    void quotedTotalLengthLies(@ForAll("probes") Probe probe, @ForAll @IntRange(min = 0, max = 0xffff) int lie,
                               @ForAll @IntRange(min = 28, max = 120) int cut) {
        byte[] frame = timeExceeded(probe.ip(), cut);
        Bytes.put16(frame, QUOTE + 2, lie);
        Run run = new Run(probe, frame);
        int quoted = Math.min(cut, probe.total());
        QuotedProbe q = run.reply().quote();
        assertEquals(lie, q.totalLength());
        // A total length shorter than the header is not trusted; a longer one is capped by what is quoted.
        assertEquals(lie >= 20 ? Math.min(quoted, lie) : quoted, q.quotedLength());
        assertEquals(probe.sent().destinationPort(), q.destinationPort());
        assertSame(probe.sent(), run.attributed);
    }

    /** Which quoted field a lie changes; the first three are the identity a reply is attributed by. */
    enum Field {
        DESTINATION(16, 4), DESTINATION_PORT(22, 2), PROTOCOL(9, 1),
        SOURCE(12, 4), SOURCE_PORT(20, 2), IP_ID(4, 2), TTL(8, 1), TOS(1, 1), UDP_CHECKSUM(26, 2);

        final int at;
        final int size;

        Field(int at, int size) {
            this.at = at;
            this.size = size;
        }

        boolean identity() {
            return ordinal() < 3;
        }
    }

    @Property(tries = 1500)
    void quoteLiesAboutOneField(@ForAll("probes") Probe probe, @ForAll Field field,
                                @ForAll @IntRange(min = 1, max = 0xffff) int delta) {
        byte[] frame = timeExceeded(probe.ip(), 28);
        int at = QUOTE + field.at;
        int old = field.size == 4 ? Bytes.s32(frame, at) : field.size == 2 ? Bytes.u16(frame, at) : Bytes.u8(frame, at);
        int mask = field.size == 4 ? -1 : field.size == 2 ? 0xffff : 0xff;
        int value = (old + Math.max(1, delta & mask)) & mask;
        if (field == Field.PROTOCOL && value == IpProtocol.UDP) {
            value = IpProtocol.TCP;
        }
        if (field.size == 4) {
            Bytes.put32(frame, at, value & 0xffffffffL);
        } else if (field.size == 2) {
            Bytes.put16(frame, at, value);
        } else {
            Bytes.put8(frame, at, value);
        }
        Run run = new Run(probe, frame);
        run.reply();
        if (field.identity()) {
            assertNull(run.attributed, "a quote naming another " + field + " was attributed");
        } else {
            // Routers and NATs rewrite these: the relaxed rules still find the only probe to that destination.
            assertSame(probe.sent(), run.attributed);
        }
    }

    @Property(tries = 1500)
    void anyBytesOfTheQuoteLieNeverThrowNorMisattribute(
            @ForAll("probes") Probe probe, @ForAll @IntRange(min = 0, max = 130) int cut,
            @ForAll @Size(max = 8) List<@IntRange(min = 0, max = 0xfffff) Integer> writes, @ForAll boolean mpls) {
        byte[] frame = mpls ? withMpls(probe.ip(), List.of(new MplsEntry(16, 0, true, 1)))
                : timeExceeded(probe.ip(), cut);
        for (int w : writes) {
            int span = frame.length - QUOTE + 8;
            frame[QUOTE - 8 + (w >>> 8) % span] = (byte) w;
        }
        new Run(probe, frame);
    }

    // ---- (2) RFC 4884 extensions that lie ----

    static final List<MplsEntry> STACK = List.of(new MplsEntry(100, 1, false, 1), new MplsEntry(200, 0, true, 1));

    /** Recomputes the extension checksum over [EXTENSIONS, end) so that only the lie is wrong. */
    static void fixExtensionChecksum(byte[] frame) {
        Bytes.put16(frame, EXTENSIONS + 2, 0);
        Bytes.put16(frame, EXTENSIONS + 2, Checksum.compute(frame, EXTENSIONS, frame.length - EXTENSIONS));
    }

    @Property(tries = 500)
    void wellFormedExtensionsDecode(@ForAll("probes") Probe probe) {
        Run run = new Run(probe, withMpls(probe.ip(), STACK));
        IcmpReply r = run.reply();
        assertEquals(List.of(IcmpExtensions.mplsObject(STACK)), r.extensions());
        assertQuotes(probe, r.quote());
        assertSame(probe.sent(), run.attributed);
        assertTrue(run.classifier.warnings().isEmpty());
    }

    @Provide
    Arbitrary<Integer> lyingObjectLengths() {
        int real = IcmpExtensions.OBJECT_HEADER + STACK.size() * 4;
        return Arbitraries.oneOf(Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(real + 1, real + 8), Arbitraries.integers().between(real + 1, 0xffff),
                Arbitraries.just(0xffff));
    }

    @Property(tries = 800)
    void extensionObjectLengthLies(@ForAll("probes") Probe probe, @ForAll("lyingObjectLengths") int length) {
        byte[] frame = withMpls(probe.ip(), STACK);
        Bytes.put16(frame, EXTENSIONS + IcmpExtensions.HEADER, length);
        fixExtensionChecksum(frame);
        // Only the extension that cannot be read is dropped: the reply is kept and attributed.
        Run run = new Run(probe, frame);
        IcmpReply r = run.reply();
        assertEquals(List.of(), r.extensions());
        assertQuotes(probe, r.quote());
        assertSame(probe.sent(), run.attributed);
        assertEquals(Map.of(OBJECT_LENGTH, 1L), run.classifier.warnings());
    }

    @Property(tries = 500)
    void extensionChecksumLies(@ForAll("probes") Probe probe, @ForAll @IntRange(min = 1, max = 0xffff) int delta) {
        byte[] frame = withMpls(probe.ip(), STACK);
        Bytes.put16(frame, EXTENSIONS + 2, (Bytes.u16(frame, EXTENSIONS + 2) + delta) & 0xffff);
        if (Checksum.verify(frame, EXTENSIONS, frame.length - EXTENSIONS)) {
            return; // 0x0000 and 0xffff are the same one's complement value
        }
        Run run = new Run(probe, frame);
        IcmpReply r = run.reply();
        assertEquals(List.of(), r.extensions());
        assertQuotes(probe, r.quote());
        assertSame(probe.sent(), run.attributed);
        assertEquals(1L, run.classifier.warnings().get(IcmpExtensions.BAD_CHECKSUM));
    }

    @Property(tries = 300)
    void extensionVersionLies(@ForAll("probes") Probe probe, @ForAll @IntRange(min = 0, max = 15) int version,
                              @ForAll boolean fixChecksum) {
        if (version == IcmpExtensions.VERSION) {
            return;
        }
        byte[] frame = withMpls(probe.ip(), STACK);
        frame[EXTENSIONS] = (byte) (version << 4 | frame[EXTENSIONS] & 0x0f);
        if (fixChecksum) {
            fixExtensionChecksum(frame);
        }
        Run run = new Run(probe, frame);
        IcmpReply r = run.reply();
        assertEquals(List.of(), r.extensions());
        assertQuotes(probe, r.quote());
        assertEquals(1L, run.classifier.warnings().get(IcmpExtensions.BAD_VERSION));
    }

    @Property(tries = 1000)
    void extensionLengthFieldLies(@ForAll("probes") Probe probe, @ForAll @IntRange(min = 0, max = 255) int words) {
        byte[] frame = withMpls(probe.ip(), STACK);
        int icmpLength = frame.length - ProbeEncoder.ETHERNET_HEADER - 20;
        int body = icmpLength - 8;
        frame[QUOTE - 8 + 5] = (byte) words;
        Run run = new Run(probe, frame);
        int field = words * 4;
        // Whatever the length field says, the reply is kept: the quote holds the IP header + 8 bytes.
        IcmpReply r = run.reply();
        assertQuotes(probe, r.quote());
        assertSame(probe.sent(), run.attributed);
        List<IcmpExtension> mpls = List.of(IcmpExtensions.mplsObject(STACK));
        if (words == 0 || field == IcmpExtensions.MIN_DATAGRAM_FIELD) {
            // 0: the non-compliant layout at 128 is found where it is (RFC 4884 section 5.5).
            assertEquals(mpls, r.extensions());
            assertEquals(Map.of(), run.classifier.warnings());
        } else if (field == body) {
            assertEquals(List.of(), r.extensions());
            assertEquals(Map.of(), run.classifier.warnings());
        } else if (field < IcmpExtensions.MIN_DATAGRAM_FIELD) {
            // Garbage, ignored: the structure at 128 is still found.
            assertEquals(mpls, r.extensions());
            assertEquals(Map.of(IcmpExtensions.SHORT_DATAGRAM_FIELD, 1L), run.classifier.warnings());
        } else if (field + IcmpExtensions.HEADER > body) {
            assertEquals(mpls, r.extensions());
            assertEquals(Map.of(IcmpExtensions.LENGTH_PAST_END, 1L), run.classifier.warnings());
        } else {
            // Plausible, so trusted, but it points inside the real structure: nothing readable there.
            assertEquals(List.of(), r.extensions());
            assertEquals(1, run.classifier.warnings().size());
            assertTrue(Set.of(IcmpExtensions.BAD_VERSION, IcmpExtensions.BAD_CHECKSUM, OBJECT_LENGTH)
                    .containsAll(run.classifier.warnings().keySet()), run.classifier.warnings().toString());
        }
    }

    // ---- (3) IPv4 options, outer and quoted ----

    /** {@code frame} with {@code options} after the 20-byte IPv4 header at {@code ipAt}; IHL, lengths fixed. */
    static byte[] withOptions(byte[] frame, int ipAt, byte[] options) {
        byte[] out = new byte[frame.length + options.length];
        System.arraycopy(frame, 0, out, 0, ipAt + 20);
        System.arraycopy(options, 0, out, ipAt + 20, options.length);
        System.arraycopy(frame, ipAt + 20, out, ipAt + 20 + options.length, frame.length - ipAt - 20);
        out[ipAt] = (byte) (0x40 | (5 + options.length / 4));
        Bytes.put16(out, ipAt + 2, Bytes.u16(frame, ipAt + 2) + options.length);
        Bytes.put16(out, ipAt + 10, 0);
        Bytes.put16(out, ipAt + 10, Checksum.compute(out, ipAt, 20 + options.length));
        return out;
    }

    @Provide
    Arbitrary<byte[]> options() {
        return Arbitraries.integers().between(1, 10).flatMap(words ->
                Arbitraries.bytes().array(byte[].class).ofSize(words * 4));
    }

    @Property(tries = 800)
    void optionsOutsideAndInTheQuoteDecode(@ForAll("probes") Probe probe, @ForAll("options") byte[] outer,
                                           @ForAll("options") byte[] inner, @ForAll boolean outerOptions,
                                           @ForAll boolean innerOptions) {
        byte[] probeIp = innerOptions ? withOptions(probe.ip(), 0, inner) : probe.ip();
        // The probe with options decodes to the same SentProbe, only longer.
        SentProbe sent = assertInstanceOf(SentProbe.class,
                new FrameClassifier().classify(SENT_AT, LinkLayer.IPV4, probeIp, probeIp.length, probeIp.length));
        assertEquals(probe.sent().destinationPort(), sent.destinationPort());
        assertEquals(probe.sent().checksum(), sent.checksum());
        assertEquals(probeIp.length, sent.totalLength());
        Probe optioned = new Probe(probeIp, sent);
        byte[] frame = timeExceeded(probeIp, IcmpErrorEncoder.DEFAULT_QUOTE_LIMIT);
        if (outerOptions) {
            frame = withOptions(frame, ProbeEncoder.ETHERNET_HEADER, outer);
        }
        Run run = new Run(optioned, frame);
        IcmpReply r = run.reply();
        assertEquals(IpAddress.ipv4(ROUTER), r.source());
        assertEquals(IpAddress.ipv4(PROBER), r.destination());
        assertEquals(frame.length - ProbeEncoder.ETHERNET_HEADER, r.totalLength());
        assertQuotes(optioned, r.quote());
        assertEquals(probeIp.length, r.quote().quotedLength());
        assertSame(sent, run.attributed);
    }

    // ---- (4) fragments, outer and quoted ----

    static void fragment(byte[] frame, int ipAt, boolean more, int offset) {
        Bytes.put16(frame, ipAt + 6, (more ? 0x2000 : 0) | offset);
    }

    @Property(tries = 800)
    void outerFragments(@ForAll("probes") Probe probe, @ForAll boolean more,
                        @ForAll @IntRange(min = 0, max = 0x1fff) int offset, @ForAll boolean mpls) {
        byte[] frame = mpls ? withMpls(probe.ip(), STACK) : timeExceeded(probe.ip(), 28);
        fragment(frame, ProbeEncoder.ETHERNET_HEADER, more, offset);
        Run run = new Run(probe, frame);
        if (offset != 0) {
            assertEquals(new Classified.Ignored(FrameClassifier.FRAGMENT), run.result);
        } else {
            assertQuotes(probe, run.reply().quote());
            assertSame(probe.sent(), run.attributed);
        }
        // A probe that is a non-first fragment is no probe either.
        byte[] ip = probe.ip().clone();
        fragment(ip, 0, more, offset);
        Classified sent = new FrameClassifier().classify(SENT_AT, LinkLayer.IPV4, ip, ip.length, ip.length);
        if (offset != 0) {
            assertEquals(new Classified.Ignored(FrameClassifier.FRAGMENT), sent);
        } else {
            assertInstanceOf(SentProbe.class, sent);
        }
    }

    @Property(tries = 800)
    void quotedFragments(@ForAll("probes") Probe probe, @ForAll boolean more,
                         @ForAll @IntRange(min = 0, max = 0x1fff) int offset) {
        byte[] frame = timeExceeded(probe.ip(), 28);
        fragment(frame, QUOTE, more, offset);
        Run run = new Run(probe, frame);
        QuotedProbe q = run.reply().quote();
        SentProbe s = probe.sent();
        assertEquals(s.destination(), q.destination());
        assertEquals(s.ipId(), q.ipId());
        if (offset == 0) {
            assertQuotes(probe, q);
            assertSame(s, run.attributed);
        } else {
            // A later fragment quotes payload, not ports: no transport fields, so nothing to attribute.
            assertEquals(0, q.sourcePort());
            assertEquals(0, q.destinationPort());
            assertEquals(0, q.checksum());
            assertNull(run.attributed);
        }
    }

    // ---- many probes in the table: a lie never picks another probe ----

    @Property(tries = 300)
    void lyingQuotesAmongManyProbes(@ForAll @Size(min = 2, max = 12) List<@From("probes") Probe> probes,
                                    @ForAll @IntRange(min = 0, max = 11) int which, @ForAll("probes") Probe stranger) {
        ProbeTable table = new ProbeTable(64);
        for (Probe p : probes) {
            table.add(p.sent());
        }
        FrameClassifier classifier = new FrameClassifier();
        List<byte[]> frames = new ArrayList<>();
        Probe target = probes.get(which % probes.size());
        frames.add(timeExceeded(target.ip(), 28));
        frames.add(timeExceeded(stranger.ip(), 28));
        byte[] spliced = timeExceeded(target.ip(), 28);
        System.arraycopy(stranger.ip(), 16, spliced, QUOTE + 16, 4);
        frames.add(spliced);
        for (byte[] frame : frames) {
            Classified c = classifier.classify(REPLY_AT, LinkLayer.ETHERNET, frame, frame.length, frame.length);
            IcmpReply r = assertInstanceOf(IcmpReply.class, c);
            SentProbe p = table.attribute(r);
            if (p != null) {
                assertEquals(p.destination(), r.quote().destination());
                assertEquals(p.destinationPort(), r.quote().destinationPort());
                assertEquals(p.protocol(), r.quote().protocol());
            }
        }
        assertNotNull(table.attribute((IcmpReply) classifier.classify(REPLY_AT, LinkLayer.ETHERNET, frames.get(0),
                frames.get(0).length, frames.get(0).length)));
    }
}
