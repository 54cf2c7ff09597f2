package io.longview.data.embed;

import io.longview.core.io.Progress;
import io.longview.core.model.Token;

import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Learns 32-d item embeddings by implicit-feedback matrix factorization with alternating least squares (Hu, Koren
 * &amp; Volinsky, "Collaborative Filtering for Implicit Feedback Datasets", ICDM 2008).
 *
 * <h2>Model</h2>
 * For every user u and item i: preference {@code p_ui = 1} if the user interacted with the item, else 0; confidence
 * {@code c_ui = 1 + alpha · w_ui} ({@code w_ui} the summed interaction weight). Minimizes
 * <pre>
 *   Σ_u Σ_i c_ui (p_ui − x_u·y_i)²  +  λ (Σ_u |x_u|² + Σ_i |y_i|²)         x_u, y_i ∈ R^32
 * </pre>
 * by alternating exact solves: {@code x_u = (YᵀY + Yᵀ(C_u − I)Y + λI)⁻¹ Yᵀ C_u p_u} for every user, then the same for
 * every item (the {@code YᵀY} trick makes each solve cost O(n_u·32² + 32³)). Items consumed by the same users end
 * up with similar vectors.
 *
 * <h2>Output</h2>
 * The item factors {@code y_i}, rotated by a seeded random orthogonal 32×32 matrix and multiplied by one global
 * scale so that the root mean square of all values is {@link AlsConfig#targetRms()} (0.25). Both are similarity
 * transforms: cosines and the ranking of dot products between items are exactly those of the factors. The rotation
 * spreads the variance of the dominant factor (popularity) over all dimensions, so that every dimension has a
 * similar spread (per-dimension standard deviation about 0.2 on MovieLens, the rest of the RMS being the shared mean)
 * and only a few percent of the values exceed the quantizer's clip 0.65 (2% on MovieLens: the largest vectors of the
 * most popular items), instead of one dimension being clipped throughout.
 *
 * <h2>Determinism</h2>
 * Initial factors are drawn per item id from the seed (N(0, 0.1²)), rows are solved independently (in parallel; each
 * result is independent of the thread that computed it) and every sum runs in a fixed order: the output is
 * bit-identical for the same matrix and seed, whatever the order the interactions were added in and whatever else
 * (other items, later events) a dataset contains.
 */
public final class ImplicitAlsLearner {
    private static final int K = Token.EMBEDDING_DIM;
    private static final double INIT_STD = 0.1;

    private ImplicitAlsLearner() {
    }

    /**
     * Learns embeddings for every item of {@code matrix}.
     *
     * @param progress advanced once per half-sweep (users, then items): total {@code 2 · iterations}
     * @throws IllegalArgumentException when the matrix is empty
     */
    public static LearnedEmbeddings learn(InteractionMatrix matrix, AlsConfig config, Progress progress) {
        if (matrix.nonZeros() == 0) {
            throw new IllegalArgumentException("no training interactions: cannot learn item embeddings");
        }
        int nu = matrix.users();
        int ni = matrix.items();
        double[] x = new double[nu * K]; // (users, K)
        double[] y = new double[ni * K]; // (items, K)
        for (int j = 0; j < ni; j++) {
            SplittableRandom r = new SplittableRandom(mix(config.seed(), matrix.itemId(j)));
            for (int d = 0; d < K; d++) {
                y[j * K + d] = r.nextGaussian() * INIT_STD;
            }
        }
        for (int it = 0; it < config.iterations(); it++) {
            solve(y, ni, matrix.userPtr(), matrix.userItems(), matrix.userWeights(), x, nu, config);
            progress.advance(1);
            solve(x, nu, matrix.itemPtr(), matrix.itemUsers(), matrix.itemWeights(), y, ni, config);
            progress.advance(1);
        }
        float[][] out = rotateAndScale(y, ni, config);
        return new LearnedEmbeddings(matrix.itemIds(), out, nu, matrix.nonZeros(), config);
    }

    /**
     * Solves every row of {@code out} given the fixed factors {@code f}:
     * {@code out_r = (FᵀF + Σ_{i∈r} α w_ri f_i f_iᵀ + λI)⁻¹ Σ_{i∈r} (1 + α w_ri) f_i}.
     */
    private static void solve(double[] f, int nf, int[] ptr, int[] idx, float[] w, double[] out, int n, AlsConfig cfg) {
        double[] gram = new double[K * K]; // (K, K) FᵀF, summed in row order for determinism
        for (int i = 0; i < nf; i++) {
            int o = i * K;
            for (int a = 0; a < K; a++) {
                double fa = f[o + a];
                for (int b = a; b < K; b++) {
                    gram[a * K + b] += fa * f[o + b];
                }
            }
        }
        double alpha = cfg.alpha();
        double lambda = cfg.lambda();
        IntStream.range(0, n).parallel().forEach(r -> {
            double[] a = new double[K * K]; // (K, K) upper triangle used
            double[] b = new double[K];
            for (int p = 0; p < K; p++) {
                System.arraycopy(gram, p * K + p, a, p * K + p, K - p);
                a[p * K + p] += lambda;
            }
            for (int q = ptr[r]; q < ptr[r + 1]; q++) {
                int o = idx[q] * K;
                double cm1 = alpha * w[q]; // c − 1
                for (int p = 0; p < K; p++) {
                    double fp = f[o + p];
                    b[p] += (1 + cm1) * fp;
                    double s = cm1 * fp;
                    for (int c = p; c < K; c++) {
                        a[p * K + c] += s * f[o + c];
                    }
                }
            }
            choleskySolve(a, b);
            System.arraycopy(b, 0, out, r * K, K);
        });
    }

    /** Solves {@code A z = b} in place (b becomes z) for symmetric positive definite A given by its upper triangle. */
    static void choleskySolve(double[] a, double[] b) {
        // A = Lᵀ L with L upper-triangular, stored in the upper triangle of a.
        for (int i = 0; i < K; i++) {
            for (int j = i; j < K; j++) {
                double s = a[i * K + j];
                for (int k = 0; k < i; k++) {
                    s -= a[k * K + i] * a[k * K + j];
                }
                if (i == j) {
                    a[i * K + i] = Math.sqrt(Math.max(s, 1e-300));
                } else {
                    a[i * K + j] = s / a[i * K + i];
                }
            }
        }
        for (int i = 0; i < K; i++) { // Uᵀ z' = b
            double s = b[i];
            for (int k = 0; k < i; k++) {
                s -= a[k * K + i] * b[k];
            }
            b[i] = s / a[i * K + i];
        }
        for (int i = K - 1; i >= 0; i--) { // U z = z'
            double s = b[i];
            for (int k = i + 1; k < K; k++) {
                s -= a[i * K + k] * b[k];
            }
            b[i] = s / a[i * K + i];
        }
    }

    private static float[][] rotateAndScale(double[] y, int ni, AlsConfig cfg) {
        double[] q = randomOrthogonal(cfg.seed());
        double sumSq = 0;
        for (int i = 0; i < ni * K; i++) {
            sumSq += y[i] * y[i];
        }
        double rms = Math.sqrt(sumSq / ((double) ni * K));
        double scale = rms > 0 ? cfg.targetRms() / rms : 1;
        float[][] out = new float[ni][K];
        for (int j = 0; j < ni; j++) {
            int o = j * K;
            for (int d = 0; d < K; d++) {
                double s = 0;
                for (int c = 0; c < K; c++) {
                    s += q[d * K + c] * y[o + c];
                }
                out[j][d] = (float) (s * scale);
            }
        }
        return out;
    }

    /** A seeded random orthogonal K×K matrix (Gram–Schmidt on Gaussian rows), row-major. */
    static double[] randomOrthogonal(long seed) {
        SplittableRandom r = new SplittableRandom(mix(seed, 0x0127A7E5L));
        double[] q = new double[K * K];
        for (int i = 0; i < K * K; i++) {
            q[i] = r.nextGaussian();
        }
        for (int i = 0; i < K; i++) {
            for (int pass = 0; pass < 2; pass++) { // twice for numerical orthogonality
                for (int k = 0; k < i; k++) {
                    double dot = 0;
                    for (int c = 0; c < K; c++) {
                        dot += q[i * K + c] * q[k * K + c];
                    }
                    for (int c = 0; c < K; c++) {
                        q[i * K + c] -= dot * q[k * K + c];
                    }
                }
            }
            double norm = 0;
            for (int c = 0; c < K; c++) {
                norm += q[i * K + c] * q[i * K + c];
            }
            norm = Math.sqrt(norm);
            for (int c = 0; c < K; c++) {
                q[i * K + c] /= norm;
            }
        }
        return q;
    }

    /** A well-mixed per-key seed (SplitMix64 finalizer of seed and key). */
    static long mix(long seed, long key) {
        long z = seed * 0x9E3779B97F4A7C15L + key;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
