package io.longview.core.model;

import java.time.Duration;

/**
 * How much history a user keeps and how events fold into tokens (DESIGN §1). Recorded in the store's header and in
 * every example file: a store opened with other limits is an error, not a silent reinterpretation.
 *
 * @param realtime       S_RT length: the newest explicit tokens (default 100)
 * @param lifelong       S_LL cap: older explicit tokens, oldest evicted first (default 16,000)
 * @param impressions    S_imp length: the newest non-engaged impressions (default 100)
 * @param foldWindowMs   events of one user on one item fold into one token when they fall into the same
 *                       window of this length, aligned to the epoch: {@code floor(ts / foldWindowMs)} (default 10 min)
 */
public record SequenceLimits(int realtime, int lifelong, int impressions, long foldWindowMs) {
    public static final SequenceLimits DEFAULT = new SequenceLimits(100, 16_000, 100, Duration.ofMinutes(10).toMillis());

    public SequenceLimits {
        if (realtime < 1 || lifelong < 0 || impressions < 0 || foldWindowMs < 1) {
            throw new IllegalArgumentException("invalid sequence limits: realtime " + realtime + " (≥ 1), lifelong " + lifelong
                    + " (≥ 0), impressions " + impressions + " (≥ 0), foldWindowMs " + foldWindowMs + " (≥ 1)");
        }
    }

    /** Explicit tokens kept in all: {@code realtime + lifelong}. */
    public int explicitCapacity() {
        return realtime + lifelong;
    }

    /** The fold window a timestamp belongs to. */
    public long foldBucket(long timestampMs) {
        return Math.floorDiv(timestampMs, foldWindowMs);
    }
}
