package org.tracecap.match;

import org.tracecap.packet.IpAddress;

import java.util.ArrayDeque;
import org.tracecap.packet.IpProtocol;

/**
 * The probes sent so far, indexed so that each reply finds the probe it answers without a scan.
 *
 * <p>Every probe is filed under two keys: its flow (source, destination, protocol, source port and
 * destination port, or ICMP identifier and sequence) and its NAT flow (destination, protocol, destination
 * port or ICMP sequence: what survives a NAT that rewrites the source address and port or ICMP id). Each
 * key holds its probes in the order they were added (capture order).
 *
 * <p>An ICMP error is attributed by its quote, trying these rules in order and, within a rule, taking the
 * most recent probe sent no later than the reply:
 * <ol>
 *   <li>exact: same flow, same IP ID (IPv6: the fragment identification or 0, and the flow label; {@link
 *       SentProbe#sameIdentification}), same discriminator (UDP or ICMP checksum; TCP sequence number). A
 *       probe captured with a partial checksum (transmit checksum offload) matches by the checksum it left
 *       with, worked out by the classifier, or by the partial one, which routers behind a link that never
 *       completes it (virtual links) quote ({@link SentProbe#checksumQuotedUnchanged});</li>
 *   <li>discriminator differs (a NAT rewrote the checksum; a partial checksum whose real value the capture
 *       cannot tell, the probe being cut by the snap length): same flow, same IP ID;</li>
 *   <li>IP ID differs too (rewritten on the way): same flow;</li>
 *   <li>source address and port (or ICMP id) rewritten by a NAT: same NAT flow and same IP ID;</li>
 *   <li>same NAT flow.</li>
 * </ol>
 * The rules are the same for both families: an ICMPv6 error's quote is dissected into the same
 * {@link QuotedProbe} fields, the ICMPv6 Echo identifier and sequence standing for ICMP's.
 * An Echo Reply answers the most recent Echo Request (of its family) to its source with the same identifier and sequence
 * (preferring one sent from the reply's destination). A TCP SYN-ACK or RST answers the most recent SYN to
 * its source with the ports swapped and sequence number = acknowledgment - 1.
 *
 * <p>Bounded: past {@code capacity} probes the oldest is forgotten, and {@link #forgetSentBefore} forgets
 * probes by age. The instance returned is the one added. Not thread-safe.
 *
 * <p>A replay files every probe of a capture here (most under a flow of their own: traceroute gives each
 * probe a new port), so the layout keeps the work per probe small: a key is its own bucket (int fields,
 * their hash worked out once), filed in an open-addressing table of its kind ({@link KeyTable}), lookups reuse
 * one mutable key per table, and a bucket's probes are a chain through the probes' {@link Entry}s, so
 * filing and forgetting a probe allocate one entry and never search.
 */
public final class ProbeTable {
    private final int capacity;
    private final KeyTable<FlowBucket> flows = new KeyTable<>();
    private final KeyTable<NatBucket> natFlows = new KeyTable<>();
    private final ArrayDeque<Entry> order = new ArrayDeque<>();
    private final FlowBucket flowLookup = new FlowBucket();
    private final NatBucket natLookup = new NatBucket();

    /** One probe, linked into the chains of its flow and of its NAT flow (newer and older neighbours). */
    private static final class Entry {
        final SentProbe probe;
        final FlowBucket flow;
        final NatBucket nat;
        Entry flowOlder;
        Entry flowNewer;
        Entry natOlder;
        Entry natNewer;

        Entry(SentProbe probe, FlowBucket flow, NatBucket nat) {
            this.probe = probe;
            this.flow = flow;
            this.nat = nat;
        }
    }

    /**
     * A flow: who to whom, which protocol, which ports (UDP/TCP) or echo id/sequence (ICMP), and its probes
     * from {@code newest} back to {@code oldest}. The key changes only in the lookup instance.
     */
    private static final class FlowBucket extends KeyTable.Keyed {
        Entry newest;
        Entry oldest;

        FlowBucket set(IpAddress source, IpAddress destination, int protocol, int a, int b) {
            key(source, destination, protocol, a, b);
            return this;
        }

        FlowBucket copyKey() {
            FlowBucket copy = new FlowBucket();
            copy.keyOf(this);
            return copy;
        }
    }

    /** What a source NAT leaves alone: destination, protocol, destination port or echo sequence; and probes. */
    private static final class NatBucket extends KeyTable.Keyed {
        Entry newest;
        Entry oldest;

        NatBucket set(IpAddress destination, int protocol, int b) {
            key(destination, null, protocol, b, 0);
            return this;
        }

        NatBucket copyKey() {
            NatBucket copy = new NatBucket();
            copy.keyOf(this);
            return copy;
        }
    }

    public ProbeTable(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity " + capacity + " < 1");
        }
        this.capacity = capacity;
    }

    public int size() {
        return order.size();
    }

    public int capacity() {
        return capacity;
    }

    /** Files a probe; forgets the oldest when the table is full. Non-probe protocols are not kept. */
    public void add(SentProbe p) {
        int protocol = p.protocol();
        if (protocol != IpProtocol.UDP && protocol != IpProtocol.TCP && !IpProtocol.isIcmp(protocol)) {
            return;
        }
        FlowBucket flow = flows.get(flowKey(p));
        if (flow == null) {
            flow = flowLookup.copyKey();
            flows.add(flow);
        }
        NatBucket nat = natFlows.get(natKey(p));
        if (nat == null) {
            nat = natLookup.copyKey();
            natFlows.add(nat);
        }
        Entry e = new Entry(p, flow, nat);
        e.flowOlder = flow.newest;
        if (flow.newest != null) {
            flow.newest.flowNewer = e;
        } else {
            flow.oldest = e;
        }
        flow.newest = e;
        e.natOlder = nat.newest;
        if (nat.newest != null) {
            nat.newest.natNewer = e;
        } else {
            nat.oldest = e;
        }
        nat.newest = e;
        order.addLast(e);
        while (order.size() > capacity) {
            forget(order.removeFirst());
        }
    }

    /**
     * Forgets the probes sent before {@code timeNanos}, oldest first, up to the first one filed that was sent
     * later (a capture's frames are in time order but for a few: a probe filed out of order waits for the
     * probes filed before it).
     */
    public void forgetSentBefore(long timeNanos) {
        while (!order.isEmpty() && order.peekFirst().probe.timeNanos() < timeNanos) {
            forget(order.removeFirst());
        }
    }

    /** Unlinks {@code e} from both chains (it is their oldest) and drops a bucket left empty. */
    private void forget(Entry e) {
        FlowBucket flow = e.flow;
        if (e.flowOlder != null) {
            e.flowOlder.flowNewer = e.flowNewer;
        } else {
            flow.oldest = e.flowNewer;
        }
        if (e.flowNewer != null) {
            e.flowNewer.flowOlder = e.flowOlder;
        } else {
            flow.newest = e.flowOlder;
        }
        if (flow.newest == null) {
            flows.remove(flow);
        }
        NatBucket nat = e.nat;
        if (e.natOlder != null) {
            e.natOlder.natNewer = e.natNewer;
        } else {
            nat.oldest = e.natNewer;
        }
        if (e.natNewer != null) {
            e.natNewer.natOlder = e.natOlder;
        } else {
            nat.newest = e.natOlder;
        }
        if (nat.newest == null) {
            natFlows.remove(nat);
        }
    }

    /** The probe an ICMP error quotes, or an Echo Reply answers; null when none. */
    public SentProbe attribute(IcmpReply r) {
        QuotedProbe q = r.quote();
        if (q == null) {
            return echo(r);
        }
        int protocol = q.protocol();
        if (protocol != IpProtocol.UDP && protocol != IpProtocol.TCP && !IpProtocol.isIcmp(protocol)) {
            return null;
        }
        int a = IpProtocol.isIcmp(protocol) ? q.icmpId() : q.sourcePort();
        int b = IpProtocol.isIcmp(protocol) ? q.icmpSequence() : q.destinationPort();
        long discriminator = protocol == IpProtocol.TCP ? q.tcpSequence() : q.checksum();
        long time = r.timeNanos();

        FlowBucket flow = flows.get(flowLookup.set(q.source(), q.destination(), protocol, a, b));
        if (flow != null) {
            SentProbe sameId = null;
            SentProbe any = null;
            for (Entry e = flow.newest; e != null; e = e.flowOlder) {
                SentProbe p = e.probe;
                if (p.timeNanos() > time) {
                    continue;
                }
                if (p.sameIdentification(q)) {
                    if (protocol == IpProtocol.TCP ? p.tcpSequence() == discriminator
                            : p.checksumQuotedUnchanged((int) discriminator)) {
                        return p;
                    }
                    if (sameId == null) {
                        sameId = p;
                    }
                }
                if (any == null) {
                    any = p;
                }
            }
            if (sameId != null) {
                return sameId;
            }
            if (any != null) {
                return any;
            }
        }
        NatBucket nat = natFlows.get(natLookup.set(q.destination(), protocol, b));
        if (nat == null) {
            return null;
        }
        SentProbe any = null;
        for (Entry e = nat.newest; e != null; e = e.natOlder) {
            SentProbe p = e.probe;
            if (p.timeNanos() > time) {
                continue;
            }
            if (p.sameIdentification(q)) {
                return p;
            }
            if (any == null) {
                any = p;
            }
        }
        return any;
    }

    private SentProbe echo(IcmpReply r) {
        NatBucket nat = natFlows.get(natLookup.set(r.source(),
                r.family() == IpAddress.IPV6 ? IpProtocol.ICMPV6 : IpProtocol.ICMP, r.echoSequence()));
        if (nat == null) {
            return null;
        }
        SentProbe fromElsewhere = null;
        for (Entry e = nat.newest; e != null; e = e.natOlder) {
            SentProbe p = e.probe;
            if (p.timeNanos() > r.timeNanos() || p.icmpId() != r.echoId()) {
                continue;
            }
            if (p.source().equals(r.destination())) {
                return p;
            }
            if (fromElsewhere == null) {
                fromElsewhere = p;
            }
        }
        return fromElsewhere;
    }

    /** The SYN a SYN-ACK or RST answers: ports swapped, sequence = acknowledgment - 1; null when none. */
    public SentProbe attribute(TcpReply r) {
        NatBucket nat = natFlows.get(natLookup.set(r.source(), IpProtocol.TCP, r.sourcePort()));
        if (nat == null) {
            return null;
        }
        long wantedSeq = (r.acknowledgment() - 1) & 0xffffffffL;
        for (Entry e = nat.newest; e != null; e = e.natOlder) {
            SentProbe p = e.probe;
            if (p.timeNanos() <= r.timeNanos() && p.sourcePort() == r.destinationPort()
                    && p.tcpSequence() == wantedSeq) {
                return p;
            }
        }
        return null;
    }

    /** The lookup key set to {@code p}'s flow (valid until the next lookup). */
    private FlowBucket flowKey(SentProbe p) {
        return IpProtocol.isIcmp(p.protocol())
                ? flowLookup.set(p.source(), p.destination(), p.protocol(), p.icmpId(), p.icmpSequence())
                : flowLookup.set(p.source(), p.destination(), p.protocol(), p.sourcePort(), p.destinationPort());
    }

    /** The lookup key set to {@code p}'s NAT flow (valid until the next lookup). */
    private NatBucket natKey(SentProbe p) {
        return natLookup.set(p.destination(), p.protocol(),
                IpProtocol.isIcmp(p.protocol()) ? p.icmpSequence() : p.destinationPort());
    }
}
