package io.longview.train;

import io.longview.core.checkpoint.ModelConfig;
import io.longview.core.checkpoint.NalConfig;
import io.longview.core.checkpoint.NalNegatives;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.longview.core.testing.TestData;
import io.longview.train.fused.FusedTransAct;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static io.longview.train.Close.assertAllClose;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fused Java trainer's loss and the gradient of every parameter against DJL autograd on the same batch (an empty
 * sequence, a one-token sequence, padding, partial negatives; NAL off, impression and in-batch negatives; one and
 * three threads), against the float64 finite differences of {@code golden/gradients.json}, and bit-identical
 * results for the same thread count.
 */
class FusedTransActTest {
    static final ModelConfig SMALL = TestConfigs.seq(TestConfigs.mlp(32, 16), 40);
    static final int[] LENGTHS = {0, 1, 5, 40, 13, 7, 33};

    /** A batch with random content; lengths as given (so padding and an empty sequence), some negatives missing. */
    static Batch randomBatch(ModelConfig c, int[] lengths, int maxNeg, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Batch b = Batch.allocate(c, lengths.length, maxNeg);
        int t = c.seqLength();
        int e = c.dEmb();
        for (int i = 0; i < lengths.length; i++) {
            b.lengths()[i] = lengths[i];
            for (int j = 0; j < t; j++) {
                for (int k = 0; k < e; k++) {
                    b.tokens()[(i * t + j) * e + k] = (float) (rng.nextDouble(-0.65, 0.65));
                }
                b.actions()[i * t + j] = (byte) (rng.nextInt(16));
                b.surfaces()[i * t + j] = rng.nextInt(c.surfaces());
            }
            for (int k = 0; k < e; k++) {
                b.candidates()[i * e + k] = (float) rng.nextGaussian() * 0.2f;
            }
            for (int k = 0; k < c.denseDim(); k++) {
                b.dense()[i * c.denseDim() + k] = (float) rng.nextDouble(0, 3);
            }
            for (int h = 0; h < b.heads(); h++) {
                b.labels()[i * b.heads() + h] = rng.nextInt(3) == 0 ? 1f : 0f;
            }
            int n = i % 3 == 0 ? maxNeg : rng.nextInt(maxNeg + 1);
            b.negativeCounts()[i] = n;
            for (int k = 0; k < maxNeg * e; k++) {
                b.negatives()[i * maxNeg * e + k] = (float) rng.nextDouble(-0.65, 0.65);
            }
            b.userIds()[i] = i % 4;
        }
        return b;
    }

    /** Initial weights with nonzero biases, so that every bias path matters. */
    static Map<String, float[]> weights(ModelConfig c, long seed) {
        Map<String, float[]> w = TransActModel.initialWeights(c, seed);
        SplittableRandom rng = new SplittableRandom(seed + 1);
        for (Map.Entry<String, float[]> e : w.entrySet()) {
            if (e.getKey().startsWith("b_") || e.getKey().endsWith(".b")) {
                float[] v = e.getValue();
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) rng.nextGaussian() * 0.1f;
                }
            }
        }
        return w;
    }

    /** DJL's loss and gradients of every parameter (the trainer's path: forward, Losses, backward). */
    static float djl(TransActModel model, Batch batch, Map<String, float[]> grads) {
        try (NDManager step = model.manager().newSubManager();
             GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            ForwardOutput out = model.forward(step, batch);
            NDArray loss = Losses.total(step, model, out, batch);
            float value = loss.getFloat();
            gc.backward(loss);
            for (Map.Entry<String, NDArray> p : model.parameters().entrySet()) {
                try (NDArray g = p.getValue().getGradient()) {
                    grads.put(p.getKey(), g.toFloatArray());
                    g.subi(g);
                }
            }
            return value;
        }
    }

    static void assertGradientsClose(String what, Map<String, float[]> actual, Map<String, float[]> expected) {
        assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
        for (String name : expected.keySet()) {
            float[] e = expected.get(name);
            double max = 0;
            for (float v : e) {
                max = Math.max(max, Math.abs(v));
            }
            double[] ed = new double[e.length];
            for (int i = 0; i < e.length; i++) {
                ed[i] = e[i];
            }
            // float32 against float32 in another summation order: relative to the tensor's scale
            assertAllClose(what + " d" + name, actual.get(name), ed, 2e-3, 2e-4 * max + 1e-7);
        }
    }

    @Test
    void everyGradientMatchesDjl() {
        Map<String, float[]> w = weights(SMALL, 7);
        ModelConfig weighted = SMALL.toBuilder().headWeights(List.of(1.0, 0.5, 2.0)).build();
        // the Next Action Loss off, from impressions, in-batch
        List<NalConfig> modes = List.of(NalConfig.OFF, new NalConfig(0.3, NalNegatives.IMPRESSIONS, 6),
                new NalConfig(0.3, NalNegatives.IN_BATCH, 6));
        for (NalConfig mode : modes) {
            ModelConfig c = weighted.toBuilder().nal(mode).build();
            try (TransActModel model = new TransActModel(c, w);
                 FusedTransAct one = new FusedTransAct(c, 1);
                 FusedTransAct three = new FusedTransAct(c, 3)) {
                Batch batch = randomBatch(c, LENGTHS, 6, 11);
                if (mode.enabled() && mode.negatives() == NalNegatives.IN_BATCH) {
                    InBatchNegatives.fill(batch);
                }
                Map<String, float[]> expected = new LinkedHashMap<>();
                float djlLoss = djl(model, batch, expected);
                for (FusedTransAct engine : List.of(one, three)) {
                    FusedTransAct.Step s = engine.forwardBackward(w, batch);
                    String what = (mode.enabled() ? mode.negatives() : "NAL off") + ", " + engine.threads() + " threads";
                    assertAllClose(what + " loss", new float[]{s.loss()}, new double[]{djlLoss}, 1e-5, 1e-6);
                    if (mode.enabled()) {
                        assertThat(s.nal()).as(what + " nal").isGreaterThan(0f);
                    }
                    assertGradientsClose(what, engine.gradients(), expected);
                }
            }
        }
    }

    @Test
    void forwardOnlyProbabilitiesMatchDjl() {
        Map<String, float[]> w = weights(SMALL, 12);
        Batch batch = randomBatch(SMALL, LENGTHS, 4, 13);
        try (TransActModel model = new TransActModel(SMALL, w); FusedTransAct engine = new FusedTransAct(SMALL, 2);
             NDManager step = model.manager().newSubManager()) {
            float[] expected = model.forward(step, batch).probabilities().toFloatArray();
            float[] actual = engine.probabilities(w, batch);
            double[] e = new double[expected.length];
            for (int i = 0; i < e.length; i++) {
                e[i] = expected[i];
            }
            assertAllClose("probabilities", actual, e, 1e-4, 1e-5);
        }
    }

    @Test
    void trimmedBatchGivesTheSameGradients() {
        Map<String, float[]> w = weights(SMALL, 3);
        ModelConfig c = TestConfigs.nal(SMALL, 0.1, NalNegatives.IMPRESSIONS, 4);
        Batch batch = randomBatch(c, new int[]{3, 0, 9, 2}, 4, 5);
        try (FusedTransAct engine = new FusedTransAct(c, 2)) {
            float full = engine.forwardBackward(w, batch).loss();
            Map<String, float[]> g = new LinkedHashMap<>();
            engine.gradients().forEach((k, v) -> g.put(k, v.clone()));
            float trimmed = engine.forwardBackward(w, batch.trimmed()).loss();
            assertThat(trimmed).isEqualTo(full);
            engine.gradients().forEach((k, v) -> assertThat(v).as(k).containsExactly(g.get(k)));
        }
    }

    @Test
    void sameThreadCountSameBits() {
        Map<String, float[]> w = weights(SMALL, 9);
        Batch batch = randomBatch(SMALL, LENGTHS, 16, 2);
        Map<String, float[]> first = new LinkedHashMap<>();
        float loss;
        try (FusedTransAct a = new FusedTransAct(SMALL, 3)) {
            loss = a.forwardBackward(w, batch).loss();
            a.gradients().forEach((k, v) -> first.put(k, v.clone()));
        }
        try (FusedTransAct b = new FusedTransAct(SMALL, 3)) {
            for (int run = 0; run < 2; run++) {
                assertThat(b.forwardBackward(w, batch).loss()).isEqualTo(loss);
                b.gradients().forEach((k, v) -> assertThat(v).as(k).containsExactly(first.get(k)));
            }
        }
    }

    @Test
    void noSequenceRanker() {
        ModelConfig c = TestConfigs.noSequence(SMALL);
        Map<String, float[]> w = weights(c, 4);
        Batch batch = randomBatch(c, new int[]{0, 4, 2}, 16, 8);
        try (TransActModel model = new TransActModel(c, w); FusedTransAct engine = new FusedTransAct(c, 2)) {
            Map<String, float[]> expected = new LinkedHashMap<>();
            float djlLoss = djl(model, batch, expected);
            FusedTransAct.Step s = engine.forwardBackward(w, batch);
            assertAllClose("loss", new float[]{s.loss()}, new double[]{djlLoss}, 1e-5, 1e-6);
            assertGradientsClose("no sequence", engine.gradients(), expected);
        }
    }

    /** golden/gradients.json: float64 central differences of Σ_h BCE and of the NAL on forward.json's case 1. */
    @Test
    void goldenFiniteDifferences() throws IOException {
        Golden golden = Golden.load();
        JsonNode grads = new ObjectMapper().readTree(TestData.golden("gradients.json").toFile());
        int caseIndex = grads.get("case").asInt();
        Map<String, float[]> w = new LinkedHashMap<>();
        try (TransActModel model = new TransActModel(golden.config, 1)) {
            golden.loadWeights(model);
            for (String name : model.parameters().keySet()) {
                w.put(name, model.parameterValues(name));
            }
        }
        Batch batch = Batch.allocate(golden.config, 1, 16);
        golden.fill(batch, 0, golden.cases().get(caseIndex));
        int h = golden.config.heads().size();
        ModelConfig bceOnly = golden.config.toBuilder().headWeights(java.util.Collections.nCopies(h, 1.0)).nal(NalConfig.OFF).build();
        ModelConfig nalOnly = golden.config.toBuilder().headWeights(java.util.Collections.nCopies(h, 0.0))
                .nal(new NalConfig(1, NalNegatives.IMPRESSIONS, 16)).build();
        for (String part : List.of("bce", "nal")) {
            try (FusedTransAct engine = new FusedTransAct(part.equals("bce") ? bceOnly : nalOnly, 1)) {
                FusedTransAct.Step s = engine.forwardBackward(w, batch);
                assertAllClose(part, new float[]{s.loss()}, new double[]{grads.get(part).asDouble()}, 1e-4, 1e-5);
                for (String name : w.keySet()) {
                    JsonNode g = grads.get("gradients").get(name);
                    assertThat(g).as(name + " in gradients.json").isNotNull();
                    double[] expected = Golden.doubles(g.get("grad_" + part));
                    float[] actual = engine.gradients().get(name);
                    // E_pos: the file has the rows of the case's tokens; the rows after them get no gradient
                    assertAllClose(part + " d" + name, java.util.Arrays.copyOf(actual, expected.length), expected, 1e-3, 1e-6);
                    for (int i = expected.length; i < actual.length; i++) {
                        assertThat(actual[i]).as(part + " d" + name + "[" + i + "]").isZero();
                    }
                }
            }
        }
    }
}
