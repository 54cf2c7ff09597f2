package io.longview.store;

import io.longview.core.model.Actions;
import io.longview.core.model.Event;
import io.longview.core.model.ItemStatistics;
import io.longview.core.model.Surfaces;
import io.longview.core.model.UserHistory;
import io.longview.core.testing.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.longview.store.StoreTesting.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The item statistics the store keeps on append: what counts, concurrency, persistence. */
class ItemStatisticsStoreTest {
    @TempDir
    Path dir;

    @Test
    void countsNewActionBitsOfKeptTokensOnly() {
        try (RocksSequenceStore store = RocksSequenceStore.open(dir, StoreOptions.defaults().withSync(false))) {
            StoreTesting.putItems(store.catalog(), 0, 10);
            store.append(List.of(Event.of(1, 5, T0, Actions.IMPRESSION, Surfaces.HOME),
                    Event.of(1, 5, T0 + 1000, Actions.IMPRESSION, Surfaces.HOME),   // same token: no new bit
                    Event.of(1, 5, T0 + 2000, Actions.CLICK, Surfaces.HOME),        // new bit: counts
                    Event.of(2, 5, T0 + 3000, Actions.CLICK, Surfaces.HOME)));      // another user: counts
            ItemStatistics s = store.itemStatistics(new long[]{5, 6})[0];
            long t = T0 + 3000;
            assertThat(s.count(0, 2, t)).isCloseTo(Math.pow(2, -3000.0 / ItemStatistics.HALF_LIVES_MS[2]), within(1e-12));
            assertThat(s.count(1, 2, t)).isCloseTo(1 + Math.pow(2, -1000.0 / ItemStatistics.HALF_LIVES_MS[2]), within(1e-12));
            assertThat(s.firstSeenMs()).isEqualTo(T0);
            assertThat(store.itemStatistics(new long[]{6})[0].seen()).isFalse();
        }
        // persistent: the same after reopening
        try (RocksSequenceStore store = RocksSequenceStore.open(dir, StoreOptions.defaults().withReadOnly(true).withCreateIfMissing(false))) {
            assertThat(store.itemStatistics(new long[]{5})[0].referenceMs()).isEqualTo(T0 + 3000);
        }
    }

    @Test
    void concurrentAppendsOnTheSameItemsLoseNoCountAndMatchTheReference() throws Exception {
        long seed = Seeds.seed(1114);
        SplittableRandom rng = Seeds.random(seed);
        long[] users = new long[16];
        for (int i = 0; i < users.length; i++) {
            users[i] = i + 1;
        }
        List<Event> events = StoreTesting.randomEvents(rng, users, 6, 4000, 6L * 3_600_000L);
        // the reference: each user's events in arrival order through core UserHistory, counted ones into ItemStatistics
        Map<Long, List<Event>> byUser = new HashMap<>();
        for (Event e : events) {
            byUser.computeIfAbsent(e.userId(), u -> new ArrayList<>()).add(e);
        }
        Map<Long, ItemStatistics> want = new HashMap<>();
        byte[] q = new byte[StoreTesting.D];
        for (List<Event> l : byUser.values()) {
            UserHistory h = new UserHistory(l.getFirst().userId(), io.longview.core.model.SequenceLimits.DEFAULT);
            for (Event e : l) {
                h.apply(e, q, 0);
                if (h.lastApplyCounted()) {
                    want.computeIfAbsent(e.itemId(), i -> new ItemStatistics()).add(e.action(), e.timestampMs());
                }
            }
        }
        try (RocksSequenceStore store = RocksSequenceStore.open(dir, StoreOptions.defaults().withSync(false))) {
            StoreTesting.putItems(store.catalog(), 0, 6);
            // one thread per user (a user's events stay in order), all on the same 6 items
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> fs = new ArrayList<>();
            for (List<Event> l : byUser.values()) {
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < l.size(); i += 7) {
                        store.append(l.subList(i, Math.min(l.size(), i + 7)));
                    }
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
            pool.shutdown();
            long end = T0 + 7L * 3_600_000L;
            for (Map.Entry<Long, ItemStatistics> e : want.entrySet()) {
                ItemStatistics got = store.itemStatistics(new long[]{e.getKey()})[0];
                for (int k = 0; k < ItemStatistics.KINDS; k++) {
                    for (int h = 0; h < ItemStatistics.HALF_LIVES_MS.length; h++) {
                        double w = e.getValue().count(k, h, end);
                        assertThat(got.count(k, h, end)).as("seed %d item %d kind %d h %d", seed, e.getKey(), k, h)
                                .isCloseTo(w, within(1e-9 * (1 + w)));
                    }
                }
                assertThat(got.firstSeenMs()).isEqualTo(e.getValue().firstSeenMs());
            }
        }
    }
}
