package io.longview.train;

/**
 * Settings of the {@link Trainer}.
 *
 * @param batchSize     examples per step (default 256)
 * @param epochs        passes over the training file (default 1)
 * @param learningRate  peak AdamW learning rate (default 1e-3)
 * @param weightDecay   decoupled AdamW weight decay, applied to every parameter (default 0.01)
 * @param warmupSteps   linear warm-up steps of {@link WarmupCosineSchedule} (default 100)
 * @param minLrFactor   the cosine ends at {@code learningRate * minLrFactor} (default 0.1)
 * @param seed          the model's initialization and the example order derive from it (default 1)
 * @param loss          loss weights and the NAL variant
 */
public record TrainerConfig(int batchSize, int epochs, float learningRate, float weightDecay, int warmupSteps,
                            float minLrFactor, long seed, LossConfig loss) {
    public TrainerConfig {
        if (batchSize < 1 || epochs < 1 || !(learningRate > 0) || weightDecay < 0 || warmupSteps < 0) {
            throw new IllegalArgumentException("trainer needs batchSize >= 1, epochs >= 1, learningRate > 0, weightDecay >= 0, "
                    + "warmupSteps >= 0; got " + batchSize + ", " + epochs + ", " + learningRate + ", " + weightDecay + ", " + warmupSteps);
        }
    }

    /** Defaults for a model with {@code heads} heads. */
    public static TrainerConfig defaults(int heads) {
        return new TrainerConfig(256, 1, 1e-3f, 0.01f, 100, 0.1f, 1, LossConfig.defaults(heads));
    }

    public TrainerConfig withBatchSize(int v) {
        return new TrainerConfig(v, epochs, learningRate, weightDecay, warmupSteps, minLrFactor, seed, loss);
    }

    public TrainerConfig withEpochs(int v) {
        return new TrainerConfig(batchSize, v, learningRate, weightDecay, warmupSteps, minLrFactor, seed, loss);
    }

    public TrainerConfig withLearningRate(float v) {
        return new TrainerConfig(batchSize, epochs, v, weightDecay, warmupSteps, minLrFactor, seed, loss);
    }

    public TrainerConfig withWarmupSteps(int v) {
        return new TrainerConfig(batchSize, epochs, learningRate, weightDecay, v, minLrFactor, seed, loss);
    }

    public TrainerConfig withSeed(long v) {
        return new TrainerConfig(batchSize, epochs, learningRate, weightDecay, warmupSteps, minLrFactor, v, loss);
    }

    public TrainerConfig withLoss(LossConfig v) {
        return new TrainerConfig(batchSize, epochs, learningRate, weightDecay, warmupSteps, minLrFactor, seed, v);
    }
}
