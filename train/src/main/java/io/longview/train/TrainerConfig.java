package io.longview.train;

/**
 * Settings of the {@link Trainer}.
 *
 * @param batchSize            examples per step (default 256)
 * @param epochs               passes over the training file (default 1)
 * @param learningRate         peak AdamW learning rate (default 1e-3)
 * @param weightDecay          decoupled AdamW weight decay, applied to every parameter (default 0.01)
 * @param warmupSteps          linear warm-up steps of {@link WarmupCosineSchedule} (default 100)
 * @param minLrFactor          the cosine ends at {@code learningRate * minLrFactor} (default 0.1)
 * @param seed                 the example order and the time-window masks derive from it (default 1)
 * @param maxSteps             stop after this many optimizer steps in all (0: no limit, the default); the schedule
 *                             still spans {@code epochs}, so a run cut at N steps continues exactly when resumed
 * @param logEverySteps        a progress line (step, loss, examples/s, lr) every this many steps (0: none;
 *                             default 100)
 * @param evalEverySteps       evaluate on the evaluation file every this many steps (0, the default: at the end of
 *                             each epoch); only when {@link Trainer#train(java.nio.file.Path, java.nio.file.Path,
 *                             java.nio.file.Path)} gets an evaluation file
 * @param earlyStopMetric      the evaluation metric to select and early-stop on, {@code head:metric} with metric
 *                             {@code auc}, {@code gauc} or {@code hit3} (higher is better); {@code null} (default):
 *                             {@code save:hit3} when the model has a {@code save} head, else the first head's AUC
 * @param earlyStopPatience    stop after this many evaluations without improvement (0, the default: never stop
 *                             early); when positive the best weights are restored into the model at the end
 * @param checkpointEverySteps write the resumable state (and {@code last.lvck}) to the run folder every this many
 *                             steps (0: only at the end, the default); only with a run folder
 * @param timeWindowMask       the V1 random time-window mask (DESIGN §4): per training example, drop the tokens newer
 *                             than {@code requestTime − T}, {@code T ~ U[0, 24 h]} drawn from the seed and the step
 *                             (default off)
 * @param engine               what computes the gradients: {@link TrainingEngine#JAVA} (the default) or
 *                             {@link TrainingEngine#DJL}
 * @param threads              threads of the Java engine (0, the default: every available processor); a seed and a
 *                             thread count give bit-identical weights
 */
public record TrainerConfig(int batchSize, int epochs, float learningRate, float weightDecay, int warmupSteps,
                            float minLrFactor, long seed, int maxSteps, int logEverySteps,
                            int evalEverySteps, String earlyStopMetric, int earlyStopPatience,
                            int checkpointEverySteps, boolean timeWindowMask,
                            TrainingEngine engine, int threads) {
    public TrainerConfig {
        if (engine == null || threads < 0) {
            throw new IllegalArgumentException("trainer needs an engine and threads >= 0; got " + engine + ", " + threads);
        }
        if (batchSize < 1 || epochs < 1 || !(learningRate > 0) || weightDecay < 0 || warmupSteps < 0) {
            throw new IllegalArgumentException("trainer needs batchSize >= 1, epochs >= 1, learningRate > 0, weightDecay >= 0, "
                    + "warmupSteps >= 0; got " + batchSize + ", " + epochs + ", " + learningRate + ", " + weightDecay + ", " + warmupSteps);
        }
        if (maxSteps < 0 || logEverySteps < 0 || evalEverySteps < 0 || earlyStopPatience < 0 || checkpointEverySteps < 0) {
            throw new IllegalArgumentException("maxSteps, logEverySteps, evalEverySteps, earlyStopPatience and "
                    + "checkpointEverySteps must be >= 0; got " + maxSteps + ", " + logEverySteps + ", " + evalEverySteps
                    + ", " + earlyStopPatience + ", " + checkpointEverySteps);
        }
        if (earlyStopMetric != null && !earlyStopMetric.matches("[^:]+:(auc|gauc|hit3)")) {
            throw new IllegalArgumentException("early-stop metric must be head:auc|gauc|hit3, got " + earlyStopMetric);
        }
    }

    /** The settings of the first trainer (no step limit, logging every 100 steps, no early stopping, no mask). */
    public TrainerConfig(int batchSize, int epochs, float learningRate, float weightDecay, int warmupSteps,
                         float minLrFactor, long seed) {
        this(batchSize, epochs, learningRate, weightDecay, warmupSteps, minLrFactor, seed, 0, 100, 0, null, 0, 0, false,
                TrainingEngine.JAVA, 0);
    }

    /** The defaults above. The loss (head weights, Next Action Loss) is the model's: {@link io.longview.core.checkpoint.ModelConfig}. */
    public static TrainerConfig defaults() {
        return new TrainerConfig(256, 1, 1e-3f, 0.01f, 100, 0.1f, 1);
    }

    public TrainerConfig withBatchSize(int v) {
        return new TrainerConfig(v, epochs, learningRate, weightDecay, warmupSteps, minLrFactor, seed, maxSteps,
                logEverySteps, evalEverySteps, earlyStopMetric, earlyStopPatience, checkpointEverySteps, timeWindowMask, engine, threads);
    }

    public TrainerConfig withEpochs(int v) {
        return new TrainerConfig(batchSize, v, learningRate, weightDecay, warmupSteps, minLrFactor, seed, maxSteps,
                logEverySteps, evalEverySteps, earlyStopMetric, earlyStopPatience, checkpointEverySteps, timeWindowMask, engine, threads);
    }

    public TrainerConfig withLearningRate(float v) {
        return new TrainerConfig(batchSize, epochs, v, weightDecay, warmupSteps, minLrFactor, seed, maxSteps,
                logEverySteps, evalEverySteps, earlyStopMetric, earlyStopPatience, checkpointEverySteps, timeWindowMask, engine, threads);
    }

    public TrainerConfig withWarmupSteps(int v) {
        return new TrainerConfig(batchSize, epochs, learningRate, weightDecay, v, minLrFactor, seed, maxSteps,
                logEverySteps, evalEverySteps, earlyStopMetric, earlyStopPatience, checkpointEverySteps, timeWindowMask, engine, threads);
    }

    public TrainerConfig withSeed(long v) {
        return new TrainerConfig(batchSize, epochs, learningRate, weightDecay, warmupSteps, minLrFactor, v, maxSteps,
                logEverySteps, evalEverySteps, earlyStopMetric, earlyStopPatience, checkpointEverySteps, timeWindowMask, engine, threads);
    }


    public TrainerConfig withMaxSteps(int v) {
        return new TrainerConfig(batchSize, epochs, learningRate, weightDecay, warmupSteps, minLrFactor, seed, v,
                logEverySteps, evalEverySteps, earlyStopMetric, earlyStopPatience, checkpointEverySteps, timeWindowMask, engine, threads);
    }

    public TrainerConfig withLogEverySteps(int v) {
        return new TrainerConfig(batchSize, epochs, learningRate, weightDecay, warmupSteps, minLrFactor, seed, maxSteps,
                v, evalEverySteps, earlyStopMetric, earlyStopPatience, checkpointEverySteps, timeWindowMask, engine, threads);
    }

    public TrainerConfig withEvalEverySteps(int v) {
        return new TrainerConfig(batchSize, epochs, learningRate, weightDecay, warmupSteps, minLrFactor, seed, maxSteps,
                logEverySteps, v, earlyStopMetric, earlyStopPatience, checkpointEverySteps, timeWindowMask, engine, threads);
    }

    /** Early stopping on {@code metric} ({@code head:auc|gauc|hit3}, or null for the default) with {@code patience}. */
    public TrainerConfig withEarlyStopping(String metric, int patience) {
        return new TrainerConfig(batchSize, epochs, learningRate, weightDecay, warmupSteps, minLrFactor, seed, maxSteps,
                logEverySteps, evalEverySteps, metric, patience, checkpointEverySteps, timeWindowMask, engine, threads);
    }

    public TrainerConfig withCheckpointEverySteps(int v) {
        return new TrainerConfig(batchSize, epochs, learningRate, weightDecay, warmupSteps, minLrFactor, seed, maxSteps,
                logEverySteps, evalEverySteps, earlyStopMetric, earlyStopPatience, v, timeWindowMask, engine, threads);
    }

    public TrainerConfig withTimeWindowMask(boolean v) {
        return new TrainerConfig(batchSize, epochs, learningRate, weightDecay, warmupSteps, minLrFactor, seed, maxSteps,
                logEverySteps, evalEverySteps, earlyStopMetric, earlyStopPatience, checkpointEverySteps, v, engine, threads);
    }

    public TrainerConfig withEngine(TrainingEngine v) {
        return new TrainerConfig(batchSize, epochs, learningRate, weightDecay, warmupSteps, minLrFactor, seed, maxSteps,
                logEverySteps, evalEverySteps, earlyStopMetric, earlyStopPatience, checkpointEverySteps, timeWindowMask, v, threads);
    }

    public TrainerConfig withThreads(int v) {
        return new TrainerConfig(batchSize, epochs, learningRate, weightDecay, warmupSteps, minLrFactor, seed, maxSteps,
                logEverySteps, evalEverySteps, earlyStopMetric, earlyStopPatience, checkpointEverySteps, timeWindowMask, engine, v);
    }

    /** The Java engine's thread count: {@link #threads()}, or every available processor when it is 0. */
    public int effectiveThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }
}
