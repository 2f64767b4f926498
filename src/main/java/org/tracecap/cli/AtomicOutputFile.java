package org.tracecap.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An output file that appears whole or not at all: bytes go to a hidden temporary file in the target's
 * directory, which {@link #commit()} renames over the target (rename(2) within one file system is atomic, so
 * a reader never sees half a document and an old file is never left truncated). {@link #abandon()} deletes
 * the temporary file; so does the JVM's exit hook if neither ran (Ctrl-C).
 */
final class AtomicOutputFile {
    private final Path target;
    private final Path temporary;
    private final OutputStream stream;
    private boolean done;

    private AtomicOutputFile(Path target, Path temporary, OutputStream stream) {
        this.target = target;
        this.temporary = temporary;
        this.stream = stream;
    }

    /** Creates the temporary file now, so an unwritable target fails before any work is done. */
    static AtomicOutputFile create(Path target) throws IOException {
        if (Files.isDirectory(target)) {
            throw new FileSystemException(target.toString(), null, "is a directory");
        }
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        String name = "." + absolute.getFileName() + ".tracecap-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1) + ".tmp";
        Path temporary = directory.resolve(name);
        // Plain CREATE_NEW: the file gets the usual permissions (umask), unlike Files.createTempFile's 0600.
        OutputStream raw;
        try {
            raw = Files.newOutputStream(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            String reason = Files.isDirectory(directory) ? "cannot create a file there" : "no such directory";
            throw new FileSystemException(target.toString(), null, reason);
        }
        temporary.toFile().deleteOnExit();
        return new AtomicOutputFile(target, temporary, new BufferedOutputStream(raw, 1 << 16));
    }

    /** Where to write; flushed and closed by {@link #commit()} or {@link #abandon()}. */
    OutputStream stream() {
        return stream;
    }

    Path target() {
        return target;
    }

    /** Closes the temporary file and renames it over the target. */
    void commit() throws IOException {
        if (done) {
            return;
        }
        done = true;
        try {
            stream.close();
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
    }

    /** Drops what was written; the target is left as it was. */
    void abandon() {
        if (done) {
            return;
        }
        done = true;
        try {
            stream.close();
        } catch (IOException ignored) {
            // the bytes are being thrown away anyway
        }
        try {
            Files.deleteIfExists(temporary);
        } catch (IOException ignored) {
            // the exit hook tries again
        }
    }

    /** What tracecap says of a file it cannot create or write: "cannot write TARGET: REASON". */
    static String cannotWrite(Path target, IOException e) {
        return cannotWriteAt(target, e);
    }

    /** {@link #cannotWrite(Path, IOException)} of {@code file}'s target, or of "the output" when null (stdout). */
    static String cannotWrite(AtomicOutputFile file, IOException e) {
        return cannotWriteAt(file == null ? "the output" : file.target(), e);
    }

    private static String cannotWriteAt(Object where, IOException e) {
        return "cannot write " + where + ": " + describe(e);
    }

    /** An I/O failure as a few words: "permission denied", "no such directory", or the system's reason. */
    static String describe(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
