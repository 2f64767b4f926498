package org.tracecap.replay;

import org.tracecap.match.IcmpReply;
import org.tracecap.match.KeyTable;
import org.tracecap.match.QuotedProbe;
import org.tracecap.match.SentProbe;
import org.tracecap.match.TcpReply;
import org.tracecap.packet.IpProtocol;

/**
 * Rule 4 of {@link Reconstructor}: the same packet captured more than once (a capture on several interfaces,
 * {@code tcpdump -i any} on a host with a bridge, a VPN or Docker's veth, bridge and NAT, or on a router that
 * shows each packet coming in and going out) is one packet, the copy seen first.
 *
 * <p>A packet is a copy when a packet with the same identity was seen less than {@link #WINDOW_NANOS} before
 * (counted from the first copy) with the same TTL (a bridge, a second capture point on the same host) or one
 * more (a router decremented it on the way out); each copy's TTL becomes the one the next copy is compared to
 * (bridge, then router). Identities:
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
 * and quote on its way back. So a packet is also a copy when what a NAT leaves alone is the same and the
 * rewritten address differs: for a probe, destination, protocol, destination port or Echo sequence, IP ID,
 * TCP sequence, total length and TOS, from another source; for an ICMP error, its source, type, code and the
 * quote's destination, protocol, destination port or Echo sequence, IP ID and TCP sequence, to another
 * destination; for an Echo Reply, its source, sequence and length, to another destination; for a TCP reply, its
 * source and source port, flags, sequence and acknowledgment numbers, to another destination.
 *
 * <p>Why {@value #WINDOW_NANOS} ns: forwarding through a bridge or a router takes micro- to milliseconds (tens of
 * ms through a loaded queue), while a prober sends the same probe at the same TTL again only after giving up
 * on its reply (traceroute and tracert wait seconds, mtr sends a round a second) and every tool gives each
 * probe its own identity anyway; a probe sent again after the window is a probe of its own.
 *
 * <p>The per-frame path allocates nothing once the working set is reached: identities are open-addressing
 * entries ({@link KeyTable}) kept in a ring in the order they were seen, forgotten (and reused) once older
 * than the window, and at most {@link #MAX_ENTRIES} at a time (the oldest forgotten first). Not thread-safe.
 */
final class CopyFilter {
    /** Copies of one packet are seen within this time of its first copy. */
    static final long WINDOW_NANOS = 50_000_000L;
    /** Identities remembered at most (1.3 M frames/s for 50 ms is 65 000 frames, two identities each). */
    static final int MAX_ENTRIES = 1 << 18;

    private static final int KIND_PROBE = 1;
    private static final int KIND_ERROR = 2;
    private static final int KIND_ECHO_REPLY = 3;
    private static final int KIND_TCP_REPLY = 4;
    private static final int KIND_NAT_PROBE = 5;
    private static final int KIND_NAT_ERROR = 6;
    private static final int KIND_NAT_ECHO_REPLY = 7;
    private static final int KIND_NAT_TCP_REPLY = 8;

    /**
     * One identity seen: when its first copy was, the TTL of its latest copy, fields checked beyond the key, and
     * for a NAT identity the address a NAT rewrites (a copy must have another).
     */
    private static final class Seen extends KeyTable.Keyed {
        long time;
        int ttl;
        long check0;
        long check1;
        int checksum;
        boolean partial;
        int rewritten;
        boolean filed;
        Seen nextFree;

        Seen set(int k0, int k1, int k2, int k3, int k4) {
            key(k0, k1, k2, k3, k4);
            return this;
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
        long time = p.timeNanos();
        advance(time);
        int ttl = p.ttl();
        long check1 = ((long) p.totalLength() << 8) | p.tos();
        boolean partial = (p.protocol() == IpProtocol.UDP || p.protocol() == IpProtocol.TCP)
                && p.checksum() == partialChecksum(p);
        if (copy(exactKey(p), time, ttl, p.tcpSequence(), check1, p.checksum(), partial, 0, false)) {
            return true;
        }
        Seen nat = lookup.set(p.destination(), (KIND_NAT_PROBE << 24) | (p.protocol() << 16) | p.ipId(),
                p.protocol() == IpProtocol.ICMP ? p.icmpSequence() : p.destinationPort(), 0, 0);
        if (copy(nat, time, ttl, p.tcpSequence(), check1, 0, false, p.source(), true)) {
            return true;
        }
        file(time, ttl, p.tcpSequence(), check1, 0, false, p.source());
        exactKey(p);
        file(time, ttl, p.tcpSequence(), check1, p.checksum(), partial, 0);
        return false;
    }

    private Seen exactKey(SentProbe p) {
        return lookup.set(p.source(), p.destination(), (p.protocol() << 16) | p.ipId(),
                (p.sourcePort() << 16 | p.destinationPort()) ^ (p.icmpId() << 16 | p.icmpSequence()),
                KIND_PROBE << 24);
    }

    /**
     * What a host leaves in the UDP or TCP checksum field of a datagram whose checksum the NIC completes
     * (Linux CHECKSUM_PARTIAL): the one's complement sum of the pseudo-header (RFC 768, RFC 793 3.1), folded,
     * not complemented. The transport length is taken as the total length less a 20-byte IP header (a probe
     * with IP options is then never taken for partial, and its copies must agree on the checksum).
     */
    static int partialChecksum(SentProbe p) {
        long sum = (p.source() >>> 16) + (p.source() & 0xffff) + (p.destination() >>> 16)
                + (p.destination() & 0xffff) + p.protocol() + ((p.totalLength() - 20) & 0xffff);
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }

    /** As {@link #isCopy(SentProbe)} for an ICMP error or Echo Reply. */
    boolean isCopy(IcmpReply r) {
        long time = r.timeNanos();
        advance(time);
        int ttl = r.replyTtl();
        QuotedProbe q = r.quote();
        int typeCode = (r.type() << 24) | (r.code() << 16);
        if (q == null) {
            Seen exact = lookup.set(r.source(), r.destination(), typeCode, (r.echoId() << 16) | r.echoSequence(),
                    KIND_ECHO_REPLY << 24);
            if (copy(exact, time, ttl, r.totalLength(), 0, 0, false, 0, false)) {
                return true;
            }
            Seen nat = lookup.set(r.source(), typeCode, r.echoSequence(), 0, KIND_NAT_ECHO_REPLY << 24);
            if (copy(nat, time, ttl, r.totalLength(), 0, 0, false, r.destination(), true)) {
                return true;
            }
            file(time, ttl, r.totalLength(), 0, 0, false, r.destination());
            lookup.set(r.source(), r.destination(), typeCode, (r.echoId() << 16) | r.echoSequence(),
                    KIND_ECHO_REPLY << 24);
            file(time, ttl, r.totalLength(), 0, 0, false, 0);
            return false;
        }
        long addresses = ((long) q.source() << 32) | (q.destination() & 0xffffffffL);
        if (copy(exactKey(r, q, typeCode), time, ttl, addresses, q.tcpSequence(), 0, false, 0, false)) {
            return true;
        }
        int natPort = q.protocol() == IpProtocol.ICMP ? q.icmpSequence() : q.destinationPort();
        Seen nat = lookup.set(r.source(), typeCode | q.ipId(), q.destination(), (q.protocol() << 16) | natPort,
                KIND_NAT_ERROR << 24);
        if (copy(nat, time, ttl, q.tcpSequence(), 0, 0, false, r.destination(), true)) {
            return true;
        }
        file(time, ttl, q.tcpSequence(), 0, 0, false, r.destination());
        exactKey(r, q, typeCode);
        file(time, ttl, addresses, q.tcpSequence(), 0, false, 0);
        return false;
    }

    private Seen exactKey(IcmpReply r, QuotedProbe q, int typeCode) {
        return lookup.set(r.source(), r.destination(), typeCode | q.ipId(),
                (q.sourcePort() << 16 | q.destinationPort()) ^ (q.icmpId() << 16 | q.icmpSequence()),
                (KIND_ERROR << 24) | (q.protocol() << 16) | q.checksum());
    }

    /** As {@link #isCopy(SentProbe)} for a TCP SYN-ACK or RST. */
    boolean isCopy(TcpReply r) {
        long time = r.timeNanos();
        advance(time);
        int ttl = r.replyTtl();
        Seen exact = lookup.set(r.source(), r.destination(), r.flags(), (r.sourcePort() << 16) | r.destinationPort(),
                KIND_TCP_REPLY << 24);
        if (copy(exact, time, ttl, r.sequence(), r.acknowledgment(), 0, false, 0, false)) {
            return true;
        }
        Seen nat = lookup.set(r.source(), r.flags(), r.sourcePort(), 0, KIND_NAT_TCP_REPLY << 24);
        if (copy(nat, time, ttl, r.sequence(), r.acknowledgment(), 0, false, r.destination(), true)) {
            return true;
        }
        file(time, ttl, r.sequence(), r.acknowledgment(), 0, false, r.destination());
        lookup.set(r.source(), r.destination(), r.flags(), (r.sourcePort() << 16) | r.destinationPort(),
                KIND_TCP_REPLY << 24);
        file(time, ttl, r.sequence(), r.acknowledgment(), 0, false, 0);
        return false;
    }

    /** Moves the capture clock on and forgets what is older than the window. */
    private void advance(long time) {
        if (time > now) {
            now = time;
            forgetBefore(time - WINDOW_NANOS);
        }
    }

    /**
     * Whether the packet whose identity is in {@code key} (the lookup) is a copy of the one filed under it
     * (and counts it); when one is filed but this is no copy of it (sent anew), it is unfiled. {@code nat}: a
     * copy must have another {@code rewritten} address than the one filed.
     */
    private boolean copy(Seen key, long time, int ttl, long check0, long check1, int checksum, boolean partial,
                         int rewritten, boolean nat) {
        Seen s = table.get(key);
        if (s == null) {
            return false;
        }
        if (s.check0 == check0 && s.check1 == check1 && (s.checksum == checksum || s.partial || partial)
                && (!nat || s.rewritten != rewritten)
                && Math.abs(time - s.time) <= WINDOW_NANOS
                && (ttl == s.ttl || ttl == s.ttl - 1)) {
            s.ttl = ttl;
            copies++;
            return true;
        }
        // the same identity again, but sent anew: it replaces the old one
        table.remove(s);
        s.filed = false;
        return false;
    }

    /** Files the identity in {@link #lookup} as a first copy (not filed: {@link #copy} said so). */
    private void file(long time, int ttl, long check0, long check1, int checksum, boolean partial, int rewritten) {
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
        e.checksum = checksum;
        e.partial = partial;
        e.rewritten = rewritten;
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
