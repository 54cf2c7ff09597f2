package io.longview.train;

import java.util.List;

/**
 * Weights of the training loss {@code L = Σ_h w_h · BCE_h + w_NAL · L_NAL} (DESIGN §4).
 *
 * @param headWeights  w_h, one per head in {@link ModelConfig#heads()} order (default all 1)
 * @param nalWeight    w_NAL (default 0.01)
 * @param nalMode      where the NAL negatives come from; {@link NalMode#OFF} drops the term
 * @param maxNegatives negatives per example (default 16)
 */
public record LossConfig(List<Double> headWeights, double nalWeight, NalMode nalMode, int maxNegatives) {
    public LossConfig {
        headWeights = List.copyOf(headWeights);
        if (nalWeight < 0 || maxNegatives < 0) {
            throw new IllegalArgumentException("nalWeight and maxNegatives must be non-negative, got " + nalWeight
                    + ", " + maxNegatives);
        }
    }

    /** DESIGN §4 defaults for {@code heads} heads: w_h = 1, w_NAL = 0.01, impression negatives, 16 of them. */
    public static LossConfig defaults(int heads) {
        return new LossConfig(java.util.Collections.nCopies(heads, 1.0), 0.01, NalMode.IMPRESSIONS, 16);
    }
}
