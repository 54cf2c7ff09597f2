package io.longview.train;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code assertAllClose} (STYLE 15): shapes first, then |actual − expected| ≤ atol + rtol·|expected| everywhere. */
final class Close {
    private Close() {
    }

    static void assertAllClose(String what, float[] actual, double[] expected, double rtol, double atol) {
        assertThat(actual.length).as(what + ": length").isEqualTo(expected.length);
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(actual[i] - expected[i]);
            if (!(err <= atol + rtol * Math.abs(expected[i]))) {
                throw new AssertionError(what + "[" + i + "]: got " + actual[i] + ", expected " + expected[i]
                        + " (error " + err + ", rtol " + rtol + ", atol " + atol + ")");
            }
        }
    }
}
