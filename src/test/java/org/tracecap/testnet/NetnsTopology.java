package org.tracecap.testnet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Builds small networks of Linux network namespaces for live tests: hosts and routers joined by veth pairs,
 * addresses only from 198.18.0.0/15 (RFC 2544's benchmarking block), names {@code tcap<pid>-<n><role>} so that
 * concurrent test JVMs never collide. Nothing is created in, or sent from, the root namespace.
 *
 * <pre>{@code
 * try (NetnsTopology net = NetnsTopology.create()) {
 *     Namespace client = net.host("client");
 *     Namespace router = net.router("r1");
 *     net.link(client, "eth0", "198.18.0.2/24", router, "eth0", "198.18.0.1/24");
 *     client.run("ip", "route", "add", "default", "via", "198.18.0.1");
 *     String mac = client.call(() -> NeighbourLookup...);   // Java code inside the namespace
 * }
 * }</pre>
 *
 * <p>Every namespace made is removed by {@link #close()}, and by a JVM shutdown hook if close is never reached
 * (a test killed by a timeout). {@link #create()} also removes namespaces left behind by earlier test JVMs that
 * died without cleaning up (their pid is no longer running).
 *
 * <p>Live tests need root (CI runs as root). Without it, {@link #create()} skips the test on a developer's
 * machine but fails it when the {@code CI} environment variable is set, so CI cannot silently skip them.
 */
public final class NetnsTopology implements AutoCloseable {

    /** Prefix of every namespace this JVM makes: {@code tcap} and the pid. */
    public static final String PREFIX = "tcap" + ProcessHandle.current().pid() + "-";
    private static final Pattern OURS = Pattern.compile("tcap(\\d+)-\\S*");
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final Set<String> LIVE = Collections.synchronizedSet(new LinkedHashSet<>());
    static final ProcessBuilder.Redirect NO_INPUT = ProcessBuilder.Redirect.from(new java.io.File("/dev/null"));
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            List<String> left;
            synchronized (LIVE) {
                left = new ArrayList<>(LIVE);
            }
            for (String ns : left) {
                deleteNamespace(ns);
            }
        }, "tcap-netns-cleanup"));
    }

    private final List<Namespace> namespaces = new ArrayList<>();
    private boolean closed;

    private NetnsTopology() {
    }

    /** A new, empty topology; skips (or in CI fails) the calling test when namespaces cannot be made. */
    public static NetnsTopology create() {
        String why = unusableReason();
        if (why != null) {
            if (System.getenv("CI") != null) {
                Assertions.fail("live network tests must run in CI, but " + why);
            }
            Assumptions.abort("live network test skipped: " + why);
        }
        removeStale();
        return new NetnsTopology();
    }

    /** Why namespaces cannot be used here, or null when they can. */
    public static String unusableReason() {
        try {
            List<String> status = Files.readAllLines(Path.of("/proc/self/status"));
            boolean root = status.stream().anyMatch(l -> l.matches("Uid:\\s+\\d+\\s+0\\s.*"));
            if (!root) {
                return "not running as root (network namespaces need it)";
            }
        } catch (IOException e) {
            return "no /proc/self/status: not Linux";
        }
        Result r = exec(null, Duration.ofSeconds(10), "ip", "netns", "list");
        if (r.exit() != 0) {
            return "ip netns does not work: " + r.stderr().strip() + " (install iproute2)";
        }
        return null;
    }

    /** A namespace with only {@code lo} (up); {@code role} becomes part of its name. */
    public Namespace host(String role) {
        checkOpen();
        String name = PREFIX + SEQUENCE.incrementAndGet() + role;
        LIVE.add(name);
        Result r = exec(null, COMMAND_TIMEOUT, "ip", "netns", "add", name);
        if (r.exit() != 0) {
            LIVE.remove(name);
            throw new IllegalStateException("ip netns add " + name + " failed: " + r.stderr().strip());
        }
        Namespace ns = new Namespace(name);
        namespaces.add(ns);
        ns.run("ip", "link", "set", "lo", "up");
        return ns;
    }

    /** A host that forwards IPv4 (net.ipv4.ip_forward=1), answering with Time Exceeded as Linux routers do. */
    public Namespace router(String role) {
        Namespace ns = host(role);
        ns.sysctl("net.ipv4.ip_forward", "1");
        return ns;
    }

    /**
     * Joins two namespaces with a veth pair, created directly inside them (so interface names only need to be
     * unique per namespace), addresses them (CIDR, inside 198.18.0.0/15, or null for none) and brings both up.
     */
    public void link(Namespace a, String aInterface, String aCidr, Namespace b, String bInterface, String bCidr) {
        link(a, aInterface, aCidr, null, b, bInterface, bCidr, null);
    }

    /**
     * {@link #link(Namespace, String, String, Namespace, String, String)} with fixed MAC addresses for the two
     * ends (aa:bb:cc:dd:ee:ff, or null for the kernel's random one), so that frames and reports are stable.
     */
    public void link(Namespace a, String aInterface, String aCidr, String aMac, Namespace b, String bInterface,
            String bCidr, String bMac) {
        checkOpen();
        List<String> command = new ArrayList<>(List.of("ip", "link", "add", aInterface, "netns", a.name()));
        if (aMac != null) {
            command.addAll(List.of("address", aMac));
        }
        command.addAll(List.of("type", "veth", "peer", "name", bInterface, "netns", b.name()));
        if (bMac != null) {
            command.addAll(List.of("address", bMac));
        }
        Result r = exec(null, COMMAND_TIMEOUT, command.toArray(new String[0]));
        if (r.exit() != 0) {
            throw new IllegalStateException("veth " + a.name() + ":" + aInterface + " - " + b.name() + ":"
                    + bInterface + " failed: " + r.stderr().strip());
        }
        a.address(aInterface, aCidr);
        b.address(bInterface, bCidr);
        a.run("ip", "link", "set", aInterface, "up");
        b.run("ip", "link", "set", bInterface, "up");
    }

    /** Removes every namespace of this topology (and with them their veths). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Namespace ns : namespaces) {
            deleteNamespace(ns.name());
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("topology already closed");
        }
    }

    private static void deleteNamespace(String name) {
        exec(null, COMMAND_TIMEOUT, "ip", "netns", "delete", name);
        LIVE.remove(name);
    }

    /** Deletes {@code tcap<pid>-...} namespaces whose pid is not a running process. */
    private static void removeStale() {
        Result list = exec(null, Duration.ofSeconds(10), "ip", "netns", "list");
        for (String line : list.stdout().lines().toList()) {
            String name = line.strip().split("\\s+")[0];
            Matcher m = OURS.matcher(name);
            if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                deleteNamespace(name);
            }
        }
    }

    /** What a command did. */
    public record Result(int exit, String stdout, String stderr) {
    }

    /**
     * Runs {@code command} in namespace {@code ns} (null: where this JVM is), killing it after {@code timeout}
     * (exit code -1 then). Never throws for the command's failure.
     */
    public static Result exec(String ns, Duration timeout, String... command) {
        List<String> full = new ArrayList<>();
        if (ns != null) {
            full.addAll(List.of("ip", "netns", "exec", ns));
        }
        full.addAll(List.of(command));
        try {
            Path out = Files.createTempFile("tcap-out", ".txt");
            Path err = Files.createTempFile("tcap-err", ".txt");
            try {
                Process p = new ProcessBuilder(full).redirectInput(NO_INPUT)
                        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (!done) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    p.waitFor();
                }
                return new Result(done ? p.exitValue() : -1, Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            return new Result(-1, "", String.join(" ", full) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "", String.join(" ", full) + ": interrupted");
        }
    }
}
