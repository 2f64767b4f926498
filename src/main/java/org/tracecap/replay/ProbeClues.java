package org.tracecap.replay;

import java.util.Arrays;
import java.util.List;
import org.tracecap.match.SentProbe;
import org.tracecap.packet.IpAddress;

/**
 * What the probes of one trace have in common, read in one pass in send order: the facts {@link ToolRecognizer}'s
 * rules are written in. "All" facts hold for every probe; relations between two fields ("IP ID tracks the
 * destination port") mean that their difference is the same for every probe (mod 2^16).
 */
final class ProbeClues {
    /** The ordering keys of {@link #ttlFollows}. */
    static final int BY_DESTINATION_PORT = 0;
    static final int BY_ICMP_SEQUENCE = 1;
    static final int BY_CHECKSUM = 2;
    static final int BY_IP_ID = 3;

    /** Headers in front of the payload of a UDP or ICMP probe without IP options: 20 + 8 bytes. */
    static final int HEADERS = 28;
    /** The IPv6 header and the 8-byte UDP or ICMPv6 header, in front of the payload (no extension headers). */
    static final int HEADERS_IPV6 = 48;

    private final List<Slot> piece;
    final SentProbe first;
    final boolean several;

    /** No probe's TTL is lower than the one sent before it. */
    final boolean monotone;
    final boolean sourcePortVaries;
    final boolean destinationPortVaries;
    final boolean checksumVaries;
    final boolean ipIdVaries;
    final boolean sequenceVaries;
    final boolean tcpSequenceVaries;
    final boolean lengthVaries;
    final boolean headVaries;
    /** Each destination port is the one before + 1 (mod 2^16). */
    final boolean destinationPortPlusOne;
    /** Each ICMP sequence number is the one before + 1 (mod 2^16). */
    final boolean sequencePlusOne;
    /** Each IP ID is the one before + 1..{@link Run#SEQUENTIAL_STEP_MAX}. */
    final boolean ipIdSequential;
    final boolean checksumIsIpId;
    /**
     * The L4 checksum numbers the probes: it equals the IP ID and both count up ({@link #ipIdSequential}), or,
     * over IPv6 where there is no IP ID (every probe's is 0), the checksum alone counts up as the IP ID would.
     */
    final boolean checksumNumbersProbes;
    /** Every probe is IPv6. */
    final boolean ipv6;
    final boolean ipIdDownWithTtl;
    final boolean ipIdTracksDestinationPort;
    final boolean ipIdTracksChecksum;
    /** IP ID - Echo sequence is the same for every probe (mod 2^16). */
    final boolean ipIdTracksSequence;
    /** The first probe's IP ID - Echo sequence (mod 2^16). */
    final int ipIdSequenceOffset;
    /** TCP sequence - IP ID is the same for every probe (mod 2^16). */
    final boolean ipIdTracksTcpSequence;
    /** IP ID = ICMP identifier + sequence number. */
    final boolean ipIdIsIcmpIdPlusSequence;
    /** IP ID = ICMP sequence number + 1. */
    final boolean ipIdIsSequencePlusOne;
    /** ICMP checksum = ICMP identifier. */
    final boolean checksumIsIcmpId;
    /** TCP sequence number = source port << 16 | destination port, or the ports the other way round. */
    final boolean tcpSequenceIsPorts;
    /** The payload's first two bytes are the IP ID, in either byte order. */
    final boolean payloadCarriesIpId;
    /** Payload byte 0 = (IP ID - source port) mod 256 and byte 1 = TTL. */
    final boolean payloadIsSeqAndTtl;
    final boolean allDontFragment;
    /** The payload past its first two bytes is zero. */
    final boolean allZeroTail;
    /** The payload is all zero. */
    final boolean allZeroPayload;
    final int minDestinationPort;
    final int minSequence;

    ProbeClues(List<Slot> piece) {
        this.piece = piece;
        SentProbe f = piece.get(0).probe;
        first = f;
        several = piece.size() > 1;
        boolean mono = true;
        boolean sport = false;
        boolean dport = false;
        boolean sum = false;
        boolean id = false;
        boolean seq = false;
        boolean tcpSeq = false;
        boolean length = false;
        boolean head = false;
        boolean dportPlusOne = true;
        boolean seqPlusOne = true;
        boolean idSequential = true;
        boolean sumIsId = true;
        boolean sumSequential = true;
        boolean allIpv6 = true;
        boolean noIpId = true;
        boolean idDownWithTtl = true;
        boolean idTracksDport = true;
        boolean idTracksSum = true;
        boolean idTracksSeq = true;
        boolean idTracksTcpSeq = true;
        boolean idIsIcmpIdPlusSeq = true;
        boolean idIsSeqPlusOne = true;
        boolean sumIsIcmpId = true;
        boolean tcpSeqIsPorts = true;
        boolean carriesId = true;
        boolean seqAndTtl = true;
        boolean df = true;
        boolean zeroTail = true;
        boolean zero = true;
        int minDport = 0xffff;
        int minSeq = 0xffff;
        SentProbe prev = null;
        for (int i = 0, size = piece.size(); i < size; i++) {
            SentProbe p = piece.get(i).probe;
            if (prev != null) {
                mono &= p.ttl() >= prev.ttl();
                dportPlusOne &= ((p.destinationPort() - prev.destinationPort()) & 0xffff) == 1;
                seqPlusOne &= ((p.icmpSequence() - prev.icmpSequence()) & 0xffff) == 1;
                idSequential &= Run.isSequentialStep(prev.ipId(), p.ipId(), Run.IP_ID);
                sumSequential &= Run.isSequentialStep(prev.checksum(), p.checksum(), Run.IP_ID);
            }
            sport |= p.sourcePort() != f.sourcePort();
            dport |= p.destinationPort() != f.destinationPort();
            sum |= p.checksum() != f.checksum();
            id |= p.ipId() != f.ipId();
            seq |= p.icmpSequence() != f.icmpSequence();
            tcpSeq |= p.tcpSequence() != f.tcpSequence();
            length |= p.totalLength() != f.totalLength();
            head |= p.payloadHead() != f.payloadHead();
            sumIsId &= p.checksum() == p.ipId();
            allIpv6 &= p.source().family() == IpAddress.IPV6;
            noIpId &= p.ipId() == 0;
            idDownWithTtl &= same(p.ipId() + p.ttl(), f.ipId() + f.ttl());
            idTracksDport &= same(p.ipId() - p.destinationPort(), f.ipId() - f.destinationPort());
            idTracksSum &= same(p.ipId() - p.checksum(), f.ipId() - f.checksum());
            idTracksSeq &= same(p.ipId() - p.icmpSequence(), f.ipId() - f.icmpSequence());
            idTracksTcpSeq &= same((int) p.tcpSequence() - p.ipId(), (int) f.tcpSequence() - f.ipId());
            idIsIcmpIdPlusSeq &= same(p.ipId(), p.icmpId() + p.icmpSequence());
            idIsSeqPlusOne &= same(p.ipId(), p.icmpSequence() + 1);
            sumIsIcmpId &= p.checksum() == p.icmpId();
            tcpSeqIsPorts &= p.tcpSequence() == (((long) p.sourcePort() << 16) | p.destinationPort())
                    || p.tcpSequence() == (((long) p.destinationPort() << 16) | p.sourcePort());
            int first2 = p.payloadHead() >>> 16;
            carriesId &= first2 == p.ipId() || first2 == Integer.reverseBytes(p.ipId()) >>> 16;
            seqAndTtl &= (p.payloadHead() >>> 24) == ((p.ipId() - p.sourcePort()) & 0xff)
                    && ((p.payloadHead() >>> 16) & 0xff) == p.ttl();
            df &= p.dontFragment();
            zeroTail &= p.zeroTail();
            zero &= p.zeroTail() && first2 == 0;
            minDport = Math.min(minDport, p.destinationPort());
            minSeq = Math.min(minSeq, p.icmpSequence());
            prev = p;
        }
        monotone = mono;
        sourcePortVaries = sport;
        destinationPortVaries = dport;
        checksumVaries = sum;
        ipIdVaries = id;
        sequenceVaries = seq;
        tcpSequenceVaries = tcpSeq;
        lengthVaries = length;
        headVaries = head;
        destinationPortPlusOne = dportPlusOne && several;
        sequencePlusOne = seqPlusOne && several;
        ipIdSequential = idSequential && several;
        checksumIsIpId = sumIsId;
        ipv6 = allIpv6;
        checksumNumbersProbes = several && (sumIsId && idSequential || allIpv6 && noIpId && sumSequential);
        ipIdDownWithTtl = idDownWithTtl;
        ipIdTracksDestinationPort = idTracksDport;
        ipIdTracksChecksum = idTracksSum;
        ipIdTracksSequence = idTracksSeq;
        ipIdSequenceOffset = (f.ipId() - f.icmpSequence()) & 0xffff;
        ipIdTracksTcpSequence = idTracksTcpSeq;
        ipIdIsIcmpIdPlusSequence = idIsIcmpIdPlusSeq;
        ipIdIsSequencePlusOne = idIsSeqPlusOne;
        checksumIsIcmpId = sumIsIcmpId;
        tcpSequenceIsPorts = tcpSeqIsPorts;
        payloadCarriesIpId = carriesId;
        payloadIsSeqAndTtl = seqAndTtl;
        allDontFragment = df;
        allZeroTail = zeroTail;
        allZeroPayload = zero;
        minDestinationPort = minDport;
        minSequence = minSeq;
    }

    private static boolean same(int a, int b) {
        return ((a - b) & 0xffff) == 0;
    }

    /** Every probe's total length is {@code length}. */
    boolean allLength(int length) {
        return !lengthVaries && first.totalLength() == length;
    }

    /** Every probe's payload begins with the bytes {@code from, from + 1, ...} (as many as it holds, up to 4). */
    boolean payloadAscendsFrom(int from) {
        for (int i = 0, size = piece.size(); i < size; i++) {
            SentProbe p = piece.get(i).probe;
            int headers = p.source().family() == IpAddress.IPV6 ? HEADERS_IPV6 : HEADERS;
            int n = Math.max(0, Math.min(4, p.totalLength() - headers));
            int expected = 0;
            for (int b = 0; b < 4; b++) {
                expected = (expected << 8) | (b < n ? (from + b) & 0xff : 0);
            }
            if (p.payloadHead() != expected) {
                return false;
            }
        }
        return true;
    }

    /**
     * The TTL never goes down as {@code key} goes up, and no two probes share a key: the probes were numbered in
     * TTL order through that field, whatever order they left in (a prober may hold a probe back and send later
     * ones first). Keys are compared relative to the first probe's, so a field that wraps past 65535 still
     * counts up.
     */
    boolean ttlFollows(int key) {
        int size = piece.size();
        long[] keyed = new long[size];
        int base = key(first, key);
        for (int i = 0; i < size; i++) {
            SentProbe p = piece.get(i).probe;
            long relative = (key(p, key) - base + 0x8000) & 0xffff;
            keyed[i] = relative << 8 | (p.ttl() & 0xff);
        }
        Arrays.sort(keyed);
        for (int i = 1; i < size; i++) {
            if (keyed[i] >>> 8 == keyed[i - 1] >>> 8 || (keyed[i] & 0xff) < (keyed[i - 1] & 0xff)) {
                return false;
            }
        }
        return true;
    }

    private static int key(SentProbe p, int key) {
        return switch (key) {
            case BY_DESTINATION_PORT -> p.destinationPort();
            case BY_ICMP_SEQUENCE -> p.icmpSequence();
            case BY_CHECKSUM -> p.checksum();
            default -> p.ipId();
        };
    }
}
