package org.tracecap.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;
import org.tracecap.match.Classified;
import org.tracecap.match.FrameClassifier;
import org.tracecap.match.IcmpReply;
import org.tracecap.match.SentProbe;
import org.tracecap.packet.IcmpType;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.Ipv4Address;
import org.tracecap.packet.ProbeEncoder;
import org.tracecap.testnet.Namespace;
import org.tracecap.testnet.NetnsTopology;

/**
 * LivePort on a real Linux router: client 198.18.0.2 -- 198.18.0.1 router 198.18.1.1 -- 198.18.1.2 server,
 * each in its own network namespace. The port is opened inside the client namespace only.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LivePortTest {
    static final int CLIENT = Ipv4Address.parse("198.18.0.2");
    static final int ROUTER = Ipv4Address.parse("198.18.0.1");
    static final int SERVER = Ipv4Address.parse("198.18.1.2");

    static NetnsTopology net;
    static Namespace client;
    static Namespace router;

    @BeforeAll
    static void topology() {
        net = NetnsTopology.create();
        client = net.host("client");
        router = net.router("r1");
        Namespace server = net.host("server");
        net.link(client, "eth0", "198.18.0.2/24", router, "eth0", "198.18.0.1/24");
        net.link(router, "eth1", "198.18.1.1/24", server, "eth0", "198.18.1.2/24");
        client.run("ip", "route", "add", "default", "via", "198.18.0.1");
        server.run("ip", "route", "add", "default", "via", "198.18.1.1");
    }

    @AfterAll
    static void removeTopology() {
        if (net != null) {
            net.close();
        }
    }

    record Frame(long timeNanos, int linkType, byte[] bytes, int wireLength) {
    }

    /** Collects what a port delivers, copying the bytes (they are only valid during the call). */
    static final class Collector {
        final List<Frame> frames = new ArrayList<>();

        void frame(long time, int linkType, byte[] bytes, int length, int wire) {
            frames.add(new Frame(time, linkType, java.util.Arrays.copyOf(bytes, length), wire));
        }
    }

    static byte[] probe(MacAddress from, MacAddress to, int ttl, int destinationPort) {
        ProbeEncoder.UdpProbe p = new ProbeEncoder.UdpProbe(to.bytes(), from.bytes(), CLIENT, SERVER, ttl, 4242, 0,
                false, 60, 50001, destinationPort, ProbeEncoder.NATURAL_CHECKSUM, null);
        byte[] frame = new byte[ProbeEncoder.frameLength(p)];
        ProbeEncoder.encode(p, frame, 0);
        return frame;
    }

    @Test
    void sendsAProbeWithTtl1AndCapturesItAndTheRoutersTimeExceededAtNanosecondPrecision(@TempDir Path dir)
            throws Exception {
        Path saved = dir.resolve("ttl1.pcap");
        List<Frame> frames = client.call(() -> {
            Route route = RouteLookup.lookup(IpAddress.ipv4(SERVER), null, null);
            LinkInterface link = Interfaces.find(route.interfaceName());
            MacAddress gateway = NeighbourLookup.resolve(route, link, NeighbourLookup.DEFAULT_TIMEOUT,
                    NeighbourLookup.DEFAULT_ATTEMPTS);
            Collector got = new Collector();
            long before = System.currentTimeMillis() * 1_000_000L;
            try (LivePort port = LivePort.open(route.interfaceName(), route.source());
                 PcapFileWriter writer = PcapFileWriter.create(saved, port.linkType(), LivePort.SNAPLEN)) {
                assertEquals(1, port.linkType());
                assertTrue(port.nanosecondTimestamps(), "libpcap 1.10 on Linux gives nanoseconds");
                byte[] frame = probe(link.mac(), gateway, 1, 33434);
                port.send(frame, frame.length);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (got.frames.size() < 2 && System.nanoTime() < deadline) {
                    port.receive((t, l, b, n, w) -> {
                        got.frame(t, l, b, n, w);
                        writer.frame(t, l, b, n, w);
                    }, deadline - System.nanoTime());
                }
            }
            long after = (System.currentTimeMillis() + 1) * 1_000_000L;
            for (Frame f : got.frames) {
                assertTrue(f.timeNanos() >= before - 1_000_000 && f.timeNanos() <= after,
                        "capture time " + f.timeNanos() + " outside the test's " + before + ".." + after);
            }
            return got.frames;
        });
        assertEquals(2, frames.size(), "the probe going out and the Time Exceeded coming back");
        FrameClassifier classifier = new FrameClassifier();
        Frame out = frames.get(0);
        Frame in = frames.get(1);
        SentProbe sent = assertInstanceOf(SentProbe.class, classifier.classify(out.timeNanos(), out.linkType(),
                out.bytes(), out.bytes().length, out.wireLength()));
        assertEquals(1, sent.ttl());
        assertEquals(33434, sent.destinationPort());
        Classified reply = classifier.classify(in.timeNanos(), in.linkType(), in.bytes(), in.bytes().length,
                in.wireLength());
        IcmpReply icmp = assertInstanceOf(IcmpReply.class, reply);
        assertEquals(IpAddress.ipv4(ROUTER), icmp.source());
        assertEquals(IcmpType.TIME_EXCEEDED, icmp.type());
        assertEquals(33434, icmp.quote().destinationPort());
        long rtt = in.timeNanos() - out.timeNanos();
        assertTrue(rtt > 0 && rtt < 1_000_000_000L, "RTT from the two capture times: " + rtt + " ns");
        assertTrue(out.timeNanos() % 1000 != 0 || in.timeNanos() % 1000 != 0,
                "nanosecond digits present: " + out.timeNanos() + ", " + in.timeNanos());

        // --save-pcap: the same two frames, readable by tracecap, tcpdump and tshark.
        List<Long> times = new ArrayList<>();
        assertEquals(2, PcapFileSource.read(saved, (t, l, b, n, w) -> times.add(t)));
        assertEquals(List.of(out.timeNanos(), in.timeNanos()), times);
        try (var files = Files.list(dir)) {
            assertEquals(List.of(saved), files.toList(), "no temporary file left beside the capture");
        }
        PcapFileWriterTest.assertToolsRead(saved, 2, "exceeded");
    }

    /** The delivery lag starts at its most (a cold JVM) and falls once frames come through quickly. */
    @Test
    void deliveryLagFallsOnceFramesArriveQuickly() throws Exception {
        long[] lags = client.call(() -> {
            Route route = RouteLookup.lookup(IpAddress.ipv4(SERVER), null, null);
            LinkInterface link = Interfaces.find(route.interfaceName());
            MacAddress gateway = NeighbourLookup.resolve(route, link, NeighbourLookup.DEFAULT_TIMEOUT,
                    NeighbourLookup.DEFAULT_ATTEMPTS);
            try (LivePort port = LivePort.open(route.interfaceName(), route.source())) {
                long first = port.deliveryLagNanos();
                Collector got = new Collector();
                for (int i = 0; i < 20; i++) {
                    byte[] frame = probe(link.mac(), gateway, 1, 33434 + i);
                    port.send(frame, frame.length);
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                    while (got.frames.size() < 2 * (i + 1) && System.nanoTime() < deadline) {
                        port.receive(got::frame, deadline - System.nanoTime());
                    }
                }
                return new long[] {first, port.deliveryLagNanos(), got.frames.size()};
            }
        });
        assertEquals(LivePort.DELIVERY_LAG_MILLIS * 1_000_000L, lags[0]);
        assertTrue(lags[2] >= 30, "frames: " + lags[2]);
        assertTrue(lags[1] >= LivePort.MIN_DELIVERY_LAG_MILLIS * 1_000_000L && lags[1] < lags[0],
                "lag after " + lags[2] + " frames: " + lags[1] + " ns");
    }

    @Test
    void receiveReturnsAtItsTimeoutOnAnIdleLink() throws Exception {
        long[] took = client.call(() -> {
            try (LivePort port = LivePort.open("eth0", IpAddress.ipv4(CLIENT))) {
                long start = System.nanoTime();
                int n = port.receive((t, l, b, c, w) -> { }, TimeUnit.MILLISECONDS.toNanos(300));
                long poll = System.nanoTime();
                int m = port.receive((t, l, b, c, w) -> { }, 0);
                return new long[] {n, poll - start, m, System.nanoTime() - poll};
            }
        });
        assertEquals(0, took[0]);
        assertTrue(took[1] >= TimeUnit.MILLISECONDS.toNanos(290) && took[1] < TimeUnit.MILLISECONDS.toNanos(1500),
                "waited " + took[1] / 1e6 + " ms for a 300 ms timeout");
        assertEquals(0, took[2]);
        assertTrue(took[3] < TimeUnit.MILLISECONDS.toNanos(100), "a 0 timeout polls: " + took[3] / 1e6 + " ms");
    }

    @Test
    void wakeupMakesABlockedReceiveReturnAndAnEarlyWakeupTheNextOne() throws Exception {
        long[] took = client.call(() -> {
            try (LivePort port = LivePort.open("eth0", IpAddress.ipv4(CLIENT))) {
                CompletableFuture<Long> blocked = CompletableFuture.supplyAsync(() -> {
                    long start = System.nanoTime();
                    try {
                        port.receive((t, l, b, c, w) -> { }, TimeUnit.SECONDS.toNanos(20));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    return System.nanoTime() - start;
                });
                Thread.sleep(200);
                port.wakeup();
                long first = blocked.get(5, TimeUnit.SECONDS);

                port.wakeup();
                port.wakeup();
                long start = System.nanoTime();
                port.receive((t, l, b, c, w) -> { }, TimeUnit.SECONDS.toNanos(20));
                long second = System.nanoTime() - start;
                // Two wakeups with no receive between them wake one receive, not two.
                start = System.nanoTime();
                port.receive((t, l, b, c, w) -> { }, TimeUnit.MILLISECONDS.toNanos(200));
                long third = System.nanoTime() - start;
                return new long[] {first, second, third};
            }
        });
        assertTrue(took[0] >= TimeUnit.MILLISECONDS.toNanos(150) && took[0] < TimeUnit.SECONDS.toNanos(2),
                "blocked receive returned after " + took[0] / 1e6 + " ms");
        assertTrue(took[1] < TimeUnit.MILLISECONDS.toNanos(100), "pending wakeup: " + took[1] / 1e6 + " ms");
        assertTrue(took[2] >= TimeUnit.MILLISECONDS.toNanos(190), "no second wakeup: " + took[2] / 1e6 + " ms");
    }

    @Test
    void closeEndsABlockedReceiveAndLaterCallsFailOrReturnNothing() throws Exception {
        Object[] outcome = client.call(() -> {
            LivePort port = LivePort.open("eth0", IpAddress.ipv4(CLIENT));
            CompletableFuture<Integer> blocked = CompletableFuture.supplyAsync(() -> {
                try {
                    return port.receive((t, l, b, c, w) -> { }, TimeUnit.SECONDS.toNanos(20));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Thread.sleep(200);
            long start = System.nanoTime();
            port.close();
            int n = blocked.get(5, TimeUnit.SECONDS);
            long took = System.nanoTime() - start;
            port.close();
            java.io.IOException send = assertThrows(java.io.IOException.class, () -> port.send(new byte[60], 60));
            return new Object[] {n, took, port.receive((t, l, b, c, w) -> { }, TimeUnit.SECONDS.toNanos(5)),
                    send.getMessage()};
        });
        assertEquals(0, outcome[0]);
        assertTrue((long) outcome[1] < TimeUnit.SECONDS.toNanos(2), "close took " + (long) outcome[1] / 1e6 + " ms");
        assertEquals(0, outcome[2]);
        assertEquals("cannot send on eth0: the capture is closed", outcome[3]);
    }

    @Test
    void unknownInterfaceListsTheInterfaces() throws Exception {
        LiveCaptureException e = client.call(() -> assertThrows(LiveCaptureException.class,
                () -> LivePort.open("eth9", IpAddress.ipv4(CLIENT))));
        assertTrue(e.getMessage().startsWith("no interface named eth9: choose one of "), e.getMessage());
        assertTrue(e.getMessage().contains("eth0 (198.18.0.2/24)"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
    }

    @Test
    void aDownInterfaceIsSaidPlainly() throws Exception {
        Namespace lonely = net.host("down");
        lonely.run("ip", "link", "add", "eth0", "type", "veth", "peer", "name", "eth1");
        LiveCaptureException e = lonely.call(() -> assertThrows(LiveCaptureException.class,
                () -> LivePort.open("eth0", IpAddress.ipv4(CLIENT))));
        assertEquals("interface eth0 is down: bring it up with ip link set eth0 up", e.getMessage());
    }

    @Test
    void aBadFilterIsRejectedWithTheFilterInTheMessage() throws Exception {
        LiveCaptureException e = client.call(() -> assertThrows(LiveCaptureException.class,
                () -> LivePort.open("eth0", "ip and bogus")));
        assertTrue(e.getMessage().startsWith("bad capture filter for eth0 (ip and bogus): "), e.getMessage());
    }

    @Test
    void twoPortsOnOneInterfaceBothSeeEachOthersFrames() throws Exception {
        int[] seen = client.call(() -> {
            Route route = RouteLookup.lookup(IpAddress.ipv4(SERVER), null, null);
            LinkInterface link = Interfaces.find("eth0");
            MacAddress gateway = NeighbourLookup.resolve(route, link, NeighbourLookup.DEFAULT_TIMEOUT, 3);
            try (LivePort a = LivePort.open("eth0", IpAddress.ipv4(CLIENT)); LivePort b = LivePort.open("eth0",
                    IpAddress.ipv4(CLIENT))) {
                byte[] frame = probe(link.mac(), gateway, 1, 33500);
                a.send(frame, frame.length);
                int[] counts = new int[2];
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while ((counts[0] < 2 || counts[1] < 2) && System.nanoTime() < deadline) {
                    counts[0] += a.receive((t, l, x, n, w) -> { }, TimeUnit.MILLISECONDS.toNanos(50));
                    counts[1] += b.receive((t, l, x, n, w) -> { }, TimeUnit.MILLISECONDS.toNanos(50));
                }
                return counts;
            }
        });
        assertEquals(2, seen[0], "the sender's port sees its probe and the reply");
        assertEquals(2, seen[1], "another port on the interface sees them too");
    }

    @Test
    void theFiltersCompileForEthernet() throws Exception {
        String filter = LivePort.traceFilter(IpAddress.ipv4(CLIENT));
        assertTrue(filter.contains("src host 198.18.0.2") && filter.contains("dst host 198.18.0.2"), filter);
        for (String f : List.of(filter, LivePort.NOTHING)) {
            Pcaps.compileFilter(LivePort.SNAPLEN, DataLinkType.EN10MB, f, BpfProgram.BpfCompileMode.OPTIMIZE,
                    PcapHandle.PCAP_NETMASK_UNKNOWN).free();
        }
        assertNotEquals(LivePort.NOTHING, filter);
    }
}
