package io.longview.core.testing;

import java.util.Arrays;

/**
 * The one closeness check of the test suites (STYLE 15): shapes first, then every element within
 * {@code |actual − expected| ≤ atol + rtol·|expected|} (numpy's {@code allclose}); the message names the first
 * offending index, both values and the worst error.
 */
public final class AllClose {
    private AllClose() {
    }

    /**
     * @param what          what is compared, for the message
     * @param actual        row-major values of shape {@code actualShape}
     * @param actualShape   the shape the code under test produced
     * @param expected      row-major reference values of shape {@code expectedShape}
     * @param expectedShape the reference's shape
     */
    public static void assertAllClose(String what, float[] actual, int[] actualShape, double[] expected, int[] expectedShape,
                                      double rtol, double atol) {
        if (!Arrays.equals(actualShape, expectedShape)) {
            throw new AssertionError(what + ": shape " + Arrays.toString(actualShape) + ", expected " + Arrays.toString(expectedShape));
        }
        if (actual.length != expected.length) {
            throw new AssertionError(what + ": " + actual.length + " values, expected " + expected.length);
        }
        int first = -1;
        double worst = 0;
        int bad = 0;
        for (int i = 0; i < actual.length; i++) {
            double err = Math.abs(actual[i] - expected[i]);
            if (!(err <= atol + rtol * Math.abs(expected[i]))) {
                bad++;
                if (first < 0) {
                    first = i;
                }
                worst = Double.isNaN(err) ? Double.NaN : Math.max(worst, err);
            }
        }
        if (bad > 0) {
            throw new AssertionError(what + ": " + bad + " of " + actual.length + " values differ beyond rtol " + rtol + ", atol " + atol
                    + "; first at index " + first + ": " + actual[first] + ", expected " + expected[first] + "; worst error " + worst);
        }
    }

    /** One-dimensional form. */
    public static void assertAllClose(String what, float[] actual, double[] expected, double rtol, double atol) {
        assertAllClose(what, actual, new int[]{actual.length}, expected, new int[]{expected.length}, rtol, atol);
    }
}
