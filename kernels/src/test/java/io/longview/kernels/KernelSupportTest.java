package io.longview.kernels;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every Vector API kernel against its scalar twin over awkward sizes (STYLE 2): exact where the vector kernel keeps the
 * scalar order of operations, within a tolerance that grows with the reduction length elsewhere. Both implementations
 * are built directly, so this runs the same under {@code -Dlongview.kernels=scalar}. Seeds are fixed per size and
 * named in every message.
 */
class KernelSupportTest {
    static final int[] SIZES = {1, 7, 13, 31, 32, 33, 191, 192, 1021};
    private static final float ULP1 = Math.ulp(1f); // 2^-23

    private final KernelSupport scalar = new ScalarKernelSupport();
    private final KernelSupport vector = new PanamaKernelSupport();

    static int[] sizes() {
        return SIZES;
    }

    static int[] rowsForScoring() {
        return IntStream.concat(Arrays.stream(SIZES), IntStream.of(16_000)).toArray();
    }

    private static float[] floats(SplittableRandom rnd, int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
        }
        return v;
    }

    private static void assertClose(String what, float[] actual, float[] expected, float[] tolerance) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            float err = Math.abs(actual[i] - expected[i]);
            if (!(err <= tolerance[i])) {
                throw new AssertionError(what + ": index " + i + " is " + actual[i] + ", expected " + expected[i]
                        + " ± " + tolerance[i]);
            }
        }
    }

    @Test
    void vectorImplementationNamesItself() {
        assertThat(vector.name()).isEqualTo("vector");
        assertThat(scalar.name()).isEqualTo("scalar");
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void dequantizeNormalizeIsExact(int rows) {
        long seed = 2000 + rows;
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int dim : new int[]{32, 1, 7, 13, 33}) {
            int off = 3;
            byte[] q = new byte[off + rows * dim];
            for (int i = off; i < q.length; i++) {
                q[i] = (byte) (rnd.nextInt(255) - 127);
            }
            for (int r = 0; r < rows; r += 5) { // every fifth row all zero
                Arrays.fill(q, off + r * dim, off + (r + 1) * dim, (byte) 0);
            }
            float[] expected = new float[2 + rows * dim];
            float[] actual = new float[2 + rows * dim];
            Arrays.fill(expected, Float.NaN); // the zero rows must be written, not skipped
            Arrays.fill(actual, Float.NaN);
            expected[0] = expected[1] = actual[0] = actual[1] = 7f;
            scalar.dequantizeNormalize(q, off, rows, dim, expected, 2);
            vector.dequantizeNormalize(q, off, rows, dim, actual, 2);
            assertThat(actual).as("dequantizeNormalize rows=%d dim=%d seed %d", rows, dim, seed).isEqualTo(expected);
            for (int r = 0; r < rows; r++) {
                double norm = 0;
                boolean zero = true;
                for (int d = 0; d < dim; d++) {
                    norm += (double) actual[2 + r * dim + d] * actual[2 + r * dim + d];
                    zero &= q[off + r * dim + d] == 0;
                }
                assertThat(norm).as("row %d norm², seed %d", r, seed).isCloseTo(zero ? 0 : 1, org.assertj.core.data.Offset.offset(1e-5));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("rowsForScoring")
    void scoreAllIsExact(int rows) {
        long seed = 3000 + rows;
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] dims = rows > 2000 ? new int[]{32} : new int[]{32, 1, 7, 33};
        for (int dim : dims) {
            float[] units = floats(rnd, rows * dim, 1f);
            for (int nCand : rows > 2000 ? new int[]{5} : new int[]{1, 4, 7}) {
                float[] cand = floats(rnd, nCand * dim, 1f);
                float[] expected = new float[nCand * rows];
                float[] actual = new float[nCand * rows];
                scalar.scoreAll(units, rows, dim, cand, nCand, expected);
                vector.scoreAll(units, rows, dim, cand, nCand, actual);
                assertThat(actual).as("scoreAll rows=%d dim=%d nCand=%d seed %d", rows, dim, nCand, seed).isEqualTo(expected);
            }
        }
    }

    /** Scores from a handful of values and timestamps with many repeats: ties at the K-th place on every level. */
    @ParameterizedTest
    @MethodSource("rowsForScoring")
    void topKIsExactWithFrequentTies(int n) {
        long seed = 4000 + n;
        SplittableRandom rnd = new SplittableRandom(seed);
        int off = 11;
        for (int distinct : new int[]{2, 3, 50, 100_000}) {
            float[] scores = new float[off + n + 4];
            for (int i = 0; i < scores.length; i++) {
                scores[i] = distinct == 100_000 ? (float) rnd.nextDouble() : rnd.nextInt(distinct) / (float) distinct;
                if (distinct == 2 && scores[i] == 0f && rnd.nextBoolean()) {
                    scores[i] = -0f; // −0 and +0 are equal scores: the tie goes to time, then index
                }
            }
            long[] ts = new long[n];
            long t = 1_700_000_000_000L;
            for (int i = 0; i < n; i++) { // newest first, often equal
                ts[i] = t;
                t -= rnd.nextInt(3);
            }
            Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
            Comparator<Integer> byScore = (x, y) -> scores[off + x] == scores[off + y] ? 0 : scores[off + x] > scores[off + y] ? -1 : 1;
            Arrays.sort(order, byScore.thenComparingLong(i -> -ts[i]).thenComparingInt(i -> i));
            for (int k : new int[]{1, 5, 96, n, n + 3}) {
                int m = Math.min(k, n);
                int[] expected = new int[m + 2];
                int[] actual = new int[m + 2];
                int[] reference = Arrays.stream(order).limit(m).mapToInt(Integer::intValue).toArray();
                assertThat(scalar.topK(scores, off, n, ts, k, expected)).isEqualTo(m);
                assertThat(vector.topK(scores, off, n, ts, k, actual)).isEqualTo(m);
                String what = "topK n=" + n + " k=" + k + " distinct=" + distinct + " seed " + seed;
                assertThat(Arrays.copyOf(expected, m)).as("scalar " + what).isEqualTo(reference);
                assertThat(Arrays.copyOf(actual, m)).as("vector " + what).isEqualTo(reference);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void matmulIsExact(int rows) {
        long seed = 5000 + rows;
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int[] shape : new int[][]{{64, 64}, {64, 32}, {32, 64}, {1, 1}, {7, 13}, {33, 191}, {13, 96}}) {
            int in = shape[0], out = shape[1];
            float[] x = floats(rnd, rows * in, 2f);
            float[] w = floats(rnd, in * out, 0.3f);
            float[] expected = new float[rows * out];
            float[] actual = new float[rows * out];
            scalar.matmul(x, rows, in, w, out, expected);
            vector.matmul(x, rows, in, w, out, actual);
            assertThat(actual).as("matmul %dx%d @ %dx%d seed %d", rows, in, in, out, seed).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void layerNormAgreesWithinLengthScaledTolerance(int n) {
        long seed = 6000 + n;
        SplittableRandom rnd = new SplittableRandom(seed);
        int off = 4;
        float[] x = floats(rnd, off + n + 2, 3f);
        for (int i = off; i < off + n; i++) {
            x[i] += 1.5f; // a mean away from zero
        }
        float[] expected = x.clone();
        float[] actual = x.clone();
        scalar.layerNorm(expected, off, n, 1e-5f);
        vector.layerNorm(actual, off, n, 1e-5f);
        float[] tol = new float[x.length];
        Arrays.fill(tol, off, off + n, 8 * n * ULP1 + 1e-6f);
        assertClose("layerNorm n=" + n + " seed " + seed, actual, expected, tol);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void reluIsExact(int n) {
        long seed = 7000 + n;
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = floats(rnd, n + 3, 1f);
        x[1] = -0f;
        float[] expected = x.clone();
        float[] actual = x.clone();
        scalar.relu(expected, 1, n);
        vector.relu(actual, 1, n);
        assertThat(actual).as("relu n=%d seed %d", n, seed).isEqualTo(expected);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void maskedSoftmaxRowAgreesWithinLengthScaledTolerance(int n) {
        long seed = 8000 + n;
        SplittableRandom rnd = new SplittableRandom(seed);
        for (boolean increasing : new boolean[]{false, true}) { // increasing: the running maximum moves every block
            float[] x = floats(rnd, n + 6, 8f);
            if (increasing) {
                for (int i = 0; i < x.length; i++) {
                    x[i] = i * 0.05f - 4f + x[i] * 0.01f;
                }
            }
            float[] expected = x.clone();
            float[] actual = x.clone();
            scalar.maskedSoftmaxRow(expected, 3, n);
            vector.maskedSoftmaxRow(actual, 3, n);
            float[] tol = new float[x.length];
            double sum = 0;
            for (int i = 3; i < 3 + n; i++) {
                tol[i] = (4 + 2 * (float) Math.sqrt(n)) * ULP1 * Math.max(expected[i], 1e-30f) + 1e-9f;
                sum += actual[i];
            }
            assertClose("softmax n=" + n + " increasing=" + increasing + " seed " + seed, actual, expected, tol);
            assertThat(sum).as("softmax sum, n=%d seed %d", n, seed).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        }
    }
}
