package org.tracecap.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.tracecap.packet.IpAddress;
import org.tracecap.packet.Ipv4Address;

class ReverseDnsTest {
    private static final int R1 = Ipv4Address.parse("198.18.1.2");

    @Test
    void numericNeverLooksUp() {
        try (ReverseDns names = ReverseDns.numeric()) {
            assertFalse(names.resolves());
            assertEquals("198.18.1.2", names.name(IpAddress.ipv4(R1)));
        }
    }

    @Test
    void resolvedNameIsUsedAndLookedUpOnce() {
        AtomicInteger calls = new AtomicInteger();
        try (ReverseDns names = ReverseDns.using(a -> {
            calls.incrementAndGet();
            return "r1.tcap.test";
        }, 2, Duration.ofSeconds(1))) {
            assertTrue(names.resolves());
            assertEquals("r1.tcap.test", names.name(IpAddress.ipv4(R1)));
            assertEquals("r1.tcap.test", names.name(IpAddress.ipv4(R1)));
            assertEquals(1, calls.get());
        }
    }

    @Test
    void failureOrNoNameGivesTheAddress() {
        try (ReverseDns names = ReverseDns.using(a -> {
            if (a.equals(IpAddress.ipv4(R1))) {
                throw new java.net.UnknownHostException("no PTR");
            }
            return null;
        }, 2, Duration.ofSeconds(1))) {
            assertEquals("198.18.1.2", names.name(IpAddress.ipv4(R1)));
            assertEquals("198.18.2.2", names.name(IpAddress.parse("198.18.2.2")));
        }
    }

    @Test
    void manyHangingLookupsAreBoundedByOneDeadlineWhenPrefetched() {
        Set<IpAddress> started = ConcurrentHashMap.newKeySet();
        List<IpAddress> addresses = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            addresses.add(IpAddress.parse("198.18." + i + ".2"));
        }
        long t0 = System.nanoTime();
        try (ReverseDns names = ReverseDns.using(a -> {
            started.add(a);
            if (a.equals(IpAddress.ipv4(R1))) {
                return "r1.tcap.test";
            }
            Thread.sleep(30_000); // a resolver that never answers in time
            return "late.tcap.test";
        }, 4, Duration.ofMillis(300))) {
            names.prefetch(addresses);
            assertEquals("r1.tcap.test", names.name(IpAddress.ipv4(R1)));
            for (IpAddress a : addresses.subList(1, addresses.size())) {
                assertEquals(a.toString(), names.name(a));
            }
        }
        long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(elapsedMs < 2_000, "40 names with a 300 ms deadline took " + elapsedMs + " ms");
        assertTrue(started.contains(IpAddress.ipv4(R1)));
    }

    @Test
    void systemResolverFallsBackToTheAddressQuickly() {
        // 198.18.0.0/15 (RFC 2544 benchmarking) has no public PTR records: with or without network, the
        // answer is the address and the wait is bounded by the deadline.
        long t0 = System.nanoTime();
        try (ReverseDns names = ReverseDns.system()) {
            String n = names.name(IpAddress.parse("198.18.77.2"));
            assertFalse(n.isEmpty());
        }
        long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(elapsedMs < ReverseDns.DEFAULT_DEADLINE.toMillis() + 500, "took " + elapsedMs + " ms");
    }

    @Test
    void anIpv6AddressWithoutANameIsItsRfc5952Text() {
        // 2001:db8::/32 (RFC 3849, documentation) has no PTR records: the system's answer is the literal,
        // which Java writes uncompressed (2001:db8:0:0:0:0:0:77); it must come back as the address, in RFC 5952
        // text, not taken for a name.
        try (ReverseDns names = ReverseDns.system()) {
            assertEquals("2001:db8::77", names.name(IpAddress.parse("2001:db8::77")));
        }
        try (ReverseDns names = ReverseDns.using(a -> a.isIpv6() ? "r6.tcap.test" : null, 2, Duration.ofSeconds(1))) {
            assertEquals("r6.tcap.test", names.name(IpAddress.parse("2001:db8::1")));
            assertEquals("198.18.1.2", names.name(IpAddress.parse("198.18.1.2")));
        }
    }
}
