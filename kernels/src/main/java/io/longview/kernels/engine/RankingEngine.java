package io.longview.kernels.engine;

import io.longview.core.checkpoint.Checkpoint;
import io.longview.core.checkpoint.CheckpointReader;
import io.longview.core.checkpoint.ModelConfig;
import io.longview.core.model.DenseFeatures;
import io.longview.core.model.ItemStatistics;
import io.longview.core.model.UserSequences;
import io.longview.core.select.CandidateSelector;
import io.longview.kernels.ScalarForward;
import io.longview.kernels.VectorKernels;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Scores the candidates of one request for one user with a checkpoint of the {@code core} format (no DJL): the
 * fused serving path of DESIGN §6.
 *
 * <p>Per request:
 * <ol>
 *   <li><b>request-level de-duplication</b>: the user's sequences are read, validated, dequantized and normalized once,
 *       and shared by all candidates;</li>
 *   <li><b>fused selection</b>: for the NEAREST rule, all candidates of a group are scored against a part's tokens in
 *       one blocked pass ({@link VectorKernels#nearestScan}); a per-candidate score threshold filters in registers,
 *       so the N × L scores are never stored. The selected tokens are exactly core's {@link CandidateSelector}'s (same
 *       similarity bits, same tie rule, same chronological order); the RANDOM and MOST_RECENT lifelong rules call
 *       {@link CandidateSelector} itself, seeded by {@link #salt(long, int)};</li>
 *   <li><b>fused forward</b>: per candidate both encoder layers (QKV, causal attention with an online softmax,
 *       residual + LayerNorm, FFN, residual + LayerNorm), max-pool and {@code W_out}; then the ranker (cross layers,
 *       MLP, heads) for groups of candidates at once; all in per-thread arenas allocated once;</li>
 *   <li><b>threads</b>: groups of {@value Worker#GROUP} candidates are shared out dynamically over
 *       {@link EngineOptions#threads()} threads: the caller plus a fixed pool of {@code threads − 1} daemon workers
 *       owned by the engine ({@code threads = 1}: the caller only).</li>
 * </ol>
 * Scores equal {@link ScalarForward}'s within float rounding (rtol 1e-4, atol 1e-5 in the tests); the dense features
 * are {@link DenseFeatures} of the user's sequence lengths and the request time, taken by name in the checkpoint's
 * order ({@link ModelConfig#denseFeatures()}).
 *
 * <p>Thread-safe: any number of threads may call {@link #rank} at once (each call takes a request context with its
 * own arenas from a pool; contexts are created on demand and reused). {@link #close()} stops the worker pool; a closed
 * engine rejects {@link #rank}.
 *
 * <p>Memory: a context holds the prepared history (for a 16k-token user about 4 MB, plus 12 MB of layer-0 projections
 * when the request has enough candidates to use them) and {@code threads} arenas of about 0.5 MB each; the pool keeps
 * as many contexts as there were concurrent requests.
 */
public final class RankingEngine implements AutoCloseable {
    private final Checkpoint checkpoint;
    private final ModelConfig config;
    private final EngineOptions options;
    private final EngineWeights weights;
    private final int[] denseSource; // per dense feature of the model, its index in DenseFeatures
    private final ExecutorService pool;
    private final ConcurrentLinkedQueue<PreparedRequest> contexts = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;
    private final boolean needsItemFeatures;

    private RankingEngine(Checkpoint checkpoint, EngineOptions options) {
        if (checkpoint == null || options == null) {
            throw new IllegalArgumentException("checkpoint and options must be set");
        }
        this.checkpoint = checkpoint;
        this.config = checkpoint.config();
        this.options = options;
        this.weights = new EngineWeights(checkpoint);
        List<String> names = config.denseFeatures();
        denseSource = new int[names.size()];
        boolean items = false;
        for (int i = 0; i < names.size(); i++) {
            denseSource[i] = ModelConfig.DEFAULT_DENSE_FEATURES.indexOf(names.get(i));
            int k = ItemStatistics.FEATURE_NAMES.indexOf(names.get(i));
            if (k >= 0) {
                denseSource[i] = -1 - k; // an item feature: index k of the caller's per-candidate row
                items = true;
            }
            if (denseSource[i] < 0 && k < 0) {
                throw new IllegalArgumentException("dense feature '" + names.get(i) + "' is unknown to the engine; it computes "
                        + ModelConfig.DEFAULT_DENSE_FEATURES + " and the item statistics " + ItemStatistics.FEATURE_NAMES);
            }
        }
        needsItemFeatures = items;
        if (options.threads() > 1) {
            AtomicInteger id = new AtomicInteger();
            pool = Executors.newFixedThreadPool(options.threads() - 1, task -> {
                Thread t = new Thread(task, "longview-engine-" + id.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        } else {
            pool = null;
        }
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

    /** The options this engine was built with. */
    public EngineOptions options() {
        return options;
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
     * @return per candidate one probability per head; {@link RankResult#selectionNanos()} is the wall time of preparing
     *         the history plus the selection's share of the workers' time, {@link RankResult#forwardNanos()} the rest
     * @throws IllegalArgumentException when {@code candidates} is not {@code n · dEmb} long or holds a non-finite value,
     *                                  or a token of the user's sequences has an action bit or surface the model lacks
     * @throws IllegalStateException    after {@link #close()}
     */
    public RankResult rank(UserSequences user, long requestTimeMs, float[] candidates, int n, boolean explain) {
        return rank(user, requestTimeMs, candidates, n, explain, null);
    }

    /**
     * Whether the model takes item statistics among its dense features (core {@link ItemStatistics}, names in the
     * checkpoint): {@link #rank(UserSequences, long, float[], int, boolean, float[])} then needs them.
     */
    public boolean needsItemFeatures() {
        return needsItemFeatures;
    }

    /**
     * {@link #rank(UserSequences, long, float[], int, boolean)} with each candidate's item statistics.
     *
     * @param itemFeatures {@code (n, ItemStatistics.DIM)} row-major, each row written by
     *                     {@link ItemStatistics#writeFeatures} at {@code requestTimeMs}; may be null when the model
     *                     takes none ({@link #needsItemFeatures()})
     */
    public RankResult rank(UserSequences user, long requestTimeMs, float[] candidates, int n, boolean explain, float[] itemFeatures) {
        if (closed) {
            throw new IllegalStateException("the ranking engine is closed");
        }
        if (user == null || candidates == null) {
            throw new IllegalArgumentException("user and candidates must be set");
        }
        int e = config.dEmb();
        if (n < 0 || candidates.length != (long) n * e) {
            throw new IllegalArgumentException("candidates has " + candidates.length + " values, expected " + n + " × " + e);
        }
        for (int i = 0; i < candidates.length; i++) {
            if (!Float.isFinite(candidates[i])) {
                throw new IllegalArgumentException("candidate " + i / e + " value " + i % e + " is " + candidates[i]);
            }
        }
        float[] all = new float[DenseFeatures.DIM];
        DenseFeatures.write(user.realtime().size(), user.lifelong().size(), user.impressions().size(), requestTimeMs, all, 0);
        int dd = denseSource.length;
        float[] dense;
        if (needsItemFeatures) {
            if (itemFeatures == null || itemFeatures.length != (long) n * ItemStatistics.DIM) {
                throw new IllegalArgumentException("this model takes item statistics: expected " + n + " × " + ItemStatistics.DIM
                        + " item feature values, got " + (itemFeatures == null ? "none" : itemFeatures.length));
            }
            dense = new float[n * dd]; // (n, denseDim)
            for (int c = 0; c < n; c++) {
                for (int i = 0; i < dd; i++) {
                    int src = denseSource[i];
                    dense[c * dd + i] = src >= 0 ? all[src] : itemFeatures[c * ItemStatistics.DIM - 1 - src];
                }
            }
        } else {
            dense = new float[dd];
            for (int i = 0; i < dd; i++) {
                dense[i] = all[denseSource[i]];
            }
        }
        PreparedRequest ctx = contexts.poll();
        if (ctx == null) {
            ctx = new PreparedRequest(weights, options.threads());
        }
        try {
            long t0 = System.nanoTime();
            ctx.begin(user, requestTimeMs, candidates, n, explain, dense, needsItemFeatures ? dd : 0);
            if (ctx.projected) {
                int chunks = ctx.projectChunks();
                PreparedRequest c = ctx;
                inParallel(ctx, Math.min(options.threads(), chunks), i -> c.workers[i].drainProjection());
            }
            long prepare = System.nanoTime() - t0;
            int groups = (n + Worker.GROUP - 1) / Worker.GROUP;
            int tasks = Math.max(1, Math.min(options.threads(), groups));
            PreparedRequest c = ctx;
            inParallel(ctx, tasks, i -> c.workers[i].drain());
            long wall = System.nanoTime() - t0;
            long sel = 0;
            for (int i = 0; i < tasks; i++) {
                sel += ctx.workers[i].selectionNanos;
            }
            long selection = Math.min(wall, prepare + sel / tasks);
            float[] out = ctx.out;
            List<List<RankResult.Picked>> picked = explain ? Arrays.asList(ctx.picked) : null;
            return new RankResult(config.heads(), out, selection, wall - selection, picked);
        } finally {
            ctx.end();
            contexts.offer(ctx);
        }
    }

    /** Runs {@code body(i)} for i in [0, tasks): i = 0 on the caller, the others on the pool; waits for all. */
    private void inParallel(PreparedRequest ctx, int tasks, java.util.function.IntConsumer body) {
        Future<?>[] futures = new Future<?>[Math.max(0, tasks - 1)];
        for (int i = 1; i < tasks; i++) {
            int id = i;
            futures[i - 1] = pool.submit(() -> body.accept(id));
        }
        RuntimeException failure = null;
        try {
            body.accept(0);
        } catch (RuntimeException ex) {
            failure = ex;
        }
        for (Future<?> f : futures) { // always wait: the workers use ctx until they return
            try {
                f.get();
            } catch (ExecutionException ex) {
                if (failure == null) {
                    failure = ex.getCause() instanceof RuntimeException re ? re : new IllegalStateException(ex.getCause());
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while ranking", ex);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Stops the worker pool (running requests finish first). Idempotent. */
    @Override
    public void close() {
        closed = true;
        if (pool != null) {
            pool.shutdown();
        }
    }
}
