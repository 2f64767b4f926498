package org.tracecap.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Live tracing as an unprivileged user ({@code setpriv} to nobody, no capabilities): one clear line saying what
 * is needed, exit status 2, no stack trace. The child runs on target/classes and target/lib (readable by
 * nobody, unlike a Maven repository under /root).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UnprivilegedTraceTest {

    @Test
    void traceAsNobodyFailsWithOneLineNamingTheCapabilities() throws Exception {
        Assumptions.assumeTrue(new File("/usr/bin/setpriv").canExecute(), "setpriv (util-linux) not installed");
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to become nobody");
        // The test class path lives partly in a Maven repository under /root, which nobody cannot read:
        // copy its jars to a directory anyone can read.
        Path lib = Files.createTempDirectory("tcap-nobody-lib");
        lib.toFile().deleteOnExit();
        List<String> entries = new java.util.ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path from = Path.of(entry).toAbsolutePath();
            if (entry.endsWith(".jar") && Files.isRegularFile(from)) {
                Path to = lib.resolve(entries.size() + "-" + from.getFileName());
                Files.copy(from, to);
                to.toFile().deleteOnExit();
                entries.add(to.toString());
            }
        }
        Files.setPosixFilePermissions(lib, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        String classPath = Path.of("target/classes").toAbsolutePath() + File.pathSeparator
                + String.join(File.pathSeparator, entries);
        List<String> command = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classPath,
                "org.tracecap.cli.Main", "trace", "-n", "127.0.0.1");
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
        assertTrue(line.startsWith("tracecap: ") && line.contains("CAP_NET_RAW") && line.contains("setcap"), line);
        assertFalse(line.startsWith("tracecap: tracecap"), () -> "the prefix is said once: " + line);
    }
}
