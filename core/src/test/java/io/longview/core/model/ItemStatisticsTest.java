package io.longview.core.model;

import io.longview.core.testing.Seeds;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ItemStatisticsTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final byte[] BITS = {Actions.IMPRESSION, Actions.CLICK, Actions.SAVE, Actions.HIDE};

    /** The closed form, straight from the definition: Σ 2^(−(t − a)/h) over the actions of the kind at or before t. */
    private static double reference(List<long[]> actions, int bit, long h, long t) {
        double s = 0;
        for (long[] a : actions) {
            if (a[0] == bit && a[1] <= t) {
                s += Math.pow(2, -(double) (t - a[1]) / h);
            }
        }
        return s;
    }

    @Test
    void decayedCountsMatchTheClosedFormInAnyArrivalOrder() {
        long seed = Seeds.seed(111);
        SplittableRandom rng = Seeds.random(seed);
        List<long[]> actions = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            actions.add(new long[]{BITS[rng.nextInt(4)], T0 + rng.nextLong(40L * 86_400_000L)});
        }
        ItemStatistics inOrder = new ItemStatistics();
        actions.stream().sorted((a, b) -> Long.compare(a[1], b[1])).forEach(a -> inOrder.add((int) a[0], a[1]));
        ItemStatistics shuffled = new ItemStatistics();
        actions.forEach(a -> shuffled.add((int) a[0], a[1]));
        long newest = actions.stream().mapToLong(a -> a[1]).max().orElseThrow();
        long oldest = actions.stream().mapToLong(a -> a[1]).min().orElseThrow();
        for (long t : new long[]{newest, newest + 3_600_000L, newest + 17L * 86_400_000L}) {
            for (int k = 0; k < 4; k++) {
                for (int h = 0; h < 3; h++) {
                    double want = reference(actions, BITS[k], ItemStatistics.HALF_LIVES_MS[h], t);
                    assertThat(inOrder.count(k, h, t)).as("seed %d kind %d h %d", seed, k, h).isCloseTo(want, within(1e-9 * (1 + want)));
                    assertThat(shuffled.count(k, h, t)).as("seed %d kind %d h %d", seed, k, h).isCloseTo(want, within(1e-9 * (1 + want)));
                }
            }
            assertThat(inOrder.ageMs(t)).isEqualTo(t - oldest);
        }
        float[] a = new float[ItemStatistics.DIM];
        float[] b = new float[ItemStatistics.DIM];
        inOrder.writeFeatures(newest + 1000, a, 0);
        shuffled.writeFeatures(newest + 1000, b, 0);
        for (int i = 0; i < a.length; i++) {
            assertThat(b[i]).as("feature %s", ItemStatistics.FEATURE_NAMES.get(i)).isCloseTo(a[i], within(1e-6f));
        }
    }

    @Test
    void featuresFollowTheDocumentedFormulas() {
        ItemStatistics s = new ItemStatistics();
        long day = 86_400_000L;
        for (int i = 0; i < 10; i++) {
            s.add(Actions.IMPRESSION, T0);
        }
        s.add(Actions.CLICK, T0);
        s.add(Actions.HIDE, T0 - 2 * day); // older than the reference: decayed in place, first seen moves back
        long t = T0 + day;
        float[] f = new float[ItemStatistics.DIM];
        s.writeFeatures(t, f, 0);
        assertThat(ItemStatistics.FEATURE_NAMES.get(1)).isEqualTo("item_log_impressions_1d");
        assertThat(f[1]).isCloseTo((float) Math.log1p(5.0), within(1e-6f)); // 10 impressions, one half-life ago
        assertThat(f[0]).isCloseTo((float) Math.log1p(10 * Math.pow(2, -24)), within(1e-6f));
        assertThat(f[10]).isCloseTo((float) Math.log1p(Math.pow(2, -3)), within(1e-6f)); // the hide, 3 days ago
        assertThat(ItemStatistics.FEATURE_NAMES.get(12)).isEqualTo("item_click_rate_1d");
        assertThat(f[12]).isCloseTo((float) ((0.5 + 10 * 0.05) / (5 + 10)), within(1e-6f));
        assertThat(ItemStatistics.FEATURE_NAMES.get(18)).isEqualTo("item_log_age_hours");
        assertThat(f[18]).isCloseTo((float) Math.log1p(72.0), within(1e-6f));
    }

    @Test
    void anItemNeverSeenHasZeroCountsPriorRatesAndAgeZero() {
        float[] f = new float[ItemStatistics.DIM];
        ItemStatistics.writeUnseen(f, 0);
        for (int i = 0; i < ItemStatistics.COUNTERS; i++) {
            assertThat(f[i]).isZero();
        }
        for (int i = ItemStatistics.COUNTERS; i < ItemStatistics.DIM - 1; i++) {
            assertThat(f[i]).isCloseTo(0.05f, within(1e-7f));
        }
        assertThat(f[ItemStatistics.DIM - 1]).isZero();
    }

    @Test
    void aTimeBeforeTheReferenceNeverCountsBackwards() {
        ItemStatistics s = new ItemStatistics();
        s.add(Actions.CLICK, T0);
        assertThat(s.count(1, 0, T0 - 3_600_000L)).isEqualTo(1.0);
        assertThat(s.ageMs(T0 - 5)).isZero();
    }

    @Test
    void storedStateRoundTripsAndIsChecked() {
        ItemStatistics s = new ItemStatistics();
        s.add(Actions.SAVE, T0);
        s.add(Actions.IMPRESSION, T0 - 5000);
        ItemStatistics back = ItemStatistics.of(s.referenceMs(), s.firstSeenMs(), s.countsAtReference());
        assertThat(back.count(2, 1, T0 + 99)).isEqualTo(s.count(2, 1, T0 + 99));
        assertThat(back.firstSeenMs()).isEqualTo(T0 - 5000);
        assertThatThrownBy(() -> ItemStatistics.of(T0, T0, new double[3])).hasMessageContaining("3 counters");
        double[] bad = new double[ItemStatistics.COUNTERS];
        bad[4] = Double.NaN;
        assertThatThrownBy(() -> ItemStatistics.of(T0, T0, bad)).hasMessageContaining("counter 4");
        assertThatThrownBy(() -> s.add(3, T0)).isInstanceOf(IllegalArgumentException.class);
    }
}
