package org.tracecap.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files the launcher's training run leaves for JNA in target/jna. */
class CdsTrainingTest {

    @Test
    void copiesJnasDispatchLibraryOutOfItsJarAndReplacesAnOlderCopy(@TempDir Path dir) throws Exception {
        String name = System.mapLibraryName("jnidispatch");
        byte[] expected;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(
                "com/sun/jna/" + com.sun.jna.Platform.RESOURCE_PREFIX + "/" + name)) {
            expected = in.readAllBytes();
        }
        Path jna = dir.resolve("jna");
        CdsTraining.unpackJnaDispatch(jna);
        assertArrayEquals(expected, Files.readAllBytes(jna.resolve(name)));
        Files.writeString(jna.resolve(name), "an older build's");
        CdsTraining.unpackJnaDispatch(jna);
        assertArrayEquals(expected, Files.readAllBytes(jna.resolve(name)));
        try (var files = Files.list(jna)) {
            assertEquals(1, files.count(), "no partial file left");
        }
        // readable by whoever may run the launcher after this build, as any new file (umask)
        Path plain = Files.createFile(dir.resolve("plain"));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(jna.resolve(name)));
    }

    @Test
    void savesJnasLibraryDirectoriesAndRemovesThemWhenJnaHasNone(@TempDir Path dir) throws Exception {
        String key = "jna.platform.library.path";
        String before = System.getProperty(key);
        Path saved = dir.resolve(CdsTraining.PLATFORM_LIBRARY_PATH_FILE);
        try {
            System.setProperty(key, "/usr/lib/x86_64-linux-gnu:/lib");
            CdsTraining.savePlatformLibraryPath(dir);
            assertEquals("/usr/lib/x86_64-linux-gnu:/lib\n", Files.readString(saved));
            System.clearProperty(key);
            CdsTraining.savePlatformLibraryPath(dir);
            assertFalse(Files.exists(saved));
        } finally {
            if (before == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, before);
            }
        }
    }
}
