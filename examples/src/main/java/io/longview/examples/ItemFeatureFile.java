package io.longview.examples;

import io.longview.core.io.InputException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The one descriptor of the <b>item feature file</b> ({@code item-features.lvif}, beside {@code train.lvx} and
 * {@code eval.lvx} when examples are built with {@code --item-features stats}): per (request, candidate) the
 * point-in-time item statistics of core {@code ItemStatistics}, computed by the builder from the events strictly
 * before the request. The example files themselves are unchanged (the default build stays byte-identical); a trainer
 * joins the two by (request id, item id).
 *
 * <pre>
 *  0 i32  magic        {@link #MAGIC}, the bytes "LVIF"
 *  4 i32  version      {@link #VERSION}
 *  8 i32  F            features per row
 * 12 i64  N            rows
 * 20      F × string   feature names (u16 byte length + UTF-8), in row order
 *         N × (i64 requestId, i64 itemId, f32[F] features)   strictly ascending by (requestId, itemId), signed
 *     i32 crc32c       of every byte before it
 *     i32 magic        again
 * </pre>
 * Little-endian, no padding. The reader loads the whole file: about {@code 16 + 4F} bytes of heap per example.
 */
public final class ItemFeatureFile {
    public static final String FILE_NAME = "item-features.lvif";
    public static final int MAGIC = ExampleFormat.fourCc("LVIF");
    public static final int VERSION = 1;
    static final int FIXED_HEADER = 20;
    static final int TRAILER = 8;

    private ItemFeatureFile() {
    }

    /** Bytes of one row with {@code f} features. */
    static int rowBytes(int f) {
        return 16 + 4 * f;
    }

    /**
     * Writes the file; rows must be strictly ascending by (requestId, itemId).
     *
     * @param features (rows, names.size()) row-major
     */
    public static void write(Path file, List<String> names, long[] requestIds, long[] itemIds, float[] features, int rows) {
        int f = names.size();
        if (features.length < (long) rows * f) {
            throw new IllegalArgumentException(features.length + " feature values for " + rows + " rows of " + f);
        }
        List<byte[]> encoded = new ArrayList<>();
        int namesBytes = 0;
        for (String n : names) {
            byte[] b = n.getBytes(StandardCharsets.UTF_8);
            encoded.add(b);
            namesBytes += 2 + b.length;
        }
        long total = FIXED_HEADER + namesBytes + (long) rows * rowBytes(f) + TRAILER;
        if (total > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("item feature file of " + total + " bytes: more than this format holds (2 GiB)");
        }
        ByteBuffer b = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).putInt(VERSION).putInt(f).putLong(rows);
        for (byte[] n : encoded) {
            b.putShort((short) n.length).put(n);
        }
        for (int i = 0; i < rows; i++) {
            if (i > 0 && compare(requestIds[i - 1], itemIds[i - 1], requestIds[i], itemIds[i]) >= 0) {
                throw new IllegalArgumentException("item feature rows out of order at row " + i);
            }
            b.putLong(requestIds[i]).putLong(itemIds[i]);
            for (int k = 0; k < f; k++) {
                b.putFloat(features[i * f + k]);
            }
        }
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue()).putInt(MAGIC);
        try {
            Files.write(file, b.array());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static int compare(long r1, long i1, long r2, long i2) {
        int c = Long.compare(r1, r2);
        return c != 0 ? c : Long.compare(i1, i2);
    }

    /** The item feature file of an example file or example directory, or null when there is none. */
    public static Path beside(Path exampleFileOrDir) {
        Path dir = Files.isDirectory(exampleFileOrDir) ? exampleFileOrDir : exampleFileOrDir.toAbsolutePath().getParent();
        Path f = dir == null ? null : dir.resolve(FILE_NAME);
        return f != null && Files.isRegularFile(f) ? f : null;
    }

    /** The feature names of the item feature file beside {@code exampleFileOrDir}; empty when there is none. */
    public static List<String> namesBeside(Path exampleFileOrDir) {
        Path f = beside(exampleFileOrDir);
        return f == null ? List.of() : read(f).names();
    }

    /**
     * Reads and checks a whole file.
     *
     * @throws InputException for a wrong magic, version, length, order or checksum (naming the file)
     */
    public static Table read(Path file) {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        if (all.length < FIXED_HEADER + TRAILER || b.getInt(0) != MAGIC) {
            throw new InputException(file, 0, "not an item feature file (no LVIF magic)");
        }
        if (b.getInt(4) != VERSION) {
            throw new InputException(file, 0, "item feature file version " + b.getInt(4) + ", expected " + VERSION);
        }
        int f = b.getInt(8);
        long n = b.getLong(12);
        if (f < 0 || f > 4096 || n < 0 || n > Integer.MAX_VALUE) {
            throw new InputException(file, 0, "item feature file with " + f + " features and " + n + " rows");
        }
        b.position(FIXED_HEADER);
        List<String> names = new ArrayList<>();
        for (int k = 0; k < f; k++) {
            if (b.remaining() < 2) {
                throw new InputException(file, 0, "item feature file ends inside its header");
            }
            int len = Short.toUnsignedInt(b.getShort());
            if (b.remaining() < len) {
                throw new InputException(file, 0, "item feature file ends inside its header");
            }
            byte[] s = new byte[len];
            b.get(s);
            names.add(new String(s, StandardCharsets.UTF_8));
        }
        long expected = (long) b.position() + n * rowBytes(f) + TRAILER;
        if (expected != all.length) {
            throw new InputException(file, 0, "item feature file of " + all.length + " bytes, expected " + expected
                    + " for " + n + " rows of " + f + " features (truncated?)");
        }
        CRC32C crc = new CRC32C();
        crc.update(all, 0, all.length - TRAILER);
        if (b.getInt(all.length - TRAILER) != (int) crc.getValue() || b.getInt(all.length - 4) != MAGIC) {
            throw new InputException(file, 0, "item feature file checksum mismatch: the file is corrupt; rebuild the examples");
        }
        int rows = (int) n;
        long[] req = new long[rows];
        long[] item = new long[rows];
        float[] values = new float[rows * f];
        for (int i = 0; i < rows; i++) {
            req[i] = b.getLong();
            item[i] = b.getLong();
            for (int k = 0; k < f; k++) {
                values[i * f + k] = b.getFloat();
            }
            if (i > 0 && compare(req[i - 1], item[i - 1], req[i], item[i]) >= 0) {
                throw new InputException(file, 0, "item feature rows out of order at row " + i);
            }
        }
        return new Table(List.copyOf(names), req, item, values);
    }

    /** A loaded file: lookups by (request id, item id). Immutable, safe to share between threads. */
    public static final class Table {
        private final List<String> names;
        private final long[] requestIds;
        private final long[] itemIds;
        private final float[] values; // (rows, F)

        Table(List<String> names, long[] requestIds, long[] itemIds, float[] values) {
            this.names = names;
            this.requestIds = requestIds;
            this.itemIds = itemIds;
            this.values = values;
        }

        /** The feature names, in order. */
        public List<String> names() {
            return names;
        }

        /** Features per row. */
        public int dim() {
            return names.size();
        }

        /** Rows. */
        public int size() {
            return requestIds.length;
        }

        /**
         * Copies the features of (request, item) into {@code dst[off .. off + dim)}.
         *
         * @throws IllegalStateException when the file has no such row (the example and item feature files do not
         *                               belong together)
         */
        public void copy(long requestId, long itemId, float[] dst, int off) {
            int lo = 0;
            int hi = requestIds.length - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                int c = compare(requestIds[mid], itemIds[mid], requestId, itemId);
                if (c == 0) {
                    System.arraycopy(values, mid * names.size(), dst, off, names.size());
                    return;
                }
                if (c < 0) {
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            throw new IllegalStateException("no item features for request " + requestId + ", item " + itemId
                    + ": the item feature file does not belong to these examples; rebuild them");
        }
    }
}
