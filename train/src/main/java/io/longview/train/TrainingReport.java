package io.longview.train;

import java.util.List;

/**
 * What a {@link Trainer#train} run did.
 *
 * @param steps             optimizer steps taken
 * @param examples          examples seen, over all epochs
 * @param epochMeanLoss     mean training loss of each epoch (weighted by batch size)
 * @param seconds           wall time of the run
 * @param examplesPerSecond examples over wall seconds
 */
public record TrainingReport(int steps, long examples, List<Double> epochMeanLoss, double seconds, double examplesPerSecond) {
    public TrainingReport {
        epochMeanLoss = List.copyOf(epochMeanLoss);
    }
}
