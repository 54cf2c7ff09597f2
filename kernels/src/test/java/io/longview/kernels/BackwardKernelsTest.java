package io.longview.kernels;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The backward (training) kernels: each scalar kernel against a float64 reference (the matrix products) or a central
 * finite difference of its forward function (softmax, LayerNorm, ReLU), and each Vector API kernel against its scalar
 * twin over awkward sizes: bit-identical where the facade promises it, within a length-scaled tolerance elsewhere.
 * Seeds are fixed per size and named in every message.
 */
class BackwardKernelsTest {
    private static final float ULP1 = Math.ulp(1f);

    private final KernelSupport scalar = new ScalarKernelSupport();
    private final KernelSupport vector = new PanamaKernelSupport();

    static int[] sizes() {
        return new int[]{1, 7, 13, 16, 31, 33, 207};
    }

    private static float[] floats(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return v;
    }

    private static void assertWithin(String what, float[] actual, double[] expected, double[] tol) {
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(actual[i] - expected[i]);
            if (!(err <= tol[i])) {
                throw new AssertionError(what + ": index " + i + " is " + actual[i] + ", expected " + expected[i] + " ± " + tol[i]);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void addMatmulTransposeAIsBitIdenticalAndAccumulates(int n) {
        long seed = 3000 + n;
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int rows : new int[]{0, 1, 3, 4, 9, 300}) {            // 300: across a tile of the vector kernel
            int in = 1 + (n * 5) % 13;
            int out = n;
            float[] x = floats(rnd, 2 + rows * in);
            float[] dy = floats(rnd, 1 + rows * out);
            float[] start = floats(rnd, 4 + in * out);
            float[] s = start.clone();
            float[] v = start.clone();
            scalar.addMatmulTransposeA(x, 2, rows, in, dy, 1, out, s, 4);
            vector.addMatmulTransposeA(x, 2, rows, in, dy, 1, out, v, 4);
            assertThat(v).as("vector vs scalar bits, n=%d rows=%d seed %d", n, rows, seed).containsExactly(s);
            double[] exact = new double[start.length];
            double[] tol = new double[start.length];
            for (int k = 0; k < start.length; k++) {
                exact[k] = start[k];
                tol[k] = (rows + 1) * 2.0 * ULP1 * (Math.abs(start[k]) + rows) + 1e-30;
            }
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < in; i++) {
                    for (int o = 0; o < out; o++) {
                        exact[4 + i * out + o] += (double) x[2 + r * in + i] * dy[1 + r * out + o];
                    }
                }
            }
            assertWithin("scalar addMatmulTransposeA n=" + n + " rows=" + rows + " seed " + seed, s, exact, tol);
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void addColumnSumsIsBitIdentical(int n) {
        long seed = 4000 + n;
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int rows : new int[]{0, 1, 6}) {
            float[] dy = floats(rnd, 5 + rows * n);
            float[] start = floats(rnd, 2 + n);
            float[] s = start.clone();
            float[] v = start.clone();
            scalar.addColumnSums(dy, 5, rows, n, s, 2);
            vector.addColumnSums(dy, 5, rows, n, v, 2);
            assertThat(v).as("n=%d rows=%d seed %d", n, rows, seed).containsExactly(s);
            float expected = start[2 + n - 1];
            for (int r = 0; r < rows; r++) {
                expected += dy[5 + r * n + n - 1];
            }
            assertThat(s[2 + n - 1]).isEqualTo(expected);
            assertThat(s[0]).isEqualTo(start[0]);
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void reluBackwardIsBitIdenticalAndZeroesWhereOutputIsNotPositive(int n) {
        long seed = 5000 + n;
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] y = floats(rnd, n + 1);
        for (int i = 0; i < n; i += 3) {
            y[1 + i] = Math.max(y[1 + i], 0f); // exact zeros as well
        }
        float[] g = floats(rnd, n + 2);
        float[] s = g.clone();
        float[] v = g.clone();
        scalar.reluBackward(y, 1, s, 2, n);
        vector.reluBackward(y, 1, v, 2, n);
        assertThat(v).as("n=%d seed %d", n, seed).containsExactly(s);
        for (int i = 0; i < n; i++) {
            assertThat(s[2 + i]).isEqualTo(y[1 + i] > 0f ? g[2 + i] : 0f);
        }
    }

    /** float64 softmax, for finite differences. */
    private static double[] softmax(double[] z) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            m = Math.max(m, v);
        }
        double sum = 0;
        double[] p = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            p[i] = Math.exp(z[i] - m);
            sum += p[i];
        }
        for (int i = 0; i < z.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    private static double[] layerNorm(double[] x, double eps) {
        double mean = 0;
        for (double v : x) {
            mean += v;
        }
        mean /= x.length;
        double var = 0;
        for (double v : x) {
            var += (v - mean) * (v - mean);
        }
        var /= x.length;
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (x[i] - mean) / Math.sqrt(var + eps);
        }
        return y;
    }

    /** ∂(Σ_i g[i] · f(z)[i]) / ∂z[k] by central differences in float64. */
    private interface RowFn {
        double[] apply(double[] z);
    }

    private static double[] finiteDifference(RowFn f, float[] z, float[] g) {
        double h = 1e-6;
        double[] out = new double[z.length];
        for (int k = 0; k < z.length; k++) {
            double[] plus = new double[z.length];
            double[] minus = new double[z.length];
            for (int i = 0; i < z.length; i++) {
                plus[i] = z[i];
                minus[i] = z[i];
            }
            plus[k] += h;
            minus[k] -= h;
            double[] fp = f.apply(plus);
            double[] fm = f.apply(minus);
            double d = 0;
            for (int i = 0; i < z.length; i++) {
                d += g[i] * (fp[i] - fm[i]);
            }
            out[k] = d / (2 * h);
        }
        return out;
    }

    @Test
    void facadeChecksArguments() {
        float[] a = new float[6];
        assertThatThrownBy(() -> VectorKernels.addMatmulTransposeA(a, 0, 2, 3, a, 0, 3, new float[9], 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dw");
        assertThatThrownBy(() -> VectorKernels.addColumnSums(a, 1, 2, 3, new float[3], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dy");
        assertThatThrownBy(() -> VectorKernels.reluBackward(a, 0, new float[2], 0, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dy");
    }

    @Test
    void facadeComputesThroughTheChosenImplementation() {
        float[] x = {1, 2, 3, 4};          // (2, 2)
        float[] dy = {1, 0, 0, 1};         // (2, 2)
        float[] dw = new float[4];
        VectorKernels.addMatmulTransposeA(x, 0, 2, 2, dy, 0, 2, dw, 0);
        assertThat(dw).containsExactly(1, 3, 2, 4); // xᵀ
        float[] db = new float[2];
        VectorKernels.addColumnSums(x, 0, 2, 2, db, 0);
        assertThat(db).containsExactly(4, 6);
    }
}
