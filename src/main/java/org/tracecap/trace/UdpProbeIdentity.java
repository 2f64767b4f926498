package org.tracecap.trace;

import org.tracecap.match.SentProbe;
import org.tracecap.model.Method;
import org.tracecap.packet.Bytes;
import org.tracecap.packet.IpProtocol;
import org.tracecap.packet.ProbeEncoder;

/**
 * What the UDP identities ({@link ClassicUdpIdentity}, {@link ParisUdpIdentity}, {@link DublinUdpIdentity},
 * {@link FixedPortUdpIdentity}) share: a method to report, a number of probes, one source port for the whole
 * trace (unless a subclass numbers the source ports), probe 0's destination port (every probe's unless a
 * subclass numbers the ports) and IP IDs {@code ipIdBase + n} (mod 2^16). A
 * subclass checks its own ranges and says which UDP checksum probe {@code n} carries, and which quotes are its
 * own.
 */
public abstract class UdpProbeIdentity implements ProbeIdentity {
    private final Method method;
    final int destinationPort;
    final int count;
    final int sourcePort;
    final int ipIdBase;

    UdpProbeIdentity(Method method, int destinationPort, int count, int sourcePort, int ipIdBase) {
        this.method = method;
        this.destinationPort = destinationPort;
        this.count = count;
        this.sourcePort = sourcePort;
        this.ipIdBase = ipIdBase;
    }

    /**
     * Checks a fixed flow's ports and the probe count ({@code 1..maxCount}) and IP ID base, for the
     * identities that send every probe between the same two ports.
     */
    static void checkFlow(int sourcePort, int destinationPort, int count, int maxCount, int ipIdBase) {
        if (destinationPort < 1 || destinationPort > 0xffff || sourcePort < 1 || sourcePort > 0xffff) {
            throw new IllegalArgumentException("ports " + sourcePort + " -> " + destinationPort
                    + " outside 1..65535");
        }
        if (count < 1 || count > maxCount || ipIdBase < 0 || ipIdBase > 0xffff) {
            throw new IllegalArgumentException("probe count " + count + " outside 1.." + maxCount
                    + " or IP ID base " + ipIdBase + " out of range");
        }
    }

    @Override
    public final Method method() {
        return method;
    }

    /** The UDP fields of probe {@code sequence}: the checksum to force, or {@code ProbeEncoder.NATURAL_CHECKSUM}. */
    public final ProbeFields fields(int sequence) {
        if (sequence < 0 || sequence >= count) {
            throw new IllegalArgumentException("probe " + sequence + " outside 0.." + (count - 1));
        }
        return new ProbeFields(sourcePort(sequence), destinationPort(sequence), ipId(sequence), udpChecksum(sequence));
    }

    @Override
    public final int protocol() {
        return IpProtocol.UDP;
    }

    @Override
    public final SentProbe write(int sequence, Envelope e, byte[] buf, long timeNanos) {
        ProbeFields f = fields(sequence);
        ProbeEncoder.UdpProbe udp = new ProbeEncoder.UdpProbe(e.destinationMac(), e.sourceMac(), e.source().ipv4(),
                e.destination().ipv4(), e.ttl(), f.ipId(), e.tos(), e.dontFragment(), e.totalLength(), f.sourcePort(),
                f.destinationPort(), f.udpChecksum(), null);
        int ip = e.linkHeader();
        if (e.destinationMac() != null) {
            ProbeEncoder.encode(udp, buf, 0);
        } else {
            ProbeEncoder.encodeIp(udp, buf, 0);
        }
        int checksum = Bytes.u16(buf, ip + ProbeEncoder.IPV4_HEADER + 6);
        return new SentProbe(timeNanos, e.source(), e.destination(), IpProtocol.UDP, e.ttl(), f.ipId(),
                e.totalLength(), e.tos(), f.sourcePort(), f.destinationPort(), 0, 0, checksum, 0);
    }

    /** The source port of probe {@code sequence}, a valid probe number: the same for every probe here. */
    int sourcePort(int sequence) {
        return sourcePort;
    }

    /** The destination port of probe {@code sequence}, a valid probe number: the same for every probe here. */
    int destinationPort(int sequence) {
        return destinationPort;
    }

    /** The UDP checksum to force on probe {@code sequence}, or {@code ProbeEncoder.NATURAL_CHECKSUM}. */
    abstract int udpChecksum(int sequence);

    /** The IP ID of probe {@code sequence}. */
    final int ipId(int sequence) {
        return (ipIdBase + sequence) & 0xffff;
    }
}
