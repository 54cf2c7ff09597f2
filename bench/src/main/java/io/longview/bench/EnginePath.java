package io.longview.bench;

import io.longview.core.checkpoint.Checkpoint;
import io.longview.kernels.engine.EngineOptions;
import io.longview.kernels.engine.RankResult;
import io.longview.kernels.engine.RankingEngine;

/** Path (d): the serving engine, {@link RankingEngine#rank} (de-duplicated history, fused selection and forward). */
public final class EnginePath implements RankPath {
    private final RankingEngine engine;

    public EnginePath(Checkpoint checkpoint, int threads) {
        engine = RankingEngine.of(checkpoint, new EngineOptions(threads));
    }

    @Override
    public String id() {
        return "d";
    }

    @Override
    public String description() {
        return "RankingEngine.rank (fused engine, kernels module)";
    }

    @Override
    public float[] rank(SyntheticRequest r, StageNanos stages) {
        RankResult result = engine.rank(r.user(), r.requestTimeMs(), r.candidates(), r.n(), false);
        stages.selection = result.selectionNanos();
        stages.forward = result.forwardNanos();
        return result.probabilities();
    }

    @Override
    public void close() {
        engine.close();
    }
}
