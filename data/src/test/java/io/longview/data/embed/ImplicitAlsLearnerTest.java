package io.longview.data.embed;

import io.longview.core.io.Progress;
import io.longview.core.model.Actions;
import io.longview.core.model.Event;
import io.longview.core.model.InMemoryItemEmbeddings;
import io.longview.core.testing.Seeds;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The item-embedding learner: planted structure, the training-period rule, determinism, output scale. */
class ImplicitAlsLearnerTest {
    static final long T = 1_600_000_000_000L;
    static final long SPLIT = T + 50L * 86_400_000;

    /**
     * Two worlds: users 0..59 consume items 100..139 only, users 60..119 items 200..239 only; 12 engaged events per user
     * before the split, with impressions and hides mixed in.
     */
    static List<Event> plantedEvents(long seed) {
        SplittableRandom r = Seeds.random(seed);
        List<Event> out = new ArrayList<>();
        for (int u = 0; u < 120; u++) {
            int base = u < 60 ? 100 : 200;
            for (int k = 0; k < 12; k++) {
                long ts = T + r.nextLong(50L * 86_400_000);
                out.add(Event.of(u, base + r.nextInt(40), ts, r.nextBoolean() ? Actions.CLICK : Actions.SAVE, 0));
                out.add(Event.of(u, 100 + r.nextInt(140), ts, r.nextBoolean() ? Actions.IMPRESSION : Actions.HIDE, 0));
            }
        }
        return out;
    }

    static double cos(float[] a, float[] b) {
        double d = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            d += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return d / Math.sqrt(na * nb);
    }

    static LearnedEmbeddings learn(List<Event> events, long seed) {
        return ItemEmbeddingLearner.learn(events.iterator(), SPLIT, AlsConfig.defaults(seed), Progress.silent());
    }

    @Test
    void itemsOfDisjointUserGroupsAreCloserWithinThanAcross() {
        long seed = Seeds.seed(51);
        LearnedEmbeddings l = learn(plantedEvents(seed), seed);
        double within = 0;
        double across = 0;
        int nw = 0;
        int na = 0;
        for (int a = 100; a < 240; a = a == 139 ? 200 : a + 1) {
            for (int b = a + 1; b < 240; b = b == 139 ? 200 : b + 1) {
                if (!l.contains(a) || !l.contains(b)) {
                    continue;
                }
                double c = cos(l.get(a), l.get(b));
                if ((a < 200) == (b < 200)) {
                    within += c;
                    nw++;
                } else {
                    across += c;
                    na++;
                }
            }
        }
        within /= nw;
        across /= na;
        assertThat(within).as("seed %d: mean within-group cosine %.3f, across %.3f", seed, within, across)
                .isGreaterThan(across + 0.3);
        // hides and impressions are not training data: only the 80 consumed items are learned
        assertThat(l.size()).isLessThanOrEqualTo(80);
        assertThat(l.users()).isEqualTo(120);
    }

    @Test
    void eventsAfterTheSplitDoNotChangeTheEmbeddings() {
        long seed = Seeds.seed(52);
        List<Event> events = plantedEvents(seed);
        LearnedEmbeddings before = learn(events, 7);
        List<Event> more = new ArrayList<>(events);
        SplittableRandom r = Seeds.random(seed + 1);
        for (int i = 0; i < 2_000; i++) { // new users, old users, new items, cross-group: all at or after the split
            more.add(Event.of(r.nextInt(300), 100 + r.nextInt(300), SPLIT + r.nextLong(86_400_000L * 30), Actions.SAVE, 0));
        }
        Collections.shuffle(more, new Random(seed));
        LearnedEmbeddings after = learn(more, 7);
        assertThat(after.itemIds()).containsExactly(before.itemIds());
        for (int j = 0; j < before.size(); j++) {
            assertThat(after.vectors()[j]).as("seed %d item %d", seed, before.itemIds()[j]).containsExactly(before.vectors()[j]);
        }
    }

    @Test
    void deterministicForASeedAndDifferentForAnother() {
        List<Event> events = plantedEvents(53);
        LearnedEmbeddings a = learn(events, 1);
        LearnedEmbeddings b = learn(events, 1);
        LearnedEmbeddings c = learn(events, 2);
        for (int j = 0; j < a.size(); j++) {
            assertThat(b.vectors()[j]).containsExactly(a.vectors()[j]);
        }
        assertThat(c.vectors()[0]).isNotEqualTo(a.vectors()[0]);
    }

    @Test
    void outputIsScaledForTheQuantizer() {
        LearnedEmbeddings l = learn(plantedEvents(54), 3);
        double sumSq = 0;
        for (float[] v : l.vectors()) {
            assertThat(v).hasSize(32);
            for (float x : v) {
                assertThat(Float.isFinite(x)).isTrue();
                sumSq += x * x;
            }
        }
        assertThat(Math.sqrt(sumSq / (32.0 * l.size()))).isCloseTo(0.25, within(1e-4));
    }

    @Test
    void choleskySolveSatisfiesTheSystem() {
        long seed = Seeds.seed(55);
        SplittableRandom r = Seeds.random(seed);
        int k = 32;
        double[] m = new double[k * k];
        for (int i = 0; i < k * k; i++) {
            m[i] = r.nextGaussian();
        }
        double[] a = new double[k * k]; // MᵀM + I, symmetric positive definite
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double s = i == j ? 1 : 0;
                for (int t = 0; t < k; t++) {
                    s += m[t * k + i] * m[t * k + j];
                }
                a[i * k + j] = s;
            }
        }
        double[] b = new double[k];
        for (int i = 0; i < k; i++) {
            b[i] = r.nextGaussian();
        }
        double[] z = b.clone();
        ImplicitAlsLearner.choleskySolve(a.clone(), z);
        for (int i = 0; i < k; i++) {
            double s = 0;
            for (int j = 0; j < k; j++) {
                s += a[i * k + j] * z[j];
            }
            assertThat(s).as("seed %d row %d", seed, i).isCloseTo(b[i], within(1e-9));
        }
    }

    @Test
    void randomRotationIsOrthogonal() {
        double[] q = ImplicitAlsLearner.randomOrthogonal(Seeds.seed(56));
        for (int i = 0; i < 32; i++) {
            for (int j = 0; j < 32; j++) {
                double s = 0;
                for (int c = 0; c < 32; c++) {
                    s += q[i * 32 + c] * q[j * 32 + c];
                }
                assertThat(s).isCloseTo(i == j ? 1 : 0, within(1e-12));
            }
        }
    }

    @Test
    void interactionMatrixMergesRepeatsAndIgnoresInsertionOrder() {
        InteractionMatrix a = InteractionMatrix.builder().add(5, 9, 1).add(2, 9, 2).add(5, 9, 2).add(5, 1, 1).build();
        InteractionMatrix b = InteractionMatrix.builder().add(5, 1, 1).add(5, 9, 2).add(2, 9, 2).add(5, 9, 1).build();
        assertThat(a.userIds()).containsExactly(2, 5);
        assertThat(a.itemIds()).containsExactly(1, 9);
        assertThat(a.nonZeros()).isEqualTo(3);
        assertThat(a.userWeights()).containsExactly(2f, 1f, 3f);
        assertThat(b.userWeights()).containsExactly(a.userWeights());
        assertThat(b.itemUsers()).containsExactly(a.itemUsers());
        assertThatThrownBy(() -> InteractionMatrix.builder().add(1, 1, Float.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void noTrainingDataIsAClearError() {
        List<Event> onlyLater = List.of(Event.of(1, 2, SPLIT, Actions.SAVE, 0), Event.of(1, 3, T, Actions.HIDE, 0));
        assertThatThrownBy(() -> learn(onlyLater, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no click or save before the split time " + SPLIT);
    }

    @Test
    void fallbackUsesGroupCentroidsThenTheGlobalMeanAndNeverZero() {
        LearnedEmbeddings l = new LearnedEmbeddings(new long[]{1, 2, 3},
                new float[][]{filled(1f), filled(3f), filled(-2f)}, 1, 3, AlsConfig.defaults(1));
        InMemoryItemEmbeddings out = new InMemoryItemEmbeddings();
        java.util.function.LongFunction<List<String>> groups = id -> switch ((int) id) {
            case 1, 2 -> List.of("a");
            case 3 -> List.of("b");
            case 10 -> List.of("a", "b"); // centroids 2 and -2 → 0 (+ noise)
            case 11 -> List.of("a");      // 2
            default -> List.of("zzz");     // no learned member: global mean 2/3
        };
        EmbeddingFallback.Report rep = EmbeddingFallback.complete(l, new long[]{1, 2, 3, 10, 11, 12}, groups, 5, out);
        assertThat(rep).isEqualTo(new EmbeddingFallback.Report(3, 2, 1));
        assertThat(out.size()).isEqualTo(6);
        assertThat(out.get(2)).containsExactly(filled(3f));
        double tol = 5 * EmbeddingFallback.NOISE_STD;
        for (float x : out.get(11)) {
            assertThat((double) x).isCloseTo(2, within(tol));
        }
        for (float x : out.get(12)) {
            assertThat((double) x).isCloseTo(2.0 / 3, within(tol));
        }
        float[] ten = out.get(10);
        assertThat(ten).isNotEqualTo(new float[32]);
        double norm = 0;
        for (float x : ten) {
            norm += x * x;
        }
        assertThat(Math.sqrt(norm / 32)).isCloseTo(EmbeddingFallback.NOISE_STD, within(0.03));
        InMemoryItemEmbeddings again = new InMemoryItemEmbeddings();
        EmbeddingFallback.complete(l, new long[]{10}, groups, 5, again);
        assertThat(again.get(10)).containsExactly(ten);
    }

    static float[] filled(float v) {
        float[] e = new float[32];
        java.util.Arrays.fill(e, v);
        return e;
    }
}
