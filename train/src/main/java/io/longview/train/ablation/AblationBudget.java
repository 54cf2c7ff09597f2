package io.longview.train.ablation;

import io.longview.train.TrainerConfig;

/**
 * How much training each ablation row gets; the same for every row.
 *
 * @param trainer          batch size, epochs, learning rate, weight decay, warm-up and schedule floor (its seed and
 *                         loss are replaced by the run's seed and each row's loss)
 * @param maxSteps         optimizer steps per row at most (0: no cap); the schedule's length is the capped count
 * @param maxTrainExamples train on the first whole requests of {@code train.lvx} up to this many examples (0: all)
 * @param evalEverySteps   evaluate on {@code eval.lvx} every this many steps for the metric history (0: after each
 *                         epoch); the last step is always evaluated
 * @param evalBatchSize    examples per evaluation forward pass
 * @param evalFraction     evaluate on this fixed sample of {@code eval.lvx}'s requests (the same for every row;
 *                         {@link io.longview.train.Evaluator#evaluate(java.nio.file.Path, double)}); 1: all
 */
public record AblationBudget(TrainerConfig trainer, int maxSteps, int maxTrainExamples, int evalEverySteps, int evalBatchSize,
                             double evalFraction) {
    /** A budget evaluating on every request. */
    public AblationBudget(TrainerConfig trainer, int maxSteps, int maxTrainExamples, int evalEverySteps, int evalBatchSize) {
        this(trainer, maxSteps, maxTrainExamples, evalEverySteps, evalBatchSize, 1.0);
    }

    public AblationBudget {
        if (!(evalFraction > 0 && evalFraction <= 1)) {
            throw new IllegalArgumentException("evalFraction must be in (0, 1], got " + evalFraction);
        }
        if (trainer == null || maxSteps < 0 || maxTrainExamples < 0 || evalEverySteps < 0 || evalBatchSize < 1) {
            throw new IllegalArgumentException("budget needs a trainer config, maxSteps ≥ 0, maxTrainExamples ≥ 0, "
                    + "evalEverySteps ≥ 0, evalBatchSize ≥ 1; got " + maxSteps + ", " + maxTrainExamples + ", "
                    + evalEverySteps + ", " + evalBatchSize);
        }
    }

    /** The trainer defaults ({@link TrainerConfig#defaults}), no caps, evaluation after each epoch. */
    public static AblationBudget defaults() {
        return new AblationBudget(TrainerConfig.defaults(), 0, 0, 0, 512);
    }

    public AblationBudget withTrainer(TrainerConfig v) {
        return new AblationBudget(v, maxSteps, maxTrainExamples, evalEverySteps, evalBatchSize, evalFraction);
    }

    public AblationBudget withMaxSteps(int v) {
        return new AblationBudget(trainer, v, maxTrainExamples, evalEverySteps, evalBatchSize, evalFraction);
    }

    public AblationBudget withMaxTrainExamples(int v) {
        return new AblationBudget(trainer, maxSteps, v, evalEverySteps, evalBatchSize, evalFraction);
    }

    public AblationBudget withEvalEverySteps(int v) {
        return new AblationBudget(trainer, maxSteps, maxTrainExamples, v, evalBatchSize, evalFraction);
    }

    /** One line for reports. */
    public String describe() {
        TrainerConfig t = trainer;
        return String.format(java.util.Locale.ROOT,
                "batch %d, epochs %d, lr %.2g, weight decay %.2g, warm-up %d, min lr factor %.2g, max steps %s, "
                        + "max train examples %s, eval every %s on %s of the eval requests", t.batchSize(), t.epochs(),
                t.learningRate(), t.weightDecay(), t.warmupSteps(), t.minLrFactor(), maxSteps == 0 ? "none" : maxSteps,
                maxTrainExamples == 0 ? "all" : maxTrainExamples, evalEverySteps == 0 ? "epoch" : evalEverySteps + " steps",
                evalFraction == 1 ? "all" : String.format(java.util.Locale.ROOT, "%.0f%%", 100 * evalFraction));
    }
}
