package io.longview.data.embed;

import io.longview.core.model.InMemoryItemEmbeddings;
import io.longview.core.model.Token;

import java.util.Arrays;

/**
 * Item embeddings learned by {@link ImplicitAlsLearner}: one float[32] per item that had training interactions.
 *
 * @param itemIds      learned items, ascending
 * @param vectors      (items, 32) the embedding of {@code itemIds[j]} at {@code vectors[j]}
 * @param users        users in the training matrix
 * @param interactions distinct (user, item) pairs trained on
 * @param config       the settings used
 */
public record LearnedEmbeddings(long[] itemIds, float[][] vectors, int users, long interactions, AlsConfig config) {
    public LearnedEmbeddings {
        if (itemIds.length != vectors.length) {
            throw new IllegalArgumentException(itemIds.length + " item ids but " + vectors.length + " vectors");
        }
        for (float[] v : vectors) {
            if (v.length != Token.EMBEDDING_DIM) {
                throw new IllegalArgumentException("embedding has " + v.length + " values, expected " + Token.EMBEDDING_DIM);
            }
        }
    }

    /** Number of learned items. */
    public int size() {
        return itemIds.length;
    }

    public boolean contains(long itemId) {
        return Arrays.binarySearch(itemIds, itemId) >= 0;
    }

    /** The embedding of a learned item (a copy), or null when the item was not learned. */
    public float[] get(long itemId) {
        int j = Arrays.binarySearch(itemIds, itemId);
        return j < 0 ? null : vectors[j].clone();
    }

    /** The mean of all learned vectors. */
    public float[] mean() {
        double[] s = new double[Token.EMBEDDING_DIM];
        for (float[] v : vectors) {
            for (int d = 0; d < s.length; d++) {
                s[d] += v[d];
            }
        }
        float[] m = new float[s.length];
        for (int d = 0; d < s.length; d++) {
            m[d] = (float) (s[d] / Math.max(1, vectors.length));
        }
        return m;
    }

    /** The learned items as an {@link InMemoryItemEmbeddings}. */
    public InMemoryItemEmbeddings toItemEmbeddings() {
        InMemoryItemEmbeddings out = new InMemoryItemEmbeddings();
        for (int j = 0; j < itemIds.length; j++) {
            out.put(itemIds[j], vectors[j]);
        }
        return out;
    }
}
