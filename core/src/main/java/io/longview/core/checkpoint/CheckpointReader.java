package io.longview.core.checkpoint;

import io.longview.core.io.LittleEndian;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads checkpoints written by {@link CheckpointWriter}, of every format version so far (only 1). Trusts nothing
 * (STYLE 7): it checks the magic, the version, the header length, the file length against the header, the CRC32C,
 * the metadata keys and values, the tensor count, names and shapes against the configuration, and that every byte is
 * accounted for. Each failure is a {@link CheckpointException} that names the file, the found and the expected value.
 */
public final class CheckpointReader {
    private CheckpointReader() {
    }

    /** Reads a checkpoint file. */
    public static Checkpoint read(Path file) {
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > Integer.MAX_VALUE - 16) {
                throw new CheckpointException(file, "file has " + size + " bytes, more than this version supports (2 GiB)");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file, "no such checkpoint file", e);
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot read: " + e.getMessage(), e);
        }
        return fromBytes(bytes, file);
    }

    /**
     * Reads a checkpoint from its bytes.
     *
     * @param source the name used in error messages (may be null)
     */
    public static Checkpoint fromBytes(byte[] bytes, Path source) {
        if (bytes.length < CheckpointFormat.MAGIC.length
                || !Arrays.equals(bytes, 0, CheckpointFormat.MAGIC.length, CheckpointFormat.MAGIC, 0, CheckpointFormat.MAGIC.length)) {
            // the message never quotes the file's bytes: a server reloading a file it was pointed at must not leak it
            throw new CheckpointException(source, "not a Longview checkpoint: the file (" + bytes.length
                    + " bytes) does not start with the magic " + HexFormat.ofDelimiter(" ").formatHex(CheckpointFormat.MAGIC) + " (\"LVCK\")");
        }
        if (bytes.length < CheckpointFormat.minFileLength()) {
            throw new CheckpointException(source, "file has " + bytes.length + " bytes, fewer than the smallest checkpoint ("
                    + CheckpointFormat.minFileLength() + "): truncated");
        }
        int version = LittleEndian.getInt(bytes, CheckpointFormat.VERSION_OFFSET);
        return switch (version) {
            case 1 -> readVersion1(bytes, source);
            default -> throw new CheckpointException(source, "checkpoint format version " + version
                    + " is not supported, expected 1.." + CheckpointFormat.VERSION + " (written by newer code?)");
        };
    }

    private static Checkpoint readVersion1(byte[] bytes, Path source) {
        int headerLength = LittleEndian.getInt(bytes, CheckpointFormat.HEADER_LENGTH_OFFSET);
        if (headerLength != CheckpointFormat.HEADER_LENGTH) {
            throw new CheckpointException(source, "header length is " + headerLength + ", expected " + CheckpointFormat.HEADER_LENGTH
                    + " for version 1");
        }
        long fileLength = LittleEndian.getLong(bytes, CheckpointFormat.FILE_LENGTH_OFFSET);
        if (fileLength != bytes.length) {
            throw new CheckpointException(source, "file has " + bytes.length + " bytes, its header says " + fileLength
                    + (bytes.length < fileLength ? ": truncated" : ": trailing bytes"));
        }
        int crcAt = (int) CheckpointFormat.crcOffset(fileLength);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, crcAt);
        int stored = LittleEndian.getInt(bytes, crcAt);
        if (stored != (int) crc.getValue()) {
            throw new CheckpointException(source, String.format("CRC32C is %08x, the file says %08x: the file is corrupt",
                    (int) crc.getValue(), stored));
        }
        int reserved = LittleEndian.getInt(bytes, CheckpointFormat.RESERVED_OFFSET);
        if (reserved != 0) {
            throw new CheckpointException(source, "reserved header field is " + reserved + ", expected 0");
        }
        int metaLength = LittleEndian.getInt(bytes, CheckpointFormat.METADATA_LENGTH_OFFSET);
        if (metaLength < 0 || CheckpointFormat.firstTensorOffset(metaLength) > crcAt) {
            throw new CheckpointException(source, "metadata length " + metaLength + " does not fit in a file of " + fileLength + " bytes");
        }
        CheckpointMetadata.Decoded meta;
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, (int) CheckpointFormat.metadataOffset(), metaLength)).toString();
            meta = CheckpointMetadata.read(MetadataText.parse(text));
        } catch (CharacterCodingException e) {
            throw new CheckpointException(source, "metadata is not valid UTF-8", e);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(source, "bad metadata: " + e.getMessage(), e);
        }
        List<TensorSpec> specs = meta.config().tensorSpecs();
        int count = LittleEndian.getInt(bytes, CheckpointFormat.TENSOR_COUNT_OFFSET);
        if (count != specs.size()) {
            throw new CheckpointException(source, "file holds " + count + " tensors, its configuration requires " + specs.size());
        }
        List<Tensor> tensors = new ArrayList<>(count);
        long record = CheckpointFormat.firstTensorOffset(metaLength);
        for (int k = 0; k < count; k++) {
            TensorSpec spec = specs.get(k);
            String where = "tensor " + k + " (expected " + spec + ")";
            need(source, record, 8, crcAt, where);
            int nameLength = LittleEndian.getInt(bytes, (int) CheckpointFormat.tensorNameLengthOffset(record));
            int rank = LittleEndian.getInt(bytes, (int) CheckpointFormat.tensorRankOffset(record));
            if (rank < 1 || rank > CheckpointFormat.MAX_RANK) {
                throw new CheckpointException(source, where + " has rank " + rank + ", expected 1.." + CheckpointFormat.MAX_RANK);
            }
            if (nameLength < 1 || nameLength > 1024) {
                throw new CheckpointException(source, where + " has a name of " + nameLength + " bytes, expected 1..1024");
            }
            need(source, record, CheckpointFormat.tensorValuesOffset(record, rank, nameLength) - record, crcAt, where);
            int[] shape = new int[rank];
            long n = 1;
            for (int i = 0; i < rank; i++) {
                shape[i] = LittleEndian.getInt(bytes, (int) CheckpointFormat.tensorDimOffset(record, i));
                if (shape[i] < 1) {
                    throw new CheckpointException(source, where + " has dimension " + i + " = " + shape[i] + ", expected ≥ 1");
                }
                n *= shape[i];
                if (n > Integer.MAX_VALUE) {
                    throw new CheckpointException(source, where + " has too many values: shape " + Arrays.toString(shape));
                }
            }
            String name = new String(bytes, (int) CheckpointFormat.tensorNameOffset(record, rank), nameLength, StandardCharsets.UTF_8);
            if (!name.equals(spec.name())) {
                throw new CheckpointException(source, "tensor " + k + " is named '" + name + "', expected '" + spec.name() + "'");
            }
            if (!Arrays.equals(shape, spec.shape())) {
                throw new CheckpointException(source, "tensor " + name + " has shape " + Tensor.describeShape(shape)
                        + ", the configuration expects " + Tensor.describeShape(spec.shape()));
            }
            long valuesAt = CheckpointFormat.tensorValuesOffset(record, rank, nameLength);
            need(source, record, CheckpointFormat.tensorRecordLength(rank, nameLength, n), crcAt, where + " " + name);
            float[] values = new float[(int) n];
            LittleEndian.getFloats(bytes, (int) valuesAt, values, 0, (int) n);
            try {
                tensors.add(new Tensor(name, shape, values));
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(source, e.getMessage(), e);
            }
            record += CheckpointFormat.tensorRecordLength(rank, nameLength, n);
        }
        if (record != crcAt) {
            throw new CheckpointException(source, "tensors end at byte " + record + ", expected the CRC at byte " + crcAt);
        }
        try {
            return Checkpoint.of(meta.config(), meta.provenance(), tensors);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(source, e.getMessage(), e);
        }
    }

    private static void need(Path source, long at, long length, long end, String what) {
        if (at + length > end) {
            throw new CheckpointException(source, what + " needs bytes " + at + ".." + (at + length) + ", the tensor section ends at "
                    + end);
        }
    }
}
