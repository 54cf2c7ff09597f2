package io.longview.train.ablation;

import io.longview.train.SmallLogs;
import io.longview.core.select.SelectionConfig;
import io.longview.core.select.SelectionRule;
import io.longview.core.select.SequencePart;
import io.longview.core.testing.Seeds;
import io.longview.data.io.DatasetManifest;
import io.longview.data.io.EventLogWriter;
import io.longview.data.io.EventSources;
import io.longview.data.io.ItemFileWriter;
import io.longview.examples.ExampleBuilderConfig;
import io.longview.core.checkpoint.ModelConfig;
import io.longview.core.checkpoint.NalNegatives;
import io.longview.train.TestConfigs;
import io.longview.train.TrainerConfig;
import io.longview.train.report.AblationReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The ladder's rows, and a tiny end-to-end run that builds the extra example set and writes both reports. */
class AblationRunnerTest {
    @TempDir
    Path tmp;

    @Test
    void ladderHasTheSevenRowsOfDesign5() {
        List<AblationRow> rows = AblationLadder.rows();
        assertThat(rows).extracting(AblationRow::name).containsExactly("no-sequence", "rt-only", "rt-nal-inbatch", "rt-nal-imp",
                "v2", "ll-random", "ll-most-recent");
        assertThat(rows.get(0).model().sequence()).isFalse();
        assertThat(rows.get(0).model().trainsNextAction()).isFalse();
        assertThat(rows.get(1).model().selection().parts()).containsExactly(SequencePart.REALTIME);
        assertThat(rows.get(1).model().trainsNextAction()).isFalse();
        assertThat(rows.get(2).model().nal().negatives()).isEqualTo(NalNegatives.IN_BATCH);
        assertThat(rows.get(3).model().nal().negatives()).isEqualTo(NalNegatives.IMPRESSIONS);
        assertThat(rows.subList(2, 7)).allSatisfy(r -> assertThat(r.model().trainsNextAction()).isTrue());
        assertThat(rows.get(4).model().selection().parts()).isEqualTo(EnumSet.allOf(SequencePart.class));
        assertThat(rows).extracting(AblationRow::selectionRule).containsExactly(SelectionRule.NEAREST, SelectionRule.NEAREST,
                SelectionRule.NEAREST, SelectionRule.NEAREST, SelectionRule.NEAREST, SelectionRule.RANDOM, SelectionRule.MOST_RECENT);
        assertThat(rows.subList(4, 7)).allSatisfy(r -> assertThat(r.model().nal()).isEqualTo(rows.get(4).model().nal()));
        assertThat(AblationLadder.select(ModelConfig.DEFAULT, "v2", "no-sequence")).extracting(AblationRow::name)
                .containsExactly("no-sequence", "v2");
    }

    @Test
    void tinyRunTrainsEveryRowAndWritesReports() throws Exception {
        long seed = Seeds.seed(11);
        SmallLogs.Log log = SmallLogs.random(seed, 6, 12, 200);
        // short sequences keep the run fast: 16 LL + 8 + 8 RT + 8 imp = 40 tokens
        ExampleBuilderConfig builder = ExampleBuilderConfig.DEFAULT.withSplitTimeMs(log.splitTime(0.3)).withSnapshotId("tiny-" + seed)
                .withSelection(new SelectionConfig(16, 8, 8, 8, SelectionRule.NEAREST));
        AblationData data = AblationData.ofEvents(() -> EventSources.of(log.events()), log.items(), builder);
        ModelConfig base = TestConfigs.seq(TestConfigs.mlp(32, 16), 40);
        List<AblationRow> rows = AblationLadder.select(base, "no-sequence", "v2");
        AblationBudget budget = AblationBudget.defaults()
                .withTrainer(TrainerConfig.defaults().withBatchSize(16).withLearningRate(3e-3f).withWarmupSteps(2))
                .withMaxSteps(4).withEvalEverySteps(2);
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        Path run = tmp.resolve("run");
        long t0 = System.nanoTime();
        AblationResult r = new AblationRunner(new PrintStream(progress, true, StandardCharsets.UTF_8), "test")
                .run(data, run, rows, seed, budget);
        double seconds = (System.nanoTime() - t0) / 1e9;

        assertThat(r.rows()).extracting(AblationResult.RowResult::name).containsExactly("no-sequence", "v2");
        assertThat(r.baselineRow()).isEqualTo("no-sequence");
        assertThat(r.snapshotId()).isEqualTo("tiny-" + seed);
        assertThat(run.resolve("examples-nearest/eval.lvx")).isRegularFile();
        for (AblationResult.RowResult row : r.rows()) {
            assertThat(row.stepLoss()).hasSize(4).allSatisfy(l -> assertThat(l).isFinite());
            assertThat(row.history()).extracting(AblationResult.EvalPoint::step).containsExactly(2, 4);
            assertThat(row.metrics().keySet()).containsExactly("click", "save", "hide");
            assertThat(row.metrics().get("click").examples()).as("seed " + seed).isGreaterThan(20);
        }
        // every row trains on the same requests and candidates; lifts are relative to no-sequence, so its own is 0
        assertThat(r.rows().get(1).trainExamples()).isEqualTo(r.rows().get(0).trainExamples()).isPositive(); // streamed: from the footer
        double own = r.rows().get(0).hitAt3Lift().get("click");
        assertThat(Double.isNaN(own) || own == 0.0).isTrue();

        AblationReport.write(r, run, new PrintStream(OutputStreamNull.INSTANCE, true, StandardCharsets.UTF_8));
        assertThat(Files.readString(run.resolve("report.md"))).contains("| no-sequence | nearest |", "| v2 | nearest |");
        String html = Files.readString(run.resolve("report.html"));
        assertThat(html.split("<svg", -1)).hasSize(1 + 2 * 2);
        String p = progress.toString(StandardCharsets.UTF_8);
        assertThat(p).contains("[ablation 1/2] no-sequence", "[ablation 2/2] v2", "built NEAREST examples");
        System.out.printf("ablation tiny run: 2 rows in %.1f s%n%s", seconds, p);
    }

    @Test
    void itemStatisticsWidenTheDenseInputAndTheCheckpointNamesThem() throws Exception {
        long seed = Seeds.seed(14);
        SmallLogs.Log log = SmallLogs.random(seed, 6, 12, 200);
        ExampleBuilderConfig builder = ExampleBuilderConfig.DEFAULT.withSplitTimeMs(log.splitTime(0.3)).withSnapshotId("stats-" + seed)
                .withSelection(new SelectionConfig(16, 8, 8, 8, SelectionRule.NEAREST))
                .withItemFeatures(io.longview.examples.ItemFeatures.STATS);
        AblationData data = AblationData.ofEvents(() -> EventSources.of(log.events()), log.items(), builder);
        AblationBudget budget = AblationBudget.defaults()
                .withTrainer(TrainerConfig.defaults().withBatchSize(16).withLearningRate(3e-3f).withWarmupSteps(2))
                .withMaxSteps(3).withEvalEverySteps(0);
        Path run = tmp.resolve("run-stats");
        AblationResult r = new AblationRunner(new PrintStream(OutputStreamNull.INSTANCE, true, StandardCharsets.UTF_8), "test")
                .run(data, run, AblationLadder.select(TestConfigs.seq(TestConfigs.mlp(16), 40), "no-sequence", "v2"), seed, budget);
        assertThat(run.resolve("examples-nearest").resolve(io.longview.examples.ItemFeatureFile.FILE_NAME)).isRegularFile();
        for (AblationResult.RowResult row : r.rows()) {
            assertThat(row.stepLoss()).allSatisfy(l -> assertThat(l).isFinite());
            var c = io.longview.core.checkpoint.CheckpointReader.read(java.nio.file.Path.of(row.checkpoint())).config();
            assertThat(c.denseDim()).isEqualTo(io.longview.core.model.DenseFeatures.DIM + io.longview.core.model.ItemStatistics.DIM);
            assertThat(c.denseFeatures().subList(io.longview.core.model.DenseFeatures.DIM, c.denseDim()))
                    .isEqualTo(io.longview.core.model.ItemStatistics.FEATURE_NAMES);
            try (var engine = io.longview.kernels.engine.RankingEngine.load(java.nio.file.Path.of(row.checkpoint()), new io.longview.kernels.engine.EngineOptions(1))) {
                assertThat(engine.needsItemFeatures()).isTrue();
            }
        }
    }

    @Test
    void severalSeedsShareTheExamplesAndTrainIntoTheirOwnFolders() {
        long seed = Seeds.seed(14);
        SmallLogs.Log log = SmallLogs.random(seed, 6, 12, 200);
        ExampleBuilderConfig builder = ExampleBuilderConfig.DEFAULT.withSplitTimeMs(log.splitTime(0.3))
                .withSelection(new SelectionConfig(16, 8, 8, 8, SelectionRule.NEAREST));
        AblationData data = AblationData.ofEvents(() -> EventSources.of(log.events()), log.items(), builder);
        List<AblationRow> rows = AblationLadder.select(TestConfigs.seq(TestConfigs.mlp(16), 40), "no-sequence");
        AblationBudget budget = AblationBudget.defaults()
                .withTrainer(TrainerConfig.defaults().withBatchSize(16).withWarmupSteps(1).withLogEverySteps(0)).withMaxSteps(2);
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        Path run = tmp.resolve("seeds");
        List<AblationResult> results = new AblationRunner(new PrintStream(progress, true, StandardCharsets.UTF_8), "test")
                .runSeeds(data, run, rows, List.of(5L, 6L), budget);

        assertThat(results).extracting(AblationResult::seed).containsExactly(5L, 6L);
        assertThat(progress.toString(StandardCharsets.UTF_8).split("built NEAREST examples", -1)).hasSize(2);  // built once
        assertThat(run.resolve("examples-nearest/train.lvx")).isRegularFile();
        assertThat(run.resolve("seed-5/rows/no-sequence/last.lvck")).isRegularFile();
        assertThat(run.resolve("seed-6/rows/no-sequence/last.lvck")).isRegularFile();
        assertThat(results.get(0).rows().get(0).stepLoss()).isNotEqualTo(results.get(1).rows().get(0).stepLoss());
        assertThat(results.get(0).rows().get(0).examplesDir()).isEqualTo(results.get(1).rows().get(0).examplesDir());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new AblationRunner(new PrintStream(progress), "test")
                .runSeeds(data, run, rows, List.of(5L, 5L), budget)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void extraExampleSetsAreBuiltWithTheirSelectionRule() {
        long seed = Seeds.seed(12);
        SmallLogs.Log log = SmallLogs.random(seed, 4, 8, 100);
        ExampleBuilderConfig builder = ExampleBuilderConfig.DEFAULT.withSplitTimeMs(log.splitTime(0.3));
        AblationData data = AblationData.ofEvents(() -> EventSources.of(log.events()), log.items(), builder);
        PrintStream quiet = new PrintStream(OutputStreamNull.INSTANCE, true, StandardCharsets.UTF_8);
        for (SelectionRule rule : List.of(SelectionRule.RANDOM, SelectionRule.MOST_RECENT)) {
            Path dir = data.examplesFor(rule, tmp, quiet);
            assertThat(dir).isEqualTo(tmp.resolve(rule == SelectionRule.RANDOM ? "examples-random" : "examples-most-recent"));
            assertThat(AblationRunner.ruleOf(dir.resolve("train.lvx"))).isEqualTo(rule);
            assertThat(AblationRunner.ruleOf(dir.resolve("eval.lvx"))).isEqualTo(rule);
        }
        Path pre = tmp.resolve("examples-random");
        assertThat(AblationData.ofExamples(java.util.Map.of(SelectionRule.RANDOM, pre)).examplesFor(SelectionRule.RANDOM, tmp, quiet))
                .isEqualTo(pre);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AblationData.ofExamples(java.util.Map.of())
                .examplesFor(SelectionRule.NEAREST, tmp, quiet)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void datasetDirectoryReusesMatchingNearestExamplesOnly() throws Exception {
        long seed = Seeds.seed(13);
        SmallLogs.Log log = SmallLogs.random(seed, 4, 8, 100);
        Path ds = tmp.resolve("ds");
        Files.createDirectories(ds);
        try (EventLogWriter w = new EventLogWriter(ds.resolve("events.csv"))) {
            log.events().stream().sorted(java.util.Comparator.comparingLong(io.longview.core.model.Event::timestampMs)).forEach(w::write);
        }
        try (ItemFileWriter w = new ItemFileWriter(ds.resolve("items.csv"))) {
            float[] e = new float[32];
            for (long id : log.items().ids()) {
                log.items().copy(id, e, 0);
                w.write(id, e);
            }
        }
        long split = log.splitTime(0.3);
        new DatasetManifest(DatasetManifest.FORMAT_VERSION, "tiny", "test", 4, 100, log.events().size(), 0, split + 1, split,
                "generated", seed, "snap-tiny", null).write(ds.resolve("dataset.json"));
        AblationData fresh = AblationData.fromDataset(ds);
        assertThat(fresh.prebuilt()).isEmpty();
        assertThat(fresh.builder().snapshotId()).isEqualTo("snap-tiny");
        PrintStream quiet = new PrintStream(OutputStreamNull.INSTANCE, true, StandardCharsets.UTF_8);
        Path built = fresh.examplesFor(SelectionRule.NEAREST, ds.resolve("run"), quiet);
        Files.move(built, ds.resolve("examples"));
        assertThat(AblationData.fromDataset(ds).prebuilt()).containsEntry(SelectionRule.NEAREST, ds.resolve("examples"));
        // examples built with another split are not the ladder's data: they are rebuilt instead
        new DatasetManifest(DatasetManifest.FORMAT_VERSION, "tiny", "test", 4, 100, log.events().size(), 0, split + 1, split - 1,
                "generated", seed, "snap-tiny", null).write(ds.resolve("dataset.json"));
        assertThat(AblationData.fromDataset(ds).prebuilt()).isEmpty();
    }

    private static final class OutputStreamNull extends java.io.OutputStream {
        static final OutputStreamNull INSTANCE = new OutputStreamNull();

        @Override
        public void write(int b) {
        }
    }
}
