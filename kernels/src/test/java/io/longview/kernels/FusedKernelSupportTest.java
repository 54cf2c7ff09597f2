package io.longview.kernels;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kernels of the fused engine, each Vector API kernel against its scalar twin over awkward sizes (STYLE 2):
 * offset matmul, residual + LayerNorm, row sums, max-pooling, causal attention with the online softmax, and the fused
 * nearest-neighbour scan (also against a brute-force sort). Exact where the vector kernel keeps the scalar order of
 * operations, within a length-scaled tolerance elsewhere. Seeds are fixed per size and named in every message.
 */
class FusedKernelSupportTest {
    private final KernelSupport scalar = new ScalarKernelSupport();
    private final KernelSupport vector = new PanamaKernelSupport();

    static int[] sizes() {
        return new int[]{1, 7, 13, 31, 32, 33, 191, 192, 1021};
    }

    static int[] rowsForScoring() {
        return IntStream.concat(Arrays.stream(sizes()), IntStream.of(16_000)).toArray();
    }

    private static float[] floats(SplittableRandom rnd, int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
        }
        return v;
    }

    private static void assertClose(String what, float[] actual, float[] expected, double rtol, double atol) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            double err = Math.abs(actual[i] - expected[i]);
            if (!(err <= atol + rtol * Math.abs(expected[i]))) {
                throw new AssertionError(what + ": index " + i + " is " + actual[i] + ", expected " + expected[i]);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void matmulWithOffsetsIsExact(int rows) {
        long seed = 11_000 + rows;
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int[] shape : new int[][]{{64, 64}, {64, 32}, {32, 192}, {7, 13}, {101, 256}}) {
            int in = shape[0], out = shape[1];
            float[] x = floats(rnd, 5 + rows * in, 2f);
            float[] w = floats(rnd, 3 + in * out, 0.3f);
            float[] expected = new float[9 + rows * out];
            float[] actual = new float[9 + rows * out];
            scalar.matmul(x, 5, rows, in, w, 3, out, expected, 9);
            vector.matmul(x, 5, rows, in, w, 3, out, actual, 9);
            assertThat(actual).as("matmul %dx%d @ %dx%d with offsets, seed %d", rows, in, in, out, seed).isEqualTo(expected);
        }
    }

    /** The FMA product: bit-identical to its scalar twin, and within rounding of the multiply-then-add product. */
    @ParameterizedTest
    @MethodSource("sizes")
    void matmulFmaWithOffsetsIsExact(int rows) {
        long seed = 15_000 + rows;
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int[] shape : new int[][]{{64, 64}, {64, 32}, {32, 64}, {64, 192}, {7, 13}, {101, 256}, {1, 1}}) {
            int in = shape[0], out = shape[1];
            float[] x = floats(rnd, 5 + rows * in, 2f);
            float[] w = floats(rnd, 3 + in * out, 0.3f);
            float[] expected = new float[9 + rows * out];
            float[] actual = new float[9 + rows * out];
            float[] plain = new float[9 + rows * out];
            scalar.matmulFma(x, 5, rows, in, w, 3, out, expected, 9);
            vector.matmulFma(x, 5, rows, in, w, 3, out, actual, 9);
            String what = String.format("matmulFma %dx%d @ %dx%d with offsets, seed %d", rows, in, in, out, seed);
            assertThat(actual).as(what).isEqualTo(expected);
            scalar.matmul(x, 5, rows, in, w, 3, out, plain, 9);
            assertClose(what + " vs matmul", actual, plain, 1e-5, in * in * 0.6 * 1.2e-7);
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void rowKernelsMatch(int n) {
        long seed = 12_000 + n;
        SplittableRandom rnd = new SplittableRandom(seed);
        int rows = 3;
        float[] x = floats(rnd, 2 + rows * n, 3f);
        float[] y = floats(rnd, 1 + rows * n, 1f);
        float[] e = x.clone(), a = x.clone();
        scalar.addLayerNorm(e, 2, y, 1, rows, n, 1e-5f);
        vector.addLayerNorm(a, 2, y, 1, rows, n, 1e-5f);
        assertClose("addLayerNorm n=" + n + " seed " + seed, a, e, 1e-5, 8 * n * 1.2e-7 + 1e-6);

        float[] b = floats(rnd, n + 4, 1f), c = floats(rnd, n + 4, 1f), f = floats(rnd, n + 4, 1f), g = floats(rnd, n + 4, 1f);
        float[] es = new float[n + 1], as = new float[n + 1];
        scalar.sumRows(es, 1, b, 1, c, 2, f, 3, g, 4, n);
        vector.sumRows(as, 1, b, 1, c, 2, f, 3, g, 4, n);
        assertThat(as).as("sumRows n=%d seed %d", n, seed).isEqualTo(es);
        float[] ea = b.clone(), aa = b.clone();
        scalar.addRows(ea, 2, c, 1, f, 0, n);
        vector.addRows(aa, 2, c, 1, f, 0, n);
        assertThat(aa).as("addRows n=%d seed %d", n, seed).isEqualTo(ea);

        float[] m = floats(rnd, 1 + 5 * n, 1f);
        m[1] = -0f;
        float[] em = new float[n + 2], am = new float[n + 2];
        scalar.maxRows(m, 1, 5, n, em, 2);
        vector.maxRows(m, 1, 5, n, am, 2);
        assertThat(am).as("maxRows n=%d seed %d", n, seed).isEqualTo(em);
    }

    /** Residual + LayerNorm at the widths the vector kernel keeps in registers (8 vectors: 64 on AVX2, 128 on AVX-512). */
    @ParameterizedTest
    @MethodSource("sizes")
    void addLayerNormAtRegisterWidths(int rows) {
        long seed = 16_000 + rows;
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int n : new int[]{64, 128}) {
            float[] x = floats(rnd, 3 + rows * n, 3f);
            float[] y = floats(rnd, 5 + rows * n, 1f);
            for (int i = 0; i < n; i++) {
                x[3 + i] = 100f + x[3 + i] * 1e-3f; // a row with a large mean and a small spread
            }
            float[] e = x.clone(), a = x.clone();
            scalar.addLayerNorm(e, 3, y, 5, rows, n, 1e-5f);
            vector.addLayerNorm(a, 3, y, 5, rows, n, 1e-5f);
            assertClose("addLayerNorm rows=" + rows + " n=" + n + " seed " + seed, a, e, 1e-4, 8 * n * 1.2e-7 + 1e-6);
            assertThat(a[0]).isEqualTo(e[0]);
        }
    }

    /** Attention against its scalar twin and against a float64 evaluation of the same formula. */
    @ParameterizedTest
    @MethodSource("sizes")
    void causalAttentionAgrees(int t) {
        long seed = 13_000 + t;
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int d : t > 200 ? new int[]{64} : new int[]{64, 32, 7, 1}) {
            float[] q = floats(rnd, t * d, 2f), k = floats(rnd, t * d, 2f), v = floats(rnd, t * d, 1f);
            float scale = (float) (1 / Math.sqrt(d));
            float[] scratch = new float[VectorKernels.attentionScratch(t, d)];
            Arrays.fill(scratch, Float.NaN); // scratch is never read before it is written
            float[] expected = new float[t * d], actual = new float[t * d];
            scalar.causalAttention(q, k, v, t, d, scale, expected, scratch);
            Arrays.fill(scratch, Float.NaN);
            vector.causalAttention(q, k, v, t, d, scale, actual, scratch);
            String what = "attention t=" + t + " d=" + d + " seed " + seed;
            assertClose(what + " (vector vs scalar)", actual, expected, 1e-4, 2e-6);
            float[] exact = new float[t * d];
            for (int i = 0; i < t; i++) {
                double[] s = new double[i + 1];
                double m = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= i; j++) {
                    for (int c = 0; c < d; c++) {
                        s[j] += (double) q[i * d + c] * k[j * d + c];
                    }
                    s[j] *= scale;
                    m = Math.max(m, s[j]);
                }
                double sum = 0;
                for (int j = 0; j <= i; j++) {
                    s[j] = Math.exp(s[j] - m);
                    sum += s[j];
                }
                for (int c = 0; c < d; c++) {
                    double a = 0;
                    for (int j = 0; j <= i; j++) {
                        a += s[j] * v[j * d + c];
                    }
                    exact[i * d + c] = (float) (a / sum);
                }
            }
            assertClose(what + " (vector vs float64)", actual, exact, 1e-4, 2e-6);
            assertClose(what + " (scalar vs float64)", expected, exact, 1e-4, 2e-6);
        }
    }

    /**
     * The fused scan picks the K best by (score desc, index asc) — the selector's rule on a newest-first sequence —
     * identically in both implementations, with buffers so small that they compact often and with scores that tie.
     */
    @ParameterizedTest
    @MethodSource("rowsForScoring")
    void nearestScanPicksTheKBest(int rows) {
        long seed = 14_000 + rows;
        SplittableRandom rnd = new SplittableRandom(seed);
        int dim = 32;
        float[][] pool = new float[25][dim];
        for (float[] p : pool) {
            double norm = 0;
            for (int d = 0; d < dim; d++) {
                p[d] = (float) rnd.nextGaussian();
                norm += p[d] * p[d];
            }
            for (int d = 0; d < dim; d++) {
                p[d] /= (float) Math.sqrt(norm);
            }
        }
        Arrays.fill(pool[0], 0f); // zero vector: score 0 (and −0 products)
        float[] units = new float[rows * dim];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(pool[rnd.nextInt(pool.length)], 0, units, i * dim, dim);
        }
        float[] packed = new float[TokenTiles.length(rows, dim)];
        TokenTiles.pack(units, 0, rows, dim, packed);
        for (int nCand : new int[]{1, 4, 7}) {
            float[] cands = new float[3 + nCand * dim];
            for (int i = 3; i < cands.length; i++) {
                cands[i] = (float) rnd.nextGaussian();
            }
            for (int k : new int[]{1, 5, 96}) {
                for (int cap : new int[]{k + 1, 4 * k + 16}) {
                    int[][] got = new int[2][];
                    for (int impl = 0; impl < 2; impl++) {
                        float[] th = new float[nCand];
                        Arrays.fill(th, Float.NEGATIVE_INFINITY);
                        int[] counts = new int[nCand];
                        long[] buffers = new long[nCand * cap];
                        (impl == 0 ? scalar : vector).nearestScan(packed, rows, dim, cands, 3, nCand, k, th, buffers, cap, counts,
                                new float[16]);
                        int[] all = new int[nCand * k];
                        Arrays.fill(all, -1);
                        for (int c = 0; c < nCand; c++) {
                            int m = NearestBuffers.finish(buffers, cap, counts, c, k, all, c * k);
                            assertThat(m).isEqualTo(Math.min(k, rows));
                            Arrays.sort(all, c * k, c * k + m);
                        }
                        got[impl] = all;
                    }
                    String what = "nearestScan rows=" + rows + " nCand=" + nCand + " k=" + k + " cap=" + cap + " seed " + seed;
                    assertThat(got[1]).as(what + " vector vs scalar").isEqualTo(got[0]);
                    for (int c = 0; c < nCand; c++) {
                        float[] s = new float[rows];
                        for (int i = 0; i < rows; i++) {
                            float acc = 0f;
                            for (int d = 0; d < dim; d++) {
                                acc += units[i * dim + d] * cands[3 + c * dim + d];
                            }
                            s[i] = acc;
                        }
                        Integer[] order = IntStream.range(0, rows).boxed().toArray(Integer[]::new);
                        Comparator<Integer> cmp = (a, b) -> s[a] == s[b] ? Integer.compare(a, b) : s[a] > s[b] ? -1 : 1;
                        Arrays.sort(order, cmp);
                        int m = Math.min(k, rows);
                        int[] want = Arrays.stream(order).limit(m).mapToInt(Integer::intValue).sorted().toArray();
                        int[] mine = Arrays.copyOfRange(got[0], c * k, c * k + m);
                        assertThat(mine).as(what + " candidate " + c + " vs brute force").isEqualTo(want);
                    }
                }
            }
        }
    }
}
