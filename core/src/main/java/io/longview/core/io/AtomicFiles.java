package io.longview.core.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writing a file so that a reader sees the old one or the whole new one, never half of one, and deleting trees.
 *
 * <p>{@link #write(Path, Body)}: the bytes go into a temporary sibling {@code .NAME.PID.tmp}-style file in the same
 * directory, are forced to disk ({@code fsync}), the file is renamed over the target atomically, and the directory
 * is forced so the rename itself survives a power loss (where the platform allows opening a directory: Linux and
 * macOS; elsewhere this step is skipped). If anything fails — the body throws, the disk is full, the rename is
 * refused — the temporary file is removed and the target is left as it was. New files are readable by all
 * ({@code rw-r--r--}) on POSIX file systems, so a serving process can read what a trainer wrote.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Writes a file's content to a stream (the stream is buffered; do not close it). */
    @FunctionalInterface
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    /** {@link #write(Path, Body)} of a byte array. */
    public static void write(Path file, byte[] bytes) {
        write(file, out -> out.write(bytes));
    }

    /**
     * Atomically replaces (or creates) {@code file} with what {@code body} writes; parent directories are created.
     *
     * @throws UncheckedIOException naming the file when it cannot be written; the temporary file is gone then
     */
    public static void write(Path file, Body body) {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
            try {
                // createTempFile makes it owner-only; outputs are meant to be read by other processes too
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException notPosix) {
                // keep the file system's default
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                body.writeTo(out);
                out.flush();
                ch.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            syncDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the original failure is the one to report
                }
            }
        }
    }

    /**
     * Forces a directory's entries (a rename or a new file in it) to disk. A no-op where the platform cannot open a
     * directory for this (Windows).
     */
    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (UnsupportedOperationException | java.nio.file.AccessDeniedException notSupported) {
            // a directory cannot be opened or forced here; the rename is as durable as the platform makes it
        } catch (IOException e) {
            if (!Files.isDirectory(dir)) {
                throw e;
            }
            // some platforms refuse to open directories (EISDIR); nothing more can be done there
        }
    }

    /**
     * Deletes a file or a whole directory tree, children first; absent is fine. Symbolic links are deleted, never
     * followed.
     */
    public static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(p, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                Files.deleteIfExists(f);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;      // gone meanwhile: fine
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** {@link #deleteRecursively} with an {@link UncheckedIOException} naming the path. */
    public static void deleteRecursivelyUnchecked(Path p) {
        try {
            deleteRecursively(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + p + ": " + e.getMessage(), e);
        }
    }
}
