package org.tracecap.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tracecap.testnet.Namespace;
import org.tracecap.testnet.NetnsTopology;

/**
 * Live tracing as an unprivileged user ({@code setpriv} to nobody, no capabilities): one clear line saying what
 * is needed, exit status 2, no stack trace, and not a frame sent.
 *
 * <p>The child runs in a namespace of its own, linked to a peer: the target 198.18.0.1 is on-link, so the
 * command gets past the host checks (a local address such as 127.0.0.1 is refused earlier, before the
 * privilege check) to the privilege check for eth0. Nobody cannot read a Maven repository under /root, nor a
 * checkout there: the main classes and the jars of the class path are copied to a directory anyone can read.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UnprivilegedTraceTest {
    private static final String TARGET = "198.18.0.1";

    @Test
    void traceAsNobodyFailsWithOneLineNamingTheCapabilitiesAndSendsNothing() throws Exception {
        Assumptions.assumeTrue(new File("/usr/bin/setpriv").canExecute(), "setpriv (util-linux) not installed");
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to become nobody");
        Path copy = Files.createTempDirectory("tcap-nobody-cp");
        try (NetnsTopology net = NetnsTopology.create()) {
            Namespace host = net.host("nobody");
            Namespace peer = net.host("peer");
            for (Namespace ns : List.of(host, peer)) {
                // No IPv6: nothing (router solicitations, DAD) goes on the link unless tracecap sends it.
                ns.sysctl("net.ipv6.conf.all.disable_ipv6", "1");
                ns.sysctl("net.ipv6.conf.default.disable_ipv6", "1");
            }
            net.link(host, "eth0", "198.18.0.2/24", peer, "eth0", TARGET + "/24");
            long sentBefore = counter(host, "tx_packets");
            long receivedBefore = counter(peer, "rx_packets");

            List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", host.name(), "setpriv",
                    "--reuid=65534", "--regid=65534", "--clear-groups",
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
                    "-cp", readableClassPath(copy), "org.tracecap.cli.Main", "trace", "-n", TARGET));
            Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            String out = new String(p.getInputStream().readAllBytes());
            String err = new String(p.getErrorStream().readAllBytes());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            CliResult r = new CliResult(p.exitValue(), out, err).assertNoStackTrace();
            assertEquals(2, r.status(), r::toString);
            assertEquals("", r.out(), r::toString);
            assertEquals(1, r.errLines().size(), () -> "one line:\n" + r);
            String line = r.errLines().get(0);
            assertTrue(line.startsWith("tracecap: ") && line.contains("CAP_NET_RAW") && line.contains("setcap")
                    && line.contains("eth0"), line);
            assertFalse(line.startsWith("tracecap: tracecap"), () -> "the prefix is said once: " + line);
            // The privilege check comes before the ARP lookup and the capture: not a frame left the host.
            assertEquals(sentBefore, counter(host, "tx_packets"), "frames sent by the unprivileged run");
            assertEquals(receivedBefore, counter(peer, "rx_packets"), "frames that reached the peer");
        } finally {
            deleteTree(copy);
        }
    }

    /** An interface counter of eth0 in {@code ns} (sysfs as {@code ip netns exec} mounts it there). */
    private static long counter(Namespace ns, String name) {
        return Long.parseLong(ns.run("cat", "/sys/class/net/eth0/statistics/" + name).strip());
    }

    /**
     * This JVM's class path as nobody can read it: every directory (target/classes...) and jar copied under
     * {@code into}, made world-readable whatever the umask.
     */
    private static String readableClassPath(Path into) throws IOException {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path from = Path.of(entry).toAbsolutePath();
            Path to = into.resolve(entries.size() + "-" + from.getFileName());
            if (Files.isDirectory(from)) {
                copyTree(from, to);
            } else if (Files.isRegularFile(from)) {
                Files.copy(from, to);
            } else {
                continue;
            }
            entries.add(to.toString());
        }
        try (Stream<Path> all = Files.walk(into)) {
            for (Path p : all.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
                        Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
