package org.tracecap.replay;

import org.tracecap.match.Classified;
import org.tracecap.match.IcmpReply;
import org.tracecap.match.SentProbe;
import org.tracecap.match.TcpReply;

/** One probe of a run and the first reply attributed to it ({@link IcmpReply} or {@link TcpReply}), if any. */
final class Slot {
    final SentProbe probe;
    Classified reply;

    Slot(SentProbe probe) {
        this.probe = probe;
    }

    long replyTime() {
        if (reply instanceof IcmpReply r) {
            return r.timeNanos();
        }
        if (reply instanceof TcpReply r) {
            return r.timeNanos();
        }
        return Long.MIN_VALUE;
    }

    /**
     * True when this reply ends a traceroute at this TTL, as Linux traceroute decides it: an Echo Reply, a TCP
     * SYN-ACK or RST, any Destination Unreachable (port unreachable means reached, other codes print
     * {@code !H !N !X ...} and stop), or any other reply coming from the destination itself. Asked of the
     * reply ({@link IcmpReply#isEchoReply()}...), so ICMP and ICMPv6 numbers are never mixed. An ICMPv6 Packet
     * Too Big is not final: it says the path's MTU, not its end (annotated {@code !F-<mtu>}).
     */
    boolean isFinal() {
        if (reply == null) {
            return false;
        }
        if (reply instanceof TcpReply) {
            return true;
        }
        IcmpReply r = (IcmpReply) reply;
        return r.isEchoReply() || r.isDestinationUnreachable() || r.source().equals(probe.destination());
    }

    /**
     * The Destination Unreachable code (ICMP's or ICMPv6's, the reply's family) when this reply is one with a
     * code other than port unreachable, else -1.
     */
    int unreachableCode() {
        if (reply instanceof IcmpReply r && r.isDestinationUnreachable() && !r.isPortUnreachable()) {
            return r.code();
        }
        return -1;
    }

    boolean isTimeExceeded() {
        return reply instanceof IcmpReply r && r.isTimeExceeded();
    }
}
