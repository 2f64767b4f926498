package org.tracecap.replay;

import java.util.List;
import org.tracecap.model.Method;
import org.tracecap.packet.IpProtocol;

/**
 * Rule 8 of {@link Reconstructor}: which tool sent a trace's probes, named by the signature its probes carry, and
 * which field told them apart. The first rule below that every probe of the trace fits names the tool; when
 * none fits, the tool is {@value #UNKNOWN}, never a guess. Every rule needs two probes or more and reads only
 * what the capture shows ({@link ProbeClues}: fields as sent, the payload's first 4 bytes and whether the rest
 * is zero). "The TTL follows F" means that, ordered by F, the probes' TTLs never go down and no two probes
 * share an F: the tool numbered its probes in TTL order through F, whatever order they left in.
 *
 * <p>Where each fact comes from (read in the tools' source or documentation, not copied): Linux traceroute
 * 2.x (traceroute.sourceforge.net) mod-udp.c, mod-icmp.c and traceroute(8); FreeBSD's
 * contrib/traceroute/traceroute.c (the LBL traceroute NetBSD's and Apple's network_cmds also carry);
 * Microsoft KB Q217014 for tracert; mtr's net.c; scamper's scamper_trace_do.c; paris-traceroute's
 * UDPProbe.cc and ICMPProbe.cc; dublin-traceroute's udpv4probe.cc; tracecap's own identities in
 * org.tracecap.trace. captures/README.md lists which of them a bundled capture shows.
 *
 * <p>The rules read the same fields over IPv6, which has no IP ID (a probe's is 0, {@link
 * org.tracecap.match.SentProbe#ipId}): the IPv6 probes of traceroute -6 (UDP, -I, -T), mtr -6 and tracert -6 fit the
 * IPv4 signatures as they are (ports, sequence, payload, size: mtr's 64 bytes include the IPv6 header); scamper's
 * number its probes with the checksum alone ({@link ProbeClues#checksumNumbersProbes}).
 *
 * <p>UDP:
 * <ol>
 *   <li>{@value #BSD} (FreeBSD, NetBSD, macOS): one source port, {@code ident = (pid & 0xffff) | 0x8000}
 *       (so 32768 or more); destination port {@code port + seq} with {@code seq} = 1, 2, 3... one per probe across
 *       hops (the TTL follows the port); IP ID {@code ident + seq}; and either {@code port} is the default
 *       32768 + 666 = 33434 (IP ID = source port + destination port - 33434), or the payload starts with
 *       {@code struct outdata}'s {@code seq} byte and {@code ttl} byte, as NetBSD's does (any {@code -p} base).</li>
 *   <li>{@value #TRACECAP} (classic): one source port; destination port {@code base + n} and IP ID
 *       {@code ipIdBase + n} for probe {@code n} (IP ID tracks the port; the TTL follows the port); all-zero
 *       payload (ClassicUdpIdentity, ProbeEncoder).</li>
 *   <li>{@value #LINUX} (Linux, default method): a new source port per probe (one socket each); destination
 *       port 33434 + probe index (the TTL follows the port); payload bytes {@code 0x40 + i}: "@ABC..."
 *       (mod-udp.c).</li>
 *   <li>{@value #MTR}: one source port; destination port = mtr's sequence number, 33000 to 65535 (net.c
 *       MinSequence), + 1 per probe; all-zero payload (--bitpattern 0); and 64-byte packets (its default size) or
 *       TTLs going round after round.</li>
 *   <li>{@value #TRACECAP} (--multipath): one source port; one flow per destination port (not + 1 per probe);
 *       UDP checksum {@code n + 1} and IP ID {@code ipIdBase + n} counted across flows (IP ID tracks the checksum,
 *       is not it, goes up); zero payload past the two checksum bytes (MultipathUdpIdentity).</li>
 *   <li>{@value #SCAMPER} (tracelb): as rule 5, but IP ID = UDP checksum = probe number (IPv6, no IP ID: the
 *       UDP checksum alone counts the probes).</li>
 *   <li>{@value #DUBLIN}: one 5-tuple per flow; payload "NSMNC" and two bytes; DF set; IP ID = UDP checksum
 *       (udpv4probe.cc).</li>
 *   <li>{@value #SCAMPER} (udp-paris): one 5-tuple; IP ID = UDP checksum = probe number {@code id_next + 1},
 *       going up, TTLs in order; zero payload past the two checksum bytes (scamper_trace_do.c). Over IPv6 there is
 *       no IP ID: the UDP checksum alone is the probe number, and the flow label stays fixed (one flow).</li>
 *   <li>{@value #TRACECAP} (--method paris): one 5-tuple; UDP checksum {@code n + 1}, IP ID
 *       {@code ipIdBase + n} (tracks the checksum, is not it); the TTL follows the checksum; zero payload past the
 *       two checksum bytes (ParisUdpIdentity).</li>
 *   <li>{@value #TRACECAP} (--method dublin): one 5-tuple; one UDP checksum; IP ID {@code ipIdBase + n}, the TTL
 *       follows it; all-zero payload (DublinUdpIdentity).</li>
 *   <li>{@value #PARIS}: one 5-tuple (33456 to 33457 by default); IP ID = probe id, different per probe; the
 *       payload's first two bytes hold the same id (in either byte order) and the rest is zero (UDPProbe.cc).</li>
 * </ol>
 * <p>ICMP and ICMPv6 Echo:
 * <ol start="12">
 *   <li>{@value #BSD}: identifier {@code ident} (32768 or more); sequence {@code seq}; IP ID
 *       {@code ident + seq}; the TTL follows the sequence.</li>
 *   <li>{@value #TRACERT} (Windows): one identifier; the TTL follows the sequence (three probes per TTL by
 *       default, KB Q217014); 92-byte packets: 64 data bytes, all zero (as published tracert captures show);
 *       over IPv6 ({@code tracert -6}) the same data in ICMPv6 Echo Requests, 112 bytes.</li>
 *   <li>{@value #LINUX} (-I): one identifier; the TTL follows the sequence; data bytes {@code 0x40 + i} counted
 *       from the ICMP header's start: "HIJK..." (mod-icmp.c).</li>
 *   <li>{@value #MTR}: one identifier; sequence 33000 to 65535, + 1 per probe; all-zero data; 64-byte packets
 *       or TTLs going round after round.</li>
 *   <li>{@value #TRACECAP} (-I, also with --method paris): one identifier; sequence {@code first + n} and IP ID
 *       {@code ipIdBase + n} (IP ID tracks the sequence, at a random offset: neither 0 nor 1, the offsets of the
 *       tools below that number both); 60-byte packets, zero data past the two checksum-balancing bytes; the TTL
 *       follows the sequence (IcmpEchoIdentity, ParisIcmpIdentity, Ipv4ProbeEncoder).</li>
 *   <li>{@value #SCAMPER} (icmp-paris): one identifier; one ICMP checksum, equal to the identifier (both the
 *       default source port {@code (pid & 0x7fff) + 0x8000}), or IP ID = sequence + 1.</li>
 *   <li>{@value #PARIS}: one identifier; one ICMP checksum (the port option, the payload balancing it) while
 *       the sequence (probe id) changes; zero data past the two balancing bytes (ICMPProbe.cc).</li>
 * </ol>
 * <p>TCP SYN:
 * <ol start="19">
 *   <li>{@value #BSD} (-P tcp): one source port {@code ident} (32768 or more); destination port
 *       {@code port + seq}, the TTL follows it; sequence number {@code th_sport << 16 | th_dport} computed on
 *       the ports in network order and stored without {@code htonl}: {@code dport << 16 | sport} on the wire
 *       from a little-endian host, {@code sport << 16 | dport} from a big-endian one.</li>
 *   <li>{@value #LINUX} (-T): a new source port per probe, one destination port, TTLs in order, no data.</li>
 *   <li>{@value #TRACECAP} (-T): one source and one destination port; sequence number {@code base + n} and IP
 *       ID {@code ipIdBase + n} (the IP ID tracks the sequence number), the TTL follows the IP ID; 60-byte SYNs,
 *       no data (TcpSynIdentity).</li>
 * </ol>
 */
final class ToolRecognizer {
    static final String LINUX = "traceroute";
    static final String BSD = "traceroute-bsd";
    static final String TRACERT = "tracert";
    static final String MTR = "mtr";
    static final String SCAMPER = "scamper";
    static final String PARIS = "paris-traceroute";
    static final String DUBLIN = "dublin";
    static final String TRACECAP = "tracecap";
    static final String UNKNOWN = "unknown";

    /** BSD traceroute's default base port, 32768 + 666. */
    static final int BSD_PORT = 33434;
    /** mtr's first sequence number (net.c MinSequence). */
    static final int MTR_FIRST_SEQUENCE = 33000;
    static final int MTR_LENGTH = 64;
    static final int TRACERT_LENGTH = 92;
    /** tracecap's ICMP and TCP probes: 60 bytes (an Echo Request with 32 data bytes; a SYN with Linux's options). */
    static final int TRACECAP_LENGTH = 60;
    /** tracert -6: the same 64 zero data bytes behind the 40-byte IPv6 header and the ICMPv6 header. */
    static final int TRACERT_LENGTH_IPV6 = 112;
    /** dublin-traceroute's payload begins "NSMN". */
    static final int DUBLIN_HEAD = 0x4e534d4e;

    private ToolRecognizer() {
    }

    static Method recognise(int protocol, List<Slot> piece) {
        ProbeClues c = new ProbeClues(piece);
        return switch (protocol) {
            case IpProtocol.ICMP, IpProtocol.ICMPV6 -> new Method("icmp", c.several ? icmpTool(c) : UNKNOWN,
                    !c.sequenceVaries && c.ipIdVaries ? "ip-id" : "icmp-sequence");
            case IpProtocol.TCP -> new Method("tcp", c.several ? tcpTool(c) : UNKNOWN,
                    c.sourcePortVaries || !c.several || !c.tcpSequenceVaries ? "tcp-source-port" : "tcp-sequence");
            default -> {
                String tool = c.several ? udpTool(c) : UNKNOWN;
                yield new Method(IpProtocol.name(protocol), tool, udpIdentity(c, tool));
            }
        };
    }

    /** Rules 1 to 11. */
    static String udpTool(ProbeClues c) {
        int sport = c.first.sourcePort();
        boolean oneSourcePort = !c.sourcePortVaries;
        boolean oneFlow = oneSourcePort && !c.destinationPortVaries;
        if (oneSourcePort && sport >= 0x8000 && c.ipIdTracksDestinationPort
                && (((c.first.ipId() - sport - c.first.destinationPort() + BSD_PORT) & 0xffff) == 0
                        || c.payloadIsSeqAndTtl)
                && c.ttlFollows(ProbeClues.BY_DESTINATION_PORT)) {
            return BSD;
        }
        if (oneSourcePort && c.destinationPortVaries && c.ipIdTracksDestinationPort && c.allZeroPayload
                && c.ttlFollows(ProbeClues.BY_DESTINATION_PORT)) {
            return TRACECAP;
        }
        if (c.sourcePortVaries && c.destinationPortVaries && c.payloadAscendsFrom(0x40)
                && c.ttlFollows(ProbeClues.BY_DESTINATION_PORT)) {
            return LINUX;
        }
        if (oneSourcePort && c.destinationPortPlusOne && c.minDestinationPort >= MTR_FIRST_SEQUENCE
                && c.allZeroPayload && (c.allLength(MTR_LENGTH) || !c.monotone)) {
            return MTR;
        }
        if (oneSourcePort && c.destinationPortVaries && !c.destinationPortPlusOne && c.checksumVaries
                && c.allZeroTail) {
            if (c.checksumNumbersProbes) {
                return SCAMPER;
            }
            if (c.ipIdSequential && c.ipIdTracksChecksum) {
                return TRACECAP;
            }
        }
        if (oneFlow && c.first.payloadHead() == DUBLIN_HEAD && !c.headVaries && c.checksumIsIpId
                && c.allDontFragment) {
            return DUBLIN;
        }
        if (oneFlow && c.checksumNumbersProbes && c.monotone && c.allZeroTail) {
            return SCAMPER;
        }
        if (oneFlow && c.checksumVaries && !c.checksumIsIpId && c.ipIdTracksChecksum && c.allZeroTail
                && c.ttlFollows(ProbeClues.BY_CHECKSUM)) {
            return TRACECAP;
        }
        if (oneFlow && !c.checksumVaries && c.allZeroPayload && c.ttlFollows(ProbeClues.BY_IP_ID)) {
            return TRACECAP;
        }
        if (oneFlow && c.ipIdVaries && c.payloadCarriesIpId && c.allZeroTail) {
            return PARIS;
        }
        return UNKNOWN;
    }

    /** Rules 12 to 18. */
    static String icmpTool(ProbeClues c) {
        // One identifier throughout: an ICMP run is one Echo identifier (Reconstructor's flow key).
        if (c.first.icmpId() >= 0x8000 && c.ipIdIsIcmpIdPlusSequence
                && c.ttlFollows(ProbeClues.BY_ICMP_SEQUENCE)) {
            return BSD;
        }
        if (c.allLength(c.ipv6 ? TRACERT_LENGTH_IPV6 : TRACERT_LENGTH) && c.allZeroPayload && c.ttlFollows(ProbeClues.BY_ICMP_SEQUENCE)) {
            return TRACERT;
        }
        if (c.payloadAscendsFrom(0x48) && c.ttlFollows(ProbeClues.BY_ICMP_SEQUENCE)) {
            return LINUX;
        }
        if (c.sequencePlusOne && c.minSequence >= MTR_FIRST_SEQUENCE && c.allZeroPayload
                && (c.allLength(MTR_LENGTH) || !c.monotone)) {
            return MTR;
        }
        if (c.sequencePlusOne && c.ipIdTracksSequence && c.ipIdSequenceOffset > 1 && c.allZeroTail
                && c.allLength(TRACECAP_LENGTH) && c.ttlFollows(ProbeClues.BY_ICMP_SEQUENCE)) {
            return TRACECAP;
        }
        if (c.sequenceVaries && !c.checksumVaries && c.allZeroTail) {
            return c.checksumIsIcmpId || c.ipIdIsSequencePlusOne ? SCAMPER : PARIS;
        }
        return UNKNOWN;
    }

    /** Rules 19 to 21. */
    static String tcpTool(ProbeClues c) {
        if (!c.sourcePortVaries && c.first.sourcePort() >= 0x8000 && c.tcpSequenceIsPorts
                && c.ttlFollows(ProbeClues.BY_DESTINATION_PORT)) {
            return BSD;
        }
        if (c.sourcePortVaries && !c.destinationPortVaries && c.monotone && c.allZeroPayload) {
            return LINUX;
        }
        if (!c.sourcePortVaries && !c.destinationPortVaries && c.tcpSequenceVaries && c.ipIdTracksTcpSequence
                && c.ipIdVaries && c.allZeroPayload && c.allLength(TRACECAP_LENGTH)
                && c.ttlFollows(ProbeClues.BY_IP_ID)) {
            return TRACECAP;
        }
        return UNKNOWN;
    }

    /**
     * The field that told the probes apart: per flow of a multipath run the checksum; else the destination port
     * when it changes; on a fixed 5-tuple the IP ID for the tools that number probes there (dublin-traceroute,
     * paris-traceroute, or an IP ID counting down as the TTL goes up and written as the checksum), else the
     * checksum when it changes, else the IP ID; the source port when only it changes.
     */
    private static String udpIdentity(ProbeClues c, String tool) {
        if (c.several && c.destinationPortVaries && !c.sourcePortVaries && !c.destinationPortPlusOne
                && c.checksumVaries && (c.checksumNumbersProbes || c.ipIdSequential && c.ipIdTracksChecksum)) {
            return "udp-checksum";
        }
        if (c.destinationPortVaries || !c.several) {
            return "udp-destination-port";
        }
        if (c.checksumVaries || c.ipIdVaries) {
            if (tool.equals(DUBLIN) || tool.equals(PARIS) || (c.checksumIsIpId && c.ipIdDownWithTtl)) {
                return "ip-id";
            }
            return c.checksumVaries ? "udp-checksum" : "ip-id";
        }
        return c.sourcePortVaries ? "udp-source-port" : "udp-destination-port";
    }
}
