package org.tracecap.replay;

import org.tracecap.match.Classified;
import org.tracecap.match.SentProbe;
import org.tracecap.packet.IpProtocol;

/**
 * The probes of one candidate traceroute run (one source, destination and protocol, plus the Echo identifier
 * for ICMP), in capture order, with what the restart rules of {@link Reconstructor} need: the TTLs seen, the
 * field that tells the probes apart (their identity) and the identities seen.
 */
final class Run {
    static final int UNKNOWN = 0;
    static final int DESTINATION_PORT = 1;
    static final int SOURCE_PORT = 2;
    static final int CHECKSUM = 3;
    static final int IP_ID = 4;
    static final int ICMP_SEQUENCE = 5;
    static final int TCP_SEQUENCE = 6;

    /** An identity step of 1..64 counts as sequential (a few probes may be missing from the capture). */
    static final int SEQUENTIAL_STEP_MAX = 64;
    /** Probes kept for a run that does not look like a trace yet; the older half is dropped past this. */
    static final int UNCONFIRMED_LIMIT = 64;

    final int protocol;
    private Slot[] slots = new Slot[8];
    private int size;
    private SentProbe first;
    private long startTime;
    private long lastProbeTime;
    private long lastActivity;
    private final long[] ttlBits = new long[4];
    private int distinctTtls;
    private int maxTtl = -1;
    private boolean monotone = true;
    private int identityKind = UNKNOWN;
    private final IntSet identities = new IntSet();
    private int lastIdentity;
    private boolean sequential = true;
    private boolean answered;
    private boolean timeExceeded;

    Run(int protocol) {
        this.protocol = protocol;
    }

    int size() {
        return size;
    }

    Slot slot(int i) {
        return slots[i];
    }

    long startTime() {
        return startTime;
    }

    long lastActivity() {
        return lastActivity;
    }

    int identityKind() {
        return identityKind;
    }

    boolean monotone() {
        return monotone;
    }

    /** True once the run looks like a trace: see {@link #looksLikeTrace(int, boolean, boolean)}. */
    boolean confirmed() {
        return looksLikeTrace(distinctTtls, answered, timeExceeded);
    }

    /**
     * A group of probes is a trace when it shows at least 3 distinct TTLs, or got a Time Exceeded, or shows 2
     * TTLs and got some reply. One TTL answered only by the destination is a ping, a TCP connection or a DNS
     * query answered by Port Unreachable, not a traceroute.
     */
    static boolean looksLikeTrace(int distinctTtls, boolean answered, boolean timeExceeded) {
        return distinctTtls >= 3 || timeExceeded || (answered && distinctTtls >= 2);
    }

    /**
     * Whether {@code p} does not fit this run's pattern (rule 10 of {@link Reconstructor}): the run is a trace
     * already, {@code p}'s TTL is more than one above every TTL of the run, and, when the run's identities
     * count up one probe after another, {@code p}'s identity is not the next step (when they do not, or the
     * run shows no identity field, the jump of the TTL alone). Traceroute's reverse-DNS queries to a resolver
     * that is also its destination go out at the system's default TTL from a port of their own: not probes.
     */
    boolean outsidePattern(SentProbe p) {
        if (size == 0 || p.ttl() <= maxTtl + 1 || !confirmed()) {
            return false;
        }
        if (identityKind == UNKNOWN) {
            return true;
        }
        return !(sequential && isSequentialStep(lastIdentity, identity(p, identityKind), identityKind));
    }

    /**
     * Whether {@code p} starts a new run rather than continuing this one (condition 3 of
     * {@link Reconstructor}): its TTL is lower than the highest seen so far, and either no probe was seen for
     * more than {@code gapNanos}, or its identity repeats one of this run, or the run so far climbed TTLs
     * without ever going back (traceroute-like) and its identities do not count up one by one (random source
     * ports: a TTL going back down can only be a new run).
     */
    boolean startsNewRun(SentProbe p, long gapNanos) {
        if (size == 0 || p.ttl() >= maxTtl) {
            return false;
        }
        if (p.timeNanos() - lastProbeTime > gapNanos) {
            return true;
        }
        int kind = identityKind != UNKNOWN ? identityKind : kindOf(first, p);
        if (kind == UNKNOWN) {
            // Nothing but the TTL tells it from the first probe: the same label again, so a repeat.
            return true;
        }
        int id = identity(p, kind);
        if (identityKind == UNKNOWN) {
            // Every probe so far carried the first probe's label; this one differs from it.
            return monotone && !isSequentialStep(identity(first, kind), id, kind);
        }
        if (identities.contains(id)) {
            return true;
        }
        return monotone && !(sequential && isSequentialStep(lastIdentity, id, kind));
    }

    void add(SentProbe p) {
        if (size == 0) {
            first = p;
            startTime = p.timeNanos();
        } else {
            if (identityKind == UNKNOWN) {
                int kind = kindOf(first, p);
                if (kind != UNKNOWN) {
                    identityKind = kind;
                    lastIdentity = identity(first, kind);
                    identities.add(lastIdentity);
                }
            }
            if (identityKind != UNKNOWN) {
                int id = identity(p, identityKind);
                if (!isSequentialStep(lastIdentity, id, identityKind)) {
                    sequential = false;
                }
                identities.add(id);
                lastIdentity = id;
            }
            if (p.ttl() < maxTtl) {
                monotone = false;
            }
        }
        int ttl = p.ttl() & 0xff;
        long bit = 1L << (ttl & 63);
        if ((ttlBits[ttl >>> 6] & bit) == 0) {
            ttlBits[ttl >>> 6] |= bit;
            distinctTtls++;
        }
        maxTtl = Math.max(maxTtl, ttl);
        lastProbeTime = p.timeNanos();
        lastActivity = Math.max(lastActivity, p.timeNanos());
        if (size == slots.length) {
            if (!confirmed() && size >= UNCONFIRMED_LIMIT) {
                dropOlderHalf();
            } else {
                // a new array and arraycopy: Arrays.copyOf of a Slot[] makes it reflectively
                // (Array.newInstance), which C1 does not inline
                Slot[] bigger = new Slot[size * 2];
                System.arraycopy(slots, 0, bigger, 0, size);
                slots = bigger;
            }
        }
        slots[size++] = new Slot(p);
    }

    /** Records the reply to {@code p} if {@code p} is one of this run's probes (first reply wins). */
    boolean attach(SentProbe p, Classified reply, long time) {
        for (int i = size - 1; i >= 0; i--) {
            Slot s = slots[i];
            if (s.probe == p) {
                if (s.reply == null) {
                    s.reply = reply;
                    answered = true;
                    timeExceeded |= s.isTimeExceeded();
                }
                lastActivity = Math.max(lastActivity, time);
                return true;
            }
        }
        return false;
    }

    /** Keeps an unconfirmed run (ordinary traffic so far) from growing: forget its older half. */
    private void dropOlderHalf() {
        int keep = size / 2;
        System.arraycopy(slots, size - keep, slots, 0, keep);
        java.util.Arrays.fill(slots, keep, size, null);
        size = keep;
        if (identityKind != UNKNOWN) {
            identities.clear();
            for (int i = 0; i < size; i++) {
                identities.add(identity(slots[i].probe, identityKind));
            }
        }
    }

    /** The first field, in the order each tool uses them, that differs between two probes of a flow. */
    static int kindOf(SentProbe a, SentProbe b) {
        switch (a.protocol()) {
            case IpProtocol.ICMP, IpProtocol.ICMPV6:
                if (a.icmpSequence() != b.icmpSequence()) {
                    return ICMP_SEQUENCE;
                }
                return a.ipId() != b.ipId() ? IP_ID : UNKNOWN;
            case IpProtocol.TCP:
                if (a.sourcePort() != b.sourcePort()) {
                    return SOURCE_PORT;
                }
                if (a.tcpSequence() != b.tcpSequence()) {
                    return TCP_SEQUENCE;
                }
                if (a.destinationPort() != b.destinationPort()) {
                    return DESTINATION_PORT;
                }
                return a.ipId() != b.ipId() ? IP_ID : UNKNOWN;
            default:
                if (a.destinationPort() != b.destinationPort()) {
                    return DESTINATION_PORT;
                }
                if (a.checksum() != b.checksum()) {
                    return CHECKSUM;
                }
                if (a.ipId() != b.ipId()) {
                    return IP_ID;
                }
                return a.sourcePort() != b.sourcePort() ? SOURCE_PORT : UNKNOWN;
        }
    }

    static int identity(SentProbe p, int kind) {
        return switch (kind) {
            case DESTINATION_PORT -> p.destinationPort();
            case SOURCE_PORT -> p.sourcePort();
            case CHECKSUM -> p.checksum();
            case IP_ID -> p.ipId();
            case ICMP_SEQUENCE -> p.icmpSequence();
            case TCP_SEQUENCE -> (int) p.tcpSequence();
            default -> 0;
        };
    }

    /** A forward step of 1..{@link #SEQUENTIAL_STEP_MAX}, modulo 2^16 (2^32 for TCP sequence numbers). */
    static boolean isSequentialStep(int previous, int next, int kind) {
        int delta = kind == TCP_SEQUENCE ? next - previous : (next - previous) & 0xffff;
        return delta >= 1 && delta <= SEQUENTIAL_STEP_MAX;
    }
}
