package io.longview.kernels.engine;

import io.longview.core.checkpoint.Checkpoint;
import io.longview.core.checkpoint.CheckpointReader;
import io.longview.core.checkpoint.ModelConfig;
import io.longview.core.model.DenseFeatures;
import io.longview.core.model.Token;
import io.longview.core.model.UserSequences;
import io.longview.core.select.CandidateSelector;
import io.longview.core.select.PreparedHistory;
import io.longview.core.select.Selection;
import io.longview.kernels.ScalarForward;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Scores the candidates of one request for one user with a checkpoint of the {@code core} format (no DJL): the
 * serving path of DESIGN §6.
 *
 * <p>Per request the user's sequences are prepared once and shared by every candidate; each candidate's S_all is
 * selected with {@link CandidateSelector} under the checkpoint's {@link ModelConfig#selection()} (the RANDOM rule is
 * seeded by {@link #salt(long, int)}), the dense features are {@link DenseFeatures} of the user's sequence lengths
 * and the request time, and the ranker gives one probability per head.
 *
 * <p>Thread-safe: any number of threads may call {@link #rank} at once. {@link #close()} releases the worker pool.
 *
 * <p>THIS VERSION IS THE REFERENCE SKELETON (selection then {@link ScalarForward} per candidate); the fused engine
 * replaces its internals behind the same API.
 */
public final class RankingEngine implements AutoCloseable {
    private final Checkpoint checkpoint;
    private final ModelConfig config;
    private final CandidateSelector selector;
    private final EngineOptions options;

    private RankingEngine(Checkpoint checkpoint, EngineOptions options) {
        this.checkpoint = checkpoint;
        this.config = checkpoint.config();
        this.selector = new CandidateSelector(config.selection());
        this.options = options;
    }

    /** An engine for a checkpoint in memory. */
    public static RankingEngine of(Checkpoint checkpoint, EngineOptions options) {
        return new RankingEngine(checkpoint, options);
    }

    /** An engine for a checkpoint file ({@code .lvck}). */
    public static RankingEngine load(Path checkpointFile, EngineOptions options) {
        return of(CheckpointReader.read(checkpointFile), options);
    }

    public Checkpoint checkpoint() {
        return checkpoint;
    }

    public ModelConfig config() {
        return config;
    }

    /** The RANDOM selection rule's seed for candidate {@code index} of a request at {@code requestTimeMs}. */
    public static long salt(long requestTimeMs, int index) {
        return requestTimeMs * 0x9E3779B97F4A7C15L + index;
    }

    /**
     * Scores {@code n} candidates for {@code user} at {@code requestTimeMs}.
     *
     * @param user          the user's sequences at request time (an empty one for an unknown user)
     * @param requestTimeMs the request time (dense features; RANDOM selection salt)
     * @param candidates    {@code (n, dEmb)} row-major float embeddings
     * @param n             number of candidates, ≥ 0
     * @param explain       whether to return each candidate's selected tokens
     * @throws IllegalArgumentException when {@code candidates} is not {@code n · dEmb} long or holds a non-finite value
     */
    public RankResult rank(UserSequences user, long requestTimeMs, float[] candidates, int n, boolean explain) {
        int e = config.dEmb();
        if (n < 0 || candidates.length != n * e) {
            throw new IllegalArgumentException("candidates has " + candidates.length + " values, expected " + n + " × " + e);
        }
        for (int i = 0; i < candidates.length; i++) {
            if (!Float.isFinite(candidates[i])) {
                throw new IllegalArgumentException("candidate " + i / e + " value " + i % e + " is " + candidates[i]);
            }
        }
        int heads = config.heads().size();
        float[] dense = new float[config.denseDim()];
        DenseFeatures.write(user.realtime().size(), user.lifelong().size(), user.impressions().size(), requestTimeMs, dense, 0);
        long t0 = System.nanoTime();
        PreparedHistory prepared = PreparedHistory.of(user);
        Selection selection = selector.newSelection();
        List<List<Token>> sAll = new ArrayList<>(n);
        List<List<RankResult.Picked>> picked = explain ? new ArrayList<>(n) : null;
        float[] candidate = new float[e];
        for (int i = 0; i < n; i++) {
            System.arraycopy(candidates, i * e, candidate, 0, e);
            List<Token> tokens = new ArrayList<>();
            if (config.sequence()) {
                selector.select(prepared, candidate, salt(requestTimeMs, i), selection);
                List<RankResult.Picked> p = explain ? new ArrayList<>() : null;
                for (int k = 0; k < selection.size(); k++) {
                    Token t = selection.token(user, k);
                    tokens.add(t);
                    if (p != null) {
                        p.add(new RankResult.Picked(selection.part(k), selection.index(k), t.itemId(), t.timestampMs(), t.actions() & 0xff));
                    }
                }
                if (picked != null) {
                    picked.add(List.copyOf(p));
                }
            } else if (picked != null) {
                picked.add(List.of());
            }
            sAll.add(tokens);
        }
        long t1 = System.nanoTime();
        float[] out = new float[n * heads];
        for (int i = 0; i < n; i++) {
            System.arraycopy(candidates, i * e, candidate, 0, e);
            float[] p = ScalarForward.score(checkpoint, sAll.get(i), candidate, dense);
            System.arraycopy(p, 0, out, i * heads, heads);
        }
        long t2 = System.nanoTime();
        return new RankResult(config.heads(), out, t1 - t0, t2 - t1, picked);
    }

    @Override
    public void close() {
    }
}
