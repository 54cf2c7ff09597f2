package io.longview.synth;

/**
 * The generator's random source: SplitMix64 (Steele, Lea and Flood 2014) with its own Gaussian and exponential
 * samplers, written out here instead of borrowing {@link java.util.SplittableRandom} so that the bytes a seed
 * produces never depend on the JDK's choice of algorithms. Transcendental functions go through {@link StrictMath}
 * for the same reason (the {@link Math} versions may differ in the last bit between interpreter and JIT).
 *
 * <p>Independent streams are derived from the world seed, a purpose tag and an index (a user id), so that each
 * user's draws are independent of every other user's and users can be simulated in any order or in parallel.
 * Not thread-safe: one instance per stream.
 */
final class WorldRandom {
    /** Purpose tag of the stream that builds the item catalog. */
    static final long CATALOG = 1;
    /** Purpose tag of the per-user streams. */
    static final long USER = 2;

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private long state;
    private double spareGaussian;
    private boolean hasSpare;

    WorldRandom(long seed) {
        this.state = seed;
    }

    /** The stream for {@code (seed, purpose, index)}; different triples give statistically independent streams. */
    static WorldRandom stream(long seed, long purpose, long index) {
        return new WorldRandom(mix(mix(mix(seed) + purpose * GOLDEN) ^ mix(index + GOLDEN)));
    }

    /** The SplitMix64 finalizer (a bijection of longs with good avalanche). */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    long nextLong() {
        state += GOLDEN;
        return mix(state);
    }

    /** Uniform in [0, 1), 53 random bits. */
    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [lo, hi). */
    double uniform(double lo, double hi) {
        return lo + (hi - lo) * nextDouble();
    }

    /** Uniform in [0, bound); bound ≥ 1. The modulo bias is below {@code bound / 2^63}: negligible here. */
    int nextInt(int bound) {
        assert bound > 0 : bound;
        return (int) ((nextLong() >>> 1) % bound);
    }

    /** Uniform integer in [lo, hi] (both inclusive). */
    int between(int lo, int hi) {
        return lo + nextInt(hi - lo + 1);
    }

    /** True with probability {@code p}. */
    boolean chance(double p) {
        return nextDouble() < p;
    }

    /** Standard normal, by the Marsaglia polar method. */
    double nextGaussian() {
        if (hasSpare) {
            hasSpare = false;
            return spareGaussian;
        }
        double u;
        double v;
        double s;
        do {
            u = 2 * nextDouble() - 1;
            v = 2 * nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double f = StrictMath.sqrt(-2 * StrictMath.log(s) / s);
        spareGaussian = v * f;
        hasSpare = true;
        return u * f;
    }

    /** Exponential with the given mean. */
    double exponential(double mean) {
        return -mean * StrictMath.log1p(-nextDouble());
    }

    /** Number of failures before the first success of a Bernoulli({@code p}) sequence; mean {@code (1-p)/p}. */
    int geometric(double p) {
        if (p >= 1) {
            return 0;
        }
        double g = StrictMath.floor(StrictMath.log1p(-nextDouble()) / StrictMath.log1p(-p));
        return (int) Math.min(g, Integer.MAX_VALUE);
    }

    /** Logistic function {@code 1 / (1 + exp(-z))}. */
    static double sigmoid(double z) {
        return 1 / (1 + StrictMath.exp(-z));
    }
}
