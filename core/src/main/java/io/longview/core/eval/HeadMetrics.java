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

    /**
     * One readable line, e.g. {@code auc 0.7312  gauc 0.6120  hit@3 0.4410  (12000 examples, 830 positives, 1000 requests)};
     * an undefined metric reads {@code n/a} with its reason, never NaN.
     */
    public String describe() {
        return String.format(Locale.ROOT, "auc %s  gauc %s  hit@3 %s  (%d examples, %d positives, %d requests)",
                aucText(), gaucText(), hitAt3Text(), examples, positives, requests);
    }

    /** AUC as {@code 0.7312}, or {@code n/a (no positives)} / {@code n/a (no negatives)}. */
    public String aucText() {
        return text(auc, examples == 0 ? "no examples" : positives == 0 ? "no positives" : positives == examples ? "no negatives" : "undefined");
    }

    /** GAUC as {@code 0.6120}, or {@code n/a (no user with both a positive and a negative)}. */
    public String gaucText() {
        return text(gauc, "no user with both a positive and a negative");
    }

    /** HIT@3 as {@code 0.4410}, or {@code n/a (no requests)}. */
    public String hitAt3Text() {
        return text(hitAt3, "no requests");
    }

    /** A metric value with four decimals, or {@code n/a (reason)} when it is not finite. */
    public static String text(double v, String reasonWhenUndefined) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "n/a (" + reasonWhenUndefined + ")";
    }
}
