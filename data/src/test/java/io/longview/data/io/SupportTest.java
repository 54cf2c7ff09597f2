package io.longview.data.io;

import io.longview.core.testing.Seeds;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link TimeQuantile} and {@link LongHashSet} against plain-Java references. */
class SupportTest {
    @Test
    void timeQuantileIsExactBelowCapacity() {
        long seed = Seeds.seed(41);
        SplittableRandom r = Seeds.random(seed);
        long[] v = new long[10_001];
        TimeQuantile q = new TimeQuantile(seed);
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextLong(1_000_000);
            q.add(v[i]);
        }
        Arrays.sort(v);
        assertThat(q.exact()).isTrue();
        for (double p : new double[]{0, 0.1, 0.5, 0.8, 0.999, 1}) {
            assertThat(q.quantile(p)).as("seed %d q %s", seed, p).isEqualTo(v[(int) Math.min(v.length - 1, Math.floor(p * v.length))]);
        }
    }

    @Test
    void timeQuantileSamplesBeyondCapacityDeterministically() {
        TimeQuantile a = new TimeQuantile(1_000, 7);
        TimeQuantile b = new TimeQuantile(1_000, 7);
        for (int i = 0; i < 100_000; i++) {
            a.add(i);
            b.add(i);
        }
        assertThat(a.exact()).isFalse();
        assertThat(a.quantile(0.8)).isEqualTo(b.quantile(0.8)).isBetween(76_000L, 84_000L);
    }

    @Test
    void longHashSetMatchesTreeSet() {
        long seed = Seeds.seed(42);
        SplittableRandom r = Seeds.random(seed);
        LongHashSet s = new LongHashSet();
        TreeSet<Long> ref = new TreeSet<>();
        for (int i = 0; i < 50_000; i++) {
            long v = switch (r.nextInt(3)) {
                case 0 -> r.nextLong(1_000);
                case 1 -> Long.MIN_VALUE + r.nextInt(3);
                default -> r.nextLong();
            };
            assertThat(s.add(v)).as("seed %d", seed).isEqualTo(ref.add(v));
        }
        assertThat(s.size()).isEqualTo(ref.size());
        assertThat(s.toSortedArray()).containsExactly(ref.stream().mapToLong(Long::longValue).toArray());
        assertThat(s.contains(Long.MIN_VALUE)).isEqualTo(ref.contains(Long.MIN_VALUE));
        assertThat(s.contains(1_000_001)).isFalse();
    }
}
