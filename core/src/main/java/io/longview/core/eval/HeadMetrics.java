package io.longview.core.eval;

import java.util.Locale;

/**
 * One head's evaluation summary (DESIGN §5): AUC, GAUC and HIT@3 over a set of examples. An undefined metric is
 * {@link Double#NaN} (AUC without positives or negatives, GAUC without a user having both, HIT@3 without examples).
 *
 * @param examples  number of examples (candidates)
 * @param positives number of positive labels
 * @param requests  number of distinct requests
 */
public record HeadMetrics(double auc, double gauc, double hitAt3, int examples, int positives, int requests) {

    /**
     * Computes all three metrics of one head.
     *
     * @param users    user id per example
     * @param requests request id per example
     * @param labels   the head's label per example
     * @param scores   the head's score (probability or logit: only the order matters) per example
     * @throws IllegalArgumentException when the lengths differ or a score is NaN
     */
    public static HeadMetrics of(long[] users, long[] requests, boolean[] labels, double[] scores) {
        RankingMetrics.checkLengths(labels.length, scores.length, users.length);
        RankingMetrics.checkLengths(labels.length, scores.length, requests.length);
        int positives = 0;
        for (boolean l : labels) {
            positives += l ? 1 : 0;
        }
        long[] sorted = requests.clone();
        java.util.Arrays.sort(sorted);
        int distinct = 0;
        for (int i = 0; i < sorted.length; i++) {
            distinct += i == 0 || sorted[i] != sorted[i - 1] ? 1 : 0;
        }
        return new HeadMetrics(RankingMetrics.auc(labels, scores).orElse(Double.NaN),
                RankingMetrics.gauc(users, labels, scores).orElse(Double.NaN),
                RankingMetrics.hitAt3(requests, labels, scores).orElse(Double.NaN),
                labels.length, positives, distinct);
    }

    /** {@link #of(long[], long[], boolean[], double[])} for float scores. */
    public static HeadMetrics of(long[] users, long[] requests, boolean[] labels, float[] scores) {
        double[] d = new double[scores.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = scores[i];
        }
        return of(users, requests, labels, d);
    }

    /** Relative lift of this head's HIT@3 over a baseline's, e.g. {@code 0.1331} for +13.31% (the paper's Table 2). */
    public double hitAt3LiftOver(HeadMetrics baseline) {
        return hitAt3 / baseline.hitAt3 - 1.0;
    }

    /** One readable line, e.g. {@code auc 0.7312  gauc 0.6120  hit@3 0.4410  (12000 examples, 830 positives, 1000 requests)}. */
    public String describe() {
        return String.format(Locale.ROOT, "auc %.4f  gauc %.4f  hit@3 %.4f  (%d examples, %d positives, %d requests)",
                auc, gauc, hitAt3, examples, positives, requests);
    }
}
