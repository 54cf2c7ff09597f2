package io.longview.core.checkpoint;

import io.longview.core.io.AtomicFiles;
import io.longview.core.io.LittleEndian;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Writes a {@link Checkpoint} in the layout of {@link CheckpointFormat} (the current {@link CheckpointFormat#VERSION}).
 * The output is deterministic: the same checkpoint gives the same bytes.
 */
public final class CheckpointWriter {
    private CheckpointWriter() {
    }

    /**
     * Writes atomically with {@link AtomicFiles#write(Path, byte[])}: a reader sees the old file or the new one, never
     * half of one. Parent directories are created; on POSIX file systems the file is readable by all.
     *
     * @throws UncheckedIOException when the file cannot be written (the temporary file is removed)
     */
    public static void write(Checkpoint checkpoint, Path file) {
        AtomicFiles.write(file, toBytes(checkpoint));
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
        byte[] b = new byte[(int) length];
        System.arraycopy(CheckpointFormat.MAGIC, 0, b, CheckpointFormat.MAGIC_OFFSET, CheckpointFormat.MAGIC.length);
        LittleEndian.putInt(b, CheckpointFormat.VERSION_OFFSET, CheckpointFormat.VERSION);
        LittleEndian.putInt(b, CheckpointFormat.HEADER_LENGTH_OFFSET, CheckpointFormat.HEADER_LENGTH);
        LittleEndian.putInt(b, CheckpointFormat.METADATA_LENGTH_OFFSET, meta.length);
        LittleEndian.putInt(b, CheckpointFormat.TENSOR_COUNT_OFFSET, checkpoint.tensors().size());
        LittleEndian.putInt(b, CheckpointFormat.RESERVED_OFFSET, 0);
        LittleEndian.putLong(b, CheckpointFormat.FILE_LENGTH_OFFSET, length);
        System.arraycopy(meta, 0, b, (int) CheckpointFormat.metadataOffset(), meta.length);
        long record = CheckpointFormat.firstTensorOffset(meta.length);
        for (Tensor t : checkpoint.tensors().values()) {
            byte[] name = t.name().getBytes(StandardCharsets.UTF_8);
            LittleEndian.putInt(b, (int) CheckpointFormat.tensorNameLengthOffset(record), name.length);
            LittleEndian.putInt(b, (int) CheckpointFormat.tensorRankOffset(record), t.rank());
            for (int i = 0; i < t.rank(); i++) {
                LittleEndian.putInt(b, (int) CheckpointFormat.tensorDimOffset(record, i), t.dim(i));
            }
            System.arraycopy(name, 0, b, (int) CheckpointFormat.tensorNameOffset(record, t.rank()), name.length);
            int at = (int) CheckpointFormat.tensorValuesOffset(record, t.rank(), name.length);
            LittleEndian.putFloats(b, at, t.values(), 0, t.count());
            record += CheckpointFormat.tensorRecordLength(t.rank(), name.length, t.count());
        }
        int crcAt = (int) CheckpointFormat.crcOffset(length);
        assert record == crcAt : record + " != " + crcAt;
        CRC32C crc = new CRC32C();
        crc.update(b, 0, crcAt);
        LittleEndian.putInt(b, crcAt, (int) crc.getValue());
        return b;
    }
}
