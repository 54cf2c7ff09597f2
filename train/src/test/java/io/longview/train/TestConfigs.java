package io.longview.train;

import io.longview.core.checkpoint.ModelConfig;
import io.longview.core.checkpoint.NalConfig;
import io.longview.core.checkpoint.NalNegatives;
import io.longview.core.select.SelectionConfig;
import io.longview.core.select.SelectionRule;
import io.longview.core.select.SequencePart;

import java.util.List;
import java.util.Set;

/** Small model configurations for tests: core's {@link ModelConfig} with a short sequence whose selection fits it. */
public final class TestConfigs {
    private TestConfigs() {
    }

    /** {@link ModelConfig#DEFAULT} with these MLP sizes. */
    public static ModelConfig mlp(Integer... sizes) {
        return ModelConfig.builder().mlp(List.of(sizes)).build();
    }

    /**
     * {@code c} with a sequence of {@code t} tokens (t ≥ 4) and a selection of every part that fills it: K_LL = t/2,
     * r = K_RT = t/8 (at least 1), K_imp the rest.
     */
    public static ModelConfig seq(ModelConfig c, int t) {
        int ll = t / 2;
        int rt = Math.max(1, t / 8);
        SelectionConfig s = new SelectionConfig(ll, rt, rt, t - ll - 2 * rt, SelectionRule.NEAREST)
                .keeping(c.sequence() ? c.selection().parts() : Set.of(SequencePart.values()));
        return c.toBuilder().selection(s).seqLength(t).build();
    }

    /** {@code c} reading only these parts (the RT-only ranker: {@code REALTIME}). */
    public static ModelConfig parts(ModelConfig c, Set<SequencePart> parts) {
        return c.toBuilder().selection(c.selection().keeping(parts)).build();
    }

    /** {@code c} without the sequence module (the no-sequence ranker). */
    public static ModelConfig noSequence(ModelConfig c) {
        return c.toBuilder().sequence(false).nal(NalConfig.OFF).build();
    }

    /** {@code c} with the Next Action Loss at {@code weight} drawing up to {@code max} negatives from {@code source}. */
    public static ModelConfig nal(ModelConfig c, double weight, NalNegatives source, int max) {
        return c.toBuilder().nal(new NalConfig(weight, source, max)).build();
    }
}
