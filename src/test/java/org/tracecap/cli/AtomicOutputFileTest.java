package org.tracecap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicOutputFileTest {
    @Test
    void targetAppearsOnlyAtCommit(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("out.json");
        AtomicOutputFile file = AtomicOutputFile.create(target);
        file.stream().write("{}\n".getBytes(StandardCharsets.UTF_8));
        assertFalse(Files.exists(target), "nothing at the target before commit");
        assertEquals(1, list(dir).size(), "one temporary file beside it");
        assertTrue(list(dir).get(0).getFileName().toString().startsWith(".out.json.tracecap-"));
        file.commit();
        assertEquals("{}\n", Files.readString(target));
        assertEquals(List.of(target), list(dir));
    }

    @Test
    void commitReplacesAnOldFileAndKeepsTheUsualPermissions(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("out.json");
        Files.writeString(target, "old");
        AtomicOutputFile file = AtomicOutputFile.create(target);
        file.stream().write('x');
        file.commit();
        assertEquals("x", Files.readString(target));
        // Files.createTempFile would have made it 0600; a report is as readable as any file its user makes.
        assertTrue(Files.getPosixFilePermissions(target).contains(PosixFilePermission.OWNER_READ));
        assertEquals(Files.getPosixFilePermissions(Files.createFile(dir.resolve("plain"))),
                Files.getPosixFilePermissions(target));
    }

    @Test
    void abandonLeavesTheOldFileAsItWas(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("out.json");
        Files.writeString(target, "old");
        AtomicOutputFile file = AtomicOutputFile.create(target);
        file.stream().write("half a docu".getBytes(StandardCharsets.UTF_8));
        file.abandon();
        file.abandon();
        assertEquals("old", Files.readString(target));
        assertEquals(List.of(target), list(dir));
    }

    @Test
    void unwritableTargetsFailAtCreate(@TempDir Path dir) {
        FileSystemException noDir = assertThrows(FileSystemException.class,
                () -> AtomicOutputFile.create(dir.resolve("missing").resolve("out.json")));
        assertEquals("no such directory", AtomicOutputFile.describe(noDir));
        FileSystemException isDir = assertThrows(FileSystemException.class, () -> AtomicOutputFile.create(dir));
        assertEquals("is a directory", AtomicOutputFile.describe(isDir));
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
