package io.longview.store;

import io.longview.core.model.Actions;
import io.longview.core.model.Event;
import io.longview.core.model.SequenceLimits;
import io.longview.core.model.Surfaces;
import io.longview.core.model.UserSequences;
import io.longview.core.testing.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store against core's reference semantics ({@link io.longview.core.model.UserHistory}): random event logs,
 * applied in random orders and random batch splits, must read back exactly as the reference's snapshot.
 */
class ConformanceTest {
    @TempDir
    Path dir;

    private static void assertSameAsReference(SequenceStore store, List<Event> appliedInOrder, long[] users, String where) {
        Map<Long, UserSequences> expected = StoreTesting.replay(appliedInOrder, store.limits(), store.quantizer());
        for (long u : users) {
            UserSequences want = expected.getOrDefault(u, UserSequences.empty(u));
            assertThat(store.read(u)).as("%s: user %d", where, u).isEqualTo(want);
            assertThat(store.contains(u)).as("%s: contains(%d)", where, u).isEqualTo(want.totalTokens() > 0);
        }
    }

    @Test
    void smallCapsRandomOrdersAndBatchSplitsMatchTheReference() {
        long seed = Seeds.seed(77);
        SplittableRandom rng = Seeds.random(seed);
        SequenceLimits small = new SequenceLimits(5, 20, 4, 60_000);
        int[] capacities = {2, 3, 8, 256};
        for (int capacity : capacities) {
            StoreOptions options = StoreOptions.defaults().withLimits(small).withSync(false).withChunkCapacity(capacity);
            try (RocksSequenceStore store = RocksSequenceStore.open(dir.resolve("c" + capacity), options)) {
                StoreTesting.putItems(store.catalog(), 0, 30);
                for (int trial = 0; trial < 12; trial++) {
                    long[] users = {trial * 10L, trial * 10L + 1, -(trial * 10L + 2)};
                    List<Event> events = StoreTesting.randomEvents(rng, users, 4 + rng.nextInt(25), 100 + rng.nextInt(500),
                            1 + rng.nextLong(4 * 3_600_000L));
                    List<Event> order = StoreTesting.shuffled(rng, events);
                    for (List<Event> batch : StoreTesting.randomBatches(rng, order, 1 + rng.nextInt(60))) {
                        store.append(batch);
                    }
                    assertSameAsReference(store, order, users, "seed " + seed + " capacity " + capacity + " trial " + trial);
                }
            }
        }
    }

    @Test
    void withoutEvictionTheArrivalOrderDoesNotMatter() {
        long seed = Seeds.seed(78);
        SplittableRandom rng = Seeds.random(seed);
        SequenceLimits roomy = new SequenceLimits(10, 5_000, 5_000, 600_000);
        long[] users = {1, 2, 3};
        List<Event> events = StoreTesting.randomEvents(rng, users, 40, 3_000, 7 * 86_400_000L);
        List<Event> chronological = new ArrayList<>(events);
        chronological.sort(Comparator.comparingLong(Event::timestampMs));
        Map<Long, UserSequences> expected = StoreTesting.replay(chronological, roomy, io.longview.core.model.Quantizer.DEFAULT);
        for (int round = 0; round < 3; round++) {
            StoreOptions options = StoreOptions.defaults().withLimits(roomy).withSync(false).withChunkCapacity(round == 0 ? 16 : 256);
            try (RocksSequenceStore store = RocksSequenceStore.open(dir.resolve("r" + round), options)) {
                StoreTesting.putItems(store.catalog(), 0, 40);
                for (List<Event> batch : StoreTesting.randomBatches(rng, StoreTesting.shuffled(rng, events), 200)) {
                    store.append(batch);
                }
                for (long u : users) {
                    assertThat(store.read(u)).as("seed %d round %d user %d", seed, round, u).isEqualTo(expected.get(u));
                }
            }
        }
    }

    @Test
    void theRealCapOf16000IsKeptExactly() {
        long seed = Seeds.seed(79);
        SplittableRandom rng = Seeds.random(seed);
        SequenceLimits limits = SequenceLimits.DEFAULT;
        long user = 42;
        List<Event> events = new ArrayList<>();
        // 16,600 explicit actions a minute apart (more than the 16,100 kept), impressions in between, some engaged
        for (int i = 0; i < 16_600; i++) {
            long ts = StoreTesting.T0 + i * 60_000L;
            events.add(Event.of(user, rng.nextInt(5_000), ts, rng.nextBoolean() ? Actions.CLICK : Actions.SAVE, rng.nextInt(4)));
            if (i % 40 == 0) {
                long item = 5_000 + rng.nextInt(1_000);
                events.add(Event.of(user, item, ts + 1_000, Actions.IMPRESSION, Surfaces.HOME));
                if (i % 80 == 0) {
                    events.add(Event.of(user, item, ts + 20_000, Actions.CLICK, Surfaces.SEARCH));
                }
            }
        }
        // late arrivals across the whole history, and duplicates
        for (int k = 0; k < 300; k++) {
            Event e = events.get(rng.nextInt(events.size()));
            events.add(e);
            events.add(Event.of(user, rng.nextInt(5_000), e.timestampMs() + rng.nextLong(1, 50_000), Actions.HIDE, Surfaces.RELATED));
        }
        try (RocksSequenceStore store = RocksSequenceStore.open(dir, StoreOptions.defaults().withSync(false))) {
            StoreTesting.putItems(store.catalog(), 0, 6_000);
            for (List<Event> batch : StoreTesting.randomBatches(rng, events, 1_000)) {
                store.append(batch);
            }
            UserSequences read = store.read(user);
            assertThat(read.realtime().size()).isEqualTo(limits.realtime());
            assertThat(read.lifelong().size()).isEqualTo(limits.lifelong());
            assertThat(read.impressions().size()).isLessThanOrEqualTo(limits.impressions());
            assertSameAsReference(store, events, new long[]{user}, "seed " + seed);
            // about 500 of the oldest explicit tokens were evicted (independent of the reference: a bound from the log)
            assertThat(read.lifelong().timestamp(read.lifelong().size() - 1)).isGreaterThan(StoreTesting.T0 + 400 * 60_000L);
        }
    }
}
