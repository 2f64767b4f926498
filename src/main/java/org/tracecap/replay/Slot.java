package org.tracecap.replay;

import org.tracecap.match.Classified;
import org.tracecap.match.IcmpReply;
import org.tracecap.match.SentProbe;
import org.tracecap.match.TcpReply;
import org.tracecap.packet.IcmpType;

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
     * {@code !H !N !X ...} and stop), or any other reply coming from the destination itself.
     */
    boolean isFinal() {
        if (reply == null) {
            return false;
        }
        if (reply instanceof TcpReply) {
            return true;
        }
        IcmpReply r = (IcmpReply) reply;
        return r.type() == IcmpType.ECHO_REPLY || r.type() == IcmpType.DEST_UNREACHABLE
                || r.source().equals(probe.destination());
    }

    /** The Destination Unreachable code when this reply is one with a code other than port unreachable, else -1. */
    int unreachableCode() {
        if (reply instanceof IcmpReply r && r.type() == IcmpType.DEST_UNREACHABLE
                && r.code() != IcmpType.CODE_PORT_UNREACHABLE) {
            return r.code();
        }
        return -1;
    }

    boolean isTimeExceeded() {
        return reply instanceof IcmpReply r && r.type() == IcmpType.TIME_EXCEEDED;
    }
}
