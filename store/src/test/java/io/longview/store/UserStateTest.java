package io.longview.store;

import io.longview.core.model.Event;
import io.longview.core.model.Quantizer;
import io.longview.core.model.SequenceLimits;
import io.longview.core.model.UserHistory;
import io.longview.core.model.UserSequences;
import io.longview.core.testing.Seeds;
import io.longview.store.StoreDescriptor.ChunkEntry;
import io.longview.store.StoreDescriptor.UserRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static io.longview.store.StoreTesting.embedding;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The update algorithm alone, against an in-memory map instead of RocksDB, so that hundreds of random cases run in
 * a second: every event's "changed" answer and the final state must equal {@link UserHistory}'s, for random limits,
 * fold windows, chunk capacities and batch splits.
 */
class UserStateTest {
    private static final long USER = 7;
    private static final Quantizer Q = Quantizer.DEFAULT;

    /** One user's records, as RocksDB would hold them. */
    private static final class MemoryUser implements UserState.Writes {
        byte[] record;
        final Map<Integer, byte[]> chunks = new HashMap<>();

        byte[] load(long userId, int chunkId) {
            assertThat(userId).isEqualTo(USER);
            return chunks.get(chunkId);
        }

        @Override
        public void putChunk(long userId, int chunkId, byte[] value) {
            chunks.put(chunkId, value);
        }

        @Override
        public void deleteChunk(long userId, int chunkId) {
            assertThat(chunks.remove(chunkId)).as("deleted chunk %d exists", chunkId).isNotNull();
        }

        @Override
        public void putUser(long userId, byte[] value) {
            record = value;
        }

        @Override
        public void deleteUser(long userId) {
            record = null;
        }

        UserSequences read(SequenceLimits limits, int capacity) {
            if (record == null) {
                assertThat(chunks).isEmpty();
                return UserSequences.empty(USER);
            }
            UserRecord r = StoreDescriptor.decodeUserRecord(USER, record);
            List<byte[]> values = new ArrayList<>();
            for (ChunkEntry c : r.explicit()) {
                values.add(chunks.get(c.chunkId()));
            }
            for (ChunkEntry c : r.impressions()) {
                values.add(chunks.get(c.chunkId()));
            }
            assertThat(chunks).as("no orphan chunks").hasSize(values.size());
            assertThat(r.explicitHeadCount()).as("head size").isLessThanOrEqualTo(capacity);
            assertThat(r.impressionHeadCount()).as("head size").isLessThanOrEqualTo(capacity);
            for (byte[] v : values) {
                assertThat(v.length).as("sealed chunk size").isLessThanOrEqualTo(StoreDescriptor.chunkLength(capacity));
            }
            return RocksSequenceStore.toSequences(USER, record, r, values, limits);
        }
    }

    @Test
    void everyEventAndTheFinalStateMatchUserHistory() {
        long seed = Seeds.seed(20_240_611);
        SplittableRandom rng = Seeds.random(seed);
        long[] windows = {1, 1_000, 60_000, 600_000};
        int[] capacities = {2, 3, 4, 7, 256};
        for (int trial = 0; trial < 400; trial++) {
            SequenceLimits limits = new SequenceLimits(1 + rng.nextInt(6), rng.nextInt(26), rng.nextInt(6), windows[rng.nextInt(windows.length)]);
            int capacity = capacities[rng.nextInt(capacities.length)];
            List<Event> events = StoreTesting.randomEvents(rng, new long[]{USER}, 2 + rng.nextInt(20), 20 + rng.nextInt(400),
                    1 + rng.nextLong(6 * 3_600_000L));
            if (trial % 2 == 1) { // negative item ids too: the order is signed
                events = events.stream().map(e -> new Event(e.userId(), e.itemId() - 8, e.timestampMs(), e.action(), e.surface())).toList();
            }
            String where = "seed " + seed + " trial " + trial + " limits " + limits + " chunk capacity " + capacity;

            UserHistory reference = new UserHistory(USER, limits);
            MemoryUser stored = new MemoryUser();
            int i = 0;
            for (List<Event> batch : StoreTesting.randomBatches(rng, events, 30)) {
                UserState state = new UserState(USER, stored.record, limits, capacity, stored::load);
                for (Event e : batch) {
                    byte[] q = Q.quantize(embedding(e.itemId()));
                    boolean expected = reference.apply(e, q, 0);
                    assertThat(state.apply(e, q)).as("%s: event %d %s", where, i, e).isEqualTo(expected);
                    i++;
                }
                assertThat(state.explicitCount()).as(where).isEqualTo(reference.explicitCount());
                assertThat(state.impressionCount()).as(where).isEqualTo(reference.impressionCount());
                state.writeTo(stored);
            }
            assertThat(stored.read(limits, capacity)).as(where).isEqualTo(reference.snapshot());
        }
    }

    @Test
    void appliedAgainTheSameEventsChangeAndWriteNothing() {
        long seed = Seeds.seed(3);
        SequenceLimits roomy = new SequenceLimits(5, 1_000, 1_000, 60_000); // idempotence holds exactly below the caps
        List<Event> events = StoreTesting.randomEvents(Seeds.random(seed), new long[]{USER}, 10, 300, 3_600_000);
        MemoryUser stored = new MemoryUser();
        UserState first = new UserState(USER, null, roomy, 4, stored::load);
        events.forEach(e -> first.apply(e, Q.quantize(embedding(e.itemId()))));
        first.writeTo(stored);
        UserSequences before = stored.read(roomy, 4);

        UserState again = new UserState(USER, stored.record, roomy, 4, stored::load);
        for (Event e : StoreTesting.shuffled(Seeds.random(seed + 1), events)) {
            assertThat(again.apply(e, Q.quantize(embedding(e.itemId())))).as("seed %d: %s", seed, e).isFalse();
        }
        assertThat(again.modified()).isFalse();
        MemoryUser untouched = new MemoryUser();
        again.writeTo(untouched);
        assertThat(untouched.record).isNull();
        assertThat(untouched.chunks).isEmpty();
        assertThat(stored.read(roomy, 4)).isEqualTo(before);
    }
}
