package org.tracecap.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.IpProtocol;

/**
 * The probe table finds what a plain scan of the probes it keeps finds, rule by rule (see {@link ProbeTable}),
 * through any mix of filing, forgetting past the capacity and lookups: keys drawn from a small space, so that
 * flows share table slots, are filed, emptied and filed again, and the table grows and wraps around.
 */
class ProbeTableProperties {
    private static final int CLIENT = 0xc612_0101;
    private static final int[] SOURCES = {CLIENT, 0xc613_0009};
    private static final int[] DESTINATIONS = {0xc612_0502, 0xc612_0602, 0xc612_0702};

    @Property(tries = 200)
    void attributesAsAScanOfTheProbesKept(@ForAll long seed, @ForAll @IntRange(min = 1, max = 300) int capacity,
            @ForAll @IntRange(min = 2, max = 400) int ports) {
        Random random = new Random(seed);
        ProbeTable table = new ProbeTable(capacity);
        List<SentProbe> kept = new ArrayList<>();
        long time = 0;
        for (int step = 0; step < 3000; step++) {
            time += random.nextInt(3);
            if (random.nextInt(3) != 0) {
                SentProbe p = probe(random, time, ports);
                table.add(p);
                kept.add(p);
                if (kept.size() > capacity) {
                    kept.remove(0);
                }
                assertEquals(kept.size(), table.size());
            } else {
                QuotedProbe q = quote(random, kept, ports);
                IcmpReply reply = new IcmpReply(time, IpAddress.ipv4(0xc612_0202), IpAddress.ipv4(CLIENT), 63, 88, 11,
                        0, 0, q, 0, 0, List.of());
                assertSame(scan(kept, q, time), table.attribute(reply), "reply at " + time + " quoting " + q);
            }
        }
    }

    /** A UDP or ICMP probe from a small space of keys. */
    private static SentProbe probe(Random random, long time, int ports) {
        int source = SOURCES[random.nextInt(SOURCES.length)];
        int destination = DESTINATIONS[random.nextInt(DESTINATIONS.length)];
        int ipId = random.nextInt(8);
        int checksum = random.nextInt(4);
        if (random.nextInt(4) == 0) {
            return new SentProbe(time, IpAddress.ipv4(source), IpAddress.ipv4(destination), IpProtocol.ICMP, 3, ipId,
                    60, 0, 0, 0,
                    random.nextInt(3), random.nextInt(ports), checksum, 0);
        }
        return new SentProbe(time, IpAddress.ipv4(source), IpAddress.ipv4(destination), IpProtocol.UDP, 3, ipId, 60,
                0, 33000 + random.nextInt(3),
                33434 + random.nextInt(ports), 0, 0, checksum, 0);
    }

    /** Mostly the quote of a probe kept, sometimes with a field changed (NAT, rewritten IP ID), or of none. */
    private static QuotedProbe quote(Random random, List<SentProbe> kept, int ports) {
        SentProbe p = kept.isEmpty() || random.nextInt(5) == 0 ? probe(random, 0, ports)
                : kept.get(random.nextInt(kept.size()));
        IpAddress source = random.nextInt(6) == 0 ? IpAddress.ipv4(SOURCES[random.nextInt(SOURCES.length)])
                : p.source();
        int ipId = random.nextInt(6) == 0 ? random.nextInt(8) : p.ipId();
        int checksum = random.nextInt(4) == 0 ? random.nextInt(4) : p.checksum();
        int sport = random.nextInt(6) == 0 ? 33000 + random.nextInt(3) : p.sourcePort();
        return new QuotedProbe(source, p.destination(), p.protocol(), 1, ipId, 60, 0, sport, p.destinationPort(),
                p.icmpId(), p.icmpSequence(), checksum, 0, 60);
    }

    /** The rules of {@link ProbeTable} as a scan of the kept probes, newest first. */
    private static SentProbe scan(List<SentProbe> kept, QuotedProbe q, long time) {
        boolean icmp = q.protocol() == IpProtocol.ICMP;
        SentProbe exact = null;
        SentProbe sameId = null;
        SentProbe sameFlow = null;
        SentProbe natSameId = null;
        SentProbe nat = null;
        for (int i = kept.size() - 1; i >= 0; i--) {
            SentProbe p = kept.get(i);
            if (p.timeNanos() > time || p.protocol() != q.protocol() || !p.destination().equals(q.destination())
                    || (icmp ? p.icmpSequence() != q.icmpSequence() : p.destinationPort() != q.destinationPort())) {
                continue;
            }
            boolean flow = p.source().equals(q.source())
                    && (icmp ? p.icmpId() == q.icmpId() : p.sourcePort() == q.sourcePort());
            boolean id = p.ipId() == q.ipId();
            if (flow && id && p.checksum() == q.checksum() && exact == null) {
                exact = p;
            }
            if (flow && id && sameId == null) {
                sameId = p;
            }
            if (flow && sameFlow == null) {
                sameFlow = p;
            }
            if (id && natSameId == null) {
                natSameId = p;
            }
            if (nat == null) {
                nat = p;
            }
        }
        for (SentProbe p : new SentProbe[] {exact, sameId, sameFlow, natSameId, nat}) {
            if (p != null) {
                return p;
            }
        }
        return null;
    }
}
