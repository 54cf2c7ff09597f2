package io.longview.bench;

import io.longview.core.checkpoint.Checkpoint;
import io.longview.core.checkpoint.ModelConfig;
import io.longview.core.checkpoint.Provenance;
import io.longview.core.checkpoint.Tensor;
import io.longview.core.checkpoint.TensorSpec;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A checkpoint of seeded random weights for benchmarks: embeddings N(0, 0.3²), matrices Glorot-normal
 * (σ = √(2 / (in + out))), biases N(0, 0.1²). The scores mean nothing; every path computes the same ones.
 */
public final class RandomCheckpoint {
    private RandomCheckpoint() {
    }

    public static Checkpoint of(ModelConfig config, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Tensor> tensors = new ArrayList<>();
        for (TensorSpec s : config.tensorSpecs()) {
            int[] shape = s.shape();
            double std = s.name().startsWith("E_") ? 0.3 : shape.length == 1 ? 0.1 : Math.sqrt(2.0 / (shape[0] + shape[1]));
            float[] v = new float[s.count()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (rnd.nextGaussian() * std);
            }
            tensors.add(new Tensor(s.name(), shape, v));
        }
        return Checkpoint.of(config, Provenance.of("random-weights", seed, "bench", Instant.EPOCH, 0), tensors);
    }
}
