package io.longview.core.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.longview.core.testing.Seeds;
import io.longview.core.testing.TestData;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.OptionalDouble;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The metrics against {@code golden/metrics.json}, hand-computed cases and a brute-force AUC. */
class RankingMetricsTest {

    private static final double EPS = 1e-12;

    private static boolean[] labels(int... bits) {
        boolean[] b = new boolean[bits.length];
        for (int i = 0; i < bits.length; i++) {
            b[i] = bits[i] != 0;
        }
        return b;
    }

    /** The definition, O(n²): every (positive, negative) pair, ties one half. */
    private static OptionalDouble bruteForceAuc(boolean[] labels, double[] scores) {
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < labels.length; i++) {
            for (int j = 0; j < labels.length; j++) {
                if (labels[i] && !labels[j]) {
                    pairs++;
                    wins += scores[i] > scores[j] ? 1.0 : scores[i] == scores[j] ? 0.5 : 0.0;
                }
            }
        }
        return pairs == 0 ? OptionalDouble.empty() : OptionalDouble.of(wins / pairs);
    }

    @Test
    void matchesTheGoldenReference() throws IOException {
        JsonNode root = new ObjectMapper().readTree(TestData.golden("metrics.json").toFile());
        int n = root.get("labels").size();
        long[] users = new long[n];
        long[] requests = new long[n];
        boolean[] labels = new boolean[n];
        double[] scores = new double[n];
        for (int i = 0; i < n; i++) {
            users[i] = root.get("users").get(i).asLong();
            requests[i] = root.get("requests").get(i).asLong();
            labels[i] = root.get("labels").get(i).asInt() != 0;
            scores[i] = root.get("scores").get(i).asDouble();
        }
        assertThat(RankingMetrics.auc(labels, scores).getAsDouble()).isCloseTo(root.get("auc").asDouble(), within(EPS));
        assertThat(RankingMetrics.gauc(users, labels, scores).getAsDouble()).isCloseTo(root.get("gauc").asDouble(), within(EPS));
        assertThat(RankingMetrics.hitAt3(requests, labels, scores).getAsDouble()).isCloseTo(root.get("hit_at_3").asDouble(), within(EPS));
        HeadMetrics head = HeadMetrics.of(users, requests, labels, scores);
        assertThat(head.auc()).isCloseTo(root.get("auc").asDouble(), within(EPS));
        assertThat(head.gauc()).isCloseTo(root.get("gauc").asDouble(), within(EPS));
        assertThat(head.hitAt3()).isCloseTo(root.get("hit_at_3").asDouble(), within(EPS));
        assertThat(head.examples()).isEqualTo(10);
        assertThat(head.positives()).isEqualTo(6);
        assertThat(head.requests()).isEqualTo(4);
        // the same data shuffled: group ids need not be adjacent (HIT@3 tie order changes with the order, so not it)
        int[] perm = {9, 3, 0, 7, 5, 1, 8, 2, 6, 4};
        long[] u2 = new long[n];
        boolean[] l2 = new boolean[n];
        double[] s2 = new double[n];
        for (int i = 0; i < n; i++) {
            u2[i] = users[perm[i]];
            l2[i] = labels[perm[i]];
            s2[i] = scores[perm[i]];
        }
        assertThat(RankingMetrics.gauc(u2, l2, s2).getAsDouble()).isCloseTo(root.get("gauc").asDouble(), within(EPS));
    }

    @Test
    void aucByHand() {
        // perfect, reversed, all tied
        assertThat(RankingMetrics.auc(labels(0, 0, 1, 1), new double[]{0.1, 0.2, 0.3, 0.4}).getAsDouble()).isEqualTo(1.0);
        assertThat(RankingMetrics.auc(labels(1, 1, 0, 0), new double[]{0.1, 0.2, 0.3, 0.4}).getAsDouble()).isEqualTo(0.0);
        assertThat(RankingMetrics.auc(labels(1, 0, 1, 0), new double[]{0.5, 0.5, 0.5, 0.5}).getAsDouble()).isEqualTo(0.5);
        // pos {0.9, 0.2}, neg {0.9, 0.5}: (0.5 + 1) + (0 + 0) = 1.5 of 4
        assertThat(RankingMetrics.auc(labels(1, 0, 1, 0), new double[]{0.9, 0.9, 0.2, 0.5}).getAsDouble()).isEqualTo(0.375);
        // -0.0 ties with 0.0; infinities rank
        assertThat(RankingMetrics.auc(labels(1, 0), new double[]{-0.0, 0.0}).getAsDouble()).isEqualTo(0.5);
        assertThat(RankingMetrics.auc(labels(1, 0, 0), new double[]{Double.POSITIVE_INFINITY, 1e300, Double.NEGATIVE_INFINITY}).getAsDouble())
                .isEqualTo(1.0);
        // float overload: widened exactly
        assertThat(RankingMetrics.auc(labels(1, 0, 0), new float[]{0.3f, 0.3f, 0.1f}).getAsDouble()).isEqualTo(0.75);
    }

    @Test
    void undefinedCasesAreEmpty() {
        assertThat(RankingMetrics.auc(labels(), new double[0])).isEmpty();
        assertThat(RankingMetrics.auc(labels(1, 1), new double[]{0.1, 0.2})).isEmpty();
        assertThat(RankingMetrics.auc(labels(0, 0), new double[]{0.1, 0.2})).isEmpty();
        assertThat(RankingMetrics.gauc(new long[]{1, 2}, labels(1, 0), new double[]{0.1, 0.2})).isEmpty();
        assertThat(RankingMetrics.hitAt3(new long[0], labels(), new double[0])).isEmpty();
        HeadMetrics m = HeadMetrics.of(new long[]{1}, new long[]{1}, labels(1), new double[]{0.3});
        assertThat(m.auc()).isNaN();
        assertThat(m.gauc()).isNaN();
        assertThat(m.hitAt3()).isEqualTo(1.0);
    }

    @Test
    void gaucByHand() {
        // user 7: pos 0.8 vs neg 0.1, 0.9 → AUC 0.5, 3 examples; user 8: pos 0.6 vs neg 0.2 → 1.0, 2 examples;
        // user 9: only negatives → skipped. (3·0.5 + 2·1.0) / 5 = 0.7
        long[] users = {7, 8, 9, 7, 8, 7};
        boolean[] l = labels(1, 1, 0, 0, 0, 0);
        double[] s = {0.8, 0.6, 0.5, 0.1, 0.2, 0.9};
        assertThat(RankingMetrics.gauc(users, l, s).getAsDouble()).isCloseTo(0.7, within(EPS));
    }

    @Test
    void hitAtKByHand() {
        // request 1: scores 0.5 0.9 0.5 0.5 0.1 → top-3 = idx 1, then the earliest 0.5s: 0, 2 (not 3)
        // labels: 0 1 0 1 1 → hits 1.  request 2: two examples, both positive → 2.  request 3: none positive → 0
        long[] req = {1, 1, 1, 1, 1, 2, 3, 2};
        boolean[] l = labels(0, 1, 0, 1, 1, 1, 0, 1);
        double[] s = {0.5, 0.9, 0.5, 0.5, 0.1, 0.3, 0.7, 0.2};
        assertThat(RankingMetrics.hitAt3(req, l, s).getAsDouble()).isCloseTo(1.0, within(EPS));
        // the later tied example is positive: it must not enter the top 3
        assertThat(RankingMetrics.hitAtK(1, new long[]{5, 5}, labels(0, 1), new double[]{0.4, 0.4}).getAsDouble()).isEqualTo(0.0);
        assertThat(RankingMetrics.hitAtK(1, new long[]{5, 5}, labels(1, 0), new double[]{0.4, 0.4}).getAsDouble()).isEqualTo(1.0);
        assertThatThrownBy(() -> RankingMetrics.hitAtK(0, req, l, s)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 0");
    }

    @Test
    void rejectsBadInput() {
        assertThatThrownBy(() -> RankingMetrics.auc(labels(1, 0), new double[]{0.1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 labels, 1 scores");
        assertThatThrownBy(() -> RankingMetrics.gauc(new long[3], labels(1, 0), new double[]{0.1, 0.2}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 group ids");
        assertThatThrownBy(() -> RankingMetrics.auc(labels(1, 0), new double[]{0.1, Double.NaN}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("score 1 is NaN");
    }

    @Test
    void groupsByKeyStablyOnBothPaths() {
        GroupOrder sorted = GroupOrder.byKey(new long[]{3, 3, 5, 9, 9, 9});
        assertThat(sorted.order()).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(sorted.starts()).containsExactly(0, 2, 3, 6);
        GroupOrder mixed = GroupOrder.byKey(new long[]{9, 3, 9, -1, 3, 9});
        assertThat(mixed.order()).containsExactly(3, 1, 4, 0, 2, 5);
        assertThat(mixed.starts()).containsExactly(0, 1, 3, 6);
        assertThat(GroupOrder.byKey(new long[0]).groups()).isZero();
    }

    /** Brute-force GAUC: per user, the brute-force AUC of the user's examples. */
    private static OptionalDouble bruteForceGauc(long[] users, boolean[] l, double[] s) {
        double num = 0;
        double den = 0;
        for (long u : java.util.Arrays.stream(users).distinct().toArray()) {
            int[] idx = java.util.stream.IntStream.range(0, users.length).filter(i -> users[i] == u).toArray();
            boolean[] lu = new boolean[idx.length];
            double[] su = new double[idx.length];
            for (int i = 0; i < idx.length; i++) {
                lu[i] = l[idx[i]];
                su[i] = s[idx[i]];
            }
            OptionalDouble a = bruteForceAuc(lu, su);
            if (a.isPresent()) {
                num += idx.length * a.getAsDouble();
                den += idx.length;
            }
        }
        return den == 0 ? OptionalDouble.empty() : OptionalDouble.of(num / den);
    }

    /** Brute-force HIT@k: per request, repeatedly take the best remaining (highest score, lowest index). */
    private static double bruteForceHit(int k, long[] req, boolean[] l, double[] s) {
        java.util.TreeSet<Long> ids = new java.util.TreeSet<>();
        for (long r : req) {
            ids.add(r);
        }
        double total = 0;
        for (long r : ids) {
            boolean[] taken = new boolean[req.length];
            for (int round = 0; round < k; round++) {
                int best = -1;
                for (int i = 0; i < req.length; i++) {
                    if (req[i] == r && !taken[i] && (best < 0 || s[i] > s[best])) {
                        best = i;
                    }
                }
                if (best < 0) {
                    break;
                }
                taken[best] = true;
                total += l[best] ? 1 : 0;
            }
        }
        return total / ids.size();
    }

    @Test
    void randomizedAgainstBruteForce() {
        long seed = Seeds.seed(20261125L);
        SplittableRandom rnd = Seeds.random(seed);
        for (int trial = 0; trial < 300; trial++) {
            int n = rnd.nextInt(0, 400);
            int levels = rnd.nextInt(1, 20); // few distinct scores: many ties
            boolean[] l = new boolean[n];
            double[] s = new double[n];
            long[] groups = new long[n];
            double rate = rnd.nextDouble();
            for (int i = 0; i < n; i++) {
                l[i] = rnd.nextDouble() < rate;
                s[i] = trial % 2 == 0 ? rnd.nextInt(levels) / (double) levels : rnd.nextGaussian();
                groups[i] = rnd.nextLong(0, 1 + n / 5);
            }
            if (trial % 3 == 0) {
                java.util.Arrays.sort(groups); // the O(n) grouping path
            }
            OptionalDouble expected = bruteForceAuc(l, s);
            OptionalDouble actual = RankingMetrics.auc(l, s);
            String where = "seed " + seed + ", trial " + trial + ", n " + n;
            assertThat(actual.isPresent()).as(where).isEqualTo(expected.isPresent());
            if (expected.isPresent()) {
                assertThat(actual.getAsDouble()).as(where).isCloseTo(expected.getAsDouble(), within(1e-12));
            }
            OptionalDouble gauc = RankingMetrics.gauc(groups, l, s);
            OptionalDouble expectedGauc = bruteForceGauc(groups, l, s);
            assertThat(gauc.isPresent()).as(where + " gauc").isEqualTo(expectedGauc.isPresent());
            if (expectedGauc.isPresent()) {
                assertThat(gauc.getAsDouble()).as(where + " gauc").isCloseTo(expectedGauc.getAsDouble(), within(1e-12));
            }
            int k = 1 + trial % 5;
            if (n > 0) {
                assertThat(RankingMetrics.hitAtK(k, groups, l, s).getAsDouble()).as(where + ", k " + k)
                        .isCloseTo(bruteForceHit(k, groups, l, s), within(1e-12));
            }
        }
    }
}
