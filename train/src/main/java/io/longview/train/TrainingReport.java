package io.longview.train;

import io.longview.core.eval.HeadMetrics;

import java.util.List;
import java.util.Map;

/**
 * What a {@link Trainer#train} run did.
 *
 * @param steps             optimizer steps taken in this run (after a resume: the global step count reached)
 * @param examples          examples seen in this run, over all epochs
 * @param epochMeanLoss     mean training loss of each completed epoch (weighted by batch size)
 * @param seconds           wall time of the run
 * @param examplesPerSecond examples over the wall seconds of training, evaluations excluded
 * @param history           every evaluation of the run, in order (empty without an evaluation file)
 * @param metric            the selection / early-stopping metric ({@code head:metric}), null without evaluation
 * @param bestStep          the step of the best evaluation by {@code metric} (−1 when none)
 * @param bestValue         its value (NaN when none)
 * @param stoppedEarly      whether early stopping ended the run
 * @param stepLoss          the training loss of every optimizer step of this run, in order
 */
public record TrainingReport(int steps, long examples, List<Double> epochMeanLoss, double seconds, double examplesPerSecond,
                             List<EvalPoint> history, String metric, int bestStep, double bestValue, boolean stoppedEarly,
                             List<Double> stepLoss) {
    public TrainingReport {
        epochMeanLoss = List.copyOf(epochMeanLoss);
        history = List.copyOf(history);
        stepLoss = List.copyOf(stepLoss);
    }

    /** A report without evaluations. */
    public TrainingReport(int steps, long examples, List<Double> epochMeanLoss, double seconds, double examplesPerSecond) {
        this(steps, examples, epochMeanLoss, seconds, examplesPerSecond, List.of(), null, -1, Double.NaN, false, List.of());
    }

    /**
     * One periodic evaluation.
     *
     * @param step      optimizer steps taken when it ran
     * @param epoch     the epoch (from 0) it ran in
     * @param trainLoss mean training loss of the steps since the previous evaluation
     * @param heads     metrics per head, in the model's head order
     */
    public record EvalPoint(int step, int epoch, double trainLoss, Map<String, HeadMetrics> heads) {
        public EvalPoint {
            heads = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(heads));
        }
    }
}
