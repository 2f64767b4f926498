package org.tracecap.match;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.tracecap.capture.CapturedFrames;
import org.tracecap.packet.Encapsulation;
import org.tracecap.packet.IcmpErrorEncoder;
import org.tracecap.packet.IcmpExtensions;
import org.tracecap.packet.Ipv4Address;
import org.tracecap.packet.LinkLayer;
import org.tracecap.packet.MplsEntry;
import org.tracecap.packet.RealFrames;

/**
 * Whatever the bytes, {@link FrameClassifier} gives a {@link Classified} and never throws: random bytes,
 * and real frames (from captures/ and synthetic RFC 4884 frames) with bits flipped, truncated, spliced.
 * A "decoder error" reason would mean an unexpected runtime exception inside a decoder: it must not occur.
 */
class DecoderProperties {
    static final int[] LINK_TYPES = {0, 1, 9, 12, 14, 50, 51, 101, 104, 108, 113, 228, 276, 147};

    static final List<byte[]> REAL = realFrames();

    private static List<byte[]> realFrames() {
        List<byte[]> out = new ArrayList<>();
        for (String hex : List.of(RealFrames.UDP_PROBE, RealFrames.TIME_EXCEEDED, RealFrames.ADMIN_PROHIBITED,
                RealFrames.TCP_SYN, RealFrames.TCP_RST, RealFrames.ECHO_REQUEST, RealFrames.ECHO_REPLY,
                RealFrames.VLAN_UDP_PROBE, RealFrames.ARP_REQUEST)) {
            out.add(RealFrames.bytes(hex));
        }
        for (CapturedFrames.Frame f : CapturedFrames.read("ecmp-dublin.pcap")) {
            out.add(f.bytes());
        }
        // SYNTHETIC RFC 4884/4950 frames (Linux routers emit none), with an Ethernet header.
        byte[] probe = RealFrames.bytes(RealFrames.UDP_PROBE);
        byte[] mac = new byte[6];
        out.add(IcmpErrorEncoder.timeExceeded(Ipv4Address.parse("198.18.2.2"), Ipv4Address.parse("198.18.1.1"),
                probe, 14, 60).ethernet(mac, mac)
                .extensions(List.of(IcmpExtensions.mplsObject(List.of(new MplsEntry(100, 1, false, 1),
                        new MplsEntry(200, 0, true, 1))))).toBytes());
        out.add(IcmpErrorEncoder.timeExceeded(Ipv4Address.parse("198.18.2.2"), Ipv4Address.parse("198.18.1.1"),
                probe, 14, 60).ethernet(mac, mac).compatibilityLayout()
                .extensions(List.of(IcmpExtensions.mplsObject(List.of(new MplsEntry(100, 1, true, 1))))).toBytes());
        // SYNTHETIC MPLS and PPPoE frames (this kernel forwards neither): a probe behind a VLAN tag and a
        // 3-label stack, and the same behind a PPPoE session header.
        byte[] ip = Arrays.copyOfRange(probe, 14, probe.length);
        out.add(Encapsulation.ethernet(mac, mac).tag(LinkLayer.ETHERTYPE_VLAN, 100).u16(LinkLayer.ETHERTYPE_MPLS)
                .labels(Encapsulation.stack(3)).then(ip));
        out.add(Encapsulation.ethernet(mac, mac).u16(LinkLayer.ETHERTYPE_PPPOE_SESSION)
                .pppoe(1, LinkLayer.PPP_IPV4, ip.length).then(ip));
        return out;
    }

    private static void classifyAll(byte[] frame, int caplen) {
        FrameClassifier classifier = new FrameClassifier();
        for (int linkType : LINK_TYPES) {
            Classified c = classifier.classify(0L, linkType, frame, caplen, caplen);
            assertNotNull(c);
            if (c instanceof Classified.Malformed m) {
                assertFalse(m.reason().startsWith("decoder error"), m.reason());
            }
        }
        if (caplen > 0) {
            // The same frame under every link type, raw IPv4 at every offset into it.
            classifier.classify(0L, LinkLayer.IPV4, Arrays.copyOfRange(frame, caplen / 2, caplen), caplen - caplen / 2, 0);
        }
    }

    @Property(tries = 2000)
    void randomBytesNeverThrow(@ForAll @Size(max = 700) byte[] frame, @ForAll @IntRange(min = -5, max = 800) int caplen) {
        classifyAll(frame, Math.max(0, Math.min(caplen, frame.length)));
    }

    @Provide
    Arbitrary<byte[]> mutatedFrames() {
        Arbitrary<byte[]> base = Arbitraries.of(REAL).map(byte[]::clone);
        Arbitrary<int[]> flips = Arbitraries.integers().between(0, 100_000).array(int[].class).ofMaxSize(6);
        Arbitrary<Integer> cut = Arbitraries.integers().between(0, 800);
        return Combinators.combine(base, flips, cut, Arbitraries.of(REAL), Arbitraries.integers().between(0, 800))
                .as((frame, bits, truncate, other, spliceAt) -> {
                    for (int bit : bits) {
                        int i = bit / 8 % frame.length;
                        frame[i] ^= (byte) (1 << (bit % 8));
                    }
                    byte[] out = Arrays.copyOf(frame, Math.min(frame.length, truncate));
                    if (spliceAt % 3 == 0 && out.length > 0) {
                        int at = spliceAt % out.length;
                        byte[] spliced = Arrays.copyOf(out, at + other.length);
                        System.arraycopy(other, 0, spliced, at, other.length);
                        out = spliced;
                    }
                    return out;
                });
    }

    @Property(tries = 3000)
    void mutatedRealFramesNeverThrow(@ForAll("mutatedFrames") byte[] frame) {
        classifyAll(frame, frame.length);
    }

    @Property(tries = 500)
    void fieldMutationsOfEveryByteNeverThrow(@ForAll @IntRange(min = 0, max = 10) int which,
                                              @ForAll @IntRange(min = 0, max = 300) int index,
                                              @ForAll byte value) {
        byte[] frame = REAL.get(which % REAL.size()).clone();
        frame[index % frame.length] = value;
        classifyAll(frame, frame.length);
    }
}
