package io.longview.core.checkpoint;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The one descriptor of the checkpoint file layout (STYLE 6): no other code computes offsets. All numbers are
 * little-endian; every section starts at a multiple of 4 bytes, so the float32 values of every tensor are 4-aligned
 * relative to the file start (a reader may map the file and view them as a {@code FloatBuffer}).
 *
 * <pre>
 * offset            size          field
 * ───────────────── ───────────── ───────────────────────────────────────────────────────────────────────
 * 0                 4             magic            "LVCK" (0x4C 0x56 0x43 0x4B)
 * 4                 4  i32        version          {@link #VERSION}
 * 8                 4  i32        headerLength     {@link #HEADER_LENGTH} (bytes before the metadata)
 * 12                4  i32        metadataLength   M: bytes of the UTF-8 metadata text, unpadded
 * 16                4  i32        tensorCount      T
 * 20                4  i32        reserved         0
 * 24                8  i64        fileLength       total bytes of the file, CRC included
 * 32                pad4(M)       metadata         UTF-8 key=value text (see below), zero-padded to a multiple of 4
 * 32 + pad4(M)      ...           T tensor records, back to back, each:
 *                     +0    4 i32      nameLength   N: UTF-8 bytes of the name
 *                     +4    4 i32      rank         R in [1, {@link #MAX_RANK}]
 *                     +8    4·R i32    dims         shape, each ≥ 1; count = Π dims
 *                     +8+4R pad4(N)    name         UTF-8, zero-padded to a multiple of 4
 *                     +...  4·count    values       float32, row-major (last dimension fastest)
 * fileLength − 4    4  u32        crc32c           CRC32C of bytes [0, fileLength − 4)
 * </pre>
 *
 * <p><b>Metadata text</b> (version 1): lines {@code key=value} separated by {@code \n}, in the writer's fixed order;
 * blank lines and lines starting with {@code #} are ignored; keys are {@code [A-Za-z0-9_.-]+} and unique; values
 * escape {@code \\}, {@code \n}, {@code \r} and {@code \t} with a backslash and hold any other character literally.
 * Lists are comma-separated without spaces (their elements are names or numbers, which contain no comma).
 * The keys are {@code config.*} ({@link ModelConfig}) and {@code provenance.*} ({@link Provenance}); a reader rejects
 * missing and unknown keys. A plain key=value text was chosen over JSON because core has no JSON library at run time
 * and the structures are flat; it stays human-readable with {@code strings model.lvck}.
 *
 * <p><b>Versions</b>: 1 is the only version so far. A change of the layout or of the metadata keys bumps
 * {@link #VERSION}; readers keep reading every older version, with a golden file of each in the test resources.
 */
public final class CheckpointFormat {
    /** The magic bytes, "LVCK". */
    public static final byte[] MAGIC = "LVCK".getBytes(StandardCharsets.US_ASCII);
    /** The version this code writes. */
    public static final int VERSION = 1;
    /** Bytes of the fixed header. */
    public static final int HEADER_LENGTH = 32;
    /** Bytes of the trailing CRC32C. */
    public static final int CRC_LENGTH = 4;
    /** The largest tensor rank. */
    public static final int MAX_RANK = 4;
    /** Byte order of every number in the file. */
    public static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    /** The conventional file extension. */
    public static final String EXTENSION = ".lvck";

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 4;
    public static final int HEADER_LENGTH_OFFSET = 8;
    public static final int METADATA_LENGTH_OFFSET = 12;
    public static final int TENSOR_COUNT_OFFSET = 16;
    public static final int RESERVED_OFFSET = 20;
    public static final int FILE_LENGTH_OFFSET = 24;

    private CheckpointFormat() {
    }

    /** {@code n} rounded up to a multiple of 4. */
    public static long pad4(long n) {
        return (n + 3) & ~3L;
    }

    /** Where the metadata text starts. */
    public static long metadataOffset() {
        return HEADER_LENGTH;
    }

    /** Where the first tensor record starts, for a metadata text of {@code metadataLength} bytes. */
    public static long firstTensorOffset(int metadataLength) {
        return HEADER_LENGTH + pad4(metadataLength);
    }

    /** The name-length field of the tensor record at {@code record}. */
    public static long tensorNameLengthOffset(long record) {
        return record;
    }

    /** The rank field of the tensor record at {@code record}. */
    public static long tensorRankOffset(long record) {
        return record + 4;
    }

    /** Dimension {@code i} of the tensor record at {@code record}. */
    public static long tensorDimOffset(long record, int i) {
        return record + 8 + 4L * i;
    }

    /** The name of the tensor record at {@code record} with rank {@code rank}. */
    public static long tensorNameOffset(long record, int rank) {
        return record + 8 + 4L * rank;
    }

    /** The first value of the tensor record at {@code record}. */
    public static long tensorValuesOffset(long record, int rank, int nameLength) {
        return tensorNameOffset(record, rank) + pad4(nameLength);
    }

    /** Total bytes of one tensor record. */
    public static long tensorRecordLength(int rank, int nameLength, long count) {
        return 8 + 4L * rank + pad4(nameLength) + 4L * count;
    }

    /** Where the CRC32C sits in a file of {@code fileLength} bytes (it covers everything before it). */
    public static long crcOffset(long fileLength) {
        return fileLength - CRC_LENGTH;
    }

    /** The smallest possible file: header, no metadata, no tensors, CRC. */
    public static long minFileLength() {
        return HEADER_LENGTH + CRC_LENGTH;
    }
}
