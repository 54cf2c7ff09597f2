package io.longview.store;

import io.longview.core.model.ItemEmbeddings;
import io.longview.core.model.Token;

import java.util.Map;

/**
 * The item catalog of a {@link SequenceStore}: itemId → float[32] content embedding (DESIGN §1), kept at full
 * float precision. Tokens quantize their item's embedding when they are created; changing an item's embedding later
 * affects only tokens created afterwards.
 *
 * <p>Every embedding is checked at the boundary ({@link ItemEmbeddings#check}: exactly 32 finite values) and copied.
 * Writes are atomic per call and as durable as the store's {@link StoreOptions#sync()}. Thread-safe.
 */
public interface ItemCatalog extends ItemEmbeddings {
    /**
     * Adds or replaces one item's embedding.
     *
     * @throws IllegalArgumentException if the embedding is not 32 finite values (naming the item)
     * @throws IllegalStateException    if the store is closed or read-only
     */
    void put(long itemId, float[] embedding);

    /**
     * Adds or replaces many items at once, atomically (all or, on an exception, none).
     *
     * @param itemIds    n item ids
     * @param embeddings {@code (n, 32)} row-major
     * @throws IllegalArgumentException if the lengths disagree or an embedding has a non-finite value (naming the item)
     */
    void putAll(long[] itemIds, float[] embeddings);

    /** Adds or replaces every item of {@code embeddings}, atomically. */
    default void putAll(Map<Long, float[]> embeddings) {
        long[] ids = new long[embeddings.size()];
        float[] flat = new float[embeddings.size() * Token.EMBEDDING_DIM];
        int i = 0;
        for (Map.Entry<Long, float[]> e : embeddings.entrySet()) {
            ItemEmbeddings.check(e.getKey(), e.getValue());
            ids[i] = e.getKey();
            System.arraycopy(e.getValue(), 0, flat, i * Token.EMBEDDING_DIM, Token.EMBEDDING_DIM);
            i++;
        }
        putAll(ids, flat);
    }

    /** Calls {@code action} for every item in ascending id order, from one consistent snapshot. */
    void forEachItem(ItemAction action);

    /** Receives one item of {@link #forEachItem}; the array is reused between calls. */
    @FunctionalInterface
    interface ItemAction {
        void accept(long itemId, float[] embedding);
    }
}
