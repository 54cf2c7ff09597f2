package io.longview.examples;

import io.longview.core.model.Event;
import io.longview.core.model.SequenceLimits;
import io.longview.core.model.Token;
import io.longview.core.model.UserSequences;
import io.longview.core.select.CandidateSelector;
import io.longview.core.select.PreparedHistory;
import io.longview.core.select.Selection;
import io.longview.core.select.SelectionConfig;
import io.longview.core.select.SelectionRule;
import io.longview.store.RocksSequenceStore;
import io.longview.store.SequenceStore;
import io.longview.store.StoreOptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DESIGN §2, train/serve consistency: for the same event log and the same request time, the example builder and the
 * serving path (events before t ingested into a {@link SequenceStore}, the user read back, one {@link CandidateSelector}
 * call per candidate) select exactly the same tokens. Also: a {@link StoreHistoryProvider} over that store builds the
 * same examples as the replay.
 */
class TrainServeConsistencyTest {
    @TempDir
    Path tmp;

    static Stream<Object[]> settings() {
        return Stream.of(
                // small caps and budgets: eviction, folding and every selection part are exercised on short logs
                new Object[]{11L, new SequenceLimits(6, 25, 5, 10 * RandomLogs.MINUTE), new SelectionConfig(6, 2, 3, 3, SelectionRule.NEAREST)},
                new Object[]{12L, new SequenceLimits(6, 25, 5, 10 * RandomLogs.MINUTE), new SelectionConfig(6, 2, 3, 3, SelectionRule.RANDOM)},
                new Object[]{13L, SequenceLimits.DEFAULT, SelectionConfig.DEFAULT});
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("settings")
    void builderAndServingPathSelectTheSameTokens(long seed, SequenceLimits limits, SelectionConfig selection) throws Exception {
        RandomLogs.Log log = RandomLogs.random(seed, 12, 400, 150, 10 * RandomLogs.MINUTE);
        ExampleBuilderConfig config = ExampleBuilderConfig.DEFAULT.withLimits(limits).withSelection(selection);
        Path out = tmp.resolve("examples");
        new ExampleBuilder(config, log.items()).build(new ListEventSource(log.events()), out, false);

        // the serving path: per user, walk the requests in time order, ingesting exactly the events before each
        Map<Long, List<Event>> byUser = new TreeMap<>();
        for (Event e : log.events()) {
            byUser.computeIfAbsent(e.userId(), u -> new ArrayList<>()).add(e);
        }
        byUser.values().forEach(l -> l.sort(ReferenceExamples.APPLY_ORDER));
        CandidateSelector selector = new CandidateSelector(selection);
        Selection s = selector.newSelection();
        int requests = 0;
        int candidates = 0;
        int nonEmpty = 0;
        try (SequenceStore store = RocksSequenceStore.open(tmp.resolve("store"), StoreOptions.defaults().withLimits(limits).withSync(false));
             ExampleReader reader = ExampleReader.open(out.resolve(ExampleFormat.TRAIN_FILE))) {
            for (Map.Entry<Long, List<Event>> e : byUser.entrySet()) {
                e.getValue().stream().map(Event::itemId).distinct().forEach(i -> store.catalog().put(i, log.items().get(i)));
            }
            Map<Long, Integer> ingested = new TreeMap<>();
            while (reader.hasNext()) {
                RequestRecord r = reader.next();
                List<Event> events = byUser.get(r.userId());
                int from = ingested.getOrDefault(r.userId(), 0);
                int to = from;
                while (to < events.size() && events.get(to).timestampMs() < r.requestTimeMs()) {
                    to++;
                }
                if (to > from) {
                    store.append(events.subList(from, to));
                }
                ingested.put(r.userId(), to);

                UserSequences user = store.read(r.userId());
                assertThat(new int[]{user.realtime().size(), user.lifelong().size(), user.impressions().size()})
                        .as("seed %d request %d: sequence lengths", seed, r.requestId())
                        .containsExactly(r.realtimeCount(), r.lifelongCount(), r.impressionCount());
                PreparedHistory prepared = PreparedHistory.of(user);
                for (int j = 0; j < r.candidateCount(); j++) {
                    selector.select(prepared, r.candidateEmbedding(j), ExampleBuilder.salt(r.requestId(), r.candidateItemId(j)), s);
                    List<Token> served = new ArrayList<>();
                    for (int k = 0; k < s.size(); k++) {
                        served.add(s.token(user, k));
                    }
                    assertThat(served).as("seed %d request %d candidate %d", seed, r.requestId(), r.candidateItemId(j))
                            .containsExactlyElementsOf(r.selectedTokens(j));
                    candidates++;
                    nonEmpty += served.isEmpty() ? 0 : 1;
                }
                requests++;
            }
        }
        assertThat(requests).isGreaterThan(100);
        assertThat(nonEmpty).isGreaterThan(candidates / 2);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("settings")
    void aStoreHoldingTheWholeLogNeverLeaksTheFutureIntoExamples(long seed, SequenceLimits limits, SelectionConfig selection) {
        RandomLogs.Log log = RandomLogs.random(seed, 8, 300, 120, 10 * RandomLogs.MINUTE);
        ExampleBuilderConfig config = ExampleBuilderConfig.DEFAULT.withLimits(limits).withSelection(selection);
        List<Event> sorted = new ArrayList<>(log.events());
        sorted.sort(ReferenceExamples.APPLY_ORDER);
        BuildSummary fromStore;
        try (SequenceStore store = RocksSequenceStore.open(tmp.resolve("full"), StoreOptions.defaults().withLimits(limits).withSync(false))) {
            sorted.stream().map(Event::itemId).distinct().forEach(i -> store.catalog().put(i, log.items().get(i)));
            store.append(sorted);
            // the builder checks every request's history for tokens at or after t and fails loudly on one
            fromStore = new ExampleBuilder(config, log.items(), new StoreHistoryProvider(store))
                    .build(new ListEventSource(log.events()), tmp.resolve("from-store"), false);
        }
        BuildSummary replay = new ExampleBuilder(config, log.items()).build(new ListEventSource(log.events()), tmp.resolve("replay"), false);
        assertThat(fromStore.train().requests()).isEqualTo(replay.train().requests());
        assertThat(fromStore.train().examples()).isEqualTo(replay.train().examples());
    }
}
