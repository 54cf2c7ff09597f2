package io.longview.core.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.zip.CRC32C;

/**
 * Writes a {@link Checkpoint} in the layout of {@link CheckpointFormat} (the current {@link CheckpointFormat#VERSION}).
 * The output is deterministic: the same checkpoint gives the same bytes.
 */
public final class CheckpointWriter {
    private CheckpointWriter() {
    }

    /**
     * Writes atomically: into a temporary file beside {@code file}, forced to disk, then renamed over {@code file}
     * (a reader sees the old file or the new one, never half of one). Parent directories are created; on POSIX file
     * systems the file is readable by all ({@code rw-r--r--}).
     *
     * @throws UncheckedIOException when the file cannot be written (the temporary file is removed)
     */
    public static void write(Checkpoint checkpoint, Path file) {
        byte[] bytes = toBytes(checkpoint);
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, abs.getFileName() + ".", ".tmp");
            try {
                // createTempFile makes it owner-only; a checkpoint is meant to be read by the serving process too
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException notPosix) {
                // keep the file system's default
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + file + ": " + e.getMessage(), e);
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

    /** The file's bytes. */
    public static byte[] toBytes(Checkpoint checkpoint) {
        byte[] meta = MetadataText.format(CheckpointMetadata.entries(checkpoint.config(), checkpoint.provenance()))
                .getBytes(StandardCharsets.UTF_8);
        long length = CheckpointFormat.firstTensorOffset(meta.length);
        for (Tensor t : checkpoint.tensors().values()) {
            length += CheckpointFormat.tensorRecordLength(t.rank(), t.name().getBytes(StandardCharsets.UTF_8).length, t.count());
        }
        length += CheckpointFormat.CRC_LENGTH;
        if (length > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("checkpoint of " + length + " bytes is larger than this version supports (2 GiB)");
        }
        ByteBuffer b = ByteBuffer.allocate((int) length).order(CheckpointFormat.ORDER);
        b.put(CheckpointFormat.MAGIC_OFFSET, CheckpointFormat.MAGIC);
        b.putInt(CheckpointFormat.VERSION_OFFSET, CheckpointFormat.VERSION);
        b.putInt(CheckpointFormat.HEADER_LENGTH_OFFSET, CheckpointFormat.HEADER_LENGTH);
        b.putInt(CheckpointFormat.METADATA_LENGTH_OFFSET, meta.length);
        b.putInt(CheckpointFormat.TENSOR_COUNT_OFFSET, checkpoint.tensors().size());
        b.putInt(CheckpointFormat.RESERVED_OFFSET, 0);
        b.putLong(CheckpointFormat.FILE_LENGTH_OFFSET, length);
        b.put((int) CheckpointFormat.metadataOffset(), meta);
        long record = CheckpointFormat.firstTensorOffset(meta.length);
        for (Tensor t : checkpoint.tensors().values()) {
            byte[] name = t.name().getBytes(StandardCharsets.UTF_8);
            b.putInt((int) CheckpointFormat.tensorNameLengthOffset(record), name.length);
            b.putInt((int) CheckpointFormat.tensorRankOffset(record), t.rank());
            for (int i = 0; i < t.rank(); i++) {
                b.putInt((int) CheckpointFormat.tensorDimOffset(record, i), t.dim(i));
            }
            b.put((int) CheckpointFormat.tensorNameOffset(record, t.rank()), name);
            int at = (int) CheckpointFormat.tensorValuesOffset(record, t.rank(), name.length);
            b.position(at);
            b.asFloatBuffer().put(t.values());
            record += CheckpointFormat.tensorRecordLength(t.rank(), name.length, t.count());
        }
        int crcAt = (int) CheckpointFormat.crcOffset(length);
        assert record == crcAt : record + " != " + crcAt;
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, crcAt);
        b.putInt(crcAt, (int) crc.getValue());
        return b.array();
    }
}
