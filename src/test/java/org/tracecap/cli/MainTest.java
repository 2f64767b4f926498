package org.tracecap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;

class MainTest {
    static String golden(String name) throws IOException {
        try (InputStream in = MainTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void helpMatchesTheGoldenText() throws IOException {
        for (String flag : List.of("--help", "-h")) {
            CliRun run = CliRun.of(flag);
            assertEquals(0, run.status());
            assertEquals(golden("main-help.txt"), run.out());
            assertEquals("", run.err());
        }
    }

    @Test
    void helpLinesFitAnEightyColumnTerminal() throws IOException {
        for (String text : List.of(golden("main-help.txt"), golden("replay-help.txt"))) {
            text.lines().forEach(l -> assertTrue(l.length() <= 100, l));
        }
    }

    @Test
    void versionIsTheProjectVersion() {
        CliRun run = CliRun.of("--version");
        assertEquals(0, run.status());
        assertTrue(run.out().matches("tracecap \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\n"), run.out());
    }

    @Test
    void noCommand() {
        assertUsageError(CliRun.of(), "tracecap: no command given", "try 'tracecap --help'");
    }

    @Test
    void unknownCommand() {
        assertUsageError(CliRun.of("replya", "x.pcap"), "tracecap: unknown command 'replya'",
                "try 'tracecap --help'");
    }

    @Test
    void unknownOption() {
        assertUsageError(CliRun.of("--frobnicate"), "tracecap: unknown option '--frobnicate'",
                "try 'tracecap --help'");
    }

    @Test
    void helpDoesNotLoadTheCaptureJsonOrOptionLibraries() throws Exception {
        // Main in a fresh class loader over the same class path, recording every class it asks for: --help
        // must not touch pcap4j, JNA, Jackson or Commons CLI (start-up time).
        URL[] urls = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(MainTest::url).toArray(URL[]::new);
        Set<String> loaded = ConcurrentHashMap.newKeySet();
        try (URLClassLoader loader = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                loaded.add(name);
                return super.loadClass(name, resolve);
            }
        }) {
            Class<?> main = loader.loadClass(Main.class.getName());
            PrintStream sink = new PrintStream(OutputStream.nullOutputStream());
            Object status = main.getMethod("run", String[].class, PrintStream.class, PrintStream.class)
                    .invoke(null, new String[] {"--help"}, sink, sink);
            assertEquals(0, status);
        }
        assertTrue(loaded.contains(Main.class.getName()));
        for (String name : loaded) {
            assertFalse(name.startsWith("org.pcap4j") || name.startsWith("com.sun.jna")
                    || name.startsWith("com.fasterxml") || name.startsWith("org.apache.commons.cli"), name);
        }
    }

    private static URL url(String classPathEntry) {
        try {
            return Path.of(classPathEntry).toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void assertUsageError(CliRun run, String... expectedErr) {
        assertEquals(2, run.status(), run.err());
        assertEquals(List.of(expectedErr), run.errLines());
        assertEquals("", run.out());
    }
}
