package io.longview.core.model;

import java.util.HashMap;
import java.util.Map;

/** An {@link ItemEmbeddings} held in a hash map; every embedding is checked and copied on the way in. */
public final class InMemoryItemEmbeddings implements ItemEmbeddings {
    private final Map<Long, float[]> byId = new HashMap<>();

    /**
     * Adds or replaces one item's embedding.
     *
     * @throws IllegalArgumentException if the embedding is not 32 finite values
     */
    public InMemoryItemEmbeddings put(long itemId, float[] embedding) {
        ItemEmbeddings.check(itemId, embedding);
        byId.put(itemId, embedding.clone());
        return this;
    }

    @Override
    public long size() {
        return byId.size();
    }

    @Override
    public boolean contains(long itemId) {
        return byId.containsKey(itemId);
    }

    @Override
    public void copy(long itemId, float[] dst, int off) {
        float[] e = byId.get(itemId);
        if (e == null) {
            throw new UnknownItemException(itemId);
        }
        System.arraycopy(e, 0, dst, off, e.length);
    }

    /** The item ids, in no particular order. */
    public long[] ids() {
        return byId.keySet().stream().mapToLong(Long::longValue).toArray();
    }
}
