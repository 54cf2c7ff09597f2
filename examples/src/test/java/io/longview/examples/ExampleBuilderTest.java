package io.longview.examples;

import io.longview.core.model.Actions;
import io.longview.core.model.Event;
import io.longview.core.model.InMemoryItemEmbeddings;
import io.longview.core.model.SequenceLimits;
import io.longview.core.model.Token;
import io.longview.core.select.SelectionConfig;
import io.longview.core.select.SelectionRule;
import io.longview.core.testing.Seeds;
import io.longview.data.io.DatasetManifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.longview.examples.RandomLogs.MINUTE;
import static io.longview.examples.RandomLogs.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExampleBuilderTest {
    /** Small budgets and caps, so that selection picks subsets and histories evict. */
    static final ExampleBuilderConfig SMALL = ExampleBuilderConfig.DEFAULT
            .withSelection(new SelectionConfig(5, 2, 3, 4, SelectionRule.NEAREST))
            .withLimits(new SequenceLimits(6, 25, 7, 10 * MINUTE))
            .withMaxNegatives(5)
            .withSnapshotId("test-snapshot");

    @TempDir
    Path tmp;

    // ------------------------------------------------------------------ hand-built cases

    @Test
    void labelsAreTheExplicitActionsOnTheCandidateInsideTheWindow() {
        long u = 7, w = 10 * MINUTE, t = T0;
        InMemoryItemEmbeddings items = RandomLogs.items(Seeds.random(1), 20);
        List<Event> log = List.of(
                Event.of(u, 1000, t - 1, Actions.CLICK, 0),          // before t: history, not a label
                Event.of(u, 1000, t, Actions.IMPRESSION, 0),
                Event.of(u, 1001, t, Actions.IMPRESSION, 0),
                Event.of(u, 1002, t, Actions.IMPRESSION, 0),
                Event.of(u, 1003, t, Actions.IMPRESSION, 1),
                Event.of(u, 1004, t, Actions.IMPRESSION, 1),
                Event.of(u, 1000, t, Actions.CLICK, 0),              // exactly at t: a label
                Event.of(u, 1001, t + w - 1, Actions.SAVE, 0),       // last instant of the window
                Event.of(u, 1001, t + 5, Actions.HIDE, 0),           // OR of several actions
                Event.of(u, 1002, t + w, Actions.CLICK, 0),          // just outside
                Event.of(u, 1005, t + 3, Actions.SAVE, 0),           // not a candidate
                Event.of(u + 1, 1003, t + 3, Actions.SAVE, 0));      // another user
        Path out = build(log, items, ExampleBuilderConfig.DEFAULT, "labels");
        List<RequestRecord> train = readAll(out.resolve("train.lvx"));
        RequestRecord r = train.stream().filter(x -> x.userId() == u).findFirst().orElseThrow();
        assertThat(r.requestTimeMs()).isEqualTo(t);
        assertThat(r.candidateCount()).isEqualTo(5);
        long[] ids = new long[5];
        byte[] labels = new byte[5];
        for (int j = 0; j < 5; j++) {
            ids[j] = r.candidateItemId(j);
            labels[j] = r.labels(j);
        }
        assertThat(ids).containsExactly(1000, 1001, 1002, 1003, 1004);
        assertThat(labels).containsExactly(Actions.CLICK, Actions.SAVE | Actions.HIDE, 0, 0, 0);
        // the click before t is the only token
        assertThat(r.tokenCount()).isEqualTo(1);
        assertThat(r.selectedTokens(0)).extracting(Token::timestampMs).containsExactly(t - 1);
        assertThat(r.realtimeCount()).isEqualTo(1);
    }

    @Test
    void aRequestSeesNothingAtOrAfterItsTimeEvenWhenItFoldsWithOlderTokens() {
        long u = 3, t = T0;
        InMemoryItemEmbeddings items = RandomLogs.items(Seeds.random(2), 20);
        List<Event> log = new ArrayList<>(List.of(
                Event.of(u, 1000, t - 2 * MINUTE, Actions.IMPRESSION, 0),   // request 1
                Event.of(u, 1001, t - 2 * MINUTE, Actions.IMPRESSION, 0),
                Event.of(u, 1002, t, Actions.IMPRESSION, 0),                // request 2 at t
                Event.of(u, 1003, t, Actions.CLICK, 0),                     // exactly at t, another item
                Event.of(u, 1000, t + 1, Actions.CLICK, 0),                 // folds with the impression at t − 2 min
                Event.of(u, 1004, t + 2 * MINUTE, Actions.IMPRESSION, 0))); // request 3
        Path out = build(log, items, ExampleBuilderConfig.DEFAULT, "pit");
        List<RequestRecord> rs = readAll(out.resolve("train.lvx"));
        assertThat(rs).extracting(RequestRecord::requestTimeMs).containsExactly(t - 2 * MINUTE, t, t + 2 * MINUTE);
        RequestRecord second = rs.get(1);
        assertThat(tokensOf(second)).allMatch(k -> k.timestampMs() < t)
                .extracting(Token::itemId, Token::actions).containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(1000L, Actions.IMPRESSION),
                        org.assertj.core.groups.Tuple.tuple(1001L, Actions.IMPRESSION));
        assertThat(second.impressionCount()).isEqualTo(2);
        assertThat(second.realtimeCount()).isZero();
        // the third request sees the fold: impression + click as one explicit token at t + 1, and the click at t
        RequestRecord third = rs.get(2);
        assertThat(tokensOf(third)).extracting(Token::itemId, Token::actions, Token::timestampMs).contains(
                org.assertj.core.groups.Tuple.tuple(1000L, (byte) (Actions.IMPRESSION | Actions.CLICK), t + 1),
                org.assertj.core.groups.Tuple.tuple(1003L, Actions.CLICK, t));
        // NAL negatives: the newest impressions at t, newest first
        assertThat(second.negativeCount()).isEqualTo(2);
        assertThat(List.of(second.negativeItemId(0), second.negativeItemId(1))).containsExactly(1001L, 1000L);
    }

    @Test
    void aUserWithoutHistoryStillGetsExamplesWithEmptySequences() {
        InMemoryItemEmbeddings items = RandomLogs.items(Seeds.random(3), 5);
        Path out = build(List.of(Event.of(9, 1000, T0, Actions.IMPRESSION, 0), Event.of(9, 1000, T0 + 1, Actions.SAVE, 0)),
                items, ExampleBuilderConfig.DEFAULT, "empty");
        RequestRecord r = readAll(out.resolve("train.lvx")).getFirst();
        assertThat(r.tokenCount()).isZero();
        assertThat(r.selectedCount(0)).isZero();
        assertThat(r.negativeCount()).isZero();
        assertThat(r.labels(0)).isEqualTo(Actions.SAVE);
        assertThat(r.candidateEmbedding(0)).containsExactly(items.get(1000));
    }

    // ------------------------------------------------------------------ against the independent reference

    @Test
    void everyExampleMatchesTheStraightReplayAndNeverHoldsAFutureToken() {
        for (long seed : new long[]{Seeds.seed(11), 12, 13}) {
            RandomLogs.Log log = RandomLogs.random(seed, 40, 60, 60, SMALL.labelWindowMs());
            long split = T0 + 400 * MINUTE;
            checkAgainstReference(log, SMALL.withSplitTimeMs(split), "seed " + seed);
        }
    }

    @Test
    void defaultBudgetsAndRandomRuleMatchTheReferenceToo() {
        long seed = Seeds.seed(21);
        RandomLogs.Log log = RandomLogs.random(seed, 15, 150, 40, 10 * MINUTE);
        checkAgainstReference(log, ExampleBuilderConfig.DEFAULT, "default, seed " + seed);
        checkAgainstReference(log, SMALL.withSelection(new SelectionConfig(6, 1, 2, 3, SelectionRule.RANDOM)), "random, seed " + seed);
        checkAgainstReference(log, SMALL.withSelection(new SelectionConfig(6, 1, 2, 0, SelectionRule.MOST_RECENT))
                .withLabelWindowMs(3 * MINUTE), "most recent, seed " + seed);
    }

    private void checkAgainstReference(RandomLogs.Log log, ExampleBuilderConfig config, String what) {
        Map<String, ReferenceExamples.Request> expected = ReferenceExamples.compute(log.events(), log.items(), config);
        Path out = build(log.events(), log.items(), config, "ref-" + Math.abs(what.hashCode()) + "-" + config.selection().lifelongRule());
        Set<String> seen = new HashSet<>();
        int examples = 0;
        for (ExampleHeader.Side side : ExampleHeader.Side.values()) {
            for (RequestRecord r : readAll(out.resolve(side.fileName()))) {
                String key = r.userId() + "@" + r.requestTimeMs();
                String where = what + ", request " + key;
                assertThat(seen.add(key)).as(where + " appears once").isTrue();
                assertThat(ExampleHeader.Side.of(r.requestTimeMs(), config.splitTimeMs())).as(where).isEqualTo(side);
                ReferenceExamples.Request e = expected.get(key);
                assertThat(e).as(where + " is a request of the log").isNotNull();
                assertThat(r.requestId()).as(where).isEqualTo(ExampleBuilder.requestId(r.userId(), r.requestTimeMs()));
                assertThat(new int[]{r.realtimeCount(), r.lifelongCount(), r.impressionCount()}).as(where + " dense")
                        .containsExactly(e.rt(), e.ll(), e.imp());
                // point in time: no token of the table, hence of any S_all, at or after t
                for (int i = 0; i < r.tokenCount(); i++) {
                    assertThat(r.tokenTimestamp(i)).as(where + " token " + i).isLessThan(r.requestTimeMs());
                    assertThat(i == 0 || r.tokenTimestamp(i) >= r.tokenTimestamp(i - 1)).as(where + " chronological table").isTrue();
                }
                assertThat(r.negativeCount()).as(where + " negatives").isEqualTo(e.negativeIds().size());
                for (int g = 0; g < r.negativeCount(); g++) {
                    byte[] q = new byte[32];
                    r.negativeEmbedding(g, q, 0);
                    assertThat(r.negativeItemId(g)).as(where + " negative " + g).isEqualTo(e.negativeIds().get(g));
                    assertThat(q).as(where + " negative " + g).containsExactly(e.negatives().get(g));
                }
                assertThat(r.candidateCount()).as(where + " candidates").isEqualTo(e.candidates().size());
                Set<Integer> used = new HashSet<>();
                for (int j = 0; j < r.candidateCount(); j++) {
                    ReferenceExamples.Candidate c = e.candidates().get(j);
                    String cw = where + ", candidate " + c.itemId();
                    assertThat(r.candidateItemId(j)).as(cw).isEqualTo(c.itemId());
                    assertThat(r.labels(j)).as(cw + " labels").isEqualTo((byte) c.labels());
                    assertThat(r.candidateEmbedding(j)).as(cw).containsExactly(log.items().get(c.itemId()));
                    assertThat(r.selectedTokens(j)).as(cw + " S_all").containsExactlyElementsOf(c.sAll());
                    assertThat(r.selectedCount(j)).isLessThanOrEqualTo(config.selection().maxLength());
                    for (int k = 0; k < r.selectedCount(j); k++) {
                        assertThat(r.tokenPart(r.selectedToken(j, k))).as(cw + " part " + k).isEqualTo(c.parts().get(k));
                        used.add(r.selectedToken(j, k));
                    }
                    examples++;
                }
                assertThat(used).as(where + ": the table holds only selected tokens").hasSize(r.tokenCount());
            }
        }
        assertThat(seen).as(what + ": every request of the log").containsExactlyInAnyOrderElementsOf(expected.keySet());
        assertThat(examples).as(what).isGreaterThan(100);
    }

    // ------------------------------------------------------------------ determinism and bounded memory

    @Test
    void outputBytesDoNotDependOnInputOrderShardBudgetOrThreads() throws IOException {
        long seed = Seeds.seed(31);
        RandomLogs.Log log = RandomLogs.random(seed, 60, 40, 50, 10 * MINUTE);
        ExampleBuilderConfig config = SMALL.withSplitTimeMs(T0 + 300 * MINUTE);
        Path a = build(log.events(), log.items(), config, "a");
        Path b = build(log.events(), log.items(), config, "b");
        Path shuffled = build(log.shuffled(seed).events(), log.items(), config, "shuffled");
        Path tiny = build(log.shuffled(seed + 1).events(), log.items(), config.withMaxEventsPerShard(40), "tiny");
        Path threads = build(log.shuffled(seed + 2).events(), log.items(), config.withMaxEventsPerShard(100).withThreads(2), "threads");
        Path hinted = build(log.events(), log.items(), config.withExpectedEvents(log.events().size()).withMaxEventsPerShard(300), "hinted");
        for (String f : List.of("train.lvx", "eval.lvx")) {
            byte[] expected = Files.readAllBytes(a.resolve(f));
            assertThat(readAll(a.resolve(f))).as(f + " not empty (seed " + seed + ")").isNotEmpty();
            for (Path p : List.of(b, shuffled, tiny, threads, hinted)) {
                assertThat(Files.readAllBytes(p.resolve(f))).as(p.getFileName() + "/" + f + " (seed " + seed + ")").isEqualTo(expected);
            }
        }
        BuildSummary small = BuildSummary.read(tiny.resolve("examples.json"));
        assertThat(small.shards()).as("a tiny budget makes many shards").isGreaterThan(40);
        assertThat(BuildSummary.read(a.resolve("examples.json")).shards()).isLessThanOrEqualTo(16);
        // temporary files are gone, and nothing but the three outputs is left
        try (var s = Files.list(tiny)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("train.lvx", "eval.lvx", "examples.json");
        }
    }

    @Test
    void outputIsOrderedByUserHashThenTime() {
        RandomLogs.Log log = RandomLogs.random(Seeds.seed(41), 30, 30, 30, 10 * MINUTE);
        Path out = build(log.events(), log.items(), SMALL, "order");
        List<RequestRecord> rs = readAll(out.resolve("train.lvx"));
        for (int i = 1; i < rs.size(); i++) {
            RequestRecord p = rs.get(i - 1), r = rs.get(i);
            int c = Long.compareUnsigned(EventShards.userHash(p.userId()), EventShards.userHash(r.userId()));
            assertThat(c < 0 || (c == 0 && p.requestTimeMs() < r.requestTimeMs())).as("record " + i).isTrue();
        }
    }

    @Test
    void splitSendsRequestsBeforeTheSplitToTrainAndTheRestToEval() {
        long u = 5, split = T0 + 10 * MINUTE;
        InMemoryItemEmbeddings items = RandomLogs.items(Seeds.random(4), 10);
        List<Event> log = List.of(Event.of(u, 1000, split - 1, Actions.IMPRESSION, 0), Event.of(u, 1001, split, Actions.IMPRESSION, 0),
                Event.of(u, 1002, split + 1, Actions.IMPRESSION, 0), Event.of(u, 1003, split - 5, Actions.CLICK, 0));
        Path out = build(log, items, ExampleBuilderConfig.DEFAULT.withSplitTimeMs(split), "split");
        assertThat(readAll(out.resolve("train.lvx"))).extracting(RequestRecord::requestTimeMs).containsExactly(split - 1);
        List<RequestRecord> eval = readAll(out.resolve("eval.lvx"));
        assertThat(eval).extracting(RequestRecord::requestTimeMs).containsExactly(split, split + 1);
        // the eval history includes the train period
        assertThat(eval.getFirst().realtimeCount()).isEqualTo(1);
        assertThat(ExampleReader.summary(out.resolve("eval.lvx")).header().side()).isEqualTo(ExampleHeader.Side.EVAL);
        assertThat(ExampleReader.summary(out.resolve("train.lvx")).header().splitTimeMs()).isEqualTo(split);
    }

    // ------------------------------------------------------------------ summary, header, errors

    @Test
    void summaryAndHeadersRecordConfigurationCountsAndRates() {
        RandomLogs.Log log = RandomLogs.random(Seeds.seed(51), 20, 30, 30, 10 * MINUTE);
        ExampleBuilderConfig config = SMALL.withSplitTimeMs(T0 + 500 * MINUTE).withLabelWindowMs(7 * MINUTE);
        Path out = tmp.resolve("summary");
        BuildSummary s = new ExampleBuilder(config, log.items()).build(new ListEventSource(log.events()), out, false);
        assertThat(BuildSummary.read(out.resolve("examples.json"))).usingRecursiveComparison().isEqualTo(s);
        assertThat(s.events()).isEqualTo(log.events().size());
        assertThat(s.users()).isEqualTo(log.events().stream().mapToLong(Event::userId).distinct().count());
        assertThat(s.snapshotId()).isEqualTo("test-snapshot");
        assertThat(s.labelWindowMs()).isEqualTo(7 * MINUTE);
        assertThat(s.selection()).isEqualTo(new BuildSummary.Selection(5, 2, 3, 4, "nearest", 14));
        assertThat(s.limits()).isEqualTo(new BuildSummary.Limits(6, 25, 7, 10 * MINUTE));
        for (ExampleHeader.Side side : ExampleHeader.Side.values()) {
            ExampleReader.Summary fs = ExampleReader.summary(out.resolve(side.fileName()));
            BuildSummary.SideSummary ss = side == ExampleHeader.Side.TRAIN ? s.train() : s.eval();
            assertThat(ss.requests()).isEqualTo(fs.footer().requests());
            assertThat(ss.examples()).isEqualTo(fs.footer().candidates());
            long clicks = readAll(out.resolve(side.fileName())).stream().mapToLong(r -> {
                long n = 0;
                for (int j = 0; j < r.candidateCount(); j++) {
                    n += r.label(j, Actions.CLICK) ? 1 : 0;
                }
                return n;
            }).sum();
            assertThat(ss.positives()).containsEntry("click", clicks);
            assertThat(ss.labelRates().get("click")).isEqualTo(ss.examples() == 0 ? 0.0 : (double) clicks / ss.examples());
            ExampleHeader h = fs.header();
            assertThat(h.selection()).isEqualTo(config.selection());
            assertThat(h.limits()).isEqualTo(config.limits());
            assertThat(h.labelWindowMs()).isEqualTo(7 * MINUTE);
            assertThat(h.maxNegatives()).isEqualTo(5);
            assertThat(h.quantizerClip()).isEqualTo(0.65f);
            assertThat(h.snapshotId()).isEqualTo("test-snapshot");
            assertThat(h.builderVersion()).isEqualTo(ExampleBuilder.BUILDER_VERSION);
            assertThat(h.heads()).extracting(ExampleFormat.LabelHead::name).containsExactly("click", "save", "hide");
        }
        assertThat(s.train().examples() + s.eval().examples()).isPositive();
        assertThat(s.examplesPerSecond()).isPositive();
    }

    @Test
    void anItemWithoutEmbeddingIsAnErrorNamingItAndLeavesNoOutput() throws IOException {
        InMemoryItemEmbeddings items = RandomLogs.items(Seeds.random(5), 3);
        List<Event> log = List.of(Event.of(1, 1000, T0, Actions.IMPRESSION, 0), Event.of(1, 4242, T0 + 1, Actions.CLICK, 0));
        Path out = tmp.resolve("missing");
        ListEventSource src = new ListEventSource(log);
        assertThatThrownBy(() -> new ExampleBuilder(ExampleBuilderConfig.DEFAULT, items).build(src, out, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("item 4242 has no embedding");
        assertThat(src.closed).isTrue();
        assertThat(out).doesNotExist();
        try (var s = Files.list(tmp)) {
            assertThat(s.toList()).as("no partial directory left").isEmpty();
        }
    }

    @Test
    void anExistingOutputIsKeptUnlessOverwriteIsAsked() {
        InMemoryItemEmbeddings items = RandomLogs.items(Seeds.random(6), 3);
        List<Event> log = List.of(Event.of(1, 1000, T0, Actions.IMPRESSION, 0));
        Path out = build(log, items, ExampleBuilderConfig.DEFAULT, "exists");
        assertThatThrownBy(() -> new ExampleBuilder(ExampleBuilderConfig.DEFAULT, items).build(new ListEventSource(log), out, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exists already");
        new ExampleBuilder(ExampleBuilderConfig.DEFAULT, items).build(new ListEventSource(log), out, true);
        assertThat(readAll(out.resolve("train.lvx"))).hasSize(1);
    }

    @Test
    void configFromManifestTakesSplitSnapshotAndSuggestedLabelWindow() {
        DatasetManifest m = new DatasetManifest(1, "synthetic", "test", 10, 10, 12_345, T0, T0 + 1, T0 + 99, "generated", 7L,
                "abc123", Map.of("labelWindowMs", 300_000));
        ExampleBuilderConfig c = ExampleBuilderConfig.fromManifest(m);
        assertThat(c.splitTimeMs()).isEqualTo(T0 + 99);
        assertThat(c.snapshotId()).isEqualTo("abc123");
        assertThat(c.labelWindowMs()).isEqualTo(300_000);
        assertThat(c.expectedEvents()).isEqualTo(12_345);
        DatasetManifest none = new DatasetManifest(1, "x", "x", 1, 1, 1, T0, T0, T0, "x", null, "s", null);
        assertThat(ExampleBuilderConfig.fromManifest(none).labelWindowMs()).isEqualTo(ExampleBuilderConfig.DEFAULT_LABEL_WINDOW_MS);
        DatasetManifest bad = new DatasetManifest(1, "x", "x", 1, 1, 1, T0, T0, T0, "x", null, "s", Map.of("labelWindowMs", "soon"));
        assertThatThrownBy(() -> ExampleBuilderConfig.fromManifest(bad)).hasMessageContaining("labelWindowMs").hasMessageContaining("soon");
        assertThatThrownBy(() -> ExampleBuilderConfig.DEFAULT.withLabelWindowMs(0)).hasMessageContaining("label window 0 ms");
    }

    // ------------------------------------------------------------------ helpers

    private Path build(List<Event> log, InMemoryItemEmbeddings items, ExampleBuilderConfig config, String name) {
        Path out = tmp.resolve(name);
        new ExampleBuilder(config, items).build(new ListEventSource(log), out, false);
        return out;
    }

    static List<RequestRecord> readAll(Path file) {
        List<RequestRecord> out = new ArrayList<>();
        try (ExampleReader r = ExampleReader.open(file)) {
            r.forEachRemaining(out::add);
            r.footer();
        }
        return out;
    }

    private static List<Token> tokensOf(RequestRecord r) {
        List<Token> t = new ArrayList<>();
        for (int i = 0; i < r.tokenCount(); i++) {
            t.add(r.token(i));
        }
        return t;
    }
}
