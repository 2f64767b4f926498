package org.tracecap.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Random and mutated IPv6 / ICMPv6 bytes through every view: a result or a {@link PacketException}, never
 * anything else, and the clamped lengths always inside the bytes.
 */
class Ipv6Properties {
    private static final List<byte[]> REAL = List.of(Bytes.fromHex(RealIpv6Frames.UDP_PROBE),
            Bytes.fromHex(RealIpv6Frames.TIME_EXCEEDED), Bytes.fromHex(RealIpv6Frames.PORT_UNREACHABLE),
            Bytes.fromHex(RealIpv6Frames.ECHO_REQUEST), Bytes.fromHex(RealIpv6Frames.ECHO_REPLY),
            Bytes.fromHex(RealIpv6Frames.NEIGHBOR_SOLICITATION), Bytes.fromHex(RealIpv6Frames.NEIGHBOR_ADVERTISEMENT),
            Bytes.fromHex(RealIpv6Frames.MLD_HOP_BY_HOP),
            // Synthetic: the Time Exceeded rebuilt with an RFC 4884 MPLS object.
            IcmpErrorEncoder.timeExceeded(IpAddress.parse("2001:db8:1::2"), IpAddress.parse("2001:db8:1::1"),
                    Bytes.fromHex(RealIpv6Frames.UDP_PROBE), 14, 80).ethernet(new byte[6], new byte[6])
                    .extensions(List.of(IcmpExtensions.mplsObject(List.of(new MplsEntry(16005, 0, true, 1)))))
                    .toBytes());

    /** Everything a classifier would do with the bytes from {@code ip}: walk, transport, quote, extensions. */
    private static void readAll(byte[] b, int ip, int len) {
        try {
            Ipv6View v = Ipv6View.of(b, ip, len);
            int up = v.upperLayerOffset();
            int ul = v.upperLayerLength();
            assertTrue(ul >= 0 && up + ul <= b.length && up >= ip + Ipv6View.HEADER);
            assertTrue(v.payloadLength() >= 0 && v.payloadOffset() + v.payloadLength() <= b.length);
            v.fragmentIdentification();
            v.source();
            if (!v.hasUpperLayer()) {
                return;
            }
            switch (v.upperLayerProtocol()) {
                case IpProtocol.UDP -> UdpView.of(b, up, ul).payloadLength();
                case IpProtocol.TCP -> TcpView.of(b, up, ul);
                case IpProtocol.ICMPV6 -> readIcmpv6(b, up, ul, v.upperLayerDeclaredLength());
                default -> {
                }
            }
        } catch (PacketException expected) {
            assertTrue(expected.reason() != null);
        }
    }

    private static void readIcmpv6(byte[] b, int off, int len, int declared) {
        IcmpView icmp = IcmpView.ofIcmpv6(b, off, len);
        icmp.nextHopMtu();
        icmp.pointer();
        IcmpExtensions.Parsed parsed = IcmpExtensions.parse(icmp, declared);
        assertTrue(parsed.datagramField() >= 0);
        if (icmp.isError()) {
            Ipv6View q = Ipv6View.ofQuote(b, icmp.bodyOffset(), Math.min(icmp.bodyLength(), parsed.datagramField()));
            assertTrue(q.upperLayerLength() >= 0 && q.upperLayerOffset() <= b.length);
            if (q.hasUpperLayer() && q.upperLayerProtocol() == IpProtocol.UDP) {
                UdpView.of(b, q.upperLayerOffset(), q.upperLayerLength());
            }
        }
    }

    @Provide
    Arbitrary<byte[]> realFrames() {
        return Arbitraries.of(REAL).map(byte[]::clone);
    }

    @Property(tries = 3000)
    void mutatedRealFramesNeverThrowAnythingElse(@ForAll("realFrames") byte[] frame,
            @ForAll @Size(max = 8) List<@IntRange(min = 0, max = 4095) Integer> positions,
            @ForAll @Size(max = 8) List<@IntRange(min = 0, max = 255) Integer> values,
            @ForAll @IntRange(min = 0, max = 300) int cut) {
        for (int i = 0; i < Math.min(positions.size(), values.size()); i++) {
            frame[positions.get(i) % frame.length] = (byte) (int) values.get(i);
        }
        int len = Math.min(cut, frame.length);
        try {
            int found = LinkLayer.network(LinkLayer.ETHERNET, frame, len);
            if (found != LinkLayer.NOT_IP && LinkLayer.networkFamily(found) == IpAddress.IPV6) {
                int at = LinkLayer.networkOffset(found);
                readAll(frame, at, len - at);
            }
        } catch (PacketException expected) {
            assertTrue(expected.reason() != null);
        }
    }

    @Property(tries = 2000)
    void randomBytesBehindAnIpv6Nibble(@ForAll @Size(min = 0, max = 200) byte[] bytes, @ForAll boolean quote,
            @ForAll @IntRange(min = 0, max = 5) int nextHeaderChoice) {
        if (bytes.length > 0) {
            bytes[0] = (byte) (0x60 | (bytes[0] & 0x0f));
        }
        if (bytes.length > Ipv6View.NEXT_HEADER) {
            bytes[Ipv6View.NEXT_HEADER] = (byte) new int[] {0, 43, 44, 51, 60, 58}[nextHeaderChoice];
        }
        if (quote) {
            try {
                Ipv6View q = Ipv6View.ofQuote(bytes, 0, bytes.length);
                assertTrue(q.upperLayerOffset() >= Ipv6View.HEADER);
                assertTrue(q.upperLayerLength() <= bytes.length);
            } catch (PacketException expected) {
                assertEquals("ICMPv6 quote", expected.layer());
            }
        } else {
            readAll(bytes, 0, bytes.length);
        }
    }

    @Property(tries = 1000)
    void randomLinkHeadersForEveryLinkType(@ForAll @Size(min = 0, max = 64) byte[] bytes,
            @ForAll @IntRange(min = 0, max = 300) int linkType) {
        try {
            int found = LinkLayer.network(linkType, bytes, bytes.length);
            if (found != LinkLayer.NOT_IP) {
                assertTrue(LinkLayer.networkOffset(found) <= bytes.length);
                int family = LinkLayer.networkFamily(found);
                assertTrue(family == 4 || family == 6);
            }
        } catch (PacketException expected) {
            assertEquals("link header truncated", expected.reason());
        }
        int v4 = safeIpv4(linkType, bytes);
        assertTrue(v4 == LinkLayer.NOT_IPV4 || v4 <= bytes.length);
    }

    private static int safeIpv4(int linkType, byte[] bytes) {
        try {
            return LinkLayer.ipv4Offset(linkType, Arrays.copyOf(bytes, bytes.length), bytes.length);
        } catch (PacketException e) {
            return LinkLayer.NOT_IPV4;
        }
    }
}
