package io.longview.core.checkpoint;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Checkpoints of seeded random weights, for tests, benchmarks and demos (the scores mean nothing, but every engine
 * computes the same ones): embeddings ({@code E_*}) N(0, 0.3²), matrices Glorot-normal (σ = √(2 / (in + out))),
 * biases N(0, 0.1²), drawn tensor by tensor in {@link ModelConfig#tensorSpecs()} order from one
 * {@link SplittableRandom}, so a (config, seed) pair always gives the same weights.
 */
public final class RandomWeights {
    private RandomWeights() {
    }

    /** A checkpoint of {@code config} with random weights from {@code seed} and the given provenance. */
    public static Checkpoint checkpoint(ModelConfig config, long seed, Provenance provenance) {
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
        return Checkpoint.of(config, provenance, tensors);
    }

    /** {@link #checkpoint(ModelConfig, long, Provenance)} with provenance {@code random-weights}, the seed, epoch 0. */
    public static Checkpoint checkpoint(ModelConfig config, long seed) {
        return checkpoint(config, seed, Provenance.of("random-weights", seed, "random", Instant.EPOCH, 0));
    }
}
