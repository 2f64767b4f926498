package org.tracecap.replay;

import java.util.Objects;
import org.tracecap.match.IcmpReply;
import org.tracecap.match.KeyTable;
import org.tracecap.match.QuotedProbe;
import org.tracecap.match.SentProbe;
import org.tracecap.match.TcpReply;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.IpProtocol;

/**
 * Rule 4 of {@link Reconstructor}: the same packet captured more than once (a capture on several interfaces,
 * {@code tcpdump -i any} on a host with a bridge, a VPN or Docker's veth, bridge and NAT, or on a router that
 * shows each packet coming in and going out) is one packet, the copy seen first.
 *
 * <p>A packet is a copy when a packet with the same identity was seen less than {@link #WINDOW_NANOS} before
 * (counted from the first copy) with the same TTL (a bridge, a second capture point on the same host) or one
 * more (a router decremented it on the way out); each copy becomes the one the next copy is compared to
 * (bridge, then router; NAT, then bridge). Identities:
 * <ul>
 *   <li>probe candidate: addresses, protocol, IP ID, ports (or Echo identifier and sequence), transport
 *       checksum, TCP sequence number, IP total length and TOS. A UDP or TCP checksum may differ when one of
 *       the two copies holds the partial checksum of transmit offload (the pseudo-header sum that the NIC
 *       completes): on a host, the copy on the bridge (or the offloading veth) carries it, the copy on a port
 *       that does not offload carries the sum the kernel completed in software;</li>
 *   <li>ICMP error: addresses, type, code and the quoted probe's identity (addresses, protocol, IP ID, ports or
 *       Echo identifier and sequence, checksum, TCP sequence) (the reply's own IP ID is not kept by
 *       {@link IcmpReply}; two errors about one probe from one router are copies anyway);</li>
 *   <li>Echo Reply: addresses, identifier, sequence and total length;</li>
 *   <li>TCP SYN-ACK or RST: addresses, ports, flags, sequence and acknowledgment numbers.</li>
 * </ul>
 * A source NAT on the capturing host or router (Docker's MASQUERADE, a home router) rewrites the probe's
 * source address, source port or Echo identifier, and checksum on its way out, and the reply's destination
 * and quote on its way back, and forwards it (the TTL one lower). So a packet is also a copy when the address
 * a NAT rewrites (a probe's source, a reply's destination) differs, its TTL is one lower and what a NAT leaves
 * alone is the same: for a probe, destination,
 * protocol, destination port or Echo sequence, IP ID, TCP sequence, total length and TOS; for an ICMP error, its
 * source, type, code and the quote's destination, protocol, destination port or Echo sequence, IP ID and TCP
 * sequence; for an Echo Reply, its source, sequence and length; for a TCP reply, its source and source port,
 * flags, sequence and acknowledgment numbers. That is the key a packet is filed under; the rest is compared
 * when the rewritten address is the same.
 *
 * <p>Why {@value #WINDOW_NANOS} ns: forwarding through a bridge or a router takes micro- to milliseconds (tens of
 * ms through a loaded queue), while a prober sends the same probe at the same TTL again only after giving up
 * on its reply (traceroute and tracert wait seconds, mtr sends a round a second) and every tool gives each
 * probe its own identity anyway; a probe sent again after the window is a probe of its own.
 *
 * <p>The per-frame path allocates nothing once the working set is reached: one lookup per packet, identities
 * are open-addressing entries ({@link KeyTable}) kept in a ring in the order they were seen, forgotten (and
 * reused) once older than the window, and at most {@link #MAX_ENTRIES} at a time (the oldest forgotten first).
 * Two packets that share a key without being copies (the same IP ID and port at once from two sockets) keep
 * only the later one filed. Not thread-safe.
 */
final class CopyFilter {
    /** Copies of one packet are seen within this time of its first copy. */
    static final long WINDOW_NANOS = 50_000_000L;
    /** Identities remembered at most (1.3 M frames/s for 50 ms is 65 000). */
    static final int MAX_ENTRIES = 1 << 17;

    private static final int KIND_PROBE = 1;
    private static final int KIND_ERROR = 2;
    private static final int KIND_ECHO_REPLY = 3;
    private static final int KIND_TCP_REPLY = 4;

    /**
     * One packet seen, filed under what a NAT leaves alone: when its first copy was, the TTL of its latest copy,
     * fields always compared ({@code check0}, {@code check1}), the address a NAT rewrites, and the fields
     * compared only when that address is the same ({@code sameAddress}, a quoted source; {@code sameOnly}, the
     * transport checksum).
     */
    private static final class Seen extends KeyTable.Keyed {
        long time;
        int ttl;
        long check0;
        long check1;
        IpAddress rewritten;
        IpAddress sameAddress;
        long sameOnly;
        int checksum;
        boolean partial;
        boolean filed;
        Seen nextFree;

        void set(IpAddress a, IpAddress b, int k2, int k3, int k4) {
            key(a, b, k2, k3, k4);
        }

        void keyFrom(Seen other) {
            keyOf(other);
        }
    }

    private final KeyTable<Seen> table = new KeyTable<>();
    private final Seen lookup = new Seen();
    private Seen[] ring = new Seen[256];
    private int head;
    private int size;
    private Seen free;
    private long now = Long.MIN_VALUE;
    private long copies;

    /** Identities remembered now. */
    int size() {
        return size;
    }

    /** Copies folded so far (probes and replies). */
    long copies() {
        return copies;
    }

    /** True when {@code p} is a copy of a probe candidate seen just before (and counts it); else remembers it. */
    boolean isCopy(SentProbe p) {
        boolean icmp = IpProtocol.isIcmp(p.protocol());
        lookup.set(p.destination(), null, (KIND_PROBE << 24) | (p.protocol() << 16) | (p.ipId() & 0xffff),
                icmp ? p.icmpSequence() : p.destinationPort(), 0);
        boolean partial = (p.protocol() == IpProtocol.UDP || p.protocol() == IpProtocol.TCP)
                && p.checksum() == partialChecksum(p);
        return seen(p.timeNanos(), p.ttl(), p.tcpSequence(), ((long) p.totalLength() << 8) | p.tos(), p.source(),
                null, icmp ? p.icmpId() : p.sourcePort(), p.checksum(), partial);
    }

    /**
     * What a host leaves in the UDP or TCP checksum field of a datagram whose checksum the NIC completes
     * (Linux CHECKSUM_PARTIAL): the one's complement sum of the pseudo-header (RFC 768, RFC 793 3.1), folded,
     * not complemented. The transport length is taken as the total length less a 20-byte IP header (a probe
     * with IP options is then never taken for partial, and its copies must agree on the checksum). Over IPv6 the
     * pseudo-header (RFC 8200 section 8.1) holds the 128-bit addresses, the upper-layer length as 32 bits (the
     * total length less the 40-byte header: a probe with extension headers is never taken for partial) and the
     * next header: the same words summed.
     */
    static int partialChecksum(SentProbe p) {
        int length = p.source().isIpv6() ? p.totalLength() - 40 : (p.totalLength() - 20) & 0xffff;
        long sum = words(p.source()) + words(p.destination()) + p.protocol() + (length >>> 16) + (length & 0xffff);
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }

    /** The sum of an address's 16-bit words (an IPv4 address's high bits are 0). */
    private static long words(IpAddress a) {
        return words(a.high()) + words(a.low());
    }

    private static long words(long x) {
        return (x >>> 48) + ((x >>> 32) & 0xffff) + ((x >>> 16) & 0xffff) + (x & 0xffff);
    }

    /** As {@link #isCopy(SentProbe)} for an ICMP error or Echo Reply. */
    boolean isCopy(IcmpReply r) {
        QuotedProbe q = r.quote();
        int typeCode = (r.type() << 24) | (r.code() << 16);
        if (q == null) {
            lookup.set(r.source(), null, typeCode, r.echoSequence(), KIND_ECHO_REPLY << 24);
            return seen(r.timeNanos(), r.replyTtl(), r.totalLength(), 0, r.destination(), null, r.echoId(), 0,
                    false);
        }
        boolean icmp = IpProtocol.isIcmp(q.protocol());
        lookup.set(r.source(), q.destination(), typeCode | (q.ipId() & 0xffff),
                (q.protocol() << 16) | (icmp ? q.icmpSequence() : q.destinationPort()), KIND_ERROR << 24);
        return seen(r.timeNanos(), r.replyTtl(), q.tcpSequence(), 0, r.destination(), q.source(),
                icmp ? q.icmpId() : q.sourcePort(), q.checksum(), false);
    }

    /** As {@link #isCopy(SentProbe)} for a TCP SYN-ACK or RST. */
    boolean isCopy(TcpReply r) {
        lookup.set(r.source(), null, r.flags(), r.sourcePort(), KIND_TCP_REPLY << 24);
        return seen(r.timeNanos(), r.replyTtl(), r.sequence(), r.acknowledgment(), r.destination(), null,
                r.destinationPort(), 0, false);
    }

    /**
     * The packet whose key is in {@link #lookup}: a copy of the one filed under it (counted), or filed as a
     * first copy (replacing one filed that it is no copy of: sent anew).
     */
    private boolean seen(long time, int ttl, long check0, long check1, IpAddress rewritten, IpAddress sameAddress,
                         long sameOnly, int checksum, boolean partial) {
        if (time > now) {
            now = time;
            forgetBefore(time - WINDOW_NANOS);
        }
        Seen s = table.get(lookup);
        if (s != null) {
            boolean sameTtlOrForwarded = ttl == s.ttl || ttl == s.ttl - 1;
            // the classifier interns addresses: equal ones are mostly the same object
            boolean otherAddress = s.rewritten != rewritten && !s.rewritten.equals(rewritten);
            if (s.check0 == check0 && s.check1 == check1 && Math.abs(time - s.time) <= WINDOW_NANOS
                    && (otherAddress
                        // through a source NAT, which forwards it: the TTL one lower
                        ? ttl == s.ttl - 1
                        : sameTtlOrForwarded && s.sameOnly == sameOnly && Objects.equals(s.sameAddress, sameAddress)
                            && (s.checksum == checksum || s.partial || partial))) {
                // the next copy is compared to this one (a bridge after a NAT: the rewritten address again)
                s.ttl = ttl;
                s.rewritten = rewritten;
                s.sameAddress = sameAddress;
                s.sameOnly = sameOnly;
                s.checksum = checksum;
                s.partial = partial;
                copies++;
                return true;
            }
            table.remove(s);
            s.filed = false;
        }
        if (size == MAX_ENTRIES) {
            forgetOldest();
        }
        Seen e = free;
        if (e != null) {
            free = e.nextFree;
            e.nextFree = null;
        } else {
            e = new Seen();
        }
        e.keyFrom(lookup);
        e.time = time;
        e.ttl = ttl;
        e.check0 = check0;
        e.check1 = check1;
        e.rewritten = rewritten;
        e.sameAddress = sameAddress;
        e.sameOnly = sameOnly;
        e.checksum = checksum;
        e.partial = partial;
        e.filed = true;
        table.add(e);
        if (size == ring.length) {
            Seen[] bigger = new Seen[ring.length * 2];
            for (int i = 0; i < size; i++) {
                bigger[i] = ring[(head + i) & (ring.length - 1)];
            }
            ring = bigger;
            head = 0;
        }
        ring[(head + size) & (ring.length - 1)] = e;
        size++;
        return false;
    }

    /** Forgets the identities first seen before {@code time} (oldest first; the ring is in the order seen). */
    private void forgetBefore(long time) {
        while (size > 0 && ring[head].time < time) {
            forgetOldest();
        }
    }

    private void forgetOldest() {
        Seen e = ring[head];
        ring[head] = null;
        head = (head + 1) & (ring.length - 1);
        size--;
        if (e.filed) {
            table.remove(e);
            e.filed = false;
        }
        e.nextFree = free;
        free = e;
    }
}
