package io.longview.examples;

import io.longview.core.model.Event;
import io.longview.core.model.ItemStatistics;
import io.longview.core.model.SequenceLimits;
import io.longview.core.testing.Seeds;
import io.longview.store.RocksSequenceStore;
import io.longview.store.SequenceStore;
import io.longview.store.StoreOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Issue 11.3, train/serve parity of the item statistics: for the same events and the same time, the features the
 * example builder wrote for a candidate ({@link ItemFeatureFile}) equal the ones serving computes from the store's
 * counters (events before the request ingested, {@code SequenceStore.itemStatistics}, core
 * {@link ItemStatistics#writeFeatures} at the request time: what {@code serve}'s {@code RankingService} does), within
 * 1e-6. Both sides run the one core definition; what differs is how they find the counted actions (a global sort by
 * item and time in the builder, the tokens' action bits in the store).
 */
class ItemStatisticsParityTest {
    @TempDir
    Path tmp;

    @Test
    void builderAndStoreGiveTheSameItemFeaturesAtEveryRequest() throws Exception {
        long seed = Seeds.seed(1112);
        // many users on few items: counts cross users; small caps: the store evicts, and statistics must not care
        RandomLogs.Log log = RandomLogs.random(seed, 30, 200, 25, 10 * RandomLogs.MINUTE);
        SequenceLimits limits = new SequenceLimits(6, 25, 5, 10 * RandomLogs.MINUTE);
        ExampleBuilderConfig config = ExampleBuilderConfig.DEFAULT.withLimits(limits).withItemFeatures(ItemFeatures.STATS)
                .withSplitTimeMs(RandomLogs.T0 + 800 * RandomLogs.MINUTE);
        Path out = tmp.resolve("examples");
        new ExampleBuilder(config, log.items()).build(new ListEventSource(log.events()), out, false);
        ItemFeatureFile.Table table = ItemFeatureFile.read(out.resolve(ItemFeatureFile.FILE_NAME));

        // all requests of both files, in time order; the events in time order (the store counts in arrival order,
        // which is the builder's when each user's events arrive in time order)
        List<RequestRecord> requests = new ArrayList<>();
        for (String f : List.of(ExampleFormat.TRAIN_FILE, ExampleFormat.EVAL_FILE)) {
            try (ExampleReader r = ExampleReader.open(out.resolve(f))) {
                while (r.hasNext()) {
                    requests.add(r.next());
                }
            }
        }
        requests.sort(Comparator.comparingLong(RequestRecord::requestTimeMs));
        List<Event> events = new ArrayList<>(log.events());
        events.sort(ReferenceExamples.APPLY_ORDER); // each user's events in time order (the builder's replay order)

        int compared = 0;
        int seen = 0;
        float[] built = new float[ItemStatistics.DIM];
        float[] served = new float[ItemStatistics.DIM];
        try (SequenceStore store = RocksSequenceStore.open(tmp.resolve("store"), StoreOptions.defaults().withLimits(limits).withSync(false))) {
            assertThat(store.keepsItemStatistics()).isTrue();
            events.stream().map(Event::itemId).distinct().forEach(i -> store.catalog().put(i, log.items().get(i)));
            int ingested = 0;
            for (RequestRecord r : requests) {
                int to = ingested;
                while (to < events.size() && events.get(to).timestampMs() < r.requestTimeMs()) {
                    to++;
                }
                if (to > ingested) {
                    store.append(events.subList(ingested, to));
                    ingested = to;
                }
                long[] ids = new long[r.candidateCount()];
                for (int j = 0; j < ids.length; j++) {
                    ids[j] = r.candidateItemId(j);
                }
                ItemStatistics[] st = store.itemStatistics(ids);
                for (int j = 0; j < ids.length; j++) {
                    table.copy(r.requestId(), ids[j], built, 0);
                    st[j].writeFeatures(r.requestTimeMs(), served, 0);
                    for (int k = 0; k < ItemStatistics.DIM; k++) {
                        assertThat(served[k]).as("seed %d, %s, item %d, %s", seed, r, ids[j], ItemStatistics.FEATURE_NAMES.get(k))
                                .isCloseTo(built[k], within(1e-6f));
                    }
                    compared++;
                    seen += st[j].seen() ? 1 : 0;
                }
            }
            assertThat(compared).isGreaterThan(500);
            assertThat(seen).isGreaterThan(compared / 2);

        }
    }

    @Test
    void replaysCountNothingTwiceAndErasureLeavesTheAggregates() {
        long seed = Seeds.seed(1113);
        // short histories under the default caps: nothing is evicted (a replayed event for a token a cap evicted, or that
        // folds into a token that lacks its bit because its first token was evicted, changes the store's tokens, core
        // UserHistory's rule, and then counts again: the counters change exactly when the tokens gain an action bit)
        RandomLogs.Log log = RandomLogs.random(seed, 40, 12, 25, 10 * RandomLogs.MINUTE);
        List<Event> events = new ArrayList<>(log.events());
        events.sort(ReferenceExamples.APPLY_ORDER);
        try (SequenceStore store = RocksSequenceStore.open(tmp.resolve("replay"), StoreOptions.defaults().withSync(false))) {
            events.stream().map(Event::itemId).distinct().forEach(i -> store.catalog().put(i, log.items().get(i)));
            store.append(events);
            long[] all = events.stream().mapToLong(Event::itemId).distinct().toArray();
            long end = events.getLast().timestampMs() + 1;
            float[][] before = features(store, all, end);
            assertThat(before[0][2]).isPositive();
            assertThat(store.append(events).applied()).isZero();
            assertThat(store.append(log.shuffled(seed).events()).applied()).isZero();
            assertThat(features(store, all, end)).isDeepEqualTo(before);
            // erasing a user leaves the item aggregates (not personal data) as they are
            store.erase(events.getFirst().userId());
            assertThat(features(store, all, end)).isDeepEqualTo(before);
        }
    }

    private static float[][] features(SequenceStore store, long[] items, long t) {
        ItemStatistics[] st = store.itemStatistics(items);
        float[][] f = new float[items.length][ItemStatistics.DIM];
        for (int i = 0; i < items.length; i++) {
            st[i].writeFeatures(t, f[i], 0);
        }
        return f;
    }
}
