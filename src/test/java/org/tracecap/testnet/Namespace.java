package org.tracecap.testnet;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * One network namespace of a {@link NetnsTopology}: run commands in it, or run Java code in it.
 *
 * <p>{@link #call} runs Java code on a fresh thread that has joined the namespace with setns(2): a network
 * namespace belongs to a thread, so sockets (libpcap's included) opened on that thread, threads it starts and
 * processes it spawns are all inside the namespace, while the rest of the JVM stays where it was. Files under
 * {@code /proc/self/net} still show the main thread's namespace; {@code /proc/thread-self/net} shows the
 * caller's. For a whole program in the namespace, {@link #javaCommand} gives the command line for
 * {@code ip netns exec NS java -cp <this test class path> MAIN ARGS}.
 */
public final class Namespace {
    private static final int CLONE_NEWNET = 0x40000000;
    private static final int O_RDONLY = 0;
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private final String name;

    Namespace(String name) {
        this.name = name;
    }

    /** The namespace's name, as {@code ip netns} knows it. */
    public String name() {
        return name;
    }

    /** Runs a command in the namespace; returns its standard output; throws with its stderr if it fails. */
    public String run(String... command) {
        NetnsTopology.Result r = exec(COMMAND_TIMEOUT, command);
        if (r.exit() != 0) {
            throw new IllegalStateException("in " + name + ": " + String.join(" ", command) + " exited " + r.exit()
                    + ": " + r.stderr().strip());
        }
        return r.stdout();
    }

    /** Runs a command in the namespace, killed after {@code timeout}; never throws for its failure. */
    public NetnsTopology.Result exec(Duration timeout, String... command) {
        return NetnsTopology.exec(name, timeout, command);
    }

    /** Starts a command in the namespace in the background (a capture, a server); the caller stops it. */
    public Process start(String... command) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(List.of(command));
        return new ProcessBuilder(full).redirectInput(NetnsTopology.NO_INPUT).start();
    }

    /** Sets a sysctl inside the namespace (net.* keys are per namespace). */
    public void sysctl(String key, String value) {
        run("sysctl", "-q", "-w", key + "=" + value);
    }

    /** Adds {@code cidr} (null: nothing) to {@code iface}. */
    public void address(String iface, String cidr) {
        if (cidr != null) {
            run("ip", "-4", "address", "add", cidr, "dev", iface);
        }
    }

    /**
     * Turns IPv6 on in the namespace (the host's default may have it off) without duplicate address detection
     * (accept_dad=0: link-local addresses usable at once), and forwarding it when {@code router}. Call before
     * the links are made, so that their link-local addresses skip DAD too.
     */
    public void enableIpv6(boolean router) {
        run("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=0", "net.ipv6.conf.default.disable_ipv6=0",
                "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0",
                "net.ipv6.conf.all.forwarding=" + (router ? 1 : 0));
    }

    /** Adds the IPv6 {@code cidr} (inside 2001:db8::/32) to {@code iface}, with {@code nodad}: usable at once. */
    public void address6(String iface, String cidr) {
        run("ip", "-6", "address", "add", cidr, "dev", iface, "nodad");
    }

    /** The kernel's link-local address (EUI-64) of an interface with MAC {@code mac}, RFC 4291 appendix A. */
    public static String linkLocal(String mac) {
        String[] b = mac.split(":");
        int first = Integer.parseInt(b[0], 16) ^ 0x02;
        return String.format("fe80::%x:%x:%x:%x", first << 8 | Integer.parseInt(b[1], 16),
                Integer.parseInt(b[2], 16) << 8 | 0xff, 0xfe00 | Integer.parseInt(b[3], 16),
                Integer.parseInt(b[4], 16) << 8 | Integer.parseInt(b[5], 16));
    }

    /** The MAC address of {@code iface}, as {@code ip link} prints it (aa:bb:cc:dd:ee:ff). */
    public String mac(String iface) {
        String out = run("ip", "-o", "link", "show", "dev", iface);
        String[] words = out.strip().split("\\s+");
        for (int i = 0; i < words.length - 1; i++) {
            if (words[i].startsWith("link/")) {
                return words[i + 1];
            }
        }
        throw new IllegalStateException("no link address for " + iface + " in " + name + ": " + out);
    }

    /**
     * Runs {@code body} on a new thread inside this namespace and returns its result; an exception or a failed
     * assertion in the body is rethrown here.
     */
    public <T> T call(Callable<T> body) throws Exception {
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        Thread thread = new Thread(() -> {
            try {
                enter();
                result[0] = body.call();
            } catch (Throwable t) {
                failure[0] = t;
            }
        }, "in-" + name);
        thread.start();
        thread.join();
        if (failure[0] instanceof Exception e) {
            throw e;
        }
        if (failure[0] instanceof Error e) {
            throw e;
        }
        if (failure[0] != null) {
            throw new IllegalStateException(failure[0]);
        }
        @SuppressWarnings("unchecked")
        T t = (T) result[0];
        return t;
    }

    /** {@link #call} for a body without a result. */
    public void run(ThrowingRunnable body) throws Exception {
        call(() -> {
            body.run();
            return null;
        });
    }

    /** Code that may throw, for {@link #run(ThrowingRunnable)}. */
    @FunctionalInterface
    public interface ThrowingRunnable {
        void run() throws Exception;
    }

    /**
     * The command that runs {@code mainClass} in a JVM inside this namespace, on this JVM's class path.
     */
    public List<String> javaCommand(Class<?> mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", name,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(List.of(args));
        return command;
    }

    private void enter() {
        String path = "/var/run/netns/" + name;
        int fd = LibC.INSTANCE.open(path, O_RDONLY);
        if (fd < 0) {
            throw new IllegalStateException("cannot open " + path + ": errno " + Native.getLastError());
        }
        try {
            if (LibC.INSTANCE.setns(fd, CLONE_NEWNET) != 0) {
                throw new IllegalStateException("setns into " + name + " failed: errno " + Native.getLastError());
            }
        } finally {
            LibC.INSTANCE.close(fd);
        }
    }

    @Override
    public String toString() {
        return name;
    }

    /** The three libc calls setns needs (JNA comes with pcap4j). */
    private interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        int open(String path, int flags);

        int setns(int fd, int nstype);

        int close(int fd);
    }
}
