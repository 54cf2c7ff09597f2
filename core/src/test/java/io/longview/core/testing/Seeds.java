package io.longview.core.testing;

import java.util.SplittableRandom;

/**
 * Reproducible randomness for tests (STYLE 13): every random source comes from a printed seed. A test that
 * fails prints its seed in the assertion message; re-run with {@code -Dlongview.seed=N} to reproduce it.
 */
public final class Seeds {
    private Seeds() {
    }

    /** The seed a test should use: {@code -Dlongview.seed} if set, else {@code fallback}. */
    public static long seed(long fallback) {
        String s = System.getProperty("longview.seed");
        return s == null ? fallback : Long.parseLong(s);
    }

    public static SplittableRandom random(long seed) {
        return new SplittableRandom(seed);
    }
}
