package io.longview.train;

import io.longview.core.checkpoint.ModelConfig;
import io.longview.core.checkpoint.NalNegatives;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.longview.core.testing.Seeds;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** Gradients flow through every parameter, a tiny batch can be memorized, and steps leak no arrays. */
class TrainingStepTest {

    static Batch randomBatch(ModelConfig config, int size, SplittableRandom rng) {
        Batch b = Batch.allocate(config, size, 4);
        int t = config.seqLength();
        int e = config.dEmb();
        for (int row = 0; row < size; row++) {
            int n = rng.nextInt(t + 1);
            b.lengths()[row] = n;
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < e; k++) {
                    b.tokens()[(row * t + i) * e + k] = (float) rng.nextDouble(-0.6, 0.6);
                }
                b.actions()[row * t + i] = (byte) new int[]{1, 2, 3, 4, 8}[rng.nextInt(5)];
                b.surfaces()[row * t + i] = rng.nextInt(config.surfaces());
            }
            for (int k = 0; k < e; k++) {
                b.candidates()[row * e + k] = (float) rng.nextDouble(-0.6, 0.6);
            }
            for (int k = 0; k < config.denseDim(); k++) {
                b.dense()[row * config.denseDim() + k] = (float) rng.nextDouble();
            }
            for (int h = 0; h < b.heads(); h++) {
                b.labels()[row * b.heads() + h] = rng.nextBoolean() ? 1 : 0;
            }
            b.negativeCounts()[row] = rng.nextInt(5);
            for (int j = 0; j < b.negativeCounts()[row] * e; j++) {
                b.negatives()[row * 4 * e + j] = (float) rng.nextDouble(-0.6, 0.6);
            }
            b.userIds()[row] = row;
        }
        return b;
    }

    @Test
    void memorizesATinyBatch() {
        long seed = Seeds.seed(42);
        ModelConfig config = TestConfigs.nal(TestConfigs.seq(TestConfigs.mlp(32, 16), 24), 0.01, NalNegatives.IMPRESSIONS, 4);
        Batch batch = randomBatch(config, 8, Seeds.random(seed));
        try (TransActModel model = new TransActModel(config, seed)) {
            Optimizer adamW = Optimizer.adamW().optLearningRateTracker(Tracker.fixed(3e-3f)).optWeightDecays(0f).build();
            int arraysBefore = -1;
            float first = Float.NaN;
            float last = Float.NaN;
            for (int s = 0; s < 200; s++) {
                float l = step(model, batch, adamW, s == 0);
                if (s == 0) {
                    first = l;
                }
                if (s == 1) {
                    arraysBefore = model.manager().getManagedArrays().size();
                }
                last = l;
            }
            assertThat(model.manager().getManagedArrays().size()).as("arrays in the model's manager")
                    .isEqualTo(arraysBefore);
            assertThat(first).as("seed " + seed).isGreaterThan(1.5f);
            System.out.printf("memorize: loss %.4f -> %.4f after 200 steps%n", first, last);
            assertThat(last).as("seed " + seed + ", first loss " + first).isLessThan(0.05f);
        }
    }

    @Test
    void noSequenceRankerHasOnlyRankerParameters() {
        ModelConfig config = TestConfigs.noSequence(TestConfigs.seq(ModelConfig.DEFAULT, 8));
        Batch batch = randomBatch(config, 4, Seeds.random(3));
        try (TransActModel model = new TransActModel(config, 3)) {
            assertThat(model.parameters().keySet()).noneMatch(n -> n.startsWith("E_") || n.startsWith("layers.") || n.equals("P"));
            assertThat(model.parameters().get("cross.0.W").getShape().get(0)).isEqualTo(32 + 5);
            Optimizer adamW = Optimizer.adamW().optLearningRateTracker(Tracker.fixed(1e-3f)).build();
            float l = step(model, batch, adamW, true);
            assertThat(l).isFinite().isPositive();
            try (NDManager s = model.manager().newSubManager()) {
                assertThat(model.forward(s, batch).encoderOutput()).isNull();
            }
        }
    }

    @Test
    void inBatchNegativesTrainThroughTheTrainer() {
        ModelConfig config = TestConfigs.nal(TestConfigs.seq(TestConfigs.mlp(16), 16), 1.0, NalNegatives.IN_BATCH, 4);
        Batch batch = randomBatch(config, 6, Seeds.random(4));
        try (TransActModel model = new TransActModel(config, 4)) {
            Trainer trainer = new Trainer(model, TrainerConfig.defaults());
            Optimizer adamW = Optimizer.adamW().optLearningRateTracker(Tracker.fixed(1e-3f)).build();
            float before = model.parameterValues("P")[0];
            assertThat(trainer.step(batch, adamW)).isFinite().isPositive();
            assertThat(batch.negativeCounts()).containsOnly(4);
            assertThat(model.parameterValues("P")[0]).isNotEqualTo(before);
        }
    }

    static float step(TransActModel model, Batch batch, Optimizer opt, boolean checkGradients) {
        float value;
        try (NDManager step = model.manager().newSubManager();
             GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            ForwardOutput out = model.forward(step, batch);
            NDArray l = Losses.total(step, model, out, batch);
            gc.backward(l);
            value = l.getFloat();
        }
        for (Map.Entry<String, NDArray> p : model.parameters().entrySet()) {
            try (NDArray g = p.getValue().getGradient()) {
                if (checkGradients) {
                    try (NDArray a = g.abs(); NDArray sum = a.sum()) {
                        assertThat(sum.getFloat()).as("gradient of " + p.getKey()).isPositive();
                    }
                }
                opt.update(p.getKey(), p.getValue(), g);
                g.subi(g);
            }
        }
        return value;
    }
}
