package io.longview.export.onnx;

import io.longview.core.checkpoint.Checkpoint;
import io.longview.core.checkpoint.ModelConfig;
import io.longview.core.checkpoint.Provenance;
import io.longview.core.checkpoint.Tensor;
import io.longview.core.checkpoint.TensorSpec;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Seeded Gaussian checkpoints for any configuration (embeddings σ 0.3, matrices Glorot, biases σ 0.1). */
final class RandomCheckpoints {
    private RandomCheckpoints() {
    }

    static Checkpoint random(ModelConfig c, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Tensor> tensors = new ArrayList<>();
        for (TensorSpec s : c.tensorSpecs()) {
            int[] shape = s.shape();
            double std = s.name().startsWith("E_") ? 0.3 : shape.length == 1 ? 0.1 : Math.sqrt(2.0 / (shape[0] + shape[1]));
            float[] v = new float[s.count()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (rnd.nextGaussian() * std);
            }
            tensors.add(new Tensor(s.name(), shape, v));
        }
        return Checkpoint.of(c, Provenance.of("random", seed, "test", Instant.parse("2026-01-01T00:00:00Z"), 0), tensors);
    }
}
