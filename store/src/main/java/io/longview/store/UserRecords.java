package io.longview.store;

import io.longview.core.model.Event;
import io.longview.core.model.SequenceLimits;
import io.longview.core.model.UserSequences;
import io.longview.store.StoreDescriptor.ChunkEntry;
import io.longview.store.StoreDescriptor.UserRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The embedded store's per-user update and read over any key-value map of the store's records, for a store that is
 * not {@link RocksSequenceStore} (the Kafka Streams tier keeps them in a Streams state store, whose changelog then
 * carries exactly these records). One definition: the same {@link UserState} update ({@link
 * io.longview.core.model.UserHistory} semantics), the same {@link StoreDescriptor} encoding, the same keys
 * ({@link StoreDescriptor#userKey} 8 bytes, {@link StoreDescriptor#chunkKey} 12 bytes: one map holds both).
 */
public final class UserRecords {
    private UserRecords() {
    }

    /** A key-value map of store records (user records and sealed chunks), for one caller at a time. */
    public interface Records {
        /** The value under the key, or null. */
        byte[] get(byte[] key);

        void put(byte[] key, byte[] value);

        void delete(byte[] key);
    }

    /**
     * Applies one user's events in list order, exactly as {@link SequenceStore#append} does for that user, writing
     * the changed records to {@code records} (nothing when nothing changed).
     *
     * @param quantized each event's item's quantized embedding (by item id), as the store's quantizer makes it
     * @return how many events changed something (the others were duplicates)
     * @throws IllegalArgumentException if an event is not {@code userId}'s or its item has no embedding in the map
     */
    public static int apply(long userId, List<Event> events, Map<Long, byte[]> quantized, SequenceLimits limits,
                            int chunkCapacity, Records records) {
        UserState state = new UserState(userId, records.get(StoreDescriptor.userKey(userId)), limits, chunkCapacity,
                (u, c) -> records.get(StoreDescriptor.chunkKey(u, c)));
        int applied = 0;
        for (Event e : events) {
            if (e.userId() != userId) {
                throw new IllegalArgumentException("event " + e + " is not user " + userId + "'s");
            }
            byte[] q = quantized.get(e.itemId());
            if (q == null) {
                throw new io.longview.core.model.ItemEmbeddings.UnknownItemException(e.itemId());
            }
            if (state.apply(e, q)) {
                applied++;
            }
        }
        state.writeTo(new UserState.Writes() {
            @Override
            public void putChunk(long u, int chunkId, byte[] value) {
                records.put(StoreDescriptor.chunkKey(u, chunkId), value);
            }

            @Override
            public void deleteChunk(long u, int chunkId) {
                records.delete(StoreDescriptor.chunkKey(u, chunkId));
            }

            @Override
            public void putUser(long u, byte[] value) {
                records.put(StoreDescriptor.userKey(u), value);
            }

            @Override
            public void deleteUser(long u) {
                records.delete(StoreDescriptor.userKey(u));
            }
        });
        return applied;
    }

    /**
     * Forgets a user, as {@link SequenceStore#erase} does: deletes every chunk the user's record lists, then the record.
     *
     * @return what was removed (nothing for an unknown user)
     */
    public static EraseResult erase(long userId, SequenceLimits limits, Records records) {
        byte[] record = records.get(StoreDescriptor.userKey(userId));
        if (record == null) {
            return new EraseResult(userId, 0, 0, 0);
        }
        UserRecord r = StoreDescriptor.decodeUserRecord(userId, record);
        for (ChunkEntry c : r.explicit()) {
            records.delete(StoreDescriptor.chunkKey(userId, c.chunkId()));
        }
        for (ChunkEntry c : r.impressions()) {
            records.delete(StoreDescriptor.chunkKey(userId, c.chunkId()));
        }
        records.delete(StoreDescriptor.userKey(userId));
        return EraseResult.of(r, userId, limits);
    }

    /** The user's three sequences, as {@link SequenceStore#read} returns them. */
    public static UserSequences read(long userId, SequenceLimits limits, Records records) {
        byte[] record = records.get(StoreDescriptor.userKey(userId));
        if (record == null) {
            return UserSequences.empty(userId);
        }
        UserRecord r = StoreDescriptor.decodeUserRecord(userId, record);
        List<byte[]> chunks = new ArrayList<>(r.explicit().length + r.impressions().length);
        for (ChunkEntry c : r.explicit()) {
            chunks.add(records.get(StoreDescriptor.chunkKey(userId, c.chunkId())));
        }
        for (ChunkEntry c : r.impressions()) {
            chunks.add(records.get(StoreDescriptor.chunkKey(userId, c.chunkId())));
        }
        return RocksSequenceStore.toSequences(userId, record, r, chunks, limits);
    }
}
