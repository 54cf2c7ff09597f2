package io.longview.core.model;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An immutable, columnar sequence of tokens, <b>newest first</b> (index 0 is the newest token), as stored for
 * each of a user's three sequences (DESIGN §1). Columns are plain arrays behind a read-only API; slicing is free.
 *
 * <pre>
 * timestamps  long[n]        epoch ms, non-increasing
 * actions     byte[n]        Actions bits
 * surfaces    byte[n]        [0, 16)
 * itemIds     long[n]
 * embeddings  byte[n * 32]   int8, row-major (token, dim); see {@link #embeddings()}
 * </pre>
 *
 * Hot loops read the embeddings through the read-only {@link MemorySegment} of {@link #embeddings()} (no copy).
 */
public final class TokenSequence {
    private static final int D = Token.EMBEDDING_DIM;
    private static final TokenSequence EMPTY = new TokenSequence(new long[0], new byte[0], new byte[0], new long[0], new byte[0], 0, 0);

    private final long[] timestamps;
    private final byte[] actions;
    private final byte[] surfaces;
    private final long[] itemIds;
    private final byte[] embeddings; // (capacity, 32)
    private final int from;
    private final int size;

    private TokenSequence(long[] timestamps, byte[] actions, byte[] surfaces, long[] itemIds, byte[] embeddings, int from, int size) {
        this.timestamps = timestamps;
        this.actions = actions;
        this.surfaces = surfaces;
        this.itemIds = itemIds;
        this.embeddings = embeddings;
        this.from = from;
        this.size = size;
    }

    /** The empty sequence. */
    public static TokenSequence empty() {
        return EMPTY;
    }

    /**
     * Wraps columns without copying; the caller hands them over and must not change them afterwards.
     *
     * @throws IllegalArgumentException if the column lengths disagree or timestamps are not newest-first
     */
    public static TokenSequence wrap(long[] timestamps, byte[] actions, byte[] surfaces, long[] itemIds, byte[] embeddings) {
        int n = timestamps.length;
        if (actions.length != n || surfaces.length != n || itemIds.length != n || embeddings.length != n * D) {
            throw new IllegalArgumentException("column lengths disagree: timestamps " + n + ", actions " + actions.length
                    + ", surfaces " + surfaces.length + ", itemIds " + itemIds.length + ", embeddings " + embeddings.length
                    + " (expected " + n * D + ")");
        }
        for (int i = 1; i < n; i++) {
            if (timestamps[i] > timestamps[i - 1]) {
                throw new IllegalArgumentException("sequence not newest-first at index " + i + ": " + timestamps[i]
                        + " after " + timestamps[i - 1]);
            }
        }
        return new TokenSequence(timestamps, actions, surfaces, itemIds, embeddings, 0, n);
    }

    /** A sequence of the given tokens, which must be newest-first. */
    public static TokenSequence of(List<Token> newestFirst) {
        Builder b = new Builder(newestFirst.size());
        newestFirst.forEach(b::add);
        return b.build();
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public long timestamp(int i) {
        return timestamps[from + checkIndex(i)];
    }

    public byte actions(int i) {
        return actions[from + checkIndex(i)];
    }

    public int surface(int i) {
        return surfaces[from + checkIndex(i)];
    }

    public long itemId(int i) {
        return itemIds[from + checkIndex(i)];
    }

    /** Dimension {@code d} of token {@code i}'s quantized embedding. */
    public byte embedding(int i, int d) {
        checkIndex(i);
        return embeddings[(from + i) * D + d];
    }

    /** Copies token {@code i}'s quantized embedding into {@code dst[off .. off+32)}. */
    public void copyEmbedding(int i, byte[] dst, int off) {
        System.arraycopy(embeddings, (from + checkIndex(i)) * D, dst, off, D);
    }

    /**
     * The quantized embeddings of this sequence as a read-only segment of {@code size() * 32} bytes,
     * row-major {@code (token, dim)}, newest token first. No copy.
     */
    public MemorySegment embeddings() {
        return MemorySegment.ofArray(embeddings).asSlice((long) from * D, (long) size * D).asReadOnly();
    }

    /** Token {@code i} as a value. */
    public Token token(int i) {
        byte[] q = new byte[D];
        copyEmbedding(i, q, 0);
        return new Token(timestamp(i), actions(i), (byte) surface(i), itemId(i), q);
    }

    /** All tokens as values, newest first. */
    public List<Token> toList() {
        List<Token> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(token(i));
        }
        return out;
    }

    /** Tokens {@code [fromIndex, toIndex)} (newest-first indices), sharing the columns. */
    public TokenSequence slice(int fromIndex, int toIndex) {
        if (fromIndex < 0 || toIndex > size || fromIndex > toIndex) {
            throw new IndexOutOfBoundsException("slice [" + fromIndex + ", " + toIndex + ") of a sequence of " + size);
        }
        return new TokenSequence(timestamps, actions, surfaces, itemIds, embeddings, from + fromIndex, toIndex - fromIndex);
    }

    /** The newest {@code n} tokens (all of them if there are fewer). */
    public TokenSequence newest(int n) {
        return slice(0, Math.min(n, size));
    }

    private int checkIndex(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("token " + i + " of a sequence of " + size);
        }
        return i;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TokenSequence s) || s.size != size) {
            return false;
        }
        return Arrays.equals(timestamps, from, from + size, s.timestamps, s.from, s.from + size)
                && Arrays.equals(actions, from, from + size, s.actions, s.from, s.from + size)
                && Arrays.equals(surfaces, from, from + size, s.surfaces, s.from, s.from + size)
                && Arrays.equals(itemIds, from, from + size, s.itemIds, s.from, s.from + size)
                && Arrays.equals(embeddings, from * D, (from + size) * D, s.embeddings, s.from * D, (s.from + size) * D);
    }

    @Override
    public int hashCode() {
        int h = size;
        for (int i = 0; i < Math.min(size, 8); i++) {
            h = h * 31 + Long.hashCode(timestamps[from + i]) + Long.hashCode(itemIds[from + i]);
        }
        return h;
    }

    @Override
    public String toString() {
        return "TokenSequence[size=" + size + (size > 0 ? ", newest=" + timestamp(0) + ", oldest=" + timestamp(size - 1) : "") + "]";
    }

    /** Appends tokens newest-first (each token no newer than the one before) and builds an immutable sequence. */
    public static final class Builder {
        private long[] timestamps;
        private byte[] actions;
        private byte[] surfaces;
        private long[] itemIds;
        private byte[] embeddings;
        private int size;

        public Builder(int expectedSize) {
            int c = Math.max(expectedSize, 4);
            timestamps = new long[c];
            actions = new byte[c];
            surfaces = new byte[c];
            itemIds = new long[c];
            embeddings = new byte[c * D];
        }

        public Builder add(Token t) {
            return add(t.timestampMs(), t.actions(), t.surface(), t.itemId(), t.embedding(), 0);
        }

        /** Appends one token; {@code embedding[off .. off+32)} is copied. */
        public Builder add(long timestampMs, byte action, int surface, long itemId, byte[] embedding, int off) {
            if (size > 0 && timestampMs > timestamps[size - 1]) {
                throw new IllegalArgumentException("tokens must be added newest first: " + timestampMs + " after " + timestamps[size - 1]);
            }
            if (size == timestamps.length) {
                int c = size * 2;
                timestamps = Arrays.copyOf(timestamps, c);
                actions = Arrays.copyOf(actions, c);
                surfaces = Arrays.copyOf(surfaces, c);
                itemIds = Arrays.copyOf(itemIds, c);
                embeddings = Arrays.copyOf(embeddings, c * D);
            }
            timestamps[size] = timestampMs;
            actions[size] = action;
            surfaces[size] = (byte) surface;
            itemIds[size] = itemId;
            System.arraycopy(embedding, off, embeddings, size * D, D);
            size++;
            return this;
        }

        public int size() {
            return size;
        }

        public TokenSequence build() {
            TokenSequence s = new TokenSequence(Arrays.copyOf(timestamps, size), Arrays.copyOf(actions, size),
                    Arrays.copyOf(surfaces, size), Arrays.copyOf(itemIds, size), Arrays.copyOf(embeddings, size * D), 0, size);
            return s;
        }
    }
}
