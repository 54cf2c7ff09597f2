package io.longview.train;

import io.longview.core.checkpoint.ModelConfig;
import io.longview.core.checkpoint.Checkpoint;
import io.longview.core.checkpoint.CheckpointReader;
import io.longview.core.testing.Seeds;
import io.longview.examples.ExampleReader;
import io.longview.examples.RequestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The trainer's loop: exact resume, the non-finite-loss stop, evaluation with early stopping, progress, the time-window mask. */
class TrainerLoopTest {
    static final ModelConfig SMALL = TestConfigs.mlp(32, 16);

    @TempDir
    Path tmp;

    @Test
    void resumedRunMatchesAnUninterruptedOneBitForBit() {
        long seed = Seeds.seed(21);
        Path file = SmallLogs.random(seed, 4, 10, 200).build(tmp.resolve("ex"));
        int n = 4;
        TrainerConfig tc = TrainerConfig.defaults().withBatchSize(32).withEpochs(2).withLearningRate(3e-3f)
                .withWarmupSteps(2).withSeed(seed).withTimeWindowMask(true).withLogEverySteps(0);
        Path run = tmp.resolve("run");
        try (TransActModel straight = new TransActModel(SMALL, seed);
             TransActModel resumed = new TransActModel(SMALL, seed + 1)) {  // other init: the state must overwrite it
            new Trainer(straight, tc.withMaxSteps(n + 1)).train(file, null, null);
            try (TransActModel first = new TransActModel(SMALL, seed)) {
                TrainingReport r = new Trainer(first, tc.withMaxSteps(n)).train(file, null, run);
                assertThat(r.steps()).isEqualTo(n);
            }
            assertThat(run.resolve(Trainer.STATE_FILE)).exists();
            assertThat(run.resolve("last.lvck")).exists();
            Trainer t = new Trainer(resumed, tc.withMaxSteps(n + 1)).resume(run);
            assertThat(t.stepsTaken()).isEqualTo(n);
            TrainingReport r = t.train(file, null, null);
            assertThat(r.steps()).isEqualTo(n + 1);
            // the host AdamW replaces each parameter by a fresh array every step: nothing piles up in the model's manager
            assertThat(resumed.manager().getManagedArrays().size())
                    .isEqualTo(straight.manager().getManagedArrays().size())
                    .isLessThanOrEqualTo(2 * straight.parameters().size());
            for (String name : straight.parameters().keySet()) {
                assertThat(resumed.parameterValues(name)).as("seed " + seed + ", " + name)
                        .isEqualTo(straight.parameterValues(name));
            }
        }
    }

    @Test
    void nonFiniteLossStopsWithTheStepThePartsAndTheRate() {
        long seed = Seeds.seed(22);
        Path file = SmallLogs.random(seed, 4, 10, 200).build(tmp.resolve("ex"));
        TrainerConfig tc = TrainerConfig.defaults().withBatchSize(16).withLearningRate(1e30f).withWarmupSteps(0)
                .withSeed(seed).withLogEverySteps(0);
        try (TransActModel model = new TransActModel(SMALL, seed)) {
            assertThatThrownBy(() -> new Trainer(model, tc).train(file))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageMatching("(?s)loss is (NaN|Infinity|-Infinity) at step \\d+ \\(bce: .*, nal: .*\\); "
                            + "lower the learning rate \\(now \\d\\.\\d\\de\\+\\d\\d\\) or check the input.*");
        }
    }

    @Test
    void evaluatesPeriodicallyKeepsTheBestAndLogsProgress() throws Exception {
        long seed = Seeds.seed(23);
        Path file = SmallLogs.random(seed, 4, 10, 200).build(tmp.resolve("ex"));
        Path run = tmp.resolve("run");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TrainerConfig tc = TrainerConfig.defaults().withBatchSize(32).withEpochs(3).withLearningRate(3e-3f)
                .withWarmupSteps(2).withSeed(seed).withLogEverySteps(2).withEvalEverySteps(3)
                .withEarlyStopping(null, 1);
        try (TransActModel model = new TransActModel(SMALL, seed)) {
            TrainingReport r = new Trainer(model, tc).withLog(new PrintStream(bytes, true, StandardCharsets.UTF_8))
                    .train(file, file, run);
            assertThat(r.metric()).isEqualTo("save:hit3");
            assertThat(r.history()).isNotEmpty();
            for (TrainingReport.EvalPoint p : r.history()) {
                assertThat(p.step() % 3).isZero();
                assertThat(p.heads()).containsOnlyKeys("click", "save", "hide");
                assertThat(p.trainLoss()).isFinite();
            }
            double best = r.history().stream().mapToDouble(p -> p.heads().get("save").hitAt3()).max().orElseThrow();
            assertThat(r.bestValue()).isEqualTo(best);
            assertThat(run.resolve("best.lvck")).exists();
            assertThat(run.resolve(Trainer.STATE_FILE)).exists();
            if (r.stoppedEarly()) {                          // the best weights are back in the model
                Checkpoint b = CheckpointReader.read(run.resolve("best.lvck"));
                for (String name : model.parameters().keySet()) {
                    assertThat(model.parameterValues(name)).isEqualTo(b.values(name));
                }
            }
            System.out.printf("trainer loop: %d steps, best %s %.4f at step %d, stopped early %s%n", r.steps(),
                    r.metric(), r.bestValue(), r.bestStep(), r.stoppedEarly());
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).containsPattern("step 2/\\d+ +epoch 1/3 +loss \\d\\.\\d{4} \\(epoch avg \\d\\.\\d{4}\\) +[\\d,]+ ex/s +lr ");
        assertThat(out).contains("eval at step 3: save:hit3 = ");
    }

    @Test
    void timeWindowMaskedTokensDoNotReachTheOutputs() {
        long seed = Seeds.seed(24);
        Path file = SmallLogs.random(seed, 3, 12, 200).build(tmp.resolve("ex"));
        java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
        int removed = 0;
        int kept = 0;
        try (ExampleReader reader = ExampleReader.open(file);
             TransActModel model = new TransActModel(SMALL, seed)) {
            ExampleBatcher batcher = new ExampleBatcher(SMALL, reader.header());
            while (reader.hasNext()) {
                RequestRecord r = reader.next();
                for (int j = 0; j < r.candidateCount(); j++) {
                    long window = TimeWindowMask.drawWindowMs(rng);
                    long cutoff = r.requestTimeMs() - window;
                    Batch a = Batch.allocate(SMALL, 1, 16);
                    Batch b = Batch.allocate(SMALL, 1, 16);
                    batcher.put(a, 0, r, j);
                    batcher.put(b, 0, r, j);
                    int expected = 0;
                    for (int k = 0; k < r.selectedCount(j); k++) {   // every part is kept: position k is selected token k
                        int i = r.selectedToken(j, k);
                        if (r.tokenTimestamp(i) > cutoff) {
                            for (int d = 0; d < 32; d++) {
                                b.tokens()[k * 32 + d] = (float) rng.nextDouble(-5, 5);
                            }
                            b.actions()[k] = (byte) (1 + rng.nextInt(15));
                            b.surfaces()[k] = rng.nextInt(SMALL.surfaces());
                        } else {
                            expected++;
                        }
                    }
                    int gone = TimeWindowMask.apply(a, 0, r, j, SMALL, window);
                    TimeWindowMask.apply(b, 0, r, j, SMALL, window);
                    assertThat(a.lengths()[0]).isEqualTo(expected);
                    assertThat(gone).isEqualTo(r.selectedCount(j) - expected);
                    removed += gone;
                    kept += expected;
                    try (ai.djl.ndarray.NDManager step = model.manager().newSubManager()) {
                        float[] pa = model.forward(step, a).probabilities().toFloatArray();
                        float[] pb = model.forward(step, b).probabilities().toFloatArray();
                        assertThat(pb).as("seed " + seed).isEqualTo(pa);
                    }
                }
            }
        }
        assertThat(removed).as("seed " + seed).isPositive();
        assertThat(kept).as("seed " + seed).isPositive();
    }
}
