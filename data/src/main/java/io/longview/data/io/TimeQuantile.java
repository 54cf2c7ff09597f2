package io.longview.data.io;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The q-quantile of a stream of timestamps in bounded memory, for the suggested split time of a dataset
 * (DESIGN §5: train before it, evaluate from it on).
 *
 * <p>Exact while at most {@link #DEFAULT_CAPACITY} values were added; beyond that it is the quantile of a uniform
 * reservoir sample of that many values (Vitter's algorithm R, seeded, so the result is deterministic for the same
 * stream and seed); with 2<sup>21</sup> samples the rank error is about ±0.03% of the stream.
 *
 * <p>Definition: with the values sorted ascending as {@code v[0..n)}, {@code quantile(q) = v[min(n-1, floor(q·n))]}:
 * the first time at or after which a fraction ≤ 1-q of the values lie. For the 80% split, events with
 * {@code timestamp < split} are at most 80% of the log.
 */
public final class TimeQuantile {
    /** Values kept before sampling starts: 2^21 (at most 16 MiB, allocated as needed). */
    public static final int DEFAULT_CAPACITY = 1 << 21;

    private final int capacity;
    private final SplittableRandom random;
    private long[] sample = new long[1024];
    private long count;

    public TimeQuantile(long seed) {
        this(DEFAULT_CAPACITY, seed);
    }

    public TimeQuantile(int capacity, long seed) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity " + capacity + " must be ≥ 1");
        }
        this.capacity = capacity;
        this.random = new SplittableRandom(seed);
    }

    public void add(long timestampMs) {
        if (count < capacity) {
            if (count == sample.length) {
                sample = Arrays.copyOf(sample, (int) Math.min(capacity, 2L * sample.length));
            }
            sample[(int) count] = timestampMs;
        } else {
            long j = random.nextLong(count + 1);
            if (j < capacity) {
                sample[(int) j] = timestampMs;
            }
        }
        count++;
    }

    /** Values added so far. */
    public long count() {
        return count;
    }

    /** True while the quantile is exact (no sampling yet). */
    public boolean exact() {
        return count <= capacity;
    }

    /**
     * The q-quantile as defined above.
     *
     * @throws IllegalStateException when nothing was added
     */
    public long quantile(double q) {
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("quantile " + q + " must be in [0, 1]");
        }
        int n = (int) Math.min(count, capacity);
        if (n == 0) {
            throw new IllegalStateException("no timestamps");
        }
        long[] s = Arrays.copyOf(sample, n);
        Arrays.sort(s);
        return s[(int) Math.min(n - 1, (long) Math.floor(q * n))];
    }
}
