package org.tracecap.report;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.tracecap.packet.IpAddress;

/**
 * Names for addresses, the way traceroute prints them ({@code name (address)}), looked up in parallel
 * and never holding the output up.
 *
 * <ol>
 *   <li>A lookup starts when an address is first {@link #prefetch prefetched} or asked for by
 *       {@link #name}; lookups run on a small pool of daemon threads.</li>
 *   <li>Each lookup has a deadline counted from the moment it was started (1 s by default): {@link #name}
 *       waits at most until that deadline, so prefetching every address of a report first bounds the
 *       whole report's wait by one deadline, not one per address.</li>
 *   <li>A lookup that fails, finds no name, or misses its deadline gives the address itself, as
 *       traceroute's {@code getnameinfo} without {@code NI_NAMEREQD} does. The answer is then kept:
 *       an address is looked up once.</li>
 * </ol>
 *
 * <p>The default resolver is the system's ({@code InetAddress.getCanonicalHostName}, i.e. the C library's
 * resolver with {@code /etc/hosts} and nsswitch, like traceroute), whose own timeouts cannot be shortened:
 * a lookup stuck past its deadline keeps its pool thread until the resolver gives up, but nothing waits
 * for it. {@link #numeric()} never looks anything up ({@code -n}).
 */
public final class ReverseDns implements AutoCloseable {
    /** Looks up the name of one address (either family); returns null (or throws) when it has none. */
    @FunctionalInterface
    public interface Resolver {
        String lookup(IpAddress address) throws Exception;
    }

    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(1);
    private static final int DEFAULT_THREADS = 16;

    private final Resolver resolver;
    private final long deadlineNanos;
    private final ExecutorService pool;
    private final ConcurrentHashMap<IpAddress, Lookup> lookups = new ConcurrentHashMap<>();

    private record Lookup(CompletableFuture<String> name, long startedNanos) {
    }

    private ReverseDns(Resolver resolver, int threads, Duration deadline) {
        this.resolver = resolver;
        this.deadlineNanos = deadline.toNanos();
        this.pool = resolver == null ? null : Executors.newFixedThreadPool(threads, daemonThreads());
    }

    /** Never resolves: every name is the address itself ({@code -n}). */
    public static ReverseDns numeric() {
        return new ReverseDns(null, 0, Duration.ZERO);
    }

    /** The system resolver, 16 lookups at a time, each given {@link #DEFAULT_DEADLINE}. */
    public static ReverseDns system() {
        return new ReverseDns(ReverseDns::systemLookup, DEFAULT_THREADS, DEFAULT_DEADLINE);
    }

    /** A given resolver (tests, or another lookup method) with {@code threads} parallel lookups. */
    public static ReverseDns using(Resolver resolver, int threads, Duration deadline) {
        Objects.requireNonNull(resolver, "resolver");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
        if (deadline.isNegative()) {
            throw new IllegalArgumentException("negative deadline: " + deadline);
        }
        return new ReverseDns(resolver, threads, deadline);
    }

    /** True when names are looked up (not {@link #numeric()}). */
    public boolean resolves() {
        return resolver != null;
    }

    /** Starts the lookups of all these addresses now, without waiting for any. */
    public void prefetch(Collection<IpAddress> addresses) {
        for (IpAddress a : addresses) {
            start(a);
        }
    }

    /**
     * The name of {@code address}, or the address itself when it has none or its lookup missed its deadline;
     * waits at most until that lookup's deadline.
     */
    public String name(IpAddress address) {
        String dotted = address.toString();
        if (resolver == null) {
            return dotted;
        }
        Lookup lookup = start(address);
        long left = lookup.startedNanos() + deadlineNanos - System.nanoTime();
        try {
            String name = left > 0 ? lookup.name().get(left, TimeUnit.NANOSECONDS) : lookup.name().getNow(null);
            return name == null || name.isEmpty() ? dotted : name;
        } catch (TimeoutException | ExecutionException e) {
            return dotted;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return dotted;
        }
    }

    private Lookup start(IpAddress address) {
        if (resolver == null) {
            return null;
        }
        return lookups.computeIfAbsent(address, a -> {
            CompletableFuture<String> f = new CompletableFuture<>();
            Lookup lookup = new Lookup(f, System.nanoTime());
            try {
                pool.execute(() -> {
                    try {
                        f.complete(resolver.lookup(a));
                    } catch (Throwable e) {
                        f.completeExceptionally(e);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                f.complete(null); // closed: numeric from now on
            }
            return lookup;
        });
    }

    /** Stops the pool; lookups still running are abandoned (their threads are daemons). */
    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    /** {@code getnameinfo}-like: the PTR (or /etc/hosts) name, null when there is none. */
    static String systemLookup(IpAddress address) throws UnknownHostException {
        String name = InetAddress.getByAddress(address.toBytes()).getCanonicalHostName();
        // getCanonicalHostName returns the literal address when the lookup fails (for IPv6 in Java's own
        // uncompressed text, so it is compared as an address).
        return IpAddress.isLiteral(name) && IpAddress.parse(name).equals(address) ? null : name;
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "tracecap-rdns-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
