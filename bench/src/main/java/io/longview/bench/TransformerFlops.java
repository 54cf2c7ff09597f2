package io.longview.bench;

import io.longview.core.checkpoint.ModelConfig;

/**
 * Analytic FLOP count of the encoder (the transformer part) for one candidate with {@code n} real tokens, counting a
 * multiply-add as 2 and only useful work (real tokens, the causal half of attention; padding and the runtime's
 * masked work are not counted, so padded runtimes look as efficient as they truly are):
 *
 * <pre>
 * per layer:  Q, K, V          3 · 2 n d²
 *             scores, A·V      2 · 2 d · n(n+1)/2
 *             feed-forward     2 · 2 n d f
 * </pre>
 * Embedding sums, LayerNorm, softmax exponentials, pooling and the ranker MLP are left out (small or not matrix work).
 */
public final class TransformerFlops {
    private TransformerFlops() {
    }

    public static double perCandidate(ModelConfig c, int n) {
        if (!c.sequence()) {
            return 0;
        }
        double d = c.dModel();
        double f = c.dFf();
        double perLayer = 6 * n * d * d + 2 * d * n * (n + 1.0) + 4 * n * d * f;
        return c.layers() * perLayer;
    }
}
