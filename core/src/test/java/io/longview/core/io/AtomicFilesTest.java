package io.longview.core.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class AtomicFilesTest {
    @TempDir
    Path dir;

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static long entries(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.count();
        }
    }

    @Test
    void writesANewFileCreatingItsParents() throws IOException {
        Path f = dir.resolve("a/b/model.bin");
        AtomicFiles.write(f, utf8("hello"));
        assertThat(Files.readString(f)).isEqualTo("hello");
        assertThat(entries(f.getParent())).as("only the file, no temporary").isEqualTo(1);
    }

    @Test
    void replacesAnExistingFileWhole() throws IOException {
        Path f = dir.resolve("state");
        AtomicFiles.write(f, utf8("old contents, longer"));
        AtomicFiles.write(f, out -> {
            out.write(utf8("new"));
        });
        assertThat(Files.readString(f)).isEqualTo("new");
        assertThat(entries(dir)).isEqualTo(1);
    }

    @Test
    void aFailureMidWriteLeavesTheOldFileAndNoTemporary() throws IOException {
        Path f = dir.resolve("checkpoint.lvck");
        AtomicFiles.write(f, utf8("version 1"));
        assertThatThrownBy(() -> AtomicFiles.write(f, out -> {
            out.write(new byte[200_000]);                 // more than the buffer: part of it reached the temp file
            throw new IOException("disk full (simulated)");
        })).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("checkpoint.lvck").hasMessageContaining("disk full (simulated)");
        assertThat(Files.readString(f)).isEqualTo("version 1");
        assertThat(entries(dir)).as("no temporary file left").isEqualTo(1);
    }

    @Test
    void aFailureWritingANewFileLeavesNothing() throws IOException {
        Path f = dir.resolve("new.onnx");
        assertThatThrownBy(() -> AtomicFiles.write(f, out -> {
            out.write(utf8("half"));
            throw new IllegalStateException("a bug in the encoder");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(entries(dir)).isZero();
    }

    @Test
    void newFilesAreReadableByOthers() throws IOException {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path f = dir.resolve("m.lvck");
        AtomicFiles.write(f, utf8("x"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-r--r--");
    }

    @Test
    void writingOverADirectoryFailsAndCleansUp() throws IOException {
        Path d = Files.createDirectories(dir.resolve("taken/inner"));
        assertThatThrownBy(() -> AtomicFiles.write(d.getParent(), utf8("x"))).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("taken");
        assertThat(entries(dir)).isEqualTo(1);
        assertThat(d).isDirectory();
    }

    @Test
    void deletesATreeAndToleratesAbsence() throws IOException {
        Path root = dir.resolve("tree");
        Files.createDirectories(root.resolve("x/y/z"));
        Files.writeString(root.resolve("x/a.txt"), "a");
        Files.writeString(root.resolve("x/y/z/b.txt"), "b");
        Files.writeString(root.resolve("c.txt"), "c");
        AtomicFiles.deleteRecursively(root);
        assertThat(root).doesNotExist();
        AtomicFiles.deleteRecursively(root);              // absent: fine
        Path file = Files.writeString(dir.resolve("single"), "s");
        AtomicFiles.deleteRecursively(file);
        assertThat(file).doesNotExist();
    }

    @Test
    void deletingDoesNotFollowSymbolicLinks() throws IOException {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Path keep = Files.writeString(outside.resolve("keep.txt"), "k");
        Path root = Files.createDirectories(dir.resolve("root"));
        try {
            Files.createSymbolicLink(root.resolve("link"), outside);
        } catch (UnsupportedOperationException | IOException e) {
            assumeTrue(false, "no symbolic links here: " + e);
        }
        AtomicFiles.deleteRecursively(root);
        assertThat(root).doesNotExist();
        assertThat(keep).hasContent("k");
    }
}
