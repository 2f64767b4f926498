package org.tracecap.match;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.tracecap.packet.IpProtocol;

/**
 * The probes sent so far, indexed so that each reply finds the probe it answers without a scan.
 *
 * <p>Every probe is filed under two keys: its flow (source, destination, protocol, source port and
 * destination port, or ICMP identifier and sequence) and its NAT flow (destination, protocol, destination
 * port or ICMP sequence: what survives a NAT that rewrites the source address and port or ICMP id). Each
 * key holds a short deque of probes in the order they were added (capture order).
 *
 * <p>An ICMP error is attributed by its quote, trying these rules in order and, within a rule, taking the
 * most recent probe sent no later than the reply:
 * <ol>
 *   <li>exact: same flow, same IP ID, same discriminator (UDP or ICMP checksum; TCP sequence number);</li>
 *   <li>discriminator differs (outgoing checksum offload leaves wrong checksums in captures; NAT rewrites
 *       the checksum): same flow, same IP ID;</li>
 *   <li>IP ID differs too (rewritten on the way): same flow;</li>
 *   <li>source address and port (or ICMP id) rewritten by a NAT: same NAT flow and same IP ID;</li>
 *   <li>same NAT flow.</li>
 * </ol>
 * An Echo Reply answers the most recent Echo Request to its source with the same identifier and sequence
 * (preferring one sent from the reply's destination). A TCP SYN-ACK or RST answers the most recent SYN to
 * its source with the ports swapped and sequence number = acknowledgment - 1.
 *
 * <p>Bounded: past {@code capacity} probes the oldest is forgotten. The instance returned is the one added.
 * Not thread-safe.
 */
public final class ProbeTable {
    private final int capacity;
    private final Map<FlowKey, ArrayDeque<SentProbe>> flows = new HashMap<>();
    private final Map<NatKey, ArrayDeque<SentProbe>> natFlows = new HashMap<>();
    private final ArrayDeque<SentProbe> order = new ArrayDeque<>();

    /** Flow of a probe: who to whom, which protocol, which ports (UDP/TCP) or echo id/sequence (ICMP). */
    private record FlowKey(int source, int destination, int protocol, int a, int b) {
    }

    /** What a source NAT leaves alone: destination, protocol, destination port or echo sequence. */
    private record NatKey(int destination, int protocol, int b) {
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
        if (protocol != IpProtocol.UDP && protocol != IpProtocol.TCP && protocol != IpProtocol.ICMP) {
            return;
        }
        flows.computeIfAbsent(flowKey(p), k -> new ArrayDeque<>(4)).addLast(p);
        natFlows.computeIfAbsent(natKey(p), k -> new ArrayDeque<>(4)).addLast(p);
        order.addLast(p);
        while (order.size() > capacity) {
            evict(order.removeFirst());
        }
    }

    private void evict(SentProbe old) {
        removeFrom(flows, flowKey(old), old);
        removeFrom(natFlows, natKey(old), old);
    }

    private static <K> void removeFrom(Map<K, ArrayDeque<SentProbe>> map, K key, SentProbe p) {
        ArrayDeque<SentProbe> list = map.get(key);
        if (list == null) {
            return;
        }
        // Probes are added in order, so the oldest is at the head; fall back to a search otherwise.
        if (list.peekFirst() == p) {
            list.removeFirst();
        } else {
            Iterator<SentProbe> it = list.iterator();
            while (it.hasNext()) {
                if (it.next() == p) {
                    it.remove();
                    break;
                }
            }
        }
        if (list.isEmpty()) {
            map.remove(key);
        }
    }

    /** The probe an ICMP error quotes, or an Echo Reply answers; null when none. */
    public SentProbe attribute(IcmpReply r) {
        QuotedProbe q = r.quote();
        if (q == null) {
            return echo(r);
        }
        int protocol = q.protocol();
        if (protocol != IpProtocol.UDP && protocol != IpProtocol.TCP && protocol != IpProtocol.ICMP) {
            return null;
        }
        int a = protocol == IpProtocol.ICMP ? q.icmpId() : q.sourcePort();
        int b = protocol == IpProtocol.ICMP ? q.icmpSequence() : q.destinationPort();
        long discriminator = protocol == IpProtocol.TCP ? q.tcpSequence() : q.checksum();
        long time = r.timeNanos();

        ArrayDeque<SentProbe> flow = flows.get(new FlowKey(q.source(), q.destination(), protocol, a, b));
        if (flow != null) {
            SentProbe sameId = null;
            SentProbe any = null;
            for (Iterator<SentProbe> it = flow.descendingIterator(); it.hasNext(); ) {
                SentProbe p = it.next();
                if (p.timeNanos() > time) {
                    continue;
                }
                if (p.ipId() == q.ipId()) {
                    if (discriminator(p) == discriminator) {
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
        ArrayDeque<SentProbe> nat = natFlows.get(new NatKey(q.destination(), protocol, b));
        if (nat == null) {
            return null;
        }
        SentProbe any = null;
        for (Iterator<SentProbe> it = nat.descendingIterator(); it.hasNext(); ) {
            SentProbe p = it.next();
            if (p.timeNanos() > time) {
                continue;
            }
            if (p.ipId() == q.ipId()) {
                return p;
            }
            if (any == null) {
                any = p;
            }
        }
        return any;
    }

    private SentProbe echo(IcmpReply r) {
        ArrayDeque<SentProbe> list = natFlows.get(new NatKey(r.source(), IpProtocol.ICMP, r.echoSequence()));
        if (list == null) {
            return null;
        }
        SentProbe fromElsewhere = null;
        for (Iterator<SentProbe> it = list.descendingIterator(); it.hasNext(); ) {
            SentProbe p = it.next();
            if (p.timeNanos() > r.timeNanos() || p.icmpId() != r.echoId()) {
                continue;
            }
            if (p.source() == r.destination()) {
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
        ArrayDeque<SentProbe> list = natFlows.get(new NatKey(r.source(), IpProtocol.TCP, r.sourcePort()));
        if (list == null) {
            return null;
        }
        long wantedSeq = (r.acknowledgment() - 1) & 0xffffffffL;
        for (Iterator<SentProbe> it = list.descendingIterator(); it.hasNext(); ) {
            SentProbe p = it.next();
            if (p.timeNanos() <= r.timeNanos() && p.sourcePort() == r.destinationPort()
                    && p.tcpSequence() == wantedSeq) {
                return p;
            }
        }
        return null;
    }

    private static long discriminator(SentProbe p) {
        return p.protocol() == IpProtocol.TCP ? p.tcpSequence() : p.checksum();
    }

    private static FlowKey flowKey(SentProbe p) {
        return p.protocol() == IpProtocol.ICMP
                ? new FlowKey(p.source(), p.destination(), p.protocol(), p.icmpId(), p.icmpSequence())
                : new FlowKey(p.source(), p.destination(), p.protocol(), p.sourcePort(), p.destinationPort());
    }

    private static NatKey natKey(SentProbe p) {
        return new NatKey(p.destination(), p.protocol(),
                p.protocol() == IpProtocol.ICMP ? p.icmpSequence() : p.destinationPort());
    }
}
