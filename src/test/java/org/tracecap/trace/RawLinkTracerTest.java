package org.tracecap.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.tracecap.match.FrameSink;
import org.tracecap.model.Hop;
import org.tracecap.model.ProbeResult;
import org.tracecap.model.StopReason;
import org.tracecap.model.Trace;
import org.tracecap.packet.IcmpErrorEncoder;
import org.tracecap.packet.IcmpType;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.Ipv4View;
import org.tracecap.packet.LinkLayer;

/**
 * The tracer on a link without Ethernet (a TUN device: libpcap's DLT_RAW): probes leave as bare IPv4
 * datagrams, the capture hands back bare IPv4, and every reply is attributed by the exact rule (the checksum
 * the tracer read from its own probe is the one the router quotes). The port here is a two-hop network in
 * memory: r1 answers TTL 1 with Time Exceeded, the destination answers the rest with Port Unreachable.
 */
class RawLinkTracerTest {
    static final IpAddress SRC = IpAddress.parse("198.18.1.1");
    static final IpAddress R1 = IpAddress.parse("198.18.1.2");
    static final IpAddress DST = IpAddress.parse("198.18.3.2");

    /** A raw IP port: each probe is captured going out, and its answer 1 ms later. */
    static class RawPort implements PacketPort {
        final List<byte[]> sent = new ArrayList<>();
        private final LinkedBlockingQueue<long[]> times = new LinkedBlockingQueue<>();
        private final LinkedBlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();
        private final Clock clock;

        RawPort(Clock clock) {
            this.clock = clock;
        }

        @Override
        public int linkType() {
            return LinkLayer.DLT_RAW;
        }

        @Override
        public synchronized void send(byte[] frame, int length) {
            byte[] probe = Arrays.copyOf(frame, length);
            sent.add(probe);
            Ipv4View ip = Ipv4View.of(probe, 0, length);
            IcmpErrorEncoder reply = ip.ttl() == 1 ? IcmpErrorEncoder.timeExceeded(R1.ipv4(), SRC.ipv4(), probe, 0,
                    length) : IcmpErrorEncoder.destinationUnreachable(DST.ipv4(), SRC.ipv4(),
                    IcmpType.CODE_PORT_UNREACHABLE, probe, 0, length);
            long now = clock.nowNanos();
            times.add(new long[] {now});
            frames.add(probe);
            times.add(new long[] {now + 1_000_000});
            frames.add(reply.toBytes());
        }

        @Override
        public int receive(FrameSink sink, long timeoutNanos) throws IOException {
            int n = 0;
            try {
                byte[] f = frames.poll(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS);
                while (f != null) {
                    sink.frame(times.take()[0], LinkLayer.DLT_RAW, f, f.length, f.length);
                    n++;
                    f = frames.poll();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return n;
        }

        @Override
        public void wakeup() {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void probesGoAsBareIpAndEveryReplyIsAttributedExactly() throws IOException {
        Clock clock = Clock.system();
        RawPort port = new RawPort(clock);
        LinkFacts link = LinkFacts.rawIp("tun0", "RAW", SRC, DST);
        Tracer tracer = new Tracer(TraceOptions.builder().maxTtl(5).build(), link, port, clock,
                new SplittableRandom(7));
        Trace trace = tracer.run(hop -> { });

        assertEquals(StopReason.reached(), trace.stop());
        assertEquals(Map.of("interface", "tun0", "link_type", "RAW"), trace.live());
        List<List<IpAddress>> responders = new ArrayList<>();
        for (Hop hop : trace.hops()) {
            responders.add(hop.probes().stream().map(ProbeResult::responder).toList());
        }
        assertEquals(List.of(List.of(R1, R1, R1), List.of(DST, DST, DST)), responders);
        // The destination also answered the probes sent above TTL 2 before its answer came: nothing else is left.
        assertEquals(java.util.Set.of("probe past the last hop"), tracer.unattributed().keySet(),
                "every other reply fits its probe");
        assertFalse(port.sent.isEmpty());
        for (byte[] probe : port.sent) {
            Ipv4View ip = Ipv4View.of(probe, 0, probe.length);
            assertEquals(probe.length, ip.totalLength(), "no link header before the IPv4 header");
            assertEquals(SRC.ipv4(), ip.source());
        }
    }

    /** The MDA on the same link: one node per TTL, each probe answered by the exact rule. */
    @Test
    void multipathProbesGoAsBareIpToo() {
        Clock clock = Clock.system();
        RawPort port = new RawPort(clock);
        MultipathTracer tracer = new MultipathTracer(TraceOptions.builder().maxTtl(5).build(), 95,
                LinkFacts.rawIp("tun0", "IPV4", SRC, DST), port, clock, new SplittableRandom(7));
        MultipathTracer.Result result = tracer.run();
        assertEquals(null, result.failure());
        assertFalse(result.flows().isEmpty());
        for (Trace flow : result.flows()) {
            assertEquals(Map.of("interface", "tun0", "link_type", "IPV4"), flow.live());
            assertEquals(StopReason.reached(), flow.stop(), flow::toString);
            for (Hop hop : flow.hops()) {
                for (ProbeResult p : hop.probes()) {
                    assertEquals(hop.ttl() == 1 ? R1 : DST, p.responder(), flow::toString);
                }
            }
        }
        assertEquals(List.of(1, 2), result.flows().stream().flatMap(f -> f.hops().stream()).map(Hop::ttl).distinct()
                .sorted().toList());
        assertEquals(Map.of(), tracer.unattributed());
        for (byte[] probe : port.sent) {
            assertEquals(probe.length, Ipv4View.of(probe, 0, probe.length).totalLength());
        }
    }

    @Test
    void rawIpFactsDoNotFitAnEthernetPort() {
        Clock clock = Clock.system();
        PacketPort ethernet = new RawPort(clock) {
            @Override
            public int linkType() {
                return LinkLayer.ETHERNET;
            }
        };
        assertThrows(IllegalArgumentException.class, () -> new Tracer(TraceOptions.builder().build(),
                LinkFacts.rawIp("tun0", "RAW", SRC, DST), ethernet, clock, new SplittableRandom(1)));
    }
}
