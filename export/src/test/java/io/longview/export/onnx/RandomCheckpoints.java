package io.longview.export.onnx;

import io.longview.core.checkpoint.Checkpoint;
import io.longview.core.checkpoint.ModelConfig;


/** Seeded Gaussian checkpoints for any configuration (embeddings σ 0.3, matrices Glorot, biases σ 0.1). */
final class RandomCheckpoints {
    private RandomCheckpoints() {
    }

    static Checkpoint random(ModelConfig c, long seed) {
        return io.longview.core.checkpoint.RandomWeights.checkpoint(c, seed);
    }
}
