package io.longview.core.model;

/**
 * The item catalog as seen by selection and example building: itemId → float[32] content embedding
 * (DESIGN §1). An item without an embedding is an error, never a silent zero vector.
 */
public interface ItemEmbeddings {
    /** Number of items with an embedding. */
    long size();

    boolean contains(long itemId);

    /**
     * Copies the embedding of {@code itemId} into {@code dst[off .. off+32)}.
     *
     * @throws UnknownItemException if the item has no embedding
     */
    void copy(long itemId, float[] dst, int off);

    /** The embedding of {@code itemId} as a new array. */
    default float[] get(long itemId) {
        float[] e = new float[Token.EMBEDDING_DIM];
        copy(itemId, e, 0);
        return e;
    }

    /**
     * Checks one embedding: exactly 32 finite values.
     *
     * @throws IllegalArgumentException naming the item, the width or the bad value
     */
    static void check(long itemId, float[] embedding) {
        if (embedding.length != Token.EMBEDDING_DIM) {
            throw new IllegalArgumentException("embedding of item " + itemId + " has " + embedding.length + " values, expected " + Token.EMBEDDING_DIM);
        }
        for (int d = 0; d < embedding.length; d++) {
            if (!Float.isFinite(embedding[d])) {
                throw new IllegalArgumentException("embedding of item " + itemId + " has a non-finite value " + embedding[d] + " at dimension " + d);
            }
        }
    }

    /** Thrown when an item has no embedding. */
    final class UnknownItemException extends IllegalArgumentException {
        private final long itemId;

        public UnknownItemException(long itemId) {
            super("item " + itemId + " has no embedding in the catalog");
            this.itemId = itemId;
        }

        public long itemId() {
            return itemId;
        }
    }
}
