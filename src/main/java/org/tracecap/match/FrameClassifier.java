package org.tracecap.match;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.tracecap.packet.Checksum;
import org.tracecap.packet.IcmpExtension;
import org.tracecap.packet.IcmpExtensions;
import org.tracecap.packet.IcmpMeaning;
import org.tracecap.packet.IcmpType;
import org.tracecap.packet.IcmpView;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.IpProtocol;
import org.tracecap.packet.Icmpv6Type;
import org.tracecap.packet.Ipv4View;
import org.tracecap.packet.Ipv6View;
import org.tracecap.packet.LinkLayer;
import org.tracecap.packet.PacketException;
import org.tracecap.packet.TcpView;
import org.tracecap.packet.UdpView;

/**
 * Turns one captured frame into a {@link Classified}. Never throws on bytes: whatever the packet layer
 * rejects comes back as {@link Classified.Malformed} with the {@link PacketException#reason()} as its short,
 * stable reason.
 *
 * <ol>
 *   <li>An unsupported link type, or a frame that carries neither IPv4 nor IPv6 (ARP, LCP...), is Ignored.
 *       IPv6 goes through the same rules below into the same records ({@code ipv6}): the extension headers
 *       walked by {@link Ipv6View}, ICMPv6 for ICMP (Packet Too Big among the errors), the hop limit for the
 *       TTL, the low 16 bits of the Fragment header's identification (else 0) for the IP ID, and the flow label.</li>
 *   <li>A non-first fragment is Ignored: only first fragments carry the transport header. An IPv6 chain that
 *       ends before a transport (No Next Header, too many headers) is Ignored too.</li>
 *   <li>UDP, ICMP Echo Request and TCP SYN without ACK are {@link SentProbe}s (probe candidates; whether
 *       one is a probe is known only when something quotes or answers it), with the payload's first bytes
 *       and whether the rest is zero ({@link ProbePayload}: what tells the tools apart). A UDP or TCP
 *       checksum field that holds a partial checksum (captured on a host sending with transmit checksum
 *       offload) is recognised, and the probe carries the checksum it left with when the segment was captured
 *       whole ({@link Checksum#offloaded}).</li>
 *   <li>ICMP errors (Destination Unreachable, Time Exceeded, Parameter Problem, Source Quench, Redirect)
 *       whose quote holds at least the inner IP header + 8 bytes are {@link IcmpReply}s with the dissected
 *       {@link QuotedProbe}, always: where the quote ends and whether RFC 4884 extensions follow it (compliant
 *       or at the non-compliant offset 128) is decided by {@link IcmpExtensions#parse(IcmpView, int)}, which
 *       ignores a garbage length field and drops an unreadable extension, each with a warning, never making
 *       the reply malformed.</li>
 *   <li>ICMP Echo Reply is an {@link IcmpReply} with no quote; TCP SYN-ACK or RST is a {@link TcpReply}.</li>
 *   <li>Everything else is Ignored with a reason.</li>
 * </ol>
 *
 * <p>RFC 4884 problems that leave the reply usable (a length field ignored as implausible; an extension
 * dropped for its version, checksum or object lengths) are counted in {@link #warnings()}, at most one a
 * reply, and only for replies kept. An instance is not thread-safe because of that counter; use one per
 * replay or per trace.
 */
public final class FrameClassifier {
    public static final String NOT_IP = "not IP";
    public static final String UNSUPPORTED_LINK = "unsupported link type";
    public static final String FRAGMENT = "IPv4 non-first fragment";
    public static final String FRAGMENT_IPV6 = "IPv6 non-first fragment";
    public static final String IPV6_NOT_TRACED = "IPv6 extension header not traced";
    public static final String OTHER_PROTOCOL = "IP protocol not traced";
    public static final String OTHER_ICMP = "ICMP type not traced";
    public static final String OTHER_ICMPV6 = "ICMPv6 type not traced";
    public static final String OTHER_TCP = "TCP not SYN, SYN-ACK or RST";
    public static final String SHORT_QUOTE = "ICMP quote shorter than IP header + 8";

    private static final Classified.Ignored IGNORED_NOT_IP = new Classified.Ignored(NOT_IP);
    private static final Classified.Ignored IGNORED_LINK = new Classified.Ignored(UNSUPPORTED_LINK);
    private static final Classified.Ignored IGNORED_FRAGMENT = new Classified.Ignored(FRAGMENT);
    private static final Classified.Ignored IGNORED_FRAGMENT_IPV6 = new Classified.Ignored(FRAGMENT_IPV6);
    private static final Classified.Ignored IGNORED_IPV6_NOT_TRACED = new Classified.Ignored(IPV6_NOT_TRACED);
    private static final Classified.Ignored IGNORED_PROTOCOL = new Classified.Ignored(OTHER_PROTOCOL);
    private static final Classified.Ignored IGNORED_ICMP = new Classified.Ignored(OTHER_ICMP);
    private static final Classified.Ignored IGNORED_ICMPV6 = new Classified.Ignored(OTHER_ICMPV6);
    private static final Classified.Ignored IGNORED_TCP = new Classified.Ignored(OTHER_TCP);

    private final SortedMap<String, Long> warnings = new TreeMap<>();
    /** Each frame's addresses, as one {@link org.tracecap.packet.IpAddress} per address seen lately. */
    private final AddressCache addresses = new AddressCache();

    /**
     * @param timeNanos  capture time, ns since the epoch
     * @param linkType   LINKTYPE number of the capture
     * @param frame      the bytes, valid in {@code [0, caplen)}
     * @param caplen     bytes captured
     * @param wireLength bytes on the wire (part of the {@link FrameSink} shape; decoding clamps to caplen)
     */
    public Classified classify(long timeNanos, int linkType, byte[] frame, int caplen, int wireLength) {
        try {
            if (!LinkLayer.isSupported(linkType)) {
                return IGNORED_LINK;
            }
            int len = Math.max(0, Math.min(caplen, frame.length));
            int found = LinkLayer.network(linkType, frame, len);
            if (found == LinkLayer.NOT_IP) {
                return IGNORED_NOT_IP;
            }
            int ipAt = LinkLayer.networkOffset(found);
            if (LinkLayer.networkFamily(found) == IpAddress.IPV6) {
                return ipv6(timeNanos, Ipv6View.of(frame, ipAt, len - ipAt), frame);
            }
            Ipv4View ip = Ipv4View.of(frame, ipAt, len - ipAt);
            if (!ip.isFirstFragment()) {
                return IGNORED_FRAGMENT;
            }
            return switch (ip.protocol()) {
                case IpProtocol.UDP -> udp(timeNanos, ip, frame);
                case IpProtocol.TCP -> tcp(timeNanos, ip, frame);
                case IpProtocol.ICMP -> icmp(timeNanos, ip, frame);
                default -> IGNORED_PROTOCOL;
            };
        } catch (PacketException e) {
            return new Classified.Malformed(e.reason());
        } catch (RuntimeException e) {
            // A bug of ours on strange bytes must not stop a replay: count it as its own reason.
            return new Classified.Malformed("decoder error " + e.getClass().getSimpleName());
        }
    }

    /** The view's source address, from {@link #addresses} (no allocation for an address seen lately). */
    private IpAddress source(Ipv4View ip) {
        return addresses.ipv4(ip.source());
    }

    private IpAddress destination(Ipv4View ip) {
        return addresses.ipv4(ip.destination());
    }

    /** Counts of RFC 4884 warnings (length field ignored, extension dropped) of replies kept, by reason. */
    public SortedMap<String, Long> warnings() {
        return new TreeMap<>(warnings);
    }

    private Classified udp(long time, Ipv4View ip, byte[] b) {
        UdpView udp = UdpView.of(b, ip.payloadOffset(), ip.payloadLength());
        int length = udp.length();
        boolean whole = ip.isComplete() && !ip.moreFragments() && length <= ip.payloadLength();
        return probe(time, ip, b, udp.payloadOffset(), udp.payloadLength(), IpProtocol.UDP, udp.sourcePort(),
                udp.destinationPort(), udp.checksum(), 0,
                Checksum.offloaded(b, udp.offset(), length, whole, ip.source(), ip.destination(), IpProtocol.UDP,
                        udp.checksum()));
    }

    private Classified tcp(long time, Ipv4View ip, byte[] b) {
        TcpView tcp = TcpView.of(b, ip.payloadOffset(), ip.payloadLength());
        if (tcp.isSyn() && !tcp.isAck() && !tcp.isRst()) {
            int length = ip.totalLength() - ip.headerLength();
            int real = length < TcpView.MIN_HEADER ? Checksum.NOT_PARTIAL
                    : Checksum.offloaded(b, tcp.offset(), length, ip.isComplete() && !ip.moreFragments(),
                            ip.source(), ip.destination(), IpProtocol.TCP, tcp.checksum());
            return probe(time, ip, b, tcp.offset() + tcp.dataOffset() * 4, ip.payloadLength() - tcp.dataOffset() * 4,
                    IpProtocol.TCP, tcp.sourcePort(), tcp.destinationPort(), tcp.checksum(), tcp.sequence(), real);
        }
        if ((tcp.isSyn() && tcp.isAck()) || tcp.isRst()) {
            return new TcpReply(time, source(ip), destination(ip), ip.ttl(), ip.totalLength(), tcp.sourcePort(),
                    tcp.destinationPort(), tcp.sequence(), tcp.acknowledgment(), tcp.flags());
        }
        return IGNORED_TCP;
    }

    /**
     * A UDP or TCP probe; {@code real} is {@link Checksum#offloaded}'s answer for its checksum field: the
     * probe carries the checksum it left with, and says when the captured one was partial.
     */
    private SentProbe probe(long time, Ipv4View ip, byte[] b, int data, int dataLength, int protocol,
            int sourcePort, int destinationPort, int field, long tcpSequence, int real) {
        int checksum = real >= 0 ? real : field;
        int state = real >= 0 ? SentProbe.CHECKSUM_COMPLETED
                : real == Checksum.PARTIAL_CUT ? SentProbe.CHECKSUM_PARTIAL : SentProbe.CHECKSUM_AS_CAPTURED;
        return new SentProbe(time, source(ip), destination(ip), protocol, ip.ttl(), ip.identification(),
                ip.totalLength(), ip.tos(), sourcePort, destinationPort, 0, 0, checksum, tcpSequence, field, state,
                ProbePayload.head(b, data, dataLength), ProbePayload.flags(b, data, dataLength, ip.dontFragment()));
    }

    private Classified icmp(long time, Ipv4View ip, byte[] b) {
        IcmpView icmp = IcmpView.of(b, ip.payloadOffset(), ip.payloadLength());
        int type = icmp.type();
        if (type == IcmpType.ECHO_REQUEST) {
            int data = icmp.bodyOffset();
            int dataLength = icmp.bodyLength();
            return new SentProbe(time, source(ip), destination(ip), IpProtocol.ICMP, ip.ttl(), ip.identification(),
                    ip.totalLength(), ip.tos(), 0, 0, icmp.identifier(), icmp.sequence(), icmp.checksum(), 0,
                    icmp.checksum(), SentProbe.CHECKSUM_AS_CAPTURED, ProbePayload.head(b, data, dataLength),
                    ProbePayload.flags(b, data, dataLength, ip.dontFragment()));
        }
        if (type == IcmpType.ECHO_REPLY) {
            return new IcmpReply(time, source(ip), destination(ip), ip.ttl(), ip.totalLength(), type, icmp.code(),
                    0, null, icmp.identifier(), icmp.sequence(), List.of());
        }
        if (!IcmpType.isError(type)) {
            return IGNORED_ICMP;
        }
        // Where the quote ends and what follows it: IcmpExtensions' rules (the RFC 4884 length field is used
        // only when plausible). Nothing there makes the reply malformed; only the quote itself can.
        int field = icmp.bodyLength();
        List<IcmpExtension> extensions = List.of();
        String warning = null;
        if (icmp.hasRfc4884Length()) {
            IcmpExtensions.Parsed layout = IcmpExtensions.parse(icmp, ip.totalLength() - ip.headerLength());
            field = Math.min(field, layout.datagramField());
            extensions = layout.extensions();
            warning = layout.warning();
        }
        QuotedProbe quote = quote(b, icmp.bodyOffset(), field);
        if (warning != null) {
            warnings.merge(warning, 1L, Long::sum);
        }
        return new IcmpReply(time, source(ip), destination(ip), ip.ttl(), ip.totalLength(), type, icmp.code(),
                icmp.nextHopMtu(), quote, 0, 0, extensions);
    }

    /** Dissects the quoted probe: inner IPv4 header and at least the first 8 bytes of its payload. */
    QuotedProbe quote(byte[] b, int off, int len) {
        if (len < Ipv4View.MIN_HEADER + 8) {
            throw new PacketException("ICMP quote", off, SHORT_QUOTE, len + " bytes quoted");
        }
        Ipv4View inner = Ipv4View.ofQuote(b, off, len);
        int l4 = inner.payloadOffset();
        int l4Length = len - inner.headerLength();
        if (l4Length < 8) {
            throw new PacketException("ICMP quote", off, SHORT_QUOTE,
                    len + " bytes quoted, IP header " + inner.headerLength());
        }
        int quotedLength = inner.totalLength() >= inner.headerLength() ? Math.min(len, inner.totalLength()) : len;
        // A non-first fragment quotes payload bytes, not a transport header: leave the L4 fields at 0.
        return quoted(b, l4, l4Length, inner.isFirstFragment(), inner.protocol(), source(inner), destination(inner),
                inner.ttl(), inner.identification(), inner.totalLength(), inner.tos(), quotedLength, 0);
    }

    /**
     * A quoted probe of either family; its transport header (at least 8 bytes at {@code l4}) is read when
     * {@code transport}, else its transport fields are 0.
     */
    private static QuotedProbe quoted(byte[] b, int l4, int l4Length, boolean transport, int protocol,
            IpAddress source, IpAddress destination, int ttl, int ipId, int totalLength, int tos, int quotedLength,
            int flowLabel) {
        int sport = 0;
        int dport = 0;
        int icmpId = 0;
        int icmpSeq = 0;
        int checksum = 0;
        long tcpSeq = 0;
        if (transport) {
            switch (protocol) {
                case IpProtocol.UDP -> {
                    UdpView udp = UdpView.ofQuote(b, l4, l4Length);
                    sport = udp.sourcePort();
                    dport = udp.destinationPort();
                    checksum = udp.checksum();
                }
                case IpProtocol.TCP -> {
                    TcpView tcp = TcpView.ofQuote(b, l4, l4Length);
                    sport = tcp.sourcePort();
                    dport = tcp.destinationPort();
                    tcpSeq = tcp.sequence();
                    checksum = tcp.checksum();
                }
                case IpProtocol.ICMP, IpProtocol.ICMPV6 -> {
                    IcmpView echo = protocol == IpProtocol.ICMP ? IcmpView.of(b, l4, l4Length)
                            : IcmpView.ofIcmpv6(b, l4, l4Length);
                    icmpId = echo.identifier();
                    icmpSeq = echo.sequence();
                    checksum = echo.checksum();
                }
                default -> {
                }
            }
        }
        return new QuotedProbe(source, destination, protocol, ttl, ipId, totalLength, tos, sport, dport, icmpId,
                icmpSeq, checksum, tcpSeq, quotedLength, flowLabel);
    }

    // IPv6: the same records from an Ipv6View (RFC 8200), ICMPv6 (RFC 4443) for ICMP.

    private IpAddress source(Ipv6View ip) {
        return addresses.ipv6(ip.sourceHigh(), ip.sourceLow());
    }

    private IpAddress destination(Ipv6View ip) {
        return addresses.ipv6(ip.destinationHigh(), ip.destinationLow());
    }

    /**
     * IPv6 has no IP ID: the low 16 bits of the Fragment header's identification when there is one (all that the
     * IP ID field of the records and of hop JSON holds; a probe and its quote agree on them), else 0.
     */
    private static int identification(Ipv6View ip) {
        return ip.isFragment() ? (int) (ip.fragmentIdentification() & 0xffff) : 0;
    }

    /** IPv6's total length, as IPv4's counts it: the fixed header and the payload length. */
    private static int totalLength(Ipv6View ip) {
        return Ipv6View.HEADER + ip.declaredPayloadLength();
    }

    private Classified ipv6(long time, Ipv6View ip, byte[] b) {
        if (!ip.isFirstFragment()) {
            return IGNORED_FRAGMENT_IPV6;
        }
        if (ip.walkEnd() != Ipv6View.END_UPPER_LAYER) {
            return IGNORED_IPV6_NOT_TRACED;
        }
        return switch (ip.upperLayerProtocol()) {
            case IpProtocol.UDP -> udp(time, ip, b);
            case IpProtocol.TCP -> tcp(time, ip, b);
            case IpProtocol.ICMPV6 -> icmpv6(time, ip, b);
            default -> IGNORED_PROTOCOL;
        };
    }

    private Classified udp(long time, Ipv6View ip, byte[] b) {
        UdpView udp = UdpView.of(b, ip.upperLayerOffset(), ip.upperLayerLength());
        int length = udp.length();
        boolean whole = ip.isComplete() && !ip.moreFragments() && length <= ip.upperLayerLength();
        return probe(time, ip, b, udp.payloadOffset(), udp.payloadLength(), IpProtocol.UDP, udp.sourcePort(),
                udp.destinationPort(), udp.checksum(), 0,
                Checksum.offloadedIpv6(b, udp.offset(), length, whole, ip.sourceHigh(), ip.sourceLow(),
                        ip.destinationHigh(), ip.destinationLow(), IpProtocol.UDP, udp.checksum()));
    }

    private Classified tcp(long time, Ipv6View ip, byte[] b) {
        TcpView tcp = TcpView.of(b, ip.upperLayerOffset(), ip.upperLayerLength());
        if (tcp.isSyn() && !tcp.isAck() && !tcp.isRst()) {
            int length = ip.upperLayerDeclaredLength();
            int real = length < TcpView.MIN_HEADER ? Checksum.NOT_PARTIAL
                    : Checksum.offloadedIpv6(b, tcp.offset(), length, ip.isComplete() && !ip.moreFragments(),
                            ip.sourceHigh(), ip.sourceLow(), ip.destinationHigh(), ip.destinationLow(),
                            IpProtocol.TCP, tcp.checksum());
            return probe(time, ip, b, tcp.offset() + tcp.dataOffset() * 4,
                    ip.upperLayerLength() - tcp.dataOffset() * 4, IpProtocol.TCP, tcp.sourcePort(),
                    tcp.destinationPort(), tcp.checksum(), tcp.sequence(), real);
        }
        if ((tcp.isSyn() && tcp.isAck()) || tcp.isRst()) {
            return new TcpReply(time, source(ip), destination(ip), ip.hopLimit(), totalLength(ip), tcp.sourcePort(),
                    tcp.destinationPort(), tcp.sequence(), tcp.acknowledgment(), tcp.flags());
        }
        return IGNORED_TCP;
    }

    /** {@link #probe(long, Ipv4View, byte[], int, int, int, int, int, int, long, int)} over IPv6 (no DF: 0). */
    private SentProbe probe(long time, Ipv6View ip, byte[] b, int data, int dataLength, int protocol,
            int sourcePort, int destinationPort, int field, long tcpSequence, int real) {
        int checksum = real >= 0 ? real : field;
        int state = real >= 0 ? SentProbe.CHECKSUM_COMPLETED
                : real == Checksum.PARTIAL_CUT ? SentProbe.CHECKSUM_PARTIAL : SentProbe.CHECKSUM_AS_CAPTURED;
        return new SentProbe(time, source(ip), destination(ip), protocol, ip.hopLimit(), identification(ip),
                totalLength(ip), ip.trafficClass(), sourcePort, destinationPort, 0, 0, checksum, tcpSequence, field,
                state, ProbePayload.head(b, data, dataLength), ProbePayload.flags(b, data, dataLength, false),
                ip.flowLabel());
    }

    private Classified icmpv6(long time, Ipv6View ip, byte[] b) {
        IcmpView icmp = IcmpView.ofIcmpv6(b, ip.upperLayerOffset(), ip.upperLayerLength());
        int type = icmp.type();
        if (type == Icmpv6Type.ECHO_REQUEST) {
            int data = icmp.bodyOffset();
            int dataLength = icmp.bodyLength();
            return new SentProbe(time, source(ip), destination(ip), IpProtocol.ICMPV6, ip.hopLimit(),
                    identification(ip), totalLength(ip), ip.trafficClass(), 0, 0, icmp.identifier(), icmp.sequence(),
                    icmp.checksum(), 0, icmp.checksum(), SentProbe.CHECKSUM_AS_CAPTURED,
                    ProbePayload.head(b, data, dataLength), ProbePayload.flags(b, data, dataLength, false),
                    ip.flowLabel());
        }
        if (type == Icmpv6Type.ECHO_REPLY) {
            return new IcmpReply(time, source(ip), destination(ip), ip.hopLimit(), totalLength(ip), type,
                    icmp.code(), 0, null, icmp.identifier(), icmp.sequence(), List.of());
        }
        if (!IcmpMeaning.quotes(IpAddress.IPV6, type)) {
            return IGNORED_ICMPV6;
        }
        int field = icmp.bodyLength();
        List<IcmpExtension> extensions = List.of();
        String warning = null;
        if (icmp.hasRfc4884Length()) {
            IcmpExtensions.Parsed layout = IcmpExtensions.parse(icmp, ip.upperLayerDeclaredLength());
            field = Math.min(field, layout.datagramField());
            extensions = layout.extensions();
            warning = layout.warning();
        }
        QuotedProbe quote = quoteIpv6(b, icmp.bodyOffset(), field);
        if (warning != null) {
            warnings.merge(warning, 1L, Long::sum);
        }
        return new IcmpReply(time, source(ip), destination(ip), ip.hopLimit(), totalLength(ip), type, icmp.code(),
                icmp.nextHopMtu(), quote, 0, 0, extensions);
    }

    /**
     * Dissects a quoted IPv6 probe: its header (all 40 bytes, else malformed), the extension headers walked as
     * far as the quote goes, and at least 8 bytes of its transport header (else malformed, as over IPv4). A
     * quote cut inside an extension header, or one ending the walk otherwise (a later fragment, No Next
     * Header), has no transport: the {@link QuotedProbe} says which header ended it and leaves the transport
     * fields 0, so that no probe is taken for it (the reply is counted as unattributed).
     */
    QuotedProbe quoteIpv6(byte[] b, int off, int len) {
        Ipv6View inner = Ipv6View.ofQuote(b, off, len);
        int l4 = inner.upperLayerOffset();
        int l4Length = Math.max(0, off + inner.capturedLength() - l4);
        boolean transport = inner.walkEnd() == Ipv6View.END_UPPER_LAYER && inner.isFirstFragment();
        if (transport && l4Length < 8) {
            throw new PacketException("ICMPv6 quote", off, SHORT_QUOTE,
                    len + " bytes quoted, IPv6 headers " + (l4 - off));
        }
        int quotedLength = Math.min(inner.capturedLength(), totalLength(inner));
        return quoted(b, l4, l4Length, transport, inner.upperLayerProtocol(), source(inner), destination(inner),
                inner.hopLimit(), identification(inner), totalLength(inner), inner.trafficClass(), quotedLength,
                inner.flowLabel());
    }
}
