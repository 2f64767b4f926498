package org.tracecap.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tracecap.testnet.Hops;
import org.tracecap.testnet.NetnsTopology;

/**
 * Live tracing without root, with file capabilities instead: a copy of the JDK's java launcher with
 * {@code cap_net_raw,cap_net_admin+ep}, run as nobody ({@code setpriv}) in a client namespace, on a class path
 * copied where nobody can read it. The copy lives in the JDK's own {@code bin/} directory: a binary with file
 * capabilities runs in secure mode (AT_SECURE), where the dynamic loader ignores {@code LD_LIBRARY_PATH}, and
 * the launcher finds {@code libjli.so} only relative to itself ({@code $ORIGIN/../lib}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FaultCapabilityTest {

    @Test
    void aSetcapJavaLauncherTracesAsNobody() throws Exception {
        assumeTools();
        Path launcher = Path.of(System.getProperty("java.home"), "bin",
                "java-tcap" + ProcessHandle.current().pid());
        Path lib = Files.createTempDirectory("tcap-cap-lib");
        try (FaultLiveTest.Chain net = FaultLiveTest.Chain.create()) {
            Files.copy(Path.of(System.getProperty("java.home"), "bin", "java"), launcher);
            run("setcap", "cap_net_raw,cap_net_admin+ep", launcher.toString());
            String classPath = readableClassPath(lib);
            NetnsTopology.Result r = net.client.exec(Duration.ofSeconds(30), "setpriv", "--reuid=65534",
                    "--regid=65534", "--clear-groups", launcher.toString(), "-cp", classPath,
                    "org.tracecap.cli.Main", "trace", "-n", "--json", "-w", FaultLiveTest.WAIT,
                    FaultLiveTest.Chain.SERVER);
            CliResult result = new CliResult(r.exit(), r.stdout(), r.stderr()).assertNoStackTrace();
            assertEquals(0, result.status(), result::toString);
            JsonNode trace = FaultLiveTest.JSON.readTree(r.stdout()).path("traces").get(0);
            assertEquals(FaultLiveTest.Chain.allAnswered(3), Hops.responders(trace), result::toString);
            FaultLiveTest.ownProbesOnly(trace);
        } finally {
            Files.deleteIfExists(launcher);
            deleteTree(lib);
        }
    }

    @Test
    void aSetcapLauncherOutsideTheJdkCannotFindLibjli() throws Exception {
        assumeTools();
        // Pins why the copy must stay in the JDK's bin/: in secure mode LD_LIBRARY_PATH is dropped. Secure
        // mode comes from capabilities the user did not have, so this runs as nobody (root has them all).
        Path dir = Files.createTempDirectory("tcap-cap-bin");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path launcher = dir.resolve("java");
        try {
            Files.copy(Path.of(System.getProperty("java.home"), "bin", "java"), launcher);
            run("setcap", "cap_net_raw,cap_net_admin+ep", launcher.toString());
            NetnsTopology.Result r = NetnsTopology.exec(null, Duration.ofSeconds(20), "setpriv", "--reuid=65534",
                    "--regid=65534", "--clear-groups", "env",
                    "LD_LIBRARY_PATH=" + Path.of(System.getProperty("java.home"), "lib"), launcher.toString(),
                    "-version");
            assertNotEquals(0, r.exit(), r::toString);
            assertTrue(r.stderr().contains("libjli.so"), r::toString);
        } finally {
            deleteTree(dir);
        }
    }

    private static void assumeTools() {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to setcap and become nobody");
        Assumptions.assumeTrue(new File("/usr/bin/setpriv").canExecute(), "setpriv (util-linux) not installed");
        Assumptions.assumeTrue(new File("/usr/sbin/setcap").canExecute() || new File("/sbin/setcap").canExecute(),
                "setcap (libcap2-bin) not installed");
        Assumptions.assumeTrue(NetnsTopology.unusableReason() == null, "network namespaces unusable");
    }

    /** Copies this JVM's class path (directories and jars) under {@code lib}, readable by everyone. */
    private static String readableClassPath(Path lib) throws IOException {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path from = Path.of(entry).toAbsolutePath();
            Path to = lib.resolve(entries.size() + "-" + from.getFileName());
            if (Files.isDirectory(from)) {
                try (Stream<Path> tree = Files.walk(from)) {
                    for (Path p : tree.toList()) {
                        Path target = to.resolve(from.relativize(p).toString());
                        if (Files.isDirectory(p)) {
                            Files.createDirectories(target);
                        } else {
                            Files.copy(p, target);
                        }
                    }
                }
            } else if (Files.isRegularFile(from)) {
                Files.copy(from, to);
            } else {
                continue;
            }
            entries.add(to.toString());
        }
        try (Stream<Path> tree = Files.walk(lib)) {
            for (Path p : tree.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
                        Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static void run(String... command) {
        NetnsTopology.Result r = NetnsTopology.exec(null, Duration.ofSeconds(20), command);
        assertEquals(0, r.exit(), () -> String.join(" ", command) + ": " + r.stderr());
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(root)) {
            for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
