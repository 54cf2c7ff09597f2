package io.longview.core.model;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * The simple user/context features of DESIGN §3 that the ranker sees beside the sequence feature and the candidate.
 *
 * <pre>
 * [0] log1p(|S_RT|)   [1] log1p(|S_LL|)   [2] log1p(|S_imp|)     lengths at request time
 * [3] hour of day / 24                                            UTC, hour of requestTimeMs, in [0, 23/24]
 * [4] day of week / 7                                             UTC, Monday 0 … Sunday 6, in [0, 6/7]
 * </pre>
 *
 * UTC is a choice, not a fact about users: the event logs carry no time zone. Training ({@code train}'s batcher) and
 * serving (the fused engine) both call {@link #write}, so the two cannot drift apart. Their names, in order, are
 * {@link io.longview.core.checkpoint.ModelConfig#DEFAULT_DENSE_FEATURES}.
 */
public final class DenseFeatures {
    /** Number of dense features. */
    public static final int DIM = 5;

    private DenseFeatures() {
    }

    /** Writes the {@link #DIM} features into {@code dst[off..off+5)}. */
    public static void write(int realtimeCount, int lifelongCount, int impressionCount, long requestTimeMs,
                             float[] dst, int off) {
        if (realtimeCount < 0 || lifelongCount < 0 || impressionCount < 0) {
            throw new IllegalArgumentException("sequence lengths must be non-negative, got " + realtimeCount + ", "
                    + lifelongCount + ", " + impressionCount);
        }
        ZonedDateTime t = Instant.ofEpochMilli(requestTimeMs).atZone(ZoneOffset.UTC);
        dst[off] = (float) Math.log1p(realtimeCount);
        dst[off + 1] = (float) Math.log1p(lifelongCount);
        dst[off + 2] = (float) Math.log1p(impressionCount);
        dst[off + 3] = t.getHour() / 24f;
        dst[off + 4] = (t.getDayOfWeek().getValue() - 1) / 7f;
    }
}
