package io.longview.kernels;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deterministic softmax of training ({@link VectorKernels#softmaxRowExact}): the vector twin gives the scalar
 * twin's bits (also after many calls, once the JIT has compiled it), both within float rounding of a float64 softmax (allowing the rounding of the float argument x − max);
 * its exponential is within 2 ulp of {@link Math#exp}.
 */
class SoftmaxRowExactTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 16, 17, 33, 64, 191, 192})
    void vectorTwinGivesTheScalarBitsAndMatchesFloat64(int n) {
        long seed = 9100 + n;
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int rep = 0; rep < 2000; rep++) {                        // long enough for the JIT to compile the twins
            float[] z = new float[n + 3];
            for (int i = 0; i < z.length; i++) {
                z[i] = (float) (rnd.nextDouble() * 40 - 20);
            }
            float[] s = z.clone();
            float[] v = z.clone();
            ScalarKernelSupport.softmaxRowExact(s, 3, n);
            PanamaBackward.softmaxRowExact(v, 3, n);
            assertThat(v).as("n=%d seed %d rep %d", n, seed, rep).containsExactly(s);
            if (rep % 500 == 0) {
                double m = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < n; i++) {
                    m = Math.max(m, z[3 + i]);
                }
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    sum += Math.exp(z[3 + i] - m);
                }
                for (int i = 0; i < n; i++) {
                    double p = Math.exp(z[3 + i] - m) / sum;
                    assertThat((double) s[3 + i]).as("n=%d i=%d seed %d", n, i, seed).isCloseTo(p,
                            org.assertj.core.api.Assertions.within(p * (1e-6 + (n + 4) * 6e-8 + Math.abs(z[3 + i] - m) * 1.2e-7) + 1e-30));
                }
                assertThat(s[0]).isEqualTo(z[0]);
            }
        }
    }

    @Test
    void expWithinTwoUlps() {
        SplittableRandom rnd = new SplittableRandom(9200);
        for (int i = 0; i < 200_000; i++) {
            float x = (float) (rnd.nextDouble() * 175 - 87);
            float e = ScalarKernelSupport.exp(x);
            double exact = Math.exp(x);
            assertThat(Math.abs(e - exact)).as("exp(%s)", x).isLessThanOrEqualTo(2.0 * Math.ulp((float) exact));
        }
        assertThat(ScalarKernelSupport.exp(0f)).isEqualTo(1f);
    }
}
