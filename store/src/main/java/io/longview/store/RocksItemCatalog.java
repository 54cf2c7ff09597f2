package io.longview.store;

import io.longview.core.model.ItemEmbeddings;
import io.longview.core.model.Quantizer;
import io.longview.core.model.Token;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The {@link ItemCatalog} of a {@link RocksSequenceStore}: the {@code items} column family, one 128-byte value per
 * item ({@link StoreDescriptor}), and the item count in the default column family, updated in the same batch as the
 * items. Writes are serialized by one lock (they are rare, bulk operations); reads take none.
 *
 * <p>Appends look items up through a small direct-mapped cache of quantized embeddings ({@value #CACHE_SLOTS} slots,
 * about 10 MB). Every catalog write starts a new cache generation, which invalidates all cached entries: an append
 * that starts after a write returns always sees the written embedding.
 */
final class RocksItemCatalog implements ItemCatalog {
    private static final int D = Token.EMBEDDING_DIM;

    private static final int CACHE_BITS = 17;
    static final int CACHE_SLOTS = 1 << CACHE_BITS;

    private final RocksSequenceStore store;
    private final Object writeLock = new Object();
    private final AtomicLong count;
    private final AtomicReferenceArray<CachedItem> cache = new AtomicReferenceArray<>(CACHE_SLOTS);
    private final AtomicLong generation = new AtomicLong();

    /** A quantized embedding as read in one cache generation. */
    private record CachedItem(long itemId, long generation, byte[] quantized) {
    }

    RocksItemCatalog(RocksSequenceStore store) {
        this.store = store;
        try {
            this.count = new AtomicLong(StoreDescriptor.decodeCount(store.db().get(store.defaultCf(), StoreDescriptor.ITEM_COUNT_KEY)));
        } catch (RocksDBException e) {
            throw RocksSequenceStore.translate(e, store.dir(), "opening");
        }
    }

    @Override
    public void put(long itemId, float[] embedding) {
        ItemEmbeddings.check(itemId, embedding);
        putAll(new long[]{itemId}, embedding.clone());
    }

    @Override
    public void putAll(long[] itemIds, float[] embeddings) {
        Objects.requireNonNull(itemIds, "itemIds");
        Objects.requireNonNull(embeddings, "embeddings");
        if (embeddings.length != (long) itemIds.length * D) {
            throw new IllegalArgumentException(itemIds.length + " item ids need " + (long) itemIds.length * D
                    + " embedding values (n, 32), got " + embeddings.length);
        }
        for (int k = 0; k < itemIds.length; k++) {
            for (int d = 0; d < D; d++) {
                float v = embeddings[k * D + d];
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("embedding of item " + itemIds[k] + " has a non-finite value " + v + " at dimension " + d);
                }
            }
        }
        if (itemIds.length == 0) {
            return;
        }
        store.enter();
        try {
            store.ensureWritable();
            synchronized (writeLock) {
                List<byte[]> keys = new ArrayList<>(itemIds.length);
                for (long id : itemIds) {
                    keys.add(StoreDescriptor.itemKey(id));
                }
                List<byte[]> existing = store.db().multiGetAsList(Collections.nCopies(keys.size(), store.itemsCf()), keys);
                Set<Long> added = new HashSet<>();
                float[] one = new float[D];
                try (WriteBatch batch = new WriteBatch()) {
                    for (int k = 0; k < itemIds.length; k++) {
                        if (existing.get(k) == null) {
                            added.add(itemIds[k]);
                        }
                        System.arraycopy(embeddings, k * D, one, 0, D);
                        batch.put(store.itemsCf(), keys.get(k), StoreDescriptor.encodeItem(one));
                    }
                    long newCount = count.get() + added.size();
                    batch.put(store.defaultCf(), StoreDescriptor.ITEM_COUNT_KEY, StoreDescriptor.encodeCount(newCount));
                    store.db().write(store.writeOptions(), batch);
                    count.set(newCount);
                    generation.incrementAndGet(); // after the write: later appends miss the cache and read it
                }
            }
        } catch (RocksDBException e) {
            throw RocksSequenceStore.translate(e, store.dir(), "writing the item catalog of");
        } finally {
            store.exit();
        }
    }

    @Override
    public long size() {
        return count.get();
    }

    @Override
    public boolean contains(long itemId) {
        store.enter();
        try {
            return store.db().get(store.itemsCf(), StoreDescriptor.itemKey(itemId)) != null;
        } catch (RocksDBException e) {
            throw RocksSequenceStore.translate(e, store.dir(), "reading the item catalog of");
        } finally {
            store.exit();
        }
    }

    @Override
    public void copy(long itemId, float[] dst, int off) {
        Objects.checkFromIndexSize(off, D, dst.length);
        store.enter();
        try {
            byte[] value = store.db().get(store.itemsCf(), StoreDescriptor.itemKey(itemId));
            if (value == null) {
                throw new UnknownItemException(itemId);
            }
            StoreDescriptor.decodeItem(value, itemId, dst, off);
        } catch (RocksDBException e) {
            throw RocksSequenceStore.translate(e, store.dir(), "reading the item catalog of");
        } finally {
            store.exit();
        }
    }

    @Override
    public void forEachItem(ItemAction action) {
        Objects.requireNonNull(action, "action");
        store.enter();
        try (RocksIterator it = store.db().newIterator(store.itemsCf())) {
            float[] e = new float[D];
            for (it.seekToFirst(); it.isValid(); it.next()) {
                long id = StoreDescriptor.itemIdOf(it.key());
                StoreDescriptor.decodeItem(it.value(), id, e, 0);
                action.accept(id, e);
            }
            it.status();
        } catch (RocksDBException e) {
            throw RocksSequenceStore.translate(e, store.dir(), "reading the item catalog of");
        } finally {
            store.exit();
        }
    }

    /**
     * The quantized embeddings of the given items, for an append (the caller holds the store open).
     *
     * @throws UnknownItemException naming the first item (in the given order) without an embedding
     */
    Map<Long, byte[]> quantized(Collection<Long> itemIds, Quantizer quantizer) throws RocksDBException {
        long gen = generation.get(); // read before the database: entries of a generation never hold older values
        Map<Long, byte[]> out = HashMap.newHashMap(itemIds.size());
        List<Long> missing = new ArrayList<>();
        for (long id : itemIds) {
            CachedItem c = cache.get(slot(id));
            if (c != null && c.itemId() == id && c.generation() == gen) {
                out.put(id, c.quantized());
            } else {
                missing.add(id);
            }
        }
        if (missing.isEmpty()) {
            return out;
        }
        List<byte[]> keys = new ArrayList<>(missing.size());
        for (long id : missing) {
            keys.add(StoreDescriptor.itemKey(id));
        }
        List<byte[]> values = store.db().multiGetAsList(Collections.nCopies(keys.size(), store.itemsCf()), keys);
        float[] e = new float[D];
        for (int k = 0; k < missing.size(); k++) {
            long id = missing.get(k);
            byte[] v = values.get(k);
            if (v == null) {
                throw new UnknownItemException(id);
            }
            StoreDescriptor.decodeItem(v, id, e, 0);
            byte[] q = quantizer.quantize(e);
            out.put(id, q);
            cache.set(slot(id), new CachedItem(id, gen, q));
        }
        return out;
    }

    private static int slot(long itemId) {
        return (int) ((itemId * 0x9E37_79B9_7F4A_7C15L) >>> (64 - CACHE_BITS));
    }

    @Override
    public String toString() {
        return "ItemCatalog[" + store.dir() + ", " + count.get() + " items]";
    }
}
