package org.tracecap.replay;

import java.util.List;
import org.tracecap.match.IcmpReply;
import org.tracecap.match.QuotedProbe;
import org.tracecap.match.SentProbe;
import org.tracecap.match.TcpReply;
import org.tracecap.packet.IcmpExtension;
import org.tracecap.packet.IcmpType;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.IpProtocol;
import org.tracecap.packet.Ipv4Address;

/** Hand-made probe and reply records for the replay unit tests (addresses from 198.18.0.0/15). */
final class Probes {
    static final int CLIENT = Ipv4Address.parse("198.18.1.1");
    static final int SERVER = Ipv4Address.parse("198.18.5.2");
    static final long MS = 1_000_000L;
    static final long S = 1_000_000_000L;

    private Probes() {
    }

    static int router(int ttl) {
        return Ipv4Address.parse("198.18." + ttl + ".2");
    }

    static SentProbe udp(long t, int ttl, int sport, int dport, int ipId, int checksum) {
        return new SentProbe(t, IpAddress.ipv4(CLIENT), IpAddress.ipv4(SERVER), IpProtocol.UDP, ttl, ipId, 60, 0,
                sport, dport, 0, 0, checksum, 0);
    }

    static SentProbe echo(long t, int ttl, int id, int seq, int ipId, int checksum) {
        return new SentProbe(t, IpAddress.ipv4(CLIENT), IpAddress.ipv4(SERVER), IpProtocol.ICMP, ttl, ipId, 60, 0, 0,
                0, id, seq, checksum, 0);
    }

    static SentProbe syn(long t, int ttl, int sport, long seq, int ipId) {
        return new SentProbe(t, IpAddress.ipv4(CLIENT), IpAddress.ipv4(SERVER), IpProtocol.TCP, ttl, ipId, 60, 0,
                sport, 80, 0, 0, 0x1111, seq);
    }

    /** {@code p} with these payload facts (first 4 bytes, {@link SentProbe#payloadFlags}). */
    static SentProbe withPayload(SentProbe p, int head, int flags) {
        return new SentProbe(p.timeNanos(), p.source(), p.destination(), p.protocol(), p.ttl(), p.ipId(),
                p.totalLength(), p.tos(), p.sourcePort(), p.destinationPort(), p.icmpId(), p.icmpSequence(),
                p.checksum(), p.tcpSequence(), p.capturedChecksum(), p.checksumState(), head, flags);
    }

    static QuotedProbe quote(SentProbe p) {
        return new QuotedProbe(p.source(), p.destination(), p.protocol(), 1, p.ipId(), p.totalLength(), p.tos(),
                p.sourcePort(), p.destinationPort(), p.icmpId(), p.icmpSequence(), p.checksum(), p.tcpSequence(), 28);
    }

    static IcmpReply icmp(SentProbe p, long t, int from, int type, int code, int mtu, List<IcmpExtension> ext) {
        return new IcmpReply(t, IpAddress.ipv4(from), p.source(), 64 - p.ttl(), 56, type, code, mtu, quote(p), 0, 0,
                ext);
    }

    static IcmpReply timeExceeded(SentProbe p, long t) {
        return icmp(p, t, router(p.ttl()), IcmpType.TIME_EXCEEDED, 0, 0, List.of());
    }

    static IcmpReply unreachable(SentProbe p, long t, int from, int code) {
        return icmp(p, t, from, IcmpType.DEST_UNREACHABLE, code, 0, List.of());
    }

    static IcmpReply echoReply(SentProbe p, long t) {
        return new IcmpReply(t, p.destination(), p.source(), 60, 60, IcmpType.ECHO_REPLY, 0, 0, null, p.icmpId(),
                p.icmpSequence(), List.of());
    }

    static TcpReply rst(SentProbe p, long t) {
        return new TcpReply(t, p.destination(), p.source(), 60, 40, p.destinationPort(), p.sourcePort(), 0,
                p.tcpSequence() + 1, TcpReply.RST | TcpReply.ACK);
    }

    /** A run holding these probes, each answered by the reply at the same index (null: unanswered). */
    static Run run(List<SentProbe> probes, List<? extends org.tracecap.match.Classified> replies) {
        Run run = new Run(probes.get(0).protocol());
        for (SentProbe p : probes) {
            run.add(p);
        }
        for (int i = 0; i < replies.size(); i++) {
            if (replies.get(i) != null) {
                run.attach(probes.get(i), replies.get(i), probes.get(i).timeNanos() + MS);
            }
        }
        return run;
    }
}
