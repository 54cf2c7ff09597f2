package io.longview.serve;

import io.longview.core.checkpoint.ModelConfig;
import io.longview.core.checkpoint.Provenance;
import io.longview.core.model.Token;
import io.longview.kernels.engine.EngineOptions;
import io.longview.kernels.engine.RankingEngine;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The model being served: an engine, the file it came from and the head weights checked against its heads. Closing
 * it closes the engine; {@link HotSwap} does that once the last request using it is done.
 *
 * @param engine      the engine
 * @param file        the checkpoint file (absolute)
 * @param loadedAt    when it was loaded
 * @param generation  1 for the model loaded at start, +1 per successful reload
 * @param weights     the blended score's weight per head, in model head order (0 for heads the config does not name)
 */
public record LoadedModel(RankingEngine engine, Path file, Instant loadedAt, long generation, double[] weights)
        implements AutoCloseable {

    /**
     * Loads and checks a checkpoint for serving: the candidate width must be the catalog's (32), and every head the
     * configured weights name must be a head of the model.
     *
     * @throws io.longview.core.checkpoint.CheckpointException if the file is not a readable checkpoint
     * @throws IllegalArgumentException                       if it does not fit the service (naming both values)
     */
    public static LoadedModel load(Path file, EngineOptions options, Map<String, Double> headWeights, long generation) {
        Path abs = file.toAbsolutePath().normalize();
        RankingEngine engine = RankingEngine.load(abs, options);
        try {
            return new LoadedModel(engine, abs, Instant.now(), generation, weightsFor(engine.config(), headWeights, abs));
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    static double[] weightsFor(ModelConfig config, Map<String, Double> headWeights, Path file) {
        if (config.dEmb() != Token.EMBEDDING_DIM) {
            throw new IllegalArgumentException("checkpoint " + file + " takes " + config.dEmb()
                    + "-wide candidate embeddings, expected " + Token.EMBEDDING_DIM + " (the item catalog's width)");
        }
        List<String> unknown = new ArrayList<>();
        for (String h : headWeights.keySet()) {
            if (config.headIndex(h) < 0) {
                unknown.add(h);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("head weights name " + unknown + ", which checkpoint " + file
                    + " does not have (its heads: " + config.heads() + ")");
        }
        double[] w = new double[config.heads().size()];
        for (int h = 0; h < w.length; h++) {
            w[h] = headWeights.getOrDefault(config.heads().get(h), 0.0);
        }
        return w;
    }

    public ModelConfig config() {
        return engine.config();
    }

    public Provenance provenance() {
        return engine.checkpoint().provenance();
    }

    /** A short identity: {@code codeVersion/dataSnapshot/steps=N}. */
    public String version() {
        Provenance p = provenance();
        return p.codeVersion() + "/" + p.dataSnapshot() + "/steps=" + p.trainingSteps();
    }

    @Override
    public void close() {
        engine.close();
    }

    @Override
    public String toString() {
        return "model " + generation + " (" + version() + ") from " + file;
    }
}
