package io.longview.synth;

import io.longview.core.model.Actions;
import io.longview.core.model.Quantizer;
import io.longview.core.model.SequenceLimits;
import io.longview.core.model.UserHistory;
import io.longview.core.testing.Seeds;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class ActivitySamplerTest {
    private static final int CAPACITY = SequenceLimits.DEFAULT.explicitCapacity(); // 16,100

    @Test
    void activityIsHeavyTailedAndItsTopUsersExceedTheLifelongCapacity() {
        long seed = Seeds.seed(42);
        WorldConfig.Activity a = WorldConfig.Activity.DEFAULT;
        int n = 20_000;
        int[] x = new ActivitySampler(a).sampleUsers(seed, n);
        int[] sorted = x.clone();
        Arrays.sort(sorted);
        long total = Arrays.stream(sorted).asLongStream().sum();
        long top1 = 0;
        for (int i = n - n / 100; i < n; i++) {
            top1 += sorted[i];
        }
        double median = sorted[n / 2];
        double mean = (double) total / n;
        long over = Arrays.stream(sorted).filter(v -> v > CAPACITY).count();
        String msg = "seed " + seed + ": median " + median + ", mean " + mean + ", top-1% share " + (double) top1 / total + ", over " + over;

        assertThat(sorted[0]).as(msg).isGreaterThanOrEqualTo(a.minActions());
        assertThat(sorted[n - 1]).as(msg).isLessThanOrEqualTo(a.maxActions()).isGreaterThan(CAPACITY);
        assertThat(median).as(msg).isBetween(200.0, 300.0);
        assertThat(mean / median).as(msg).isGreaterThan(2.0);           // a lognormal with sigma 1.4: ≈ 2.66
        assertThat((double) top1 / total).as(msg).isGreaterThan(0.12);  // ≈ 0.17
        assertThat(over).as(msg).isBetween(10L, 60L);                   // ≈ 1.4 per 1,000
    }

    @Test
    void theWorldDrawsTheSamplersActivityForEachUser() {
        SyntheticWorld w = SyntheticWorld.create(WorldConfig.defaults().withUsers(300));
        int[] x = new ActivitySampler(WorldConfig.Activity.DEFAULT).sampleUsers(WorldConfig.DEFAULT_SEED, 300);
        for (int u = 1; u <= 300; u++) {
            assertThat(w.profile(u).organicActions()).as("user %d", u).isEqualTo(x[u - 1]);
        }
    }

    @Test
    void theMostActiveUserFillsTheLifelongSequence() {
        // find a user above the capacity by the sampler alone, then simulate only that user
        int users = 5_000;
        int[] x = new ActivitySampler(WorldConfig.Activity.DEFAULT).sampleUsers(WorldConfig.DEFAULT_SEED, users);
        int heavy = 0;
        for (int u = 0; u < users; u++) {
            if (x[u] > CAPACITY && (heavy == 0 || x[u] < x[heavy - 1])) {
                heavy = u + 1; // the least heavy of the heavy users: the tightest case
            }
        }
        assertThat(heavy).as("a user above %d among %d", CAPACITY, users).isPositive();
        SyntheticWorld w = SyntheticWorld.create(WorldConfig.defaults().withUsers(users));
        UserEvents ev = w.simulate(heavy);
        UserHistory h = new UserHistory(heavy, SequenceLimits.DEFAULT);
        byte[] q = new byte[32];
        long explicit = 0;
        for (int i = 0; i < ev.size(); i++) {
            Quantizer.DEFAULT.quantize(w.catalog().embedding(ev.itemId(i)), q, 0);
            h.apply(ev.event(i), q, 0);
            if (Actions.isExplicit(ev.action(i))) {
                explicit++;
            }
        }
        assertThat(explicit).as("user %d drew %d organic actions", heavy, x[heavy - 1]).isGreaterThan(CAPACITY);
        assertThat(h.explicitCount()).as("S_RT + S_LL of user %d is full and evicting", heavy).isEqualTo(CAPACITY);
    }
}
