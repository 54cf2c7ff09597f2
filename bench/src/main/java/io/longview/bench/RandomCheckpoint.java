package io.longview.bench;

import io.longview.core.checkpoint.Checkpoint;
import io.longview.core.checkpoint.ModelConfig;
import io.longview.core.checkpoint.Provenance;

import java.time.Instant;

/**
 * A checkpoint of seeded random weights for benchmarks: embeddings N(0, 0.3²), matrices Glorot-normal
 * (σ = √(2 / (in + out))), biases N(0, 0.1²). The scores mean nothing; every path computes the same ones.
 */
public final class RandomCheckpoint {
    private RandomCheckpoint() {
    }

    public static Checkpoint of(ModelConfig config, long seed) {
        return io.longview.core.checkpoint.RandomWeights.checkpoint(config, seed, Provenance.of("random-weights", seed, "bench", Instant.EPOCH, 0));
    }
}
