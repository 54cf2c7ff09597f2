package io.longview.data.embed;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Settings of {@link ImplicitAlsLearner}; recorded in dataset manifests.
 *
 * @param iterations alternating least-squares sweeps (each solves all users, then all items); default 12
 * @param alpha      confidence per unit of interaction weight: {@code c = 1 + alpha · w} (Hu, Koren &amp; Volinsky
 *                   2008); default 10
 * @param lambda     L2 regularization of the factors; default 20 (strong: on small data it keeps the factors to the
 *                   shared structure rather than one user's idiosyncrasies; on MovieLens it also ranked held-out
 *                   engagements slightly better than 1 or 10)
 * @param targetRms  the root mean square of the output values, for the int8 quantizer (clip 0.65): at 0.25 a
 *                   Gaussian-like dimension is clipped for about 1% of its values (2% measured on MovieLens);
 *                   default 0.25
 * @param seed       seeds the initial item factors (per item id) and the output rotation
 */
public record AlsConfig(int iterations, double alpha, double lambda, double targetRms, long seed) {
    public AlsConfig {
        if (iterations < 1 || iterations > 1000) {
            throw new IllegalArgumentException("iterations " + iterations + " must be in [1, 1000]");
        }
        if (!(alpha >= 0) || !Double.isFinite(alpha)) {
            throw new IllegalArgumentException("alpha " + alpha + " must be finite and ≥ 0");
        }
        if (!(lambda > 0) || !Double.isFinite(lambda)) {
            throw new IllegalArgumentException("lambda " + lambda + " must be finite and > 0");
        }
        if (!(targetRms > 0) || !Double.isFinite(targetRms)) {
            throw new IllegalArgumentException("targetRms " + targetRms + " must be finite and > 0");
        }
    }

    /** The defaults above with the given seed. */
    public static AlsConfig defaults(long seed) {
        return new AlsConfig(12, 10.0, 20.0, 0.25, seed);
    }

    public AlsConfig withSeed(long s) {
        return new AlsConfig(iterations, alpha, lambda, targetRms, s);
    }

    public AlsConfig withIterations(int n) {
        return new AlsConfig(n, alpha, lambda, targetRms, seed);
    }

    /** A one-line description for manifests. */
    public String describe() {
        return String.format(Locale.ROOT, "implicit-als dim=32 iterations=%d alpha=%s lambda=%s rms=%s seed=%d",
                iterations, alpha, lambda, targetRms, seed);
    }

    /** The settings as manifest parameters. */
    public Map<String, Object> toParameters() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("embeddingMethod", "implicit-als");
        m.put("embeddingIterations", iterations);
        m.put("embeddingAlpha", alpha);
        m.put("embeddingLambda", lambda);
        m.put("embeddingTargetRms", targetRms);
        m.put("embeddingSeed", seed);
        return m;
    }
}
