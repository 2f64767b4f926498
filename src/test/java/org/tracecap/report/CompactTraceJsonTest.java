package org.tracecap.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tracecap.model.Hop;
import org.tracecap.model.Method;
import org.tracecap.model.ProbeResult;
import org.tracecap.model.StopReason;
import org.tracecap.model.Trace;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.Ipv4Address;

/**
 * {@link CompactTraceJson} (what JSON Lines are written with) against Jackson's compact generator
 * ({@link JsonReport#toJson}): the same bytes for every trace of every bundled capture, for synthetic traces
 * with every kind of field, and for strings and numbers at their edges.
 */
class CompactTraceJsonTest {

    private static String compact(Trace t) {
        CompactTraceJson json = new CompactTraceJson(16);
        json.trace(t);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            json.writeTo(out);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void same(Trace t) {
        assertEquals(JsonReport.toJson(t), compact(t));
    }

    @Test
    void everyTraceOfEveryBundledCapture() throws IOException {
        int traces = 0;
        for (List<Trace> found : BundledTraces.everyCapture().values()) {
            for (Trace t : found) {
                same(t);
                traces++;
            }
        }
        assertEquals(true, traces > 20, "traces compared: " + traces);
    }

    @Test
    void syntheticTracesWithEveryKindOfField() {
        same(JsonReportTest.everyKind());
        same(Samples.straight());
        same(Samples.prohibited());
        same(Samples.silent());
        Trace t = Samples.straight();
        same(new Trace(t.source(), t.destination(), t.method(), t.startTimeNanos(), t.endTimeNanos(), null,
                List.of(new Hop(1, List.of(), true), new Hop(2, t.hops().get(0).probes(), true)), Map.of()));
    }

    @Test
    void stringsThatNeedEscapingAndNonAsciiAreJacksons() {
        Trace t = Samples.straight();
        Map<String, String> live = Map.of("interface", "eth\"0\\x\n\t\u0001\u007f", "name", "wlan-ü-€-😀",
                "empty", "", "slash", "a/b");
        same(new Trace(t.source(), t.destination(), new Method("udp\u0000", "tool \"x\"", "é"), t.startTimeNanos(),
                t.endTimeNanos(), new StopReason("weird\r", -3), t.hops(), live));
    }

    /** SYNTHETIC RFC 4950 and RFC 5837 objects (IPv4 and IPv6 addresses, any name, 32-bit numbers, raw). */
    @Test
    void extensionObjectsOfEveryKind() {
        Trace t = Samples.straight();
        List<org.tracecap.packet.IcmpExtension> objects = List.of(ExtensionTextTest.LABEL, ExtensionTextTest.INCOMING,
                new org.tracecap.packet.InterfaceInformation(3, 0xffff_ffffL,
                        org.tracecap.packet.IpAddress.parse("2001:db8::1"), "wlan-\u00fc-\"\n\u0001-\ud83d\ude00",
                        0xffff_ffffL).toExtension(),
                new org.tracecap.packet.InterfaceInformation(1, null, null, null, null).toExtension(),
                new org.tracecap.packet.IcmpExtension(2, 8, "01", null));
        ProbeResult p = ExtensionTextTest.with(t.hops().get(0).probes().get(0), objects);
        same(new Trace(t.source(), t.destination(), t.method(), t.startTimeNanos(), t.endTimeNanos(), t.stop(),
                List.of(new Hop(1, List.of(p, p))), Map.of()));
    }

    /** Times one after the other (the cached second of the one before must not leak): as Instant.toString. */
    @Test
    void timesInAnyOrderAreInstantToString() {
        long[] times = {Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE - 5, Long.MIN_VALUE + 854_775_807L,
            Long.MAX_VALUE, -1, 0, -1, 999_999_999L, 1_000_000_000L, 999_999_999L, -1_000_000_000L,
            -999_999_999L, 1_764_191_000_123_456_789L, 1_764_191_000_000_000_000L, 1_764_190_999_999_999_999L,
            253_402_300_799L * 1_000_000_000L + 999_999_999L};
        Random random = new Random(7);
        List<Long> all = new ArrayList<>();
        for (long t : times) {
            all.add(t);
        }
        for (int i = 0; i < 20_000; i++) {
            long t = all.get(random.nextInt(all.size()));
            all.add(random.nextBoolean() ? random.nextLong() : t + random.nextInt(3_000_000) - 1_500_000);
        }
        for (long t : all) {
            String expected = java.time.Instant.ofEpochSecond(Math.floorDiv(t, 1_000_000_000L),
                    Math.floorMod(t, 1_000_000_000L)).toString();
            assertEquals(expected, JsonReport.time(t), "time " + t);
        }
    }

    @Test
    void numbersAndTimesAtTheirEdges() {
        long[] times = {0, 1, -1, -1_000_000_001L, 999_999_999L, 1_000_000L, 1_000L, Long.MAX_VALUE,
            Long.MIN_VALUE, 253_402_300_800L * 1_000_000_000L - 1, 253_402_300_799L * 1_000_000_000L};
        long[] rtts = {0, 1, -1, 999_999, 1_000_000, 123_456_789_012L, -5_500_000, Long.MAX_VALUE,
            Long.MIN_VALUE, Long.MIN_VALUE + 1};
        int[] ints = {0, 1, 9, 10, 99, 100, 65535, -1, -10, Integer.MAX_VALUE, Integer.MIN_VALUE, 1_000_000_000,
            999_999_999};
        Random random = new Random(6);
        List<ProbeResult> probes = new ArrayList<>();
        for (long time : times) {
            for (long rtt : rtts) {
                int a = ints[random.nextInt(ints.length)];
                int b = ints[random.nextInt(ints.length)];
                probes.add(new ProbeResult(a, time, b, a, b, null, null, a, b, rtt, IpAddress.ipv4(a), b, a,
                        random.nextInt(256),
                        "!H", b, a, b, a, b, List.of()));
                probes.add(new ProbeResult(b, time, a, null, null, b, a, null, a, null, null, null, null, null,
                        null, null, null, null, null, null, List.of()));
            }
        }
        for (int i = 0; i < 2000; i++) {
            probes.add(new ProbeResult(random.nextInt(), random.nextLong(), random.nextInt(), random.nextInt(),
                    random.nextInt(65536), null, null, random.nextInt(65536), random.nextInt(1500),
                    random.nextLong() / (1L << random.nextInt(63)), IpAddress.ipv4(random.nextInt()), 11, 0, null, "",
                    random.nextInt(256), 1, random.nextInt(65536), random.nextInt(65536), 56, List.of()));
        }
        for (long time : times) {
            same(new Trace(IpAddress.ipv4(random.nextInt()), IpAddress.ipv4(random.nextInt()), Samples.TRACEROUTE_UDP,
                    time, time,
                    StopReason.unreachable(Integer.MIN_VALUE), List.of(new Hop(Integer.MAX_VALUE, probes)),
                    Map.of()));
        }
    }

    @Test
    void dottedAddressesAreIpv4AddressFormat() {
        List<Integer> addresses = new ArrayList<>(List.of(0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE));
        for (int octet = 0; octet < 256; octet++) {
            for (int shift = 0; shift < 32; shift += 8) {
                addresses.add(octet << shift);
                addresses.add(~(octet << shift));
                addresses.add(octet * 0x01010101);
            }
        }
        Random random = new Random(6);
        for (int i = 0; i < 100_000; i++) {
            addresses.add(random.nextInt());
        }
        byte[] text = new byte[20];
        for (int a : addresses) {
            int end = CompactTraceJson.dotted(a, text, 3);
            assertEquals(Ipv4Address.format(a), new String(text, 3, end - 3, StandardCharsets.US_ASCII));
        }
    }

    @Test
    void everySixteenBitNumberAndItsNeighbours() {
        List<ProbeResult> probes = new ArrayList<>();
        for (int v = -70_000; v <= 70_000; v += 7) {
            probes.add(new ProbeResult(v & 0xff, 0, v, v, v + 1, null, null, v + 2, v + 3, (long) v, IpAddress.ipv4(v),
                    null, null, null, null, v + 4, v + 5, v + 6, v, v + 1, List.of()));
        }
        for (int v : new int[] {0, 9, 10, 99, 100, 999, 1000, 9999, 10_000, 65_535, 65_536, -1, -65_536,
            Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            probes.add(new ProbeResult(v, 0, v, v, v, v, v, v, v, (long) v, IpAddress.ipv4(v), v, v, v, null, v, v, v,
                    v, v,
                    List.of()));
        }
        same(new Trace(IpAddress.ipv4(1), IpAddress.ipv4(2), new Method("udp", "traceroute", "udp-destination-port"),
                0, 0, null,
                List.of(new Hop(1, probes)), null));
    }
}
