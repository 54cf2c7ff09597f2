package io.longview.core.checkpoint;

import io.longview.core.select.SelectionConfig;
import io.longview.core.select.SelectionRule;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Checkpoints for tests, among them the one behind the golden file {@code checkpoint/tiny-v1.lvck}. Its values follow
 * a closed form ({@link #closedForm}), so a test can check every value without a second file. Regenerate (only for a
 * new format version, as a new file) with {@code main(path)}.
 */
final class TestCheckpoints {
    static final String GOLDEN_V1 = "/checkpoint/tiny-v1.lvck";

    private TestCheckpoints() {
    }

    /** A tiny configuration touching every option: 2 heads, 2 dense features, MLP (6, 4), one layer and cross layer. */
    static ModelConfig tinyConfig() {
        return ModelConfig.builder().dEmb(4).dFf(3).layers(1).seqLength(6).heads(List.of("click", "hide"))
                .headWeights(List.of(1.0, 0.5)).denseFeatures(List.of("log_realtime_length", "hour_of_day"))
                .mlp(List.of(6, 4)).crossLayers(1).surfaces(4).layerNormEps(1e-5).quantizerClip(0.65f)
                .selection(new SelectionConfig(2, 1, 1, 1, SelectionRule.MOST_RECENT))
                .nal(new NalConfig(0.25, NalNegatives.IN_BATCH, 3)).build();
    }

    static Provenance tinyProvenance() {
        return new Provenance("examples-tiny.lvex@crc32c:0badf00d", 42, "v0.1.0-test", Instant.parse("2026-11-25T19:00:00Z"), 1234,
                Map.of("learning_rate", "0.001", "comment", "golden file: line one\nline two\twith a tab, a \\ and ünïcode = fine"));
    }

    /** Value {@code i} of tensor number {@code t}: exactly representable, distinct across tensors. */
    static float closedForm(int t, int i) {
        return ((i * 7 + t * 13) % 101 - 50) / 64f;
    }

    static Checkpoint tinyCheckpoint() {
        ModelConfig c = tinyConfig();
        List<Tensor> tensors = new ArrayList<>();
        List<TensorSpec> specs = c.tensorSpecs();
        for (int t = 0; t < specs.size(); t++) {
            float[] v = new float[specs.get(t).count()];
            for (int i = 0; i < v.length; i++) {
                v[i] = closedForm(t, i);
            }
            tensors.add(new Tensor(specs.get(t).name(), specs.get(t).shape(), v));
        }
        return Checkpoint.of(c, tinyProvenance(), tensors);
    }

    /** Gaussian weights for any configuration. */
    static Checkpoint random(ModelConfig c, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Tensor> tensors = new ArrayList<>();
        for (TensorSpec s : c.tensorSpecs()) {
            float[] v = new float[s.count()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (rnd.nextGaussian() * 0.1);
            }
            tensors.add(new Tensor(s.name(), s.shape(), v));
        }
        return Checkpoint.of(c, Provenance.of("random", seed, "test", Instant.parse("2026-01-01T00:00:00.123456789Z"), 0), tensors);
    }

    public static void main(String[] args) {
        CheckpointWriter.write(tinyCheckpoint(), Path.of(args[0]));
    }
}
