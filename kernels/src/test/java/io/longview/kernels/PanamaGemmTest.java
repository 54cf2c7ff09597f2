package io.longview.kernels;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The product family's row-group drivers as attention uses them: strided A, B and C (B with more columns than the
 * range, C with its own stride), a column range starting past 0, per-row scales; bit-exact against a plain loop in
 * the same operation order (one chain per output in index order, then the scale), in both accumulation modes. The
 * facade tests cover {@link PanamaGemm#gemm} through {@code matmul} and {@code matmulFma}.
 */
class PanamaGemmTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 13, 31, 32, 33, 64, 191})
    void rowGroupsMatchAPlainLoopBitForBit(int cols) {
        long seed = 91_000 + cols;
        SplittableRandom rnd = new SplittableRandom(seed);
        for (boolean fma : new boolean[]{true, false}) {
            for (int rows : new int[]{6, 4, 2, 1}) {
                int n = 1 + rnd.nextInt(70);
                int col0 = rnd.nextInt(3);
                int col1 = col0 + cols;
                int as = n + rnd.nextInt(5), bs = col1 + rnd.nextInt(9), cs = col1 + rnd.nextInt(9);
                int ar = rnd.nextInt(4), bOff = rnd.nextInt(4), cOff = rnd.nextInt(4);
                float[] a = gaussian(rnd, ar + rows * as), b = gaussian(rnd, bOff + n * bs);
                float[] s = new float[6];
                for (int r = 0; r < 6; r++) {
                    s[r] = !fma ? 1f : r == 2 ? 1f : (float) (0.1 + rnd.nextDouble());
                }
                float[] actual = new float[cOff + rows * cs];
                float[] expected = new float[actual.length];
                Arrays.fill(actual, Float.NaN);
                Arrays.fill(expected, Float.NaN);
                for (int r = 0; r < rows; r++) {
                    for (int j = col0; j < col1; j++) {
                        float acc = 0f;
                        for (int i = 0; i < n; i++) {
                            float x = a[ar + r * as + i], w = b[bOff + i * bs + j];
                            acc = fma ? Math.fma(x, w, acc) : acc + x * w;
                        }
                        expected[cOff + r * cs + j] = acc * s[r];
                    }
                }
                switch (rows) {
                    case 6 -> PanamaGemm.rows6(fma, a, ar, as, n, b, bOff, bs, actual, cOff, cs, col0, col1, s[0], s[1], s[2], s[3], s[4], s[5]);
                    case 4 -> PanamaGemm.rows4(fma, a, ar, as, n, b, bOff, bs, actual, cOff, cs, col0, col1, s[0], s[1], s[2], s[3]);
                    case 2 -> PanamaGemm.rows2(fma, a, ar, as, n, b, bOff, bs, actual, cOff, cs, col0, col1, s[0], s[1]);
                    default -> PanamaGemm.rows1(fma, a, ar, n, b, bOff, bs, actual, cOff, col0, col1, s[0]);
                }
                assertThat(actual).as("rows %d, columns [%d, %d), n %d, fma %s, seed %d", rows, col0, col1, n, fma, seed)
                        .isEqualTo(expected); // NaN where nothing may be written, on both sides
            }
        }
    }

    private static float[] gaussian(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }
}
