package io.longview.kernels.engine;

/**
 * Settings of a {@link RankingEngine}.
 *
 * @param threads worker threads the candidates of one request are spread over (default: available processors);
 *                1 runs everything on the caller's thread
 */
public record EngineOptions(int threads) {
    public EngineOptions {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be ≥ 1, got " + threads);
        }
    }

    /** One thread per available processor. */
    public static EngineOptions defaults() {
        return new EngineOptions(Runtime.getRuntime().availableProcessors());
    }
}
