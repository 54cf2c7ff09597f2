package io.longview.data.io;

import io.longview.core.io.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes an output directory so that it appears whole or not at all: the work happens in a sibling
 * {@code .NAME.partial-PID} directory, renamed onto {@code NAME} by {@link #commit()}; {@link #close()} without a
 * commit deletes the partial directory. Used by every command that writes output, so bad input or a crash never
 * leaves half-written files where a reader would take them for complete.
 */
public final class AtomicDirectory implements AutoCloseable {
    private final Path target;
    private final Path partial;
    private boolean committed;

    /**
     * @param target    the directory to create
     * @param overwrite replace an existing {@code target} on commit; otherwise an existing one is an error now
     */
    public AtomicDirectory(Path target, boolean overwrite) {
        this.target = target.toAbsolutePath().normalize();
        if (Files.exists(this.target) && !overwrite) {
            throw new IllegalArgumentException("output " + target + " exists already (use --force to replace it)");
        }
        this.partial = this.target.resolveSibling("." + this.target.getFileName() + ".partial-" + ProcessHandle.current().pid());
        try {
            AtomicFiles.deleteRecursively(partial);
            Files.createDirectories(partial);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + partial + ": " + e.getMessage(), e);
        }
    }

    /** The directory to write into until {@link #commit()}. */
    public Path dir() {
        return partial;
    }

    /** Moves the finished directory into place (replacing an older one when allowed). */
    public Path commit() {
        try {
            if (Files.exists(target)) {
                Path old = target.resolveSibling("." + target.getFileName() + ".old-" + ProcessHandle.current().pid());
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
                AtomicFiles.deleteRecursively(old);
            } else {
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            }
            AtomicFiles.syncDirectory(target.getParent());     // the rename survives a power loss too
        } catch (FileAlreadyExistsException e) {
            throw new IllegalStateException("output " + target + " appeared while it was being written", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + partial + " to " + target + ": " + e.getMessage(), e);
        }
        committed = true;
        return target;
    }

    @Override
    public void close() {
        if (!committed) {
            try {
                AtomicFiles.deleteRecursively(partial);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
