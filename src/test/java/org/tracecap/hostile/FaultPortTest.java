package org.tracecap.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.tracecap.match.FrameSink;
import org.tracecap.model.Hop;
import org.tracecap.model.StopReason;
import org.tracecap.model.Trace;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.Ipv4Address;
import org.tracecap.trace.FlowTracer;
import org.tracecap.trace.LinkFacts;
import org.tracecap.trace.PacketPort;
import org.tracecap.trace.PortFailedException;
import org.tracecap.trace.TraceOptions;
import org.tracecap.trace.Tracer;

/**
 * The port failing mid-trace, without root (the live case is
 * {@link FaultLiveTest#theClientInterfaceGoingDownEndsWithOneLineAndKeepsTheHopsLearned}): the run throws
 * {@link PortFailedException} holding the trace so far, ended "incomplete", its hops given to the listener.
 */
class FaultPortTest {
    static final LinkFacts LINK = new LinkFacts("tcap0", HostileNet.mac("02:00:c6:12:00:02"),
            HostileNet.mac("02:00:c6:12:00:01"), IpAddress.parse("198.18.0.2"),
                    IpAddress.parse("198.18.2.2"));

    /** A port that takes {@code sendsBeforeFailure} frames, then fails as Linux does on a downed interface. */
    static final class FailingPort implements PacketPort {
        final int sendsBeforeFailure;
        int sends;

        FailingPort(int sendsBeforeFailure) {
            this.sendsBeforeFailure = sendsBeforeFailure;
        }

        @Override
        public int linkType() {
            return 1;
        }

        @Override
        public void send(byte[] frame, int length) throws IOException {
            if (sends++ >= sendsBeforeFailure) {
                throw new IOException("send: Network is down");
            }
        }

        @Override
        public int receive(FrameSink sink, long timeoutNanos) {
            return 0;
        }

        @Override
        public void wakeup() {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aSendFailureEndsTheTraceIncompleteWithTheHopsSoFar() {
        List<Hop> heard = new ArrayList<>();
        Tracer tracer = new Tracer(TraceOptions.defaults(), LINK, new FailingPort(4), HostileNet.EPOCH_CLOCK,
                new SplittableRandom(5));
        PortFailedException e = assertThrows(PortFailedException.class, () -> tracer.run(heard::add));
        assertEquals("send: Network is down", e.getMessage());
        assertEquals(1, e.traces().size());
        Trace t = e.traces().get(0);
        assertEquals(StopReason.incomplete(), t.stop());
        // Probes 1-5 were sent (the fifth failing): hops 1 and 2, every probe unanswered; nothing above.
        assertEquals(List.of(1, 2), t.hops().stream().map(Hop::ttl).toList());
        assertEquals(t.hops(), heard, "every hop given to the listener");
        assertTrue(t.hops().stream().allMatch(h -> h.probes().stream().noneMatch(p -> p.responder() != null)));
    }

    @Test
    void aFlowTracerHandsBackTheTracesSoFar() {
        FlowTracer tracer = new FlowTracer(TraceOptions.defaults(), LINK, new FailingPort(0), HostileNet.EPOCH_CLOCK,
                new SplittableRandom(5));
        List<Trace> ended = new ArrayList<>();
        PortFailedException e = assertThrows(PortFailedException.class, () -> tracer.run(new FlowTracer.FlowListener() {
            @Override
            public void flowStarted(int flow, int sourcePort, int destinationPort) {
            }

            @Override
            public void hopSettled(int flow, Hop hop) {
            }

            @Override
            public void flowEnded(int flow, Trace trace) {
                ended.add(trace);
            }
        }));
        assertEquals(1, e.traces().size());
        assertEquals(StopReason.incomplete(), e.traces().get(0).stop());
        assertEquals(e.traces(), ended);
    }
}
