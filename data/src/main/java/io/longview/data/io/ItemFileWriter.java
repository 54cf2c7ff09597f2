package io.longview.data.io;

import io.longview.core.model.ItemEmbeddings;
import io.longview.core.model.Token;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the item file of DESIGN §1: a header {@code item_id,e0,...,e31}, then one item per line with its 32
 * float values ({@link Float#toString}, so values read back bit-exact).
 */
public final class ItemFileWriter implements AutoCloseable {
    private final BufferedWriter out;
    private final StringBuilder line = new StringBuilder(512);
    private long count;

    public ItemFileWriter(Path file) {
        try {
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
            StringBuilder h = new StringBuilder("item_id");
            for (int d = 0; d < Token.EMBEDDING_DIM; d++) {
                h.append(",e").append(d);
            }
            out.write(h.append('\n').toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes one item; the embedding must be 32 finite values. */
    public void write(long itemId, float[] embedding) {
        ItemEmbeddings.check(itemId, embedding);
        line.setLength(0);
        line.append(itemId);
        for (float v : embedding) {
            line.append(',').append(v);
        }
        line.append('\n');
        try {
            out.append(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        count++;
    }

    public long count() {
        return count;
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
