package io.longview.train;

import ai.djl.training.tracker.Tracker;

/**
 * Learning rate: linear warm-up from {@code peak / warmupSteps} to {@code peak} over the first {@code warmupSteps}
 * updates, then a half cosine from {@code peak} down to {@code peak * minFactor} at {@code totalSteps}; flat after.
 * Update numbers are DJL's per-parameter counts, which start at 1 and advance once per optimizer step.
 */
public record WarmupCosineSchedule(float peak, int warmupSteps, int totalSteps, float minFactor) implements Tracker {
    public WarmupCosineSchedule {
        if (!(peak > 0) || warmupSteps < 0 || totalSteps < 1 || minFactor < 0 || minFactor > 1) {
            throw new IllegalArgumentException("schedule needs peak > 0, warmupSteps >= 0, totalSteps >= 1, minFactor in [0, 1]; got "
                    + peak + ", " + warmupSteps + ", " + totalSteps + ", " + minFactor);
        }
    }

    @Override
    public float getNewValue(int numUpdate) {
        int step = Math.max(1, numUpdate);
        if (step <= warmupSteps) {
            return peak * step / warmupSteps;
        }
        int decay = Math.max(1, totalSteps - warmupSteps);
        double progress = Math.min(1.0, (step - warmupSteps) / (double) decay);
        return (float) (peak * (minFactor + (1 - minFactor) * 0.5 * (1 + Math.cos(Math.PI * progress))));
    }
}
