package io.longview.store;

import io.longview.core.model.Token;

import java.util.Arrays;

/**
 * The tokens of one chunk while a user is being updated: growable columns, newest token first (descending
 * (timestamp, itemId)). Encoding and decoding go through {@link StoreDescriptor}. Not thread-safe.
 */
final class ChunkColumns {
    private static final int D = Token.EMBEDDING_DIM;

    long[] timestamps; // (capacity,) epoch ms, newest first
    long[] itemIds;    // (capacity,)
    byte[] actions;    // (capacity,) Actions bits
    byte[] surfaces;   // (capacity,)
    byte[] embeddings; // (capacity, 32) int8
    int size;

    ChunkColumns(int capacity) {
        int c = Math.max(capacity, 4);
        timestamps = new long[c];
        itemIds = new long[c];
        actions = new byte[c];
        surfaces = new byte[c];
        embeddings = new byte[c * D];
    }

    /** The newest {@code live} tokens of a stored chunk (the rest are evicted), with room for {@code capacity}. */
    static ChunkColumns decode(long userId, int chunkId, byte[] value, int live, int capacity) {
        int n = StoreDescriptor.chunkCount(userId, chunkId, value, live);
        ChunkColumns c = new ChunkColumns(Math.max(capacity, live));
        StoreDescriptor.decodeChunk(value, n, live, c.timestamps, c.itemIds, c.actions, c.surfaces, c.embeddings, 0);
        c.size = live;
        return c;
    }

    byte[] encode() {
        return StoreDescriptor.encodeChunk(timestamps, itemIds, actions, surfaces, embeddings, size);
    }

    /** The number of tokens with a key greater than {@code (ts, itemId)}: where that key goes in newest-first order. */
    int insertionPoint(long ts, long itemId) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (timestamps[mid] > ts || (timestamps[mid] == ts && itemIds[mid] > itemId)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    void insert(int index, long ts, byte action, byte surface, long itemId, byte[] embedding, int off) {
        assert index >= 0 && index <= size;
        if (size == timestamps.length) {
            grow();
        }
        int tail = size - index;
        System.arraycopy(timestamps, index, timestamps, index + 1, tail);
        System.arraycopy(itemIds, index, itemIds, index + 1, tail);
        System.arraycopy(actions, index, actions, index + 1, tail);
        System.arraycopy(surfaces, index, surfaces, index + 1, tail);
        System.arraycopy(embeddings, index * D, embeddings, (index + 1) * D, tail * D);
        timestamps[index] = ts;
        itemIds[index] = itemId;
        actions[index] = action;
        surfaces[index] = surface;
        System.arraycopy(embedding, off, embeddings, index * D, D);
        size++;
    }

    void removeAt(int index) {
        assert index >= 0 && index < size;
        int tail = size - index - 1;
        System.arraycopy(timestamps, index + 1, timestamps, index, tail);
        System.arraycopy(itemIds, index + 1, itemIds, index, tail);
        System.arraycopy(actions, index + 1, actions, index, tail);
        System.arraycopy(surfaces, index + 1, surfaces, index, tail);
        System.arraycopy(embeddings, (index + 1) * D, embeddings, index * D, tail * D);
        size--;
    }

    /** Moves the newest {@code k} tokens into a new chunk with room for {@code capacity}; this keeps the rest. */
    ChunkColumns takeNewest(int k, int capacity) {
        assert k > 0 && k < size;
        ChunkColumns n = new ChunkColumns(Math.max(capacity, k));
        System.arraycopy(timestamps, 0, n.timestamps, 0, k);
        System.arraycopy(itemIds, 0, n.itemIds, 0, k);
        System.arraycopy(actions, 0, n.actions, 0, k);
        System.arraycopy(surfaces, 0, n.surfaces, 0, k);
        System.arraycopy(embeddings, 0, n.embeddings, 0, k * D);
        n.size = k;
        int rest = size - k;
        System.arraycopy(timestamps, k, timestamps, 0, rest);
        System.arraycopy(itemIds, k, itemIds, 0, rest);
        System.arraycopy(actions, k, actions, 0, rest);
        System.arraycopy(surfaces, k, surfaces, 0, rest);
        System.arraycopy(embeddings, k * D, embeddings, 0, rest * D);
        size = rest;
        return n;
    }

    /** Token {@code i}'s embedding as a new array. */
    byte[] embedding(int i) {
        return Arrays.copyOfRange(embeddings, i * D, (i + 1) * D);
    }

    private void grow() {
        int c = timestamps.length * 2;
        timestamps = Arrays.copyOf(timestamps, c);
        itemIds = Arrays.copyOf(itemIds, c);
        actions = Arrays.copyOf(actions, c);
        surfaces = Arrays.copyOf(surfaces, c);
        embeddings = Arrays.copyOf(embeddings, c * D);
    }
}
