package io.longview.core.checkpoint;

/**
 * The Next Action Loss settings of DESIGN §4. The NAL projection {@code P} is part of every checkpoint, also when
 * the loss is off ({@code weight == 0}); serving never uses it.
 *
 * @param weight       w_NAL, ≥ 0; 0 switches the loss off (default 0.01)
 * @param negatives    the source of negatives (default {@link NalNegatives#IMPRESSIONS})
 * @param maxNegatives negatives per position, ≥ 1 (default 16)
 */
public record NalConfig(double weight, NalNegatives negatives, int maxNegatives) {
    public static final NalConfig DEFAULT = new NalConfig(0.01, NalNegatives.IMPRESSIONS, 16);
    /** The loss switched off. */
    public static final NalConfig OFF = new NalConfig(0.0, NalNegatives.IMPRESSIONS, 16);

    public NalConfig {
        if (!(weight >= 0) || !Double.isFinite(weight)) {
            throw new IllegalArgumentException("NAL weight must be a finite number ≥ 0, got " + weight);
        }
        if (negatives == null) {
            throw new IllegalArgumentException("NAL negatives source must be set");
        }
        if (maxNegatives < 1) {
            throw new IllegalArgumentException("NAL maxNegatives must be ≥ 1, got " + maxNegatives);
        }
    }

    /** True when the loss contributes ({@code weight > 0}). */
    public boolean enabled() {
        return weight > 0;
    }
}
