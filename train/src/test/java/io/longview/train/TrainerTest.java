package io.longview.train;

import io.longview.core.checkpoint.ModelConfig;
import io.longview.core.model.DenseFeatures;
import io.longview.core.select.SequencePart;
import io.longview.core.testing.Seeds;
import io.longview.examples.ExampleReader;
import io.longview.examples.RequestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The batch builder against the example file it reads, and a seeded training smoke run. */
class TrainerTest {
    @TempDir
    Path tmp;

    @Test
    void batcherCopiesExamplesFaithfully() {
        long seed = Seeds.seed(5);
        Path file = SmallLogs.random(seed, 4, 12, 200).build(tmp.resolve("ex"));
        ModelConfig all = ModelConfig.DEFAULT;
        ModelConfig rtOnly = TestConfigs.parts(all, EnumSet.of(SequencePart.REALTIME));
        try (ExampleReader reader = ExampleReader.open(file)) {
            float scale = reader.header().quantizerClip() / 127f;
            ExampleBatcher batcher = new ExampleBatcher(all, reader.header());
            ExampleBatcher rtBatcher = new ExampleBatcher(rtOnly, reader.header());
            int checked = 0;
            byte[] q = new byte[32];
            while (reader.hasNext()) {
                RequestRecord r = reader.next();
                for (int j = 0; j < r.candidateCount(); j++) {
                    Batch b = Batch.allocate(all, 2, 16);
                    batcher.put(b, 1, r, j);
                    int n = r.selectedCount(j);
                    assertThat(b.lengths()[1]).isEqualTo(n);
                    for (int k = 0; k < n; k++) {
                        int i = r.selectedToken(j, k);
                        r.tokenEmbedding(i, q, 0);
                        for (int d = 0; d < 32; d++) {
                            assertThat(b.tokens()[(192 + k) * 32 + d]).isEqualTo(q[d] * scale);
                        }
                        assertThat(b.actions()[192 + k]).isEqualTo(r.tokenActions(i));
                        assertThat(b.surfaces()[192 + k]).isEqualTo(r.tokenSurface(i));
                    }
                    assertThat(b.labels()[3]).isEqualTo(r.label(j, io.longview.core.model.Actions.CLICK) ? 1f : 0f);
                    assertThat(b.labels()[4]).isEqualTo(r.label(j, io.longview.core.model.Actions.SAVE) ? 1f : 0f);
                    assertThat(b.labels()[5]).isEqualTo(r.label(j, io.longview.core.model.Actions.HIDE) ? 1f : 0f);
                    assertThat(b.dense()[5]).isEqualTo((float) Math.log1p(r.realtimeCount()));
                    assertThat(b.negativeCounts()[1]).isEqualTo(Math.min(16, r.negativeCount()));
                    assertThat(b.userIds()[1]).isEqualTo(r.userId());
                    assertThat(b.lengths()[0]).isZero();

                    Batch rt = Batch.allocate(rtOnly, 1, 0);
                    rtBatcher.put(rt, 0, r, j);
                    int expectedRt = 0;
                    for (int k = 0; k < n; k++) {
                        if (r.tokenPart(r.selectedToken(j, k)) == SequencePart.REALTIME) {
                            expectedRt++;
                        }
                    }
                    assertThat(rt.lengths()[0]).isEqualTo(expectedRt);
                    checked++;
                }
            }
            assertThat(checked).as("seed " + seed).isGreaterThan(20);
        }
    }

    @Test
    void smokeTrainingIsSeededAndLearns() {
        long seed = Seeds.seed(9);
        Path file = SmallLogs.random(seed, 8, 15, 300).build(tmp.resolve("ex"));
        ModelConfig config = TestConfigs.mlp(32, 16);
        TrainerConfig tc = TrainerConfig.defaults().withBatchSize(32).withEpochs(3).withLearningRate(3e-3f)
                .withWarmupSteps(5).withSeed(seed);
        TrainingReport first;
        TrainingReport second;
        try (TransActModel model = new TransActModel(config, seed)) {
            first = new Trainer(model, tc).train(file);
        }
        try (TransActModel model = new TransActModel(config, seed)) {
            second = new Trainer(model, tc).train(file);
        }
        assertThat(first.examples()).isGreaterThan(3 * 300);
        assertThat(first.epochMeanLoss()).allSatisfy(l -> assertThat(l).isFinite());
        List<Double> l = first.epochMeanLoss();
        assertThat(l.get(l.size() - 1)).as("seed " + seed + ", losses " + l).isLessThan(l.get(0));
        // bit for bit: a drift here once came from DJL freeing scalar operands that autograd still needed (Scalars)
        assertThat(second.epochMeanLoss()).as("same seed, same losses").isEqualTo(first.epochMeanLoss());
        System.out.printf("trainer smoke: %d steps, %d examples, losses %s, %.1f examples/s%n", first.steps(),
                first.examples(), first.epochMeanLoss(), first.examplesPerSecond());
    }

    @Test
    void inBatchNegativesComeFromOtherUsers() {
        ModelConfig c = TestConfigs.seq(ModelConfig.DEFAULT, 4);
        Batch b = Batch.allocate(c, 3, 5);
        b.userIds()[0] = 7;
        b.userIds()[1] = 7;
        b.userIds()[2] = 8;
        b.lengths()[0] = 2;
        b.lengths()[1] = 3;
        b.lengths()[2] = 2;
        for (int row = 0; row < 3; row++) {
            for (int i = 0; i < 4; i++) {
                b.tokens()[(row * 4 + i) * 32] = 10 * row + i;          // first coordinate names (row, token)
            }
        }
        InBatchNegatives.fill(b);
        assertThat(b.negativeCounts()).containsExactly(2, 2, 5);
        assertThat(b.negatives()[0]).isEqualTo(21f);                    // user 7 gets row 2's newest token first
        assertThat(b.negatives()[32]).isEqualTo(20f);
        // user 8: rows 0 and 1, newest first, round robin: 1, 12, 0, 11, 10
        float[] firsts = new float[5];
        for (int j = 0; j < 5; j++) {
            firsts[j] = b.negatives()[(2 * 5 + j) * 32];
        }
        assertThat(firsts).containsExactly(1f, 12f, 0f, 11f, 10f);
    }

    @Test
    void scheduleWarmsUpThenDecays() {
        WarmupCosineSchedule s = new WarmupCosineSchedule(1f, 10, 110, 0.1f);
        assertThat(s.getNewValue(1)).isEqualTo(0.1f);
        assertThat(s.getNewValue(10)).isEqualTo(1f);
        assertThat(s.getNewValue(60)).isCloseTo(0.55f, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(s.getNewValue(110)).isCloseTo(0.1f, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(s.getNewValue(500)).isCloseTo(0.1f, org.assertj.core.data.Offset.offset(1e-6f));
    }

    @Test
    void denseFeaturesUseUtc() {
        float[] f = new float[DenseFeatures.DIM];
        // 2026-11-25T13:30Z is a Wednesday
        DenseFeatures.write(0, 15, 3, java.time.Instant.parse("2026-11-25T13:30:00Z").toEpochMilli(), f, 0);
        assertThat(f).containsExactly(0f, (float) Math.log(16), (float) Math.log(4), 13 / 24f, 2 / 7f);
    }
}
