package io.longview.store;

import io.longview.core.model.Actions;
import io.longview.core.model.Event;
import io.longview.core.model.SequenceLimits;
import io.longview.store.StoreDescriptor.ChunkEntry;
import io.longview.store.StoreDescriptor.UserRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * One user's stored state while an append updates it: the user record (with the two heads) and the sealed chunks,
 * loaded only when an event needs them. {@link #apply} follows {@link io.longview.core.model.UserHistory#apply} rule
 * for rule (folding, surface rule, impression → explicit migration, eviction of the oldest, "evicted at once");
 * {@link #writeTo} emits the records that changed. Independent of RocksDB (sealed chunks come from a
 * {@link ChunkLoader}, writes go to a {@link Writes}), so tests can drive it directly. Not thread-safe: the caller
 * holds the user's lock.
 */
final class UserState {
    /** Reads a stored sealed chunk; null when it does not exist. */
    @FunctionalInterface
    interface ChunkLoader {
        byte[] load(long userId, int chunkId);
    }

    /** Receives the records an update changed. */
    interface Writes {
        void putChunk(long userId, int chunkId, byte[] value);

        void deleteChunk(long userId, int chunkId);

        void putUser(long userId, byte[] value);

        void deleteUser(long userId);
    }

    private static final int NO_ID = -1;

    private final long userId;
    private final SequenceLimits limits;
    private final int chunkCapacity;
    private final ChunkLoader loader;
    private final Tier explicit = new Tier();
    private final Tier impressions = new Tier();
    private final List<Integer> deletedChunks = new ArrayList<>();
    private int nextChunkId;
    private boolean modified;
    private boolean counted; // the last apply added a new action bit to a kept token

    // the token a new event created, to tell whether eviction dropped it at once
    private boolean watching;
    private long watchTs;
    private long watchItem;
    private boolean watchEvicted;

    // where the last Tier.find hit
    private int hitChunk;
    private int hitIndex;

    /**
     * @param record the user's stored record, or null for a user without tokens
     */
    UserState(long userId, byte[] record, SequenceLimits limits, int chunkCapacity, ChunkLoader loader) {
        this.userId = userId;
        this.limits = limits;
        this.chunkCapacity = chunkCapacity;
        this.loader = loader;
        if (record != null) {
            UserRecord r = StoreDescriptor.decodeUserRecord(userId, record);
            nextChunkId = r.nextChunkId();
            explicit.init(record, r.explicitHeadOffset(), r.explicitHeadCount(), r.explicit());
            impressions.init(record, r.impressionHeadOffset(), r.impressionHeadCount(), r.impressions());
        }
    }

    int explicitCount() {
        return explicit.live;
    }

    int impressionCount() {
        return impressions.live;
    }

    /**
     * Whether the last {@link #apply} counts for the item's statistics (core {@code ItemStatistics}): it added an
     * action bit that its (user, item, fold window) token did not have, in a token that was kept. A replayed event
     * never counts.
     */
    boolean counted() {
        return counted;
    }

    boolean modified() {
        return modified;
    }

    /**
     * Applies one event of this user.
     *
     * @param quantized the quantized embedding of the event's item (32 bytes); read only when a token is created
     * @return true when the state changed (false for a duplicate, or for a new token evicted at once)
     */
    boolean apply(Event event, byte[] quantized) {
        assert event.userId() == userId;
        counted = false;
        long ts = event.timestampMs();
        long item = event.itemId();
        long lo = limits.foldBucket(ts) * limits.foldWindowMs(); // the fold window [lo, hi]
        long hi = lo + (limits.foldWindowMs() - 1);
        Tier hitTier = explicit.find(item, lo, hi) ? explicit : impressions.find(item, lo, hi) ? impressions : null;
        if (hitTier == null) {
            Tier target = Actions.isExplicit(event.action()) ? explicit : impressions;
            modified = true;
            watching = true;
            watchTs = ts;
            watchItem = item;
            watchEvicted = false;
            target.insert(ts, event.action(), event.surface(), item, quantized, 0);
            evict();
            watching = false;
            counted = !watchEvicted;
            return !watchEvicted;
        }
        ChunkRef c = hitTier.chunks.get(hitChunk);
        ChunkColumns d = c.data;
        int i = hitIndex;
        byte oldActions = d.actions[i];
        long oldTs = d.timestamps[i];
        byte oldSurface = d.surfaces[i];
        byte actions = (byte) (oldActions | event.action());
        counted = (oldActions & event.action()) == 0; // a new action bit of this (user, item, fold window)
        long newTs = Math.max(oldTs, ts);
        byte surface = oldSurface;
        if (ts > oldTs || (ts == oldTs && event.surface() > oldSurface)) {
            surface = event.surface();
        }
        if (actions == oldActions && newTs == oldTs && surface == oldSurface) {
            return false;
        }
        modified = true;
        Tier target = Actions.isExplicit(actions) ? explicit : impressions;
        if (target == hitTier && newTs == oldTs) { // same place: update in place
            d.actions[i] = actions;
            d.surfaces[i] = surface;
            c.dirty = true;
        } else {
            byte[] embedding = d.embedding(i);
            hitTier.removeAt(hitChunk, i);
            target.insert(newTs, actions, surface, item, embedding, 0);
        }
        evict();
        return true;
    }

    /** Emits every record this update changed; nothing when nothing changed. */
    void writeTo(Writes out) {
        if (!modified) {
            return;
        }
        explicit.writeSealed(out);
        impressions.writeSealed(out);
        for (int id : deletedChunks) {
            out.deleteChunk(userId, id);
        }
        if (explicit.live + impressions.live == 0) {
            out.deleteUser(userId);
            return;
        }
        ChunkColumns eh = explicit.head();
        ChunkColumns ih = impressions.head();
        UserRecord r = new UserRecord(nextChunkId, eh == null ? 0 : eh.size, ih == null ? 0 : ih.size,
                explicit.sealedEntries(), impressions.sealedEntries());
        byte[] record = StoreDescriptor.newUserRecord(r);
        if (eh != null) {
            StoreDescriptor.writeBlock(record, r.explicitHeadOffset(), eh.size, eh.timestamps, eh.itemIds, eh.actions, eh.surfaces, eh.embeddings);
        }
        if (ih != null) {
            StoreDescriptor.writeBlock(record, r.impressionHeadOffset(), ih.size, ih.timestamps, ih.itemIds, ih.actions, ih.surfaces, ih.embeddings);
        }
        out.putUser(userId, record);
    }

    private void evict() {
        while (explicit.live > limits.explicitCapacity()) {
            explicit.evictOldest();
        }
        while (impressions.live > limits.impressions()) {
            impressions.evictOldest();
        }
    }

    /**
     * One chunk of a tier: the head (index 0, stored in the user record, always loaded) or a sealed chunk (its own
     * record, loaded on demand).
     */
    private static final class ChunkRef {
        int id = NO_ID;      // sealed chunks only
        boolean stored;      // a sealed chunk record with this id exists in the store
        int live;
        long newestTs;
        long newestItem;
        ChunkColumns data;   // null until loaded; when loaded, data.size == live
        boolean dirty;       // a sealed chunk whose record must be written

        /** After a change to the loaded data: mark for writing and refresh the entry. */
        void touched() {
            dirty = true;
            live = data.size;
            if (live > 0) {
                newestTs = data.timestamps[0];
                newestItem = data.itemIds[0];
            }
        }

        /** Compares this chunk's newest key with {@code (ts, item)}. */
        int compareNewest(long ts, long item) {
            int c = Long.compare(newestTs, ts);
            return c != 0 ? c : Long.compare(newestItem, item);
        }
    }

    /** The explicit or the impression tokens: chunks newest first, holding consecutive ranges of the order. */
    private final class Tier {
        final ArrayList<ChunkRef> chunks = new ArrayList<>();
        int live;

        void init(byte[] record, int headOffset, int headCount, ChunkEntry[] sealed) {
            if (headCount > 0) {
                ChunkColumns d = new ChunkColumns(headCount + 16);
                StoreDescriptor.readBlock(record, headOffset, headCount, headCount, d.timestamps, d.itemIds, d.actions, d.surfaces, d.embeddings, 0);
                d.size = headCount;
                ChunkRef head = new ChunkRef();
                head.data = d;
                head.touched();
                head.dirty = false;
                chunks.add(head);
                live += headCount;
            }
            for (ChunkEntry e : sealed) {
                ChunkRef c = new ChunkRef();
                c.id = e.chunkId();
                c.stored = true;
                c.live = e.liveCount();
                c.newestTs = e.newestTs();
                c.newestItem = e.newestItem();
                chunks.add(c);
                live += c.live;
            }
        }

        ChunkColumns head() {
            return chunks.isEmpty() ? null : chunks.getFirst().data;
        }

        ChunkEntry[] sealedEntries() {
            ChunkEntry[] out = new ChunkEntry[Math.max(0, chunks.size() - 1)];
            for (int j = 1; j < chunks.size(); j++) {
                ChunkRef c = chunks.get(j);
                out[j - 1] = new ChunkEntry(c.id, c.live, c.newestTs, c.newestItem);
            }
            return out;
        }

        void writeSealed(Writes out) {
            for (int j = 1; j < chunks.size(); j++) {
                ChunkRef c = chunks.get(j);
                if (c.dirty) {
                    out.putChunk(userId, c.id, c.data.encode());
                }
            }
        }

        /** The index of the chunk a key belongs to: the oldest chunk whose newest key is ≥ it, else the head. */
        int route(long ts, long item) {
            int lo = 0;
            int hi = chunks.size() - 1;
            int found = 0;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (chunks.get(mid).compareNewest(ts, item) >= 0) {
                    found = mid;
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            return found;
        }

        ChunkColumns load(ChunkRef c) {
            if (c.data == null) {
                byte[] value = loader.load(userId, c.id);
                if (value == null) {
                    throw new StoreException("corrupt store: user " + userId + ": chunk " + c.id + " is in the user record but missing");
                }
                ChunkColumns d = ChunkColumns.decode(userId, c.id, value, c.live, c.live + 16);
                if (d.timestamps[0] != c.newestTs || d.itemIds[0] != c.newestItem) {
                    throw new StoreException("corrupt store: user " + userId + ": chunk " + c.id + " starts with (" + d.timestamps[0]
                            + ", item " + d.itemIds[0] + "), its entry says (" + c.newestTs + ", item " + c.newestItem + ")");
                }
                c.data = d;
            }
            return c.data;
        }

        /** Looks for the token of {@code item} with a timestamp in {@code [lo, hi]}; on a hit sets hitChunk/hitIndex. */
        boolean find(long item, long lo, long hi) {
            if (chunks.isEmpty()) {
                return false;
            }
            int first = route(hi, Long.MAX_VALUE);
            int last = route(lo, Long.MIN_VALUE);
            for (int j = first; j <= last; j++) {
                ChunkRef c = chunks.get(j);
                if (c.newestTs < lo) {
                    break; // this chunk and all older ones end before the window
                }
                ChunkColumns d = load(c);
                for (int i = d.insertionPoint(hi, Long.MAX_VALUE); i < d.size && d.timestamps[i] >= lo; i++) {
                    if (d.itemIds[i] == item) {
                        hitChunk = j;
                        hitIndex = i;
                        return true;
                    }
                }
            }
            return false;
        }

        void insert(long ts, byte action, byte surface, long item, byte[] embedding, int off) {
            if (chunks.isEmpty()) {
                ChunkRef head = new ChunkRef();
                head.data = new ChunkColumns(16);
                chunks.add(head);
            }
            int j = route(ts, item);
            ChunkRef c = chunks.get(j);
            ChunkColumns d = load(c);
            int index = d.insertionPoint(ts, item);
            d.insert(index, ts, action, surface, item, embedding, off);
            c.touched();
            live++;
            if (d.size > chunkCapacity) {
                // at the head, a token newer than all starts a new head and leaves a full chunk behind; else halves
                int k = j == 0 && index == 0 ? 1 : d.size / 2;
                ChunkRef newer = new ChunkRef();
                newer.data = d.takeNewest(k, k + 16);
                chunks.add(j, newer);
                newer.touched();
                c.touched();
                if (j > 0) {
                    seal(newer);
                } // at the head, normalize() seals the old head, now at index 1
            }
            normalize();
        }

        void removeAt(int j, int index) {
            ChunkRef c = chunks.get(j);
            c.data.removeAt(index);
            live--;
            c.touched();
            if (c.live == 0) {
                drop(j);
            }
            normalize();
        }

        void evictOldest() {
            int j = chunks.size() - 1;
            ChunkRef c = chunks.get(j);
            if (c.data != null) {
                int i = c.data.size - 1;
                if (watching && c.data.timestamps[i] == watchTs && c.data.itemIds[i] == watchItem) {
                    watchEvicted = true;
                }
                c.data.removeAt(i);
                c.touched();
            } else {
                c.live--; // lazily: the chunk's bytes keep the evicted token until the chunk is rewritten or dropped
            }
            live--;
            if (c.live == 0) {
                drop(j);
            }
            normalize();
        }

        private void drop(int j) {
            ChunkRef c = chunks.remove(j);
            if (c.stored) {
                deletedChunks.add(c.id);
            }
        }

        /** Restores "the head is chunk 0 and the only chunk without an id" after a split or a drop. */
        private void normalize() {
            if (chunks.isEmpty()) {
                return;
            }
            ChunkRef head = chunks.getFirst();
            if (head.id != NO_ID) { // a sealed chunk became the newest: it moves into the user record
                load(head);
                if (head.stored) {
                    deletedChunks.add(head.id);
                }
                head.id = NO_ID;
                head.stored = false;
                head.dirty = false;
            }
            if (chunks.size() > 1 && chunks.get(1).id == NO_ID) { // the old head (or a split's older half) is sealed
                seal(chunks.get(1));
            }
        }

        /** Gives a new chunk an id of its own: its record is written with the user's. */
        private void seal(ChunkRef c) {
            if (nextChunkId == Integer.MAX_VALUE) {
                throw new StoreException("user " + userId + " has used up its 2^31 chunk ids");
            }
            c.id = nextChunkId++;
            c.dirty = true;
        }
    }
}
