package org.tracecap.hostile;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.tracecap.cli.CliRun;
import org.tracecap.cli.Main;

/**
 * One run of tracecap's CLI, in this JVM ({@link #inProcess}) or as a child JVM ({@link #childJvm}, which
 * also checks the exit status {@code System.exit} gives and that nothing leaks to the real stderr).
 */
record CliResult(int status, String out, String err) {

    static CliResult inProcess(String... args) {
        CliRun run = CliRun.of(args);
        return new CliResult(run.status(), run.out(), run.err());
    }

    /** {@code java -cp <test class path> org.tracecap.cli.Main ARGS}, optionally prefixed (setpriv...). */
    static CliResult childJvm(List<String> prefix, long timeoutSeconds, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("tcap-hostile-out", ".txt");
        Path err = Files.createTempFile("tcap-hostile-err", ".txt");
        try {
            Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File(
                    "/dev/null"))).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("tracecap " + String.join(" ", args) + " still running after "
                        + timeoutSeconds + " s");
            }
            return new CliResult(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    List<String> errLines() {
        return err.lines().toList();
    }

    List<String> outLines() {
        return out.lines().toList();
    }

    /** No stack trace and no exception class name anywhere a user would look. */
    CliResult assertNoStackTrace() {
        for (String text : List.of(out, err)) {
            assertFalse(text.contains("Exception"), () -> "an exception shows:\n" + this);
            assertFalse(text.contains("\tat ") || text.contains("at org.") || text.contains("at java."),
                    () -> "a stack trace shows:\n" + this);
        }
        return this;
    }

    @Override
    public String toString() {
        return "exit " + status + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
