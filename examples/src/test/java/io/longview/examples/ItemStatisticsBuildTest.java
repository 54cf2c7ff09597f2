package io.longview.examples;

import io.longview.core.model.Actions;
import io.longview.core.model.Event;
import io.longview.core.model.ItemStatistics;
import io.longview.core.testing.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.longview.examples.RandomLogs.MINUTE;
import static io.longview.examples.RandomLogs.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The builder's item statistics against a from-scratch reference, per request and candidate. */
class ItemStatisticsBuildTest {
    @TempDir
    Path tmp;

    /**
     * The reference, written from the definition without the pass's sorting or walking: the item's counted actions are
     * the distinct (user, action, fold window) of its events strictly before {@code t}, each at its earliest time; fed
     * newest first into a fresh core ItemStatistics.
     */
    static float[] reference(List<Event> log, long item, long t, long foldWindowMs) {
        Map<List<Long>, Long> first = new HashMap<>();
        for (Event e : log) {
            if (e.itemId() == item && e.timestampMs() < t) {
                first.merge(List.of(e.userId(), (long) e.action(), Math.floorDiv(e.timestampMs(), foldWindowMs)),
                        e.timestampMs(), Math::min);
            }
        }
        List<long[]> counted = new ArrayList<>();
        first.forEach((k, ts) -> counted.add(new long[]{k.get(1), ts}));
        counted.sort((a, b) -> Long.compare(b[1], a[1]));
        ItemStatistics s = new ItemStatistics();
        counted.forEach(a -> s.add((int) a[0], a[1]));
        float[] f = new float[ItemStatistics.DIM];
        s.writeFeatures(t, f, 0);
        return f;
    }

    @Test
    void everyCandidateGetsTheStatisticsOfAllUsersEventsStrictlyBeforeItsRequest() throws IOException {
        long seed = Seeds.seed(1111);
        RandomLogs.Log log = RandomLogs.random(seed, 40, 30, 12, 10 * MINUTE);
        ExampleBuilderConfig config = ExampleBuilderConfig.DEFAULT.withSplitTimeMs(T0 + 600 * MINUTE)
                .withItemFeatures(ItemFeatures.STATS);
        Path out = tmp.resolve("stats");
        BuildSummary s = new ExampleBuilder(config, log.items()).build(new ListEventSource(log.events()), out, false);
        assertThat(s.itemFeatures()).isEqualTo(ItemStatistics.FEATURE_NAMES);
        ItemFeatureFile.Table table = ItemFeatureFile.read(out.resolve(ItemFeatureFile.FILE_NAME));
        assertThat(table.names()).isEqualTo(ItemStatistics.FEATURE_NAMES);
        int checked = 0;
        int withHistory = 0;
        float[] got = new float[ItemStatistics.DIM];
        for (String side : List.of("train.lvx", "eval.lvx")) {
            try (ExampleReader r = ExampleReader.open(out.resolve(side))) {
                while (r.hasNext()) {
                    RequestRecord rec = r.next();
                    for (int j = 0; j < rec.candidateCount(); j++) {
                        table.copy(rec.requestId(), rec.candidateItemId(j), got, 0);
                        float[] want = reference(log.events(), rec.candidateItemId(j), rec.requestTimeMs(),
                                config.limits().foldWindowMs());
                        for (int k = 0; k < want.length; k++) {
                            assertThat(got[k]).as("seed %d, %s, candidate %d, %s", seed, rec, j, ItemStatistics.FEATURE_NAMES.get(k))
                                    .isCloseTo(want[k], within(1e-6f));
                        }
                        checked++;
                        withHistory += want[2] > 0 ? 1 : 0;
                    }
                }
            }
        }
        assertThat(checked).isGreaterThan(100);
        assertThat(withHistory).as("candidates with earlier impressions by anyone").isGreaterThan(checked / 4);

        // the same file for the same events in another order
        Path again = tmp.resolve("shuffled");
        new ExampleBuilder(config.withThreads(2), log.items()).build(new ListEventSource(log.shuffled(seed + 1).events()), again, false);
        assertThat(Files.readAllBytes(again.resolve(ItemFeatureFile.FILE_NAME)))
                .isEqualTo(Files.readAllBytes(out.resolve(ItemFeatureFile.FILE_NAME)));
        // the example files do not change with item features
        Path plain = tmp.resolve("plain");
        BuildSummary p = new ExampleBuilder(config.withItemFeatures(ItemFeatures.NONE), log.items())
                .build(new ListEventSource(log.events()), plain, false);
        assertThat(p.itemFeatures()).isEmpty();
        assertThat(plain.resolve(ItemFeatureFile.FILE_NAME)).doesNotExist();
        assertThat(Files.readAllBytes(plain.resolve("train.lvx"))).isEqualTo(Files.readAllBytes(out.resolve("train.lvx")));
    }

    @Test
    void anEventAtTheRequestTimeIsNotSeenAndRepeatsInOneFoldWindowCountOnce() {
        long t = T0 + 60 * MINUTE;
        List<Event> log = List.of(
                Event.of(1, 1000, T0, Actions.CLICK, 0),
                Event.of(1, 1000, T0 + 1000, Actions.CLICK, 0),     // same user, action and window: not counted again
                Event.of(2, 1000, T0 + 2000, Actions.CLICK, 0),     // another user: counted
                Event.of(3, 1000, t, Actions.CLICK, 0),             // at the request time: not seen
                Event.of(9, 1000, t, Actions.IMPRESSION, 0));
        Path out = tmp.resolve("edge");
        new ExampleBuilder(ExampleBuilderConfig.DEFAULT.withItemFeatures(ItemFeatures.STATS), RandomLogs.items(Seeds.random(1), 3))
                .build(new ListEventSource(log), out, false);
        float[] f = new float[ItemStatistics.DIM];
        ItemFeatureFile.read(out.resolve(ItemFeatureFile.FILE_NAME)).copy(ExampleBuilder.requestId(9, t), 1000, f, 0);
        double clicks1d = Math.pow(2, -(60 * MINUTE) / 86_400_000.0) + Math.pow(2, -(60 * MINUTE - 2000) / 86_400_000.0);
        assertThat(f[4]).isCloseTo((float) Math.log1p(clicks1d), within(1e-6f));
        assertThat(f[ItemStatistics.DIM - 1]).isCloseTo((float) Math.log1p(1.0), within(1e-6f)); // first seen 1 h before
    }
}
