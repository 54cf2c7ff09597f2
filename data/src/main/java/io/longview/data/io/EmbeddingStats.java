package io.longview.data.io;

import io.longview.core.model.ItemEmbeddings;
import io.longview.core.model.Quantizer;
import io.longview.core.model.Token;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Summary statistics of a set of item embeddings, recorded in dataset manifests so a user can see whether the values
 * suit the int8 quantizer (clip {@link Quantizer#DEFAULT_CLIP}, DESIGN §1).
 *
 * @param items          number of embeddings
 * @param meanStd        the mean over the 32 dimensions of each dimension's standard deviation
 * @param maxStd         the largest per-dimension standard deviation
 * @param maxAbs         the largest absolute value
 * @param clippedFraction the fraction of values with {@code |v| > clip}, which quantization clips
 */
public record EmbeddingStats(long items, double meanStd, double maxStd, double maxAbs, double clippedFraction) {

    /** Computes the statistics of {@code ids}' embeddings in {@code embeddings}, in the order given. */
    public static EmbeddingStats of(ItemEmbeddings embeddings, long[] ids) {
        int dim = Token.EMBEDDING_DIM;
        double[] sum = new double[dim];
        double[] sumSq = new double[dim];
        double maxAbs = 0;
        long clipped = 0;
        float[] e = new float[dim];
        for (long id : ids) {
            embeddings.copy(id, e, 0);
            for (int d = 0; d < dim; d++) {
                sum[d] += e[d];
                sumSq[d] += (double) e[d] * e[d];
                double a = Math.abs(e[d]);
                maxAbs = Math.max(maxAbs, a);
                if (a > Quantizer.DEFAULT_CLIP) {
                    clipped++;
                }
            }
        }
        double meanStd = 0;
        double maxStd = 0;
        long n = ids.length;
        for (int d = 0; d < dim && n > 0; d++) {
            double mean = sum[d] / n;
            double std = Math.sqrt(Math.max(0, sumSq[d] / n - mean * mean));
            meanStd += std / dim;
            maxStd = Math.max(maxStd, std);
        }
        return new EmbeddingStats(n, meanStd, maxStd, maxAbs, n == 0 ? 0 : (double) clipped / (n * dim));
    }

    /** The statistics as manifest parameters ({@code embeddingMeanStd}, …), rounded for reading. */
    public Map<String, Object> toParameters() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("embeddingMeanStd", round(meanStd));
        m.put("embeddingMaxStd", round(maxStd));
        m.put("embeddingMaxAbs", round(maxAbs));
        m.put("embeddingClippedFraction", round(clippedFraction));
        return m;
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }
}
