package io.longview.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.longview.core.checkpoint.Provenance;
import io.longview.core.model.Actions;
import io.longview.core.model.Event;
import io.longview.core.model.ItemEmbeddings;
import io.longview.core.model.ItemStatistics;
import io.longview.core.model.Surfaces;
import io.longview.core.model.Token;
import io.longview.core.model.TokenSequence;
import io.longview.core.model.UserSequences;
import io.longview.kernels.engine.EngineOptions;
import io.longview.kernels.engine.RankResult;
import io.longview.store.AppendResult;
import io.longview.store.SequenceStore;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the endpoints do, without HTTP: rank, write events and items, read sequences, reload the model. Answers are
 * JSON trees (the wire format of {@code openapi.yaml}); refusals are {@link ApiException}s thrown before anything is
 * written.
 *
 * <p>The serving model lives in a {@link HotSwap}: every rank request takes a lease on the model current when it
 * starts and finishes with it, a reload installs the next model atomically, and the old engine is closed when its
 * last request is done. Reloads are serialized.
 *
 * <p>Thread-safe. The store is the caller's: {@link #close()} releases the model only.
 */
public final class RankingService implements AutoCloseable {
    private final ServeConfig config;
    private final SequenceStore store;
    private final ServeMetrics metrics;
    private final EngineOptions engineOptions;
    private final HotSwap<LoadedModel> model;
    private final AtomicLong generation = new AtomicLong(1);
    private final Object reloadLock = new Object();

    /**
     * Loads the configured checkpoint.
     *
     * @throws io.longview.core.checkpoint.CheckpointException if it cannot be read
     * @throws IllegalArgumentException                       if it does not fit (width, head weights)
     */
    public RankingService(ServeConfig config, SequenceStore store, ServeMetrics metrics) {
        this.config = config;
        this.store = store;
        this.metrics = metrics;
        this.engineOptions = new EngineOptions(config.engineThreads());
        LoadedModel first = LoadedModel.load(config.checkpoint(), engineOptions, config.headWeights(), 1);
        try {
            requireItemStatistics(first, store);
        } catch (RuntimeException e) {
            first.close();
            throw e;
        }
        this.model = new HotSwap<>(first);
        metrics.model(first);
    }

    /** The model serving now (for a glance: it may be swapped out at any time). */
    public LoadedModel currentModel() {
        return model.peek();
    }

    public SequenceStore store() {
        return store;
    }

    /** Scores a request's candidates and returns them best first (see {@code openapi.yaml} RankResponse). */
    public ObjectNode rank(RankRequest r) {
        float[] candidates = candidateMatrix(r);
        try (HotSwap.Lease<LoadedModel> lease = model.acquire()) {
            return rank(lease.value(), r, candidates, null);
        }
    }

    /** The (n, 32) candidate matrix: carried embeddings as given, the others from the catalog (400 when unknown). */
    private float[] candidateMatrix(RankRequest r) {
        int n = r.candidates().size();
        float[] candidates = new float[n * Token.EMBEDDING_DIM]; // (n, 32)
        for (int i = 0; i < n; i++) {
            RankRequest.Candidate c = r.candidates().get(i);
            if (c.embedding() != null) {
                System.arraycopy(c.embedding(), 0, candidates, i * Token.EMBEDDING_DIM, Token.EMBEDDING_DIM);
            } else {
                try {
                    store.catalog().copy(c.itemId(), candidates, i * Token.EMBEDDING_DIM);
                } catch (ItemEmbeddings.UnknownItemException e) {
                    throw new ApiException(400, "unknown_item", "candidates[" + i + "]", "candidates[" + i + "]: item " + c.itemId()
                            + " has no embedding in the catalog and the request gives none");
                }
            }
        }
        return candidates;
    }

    /**
     * Ranks on {@code m}: the whole answer path (engine, blending, sorting, JSON). {@code syntheticUser}, when not null,
     * replaces the store read and the metrics are left alone (the warm-up).
     */
    private ObjectNode rank(LoadedModel m, RankRequest r, float[] candidates, UserSequences syntheticUser) {
        int n = r.candidates().size();
        {
            List<String> modelHeads = m.config().heads();
            int[] heads = headIndices(r.heads(), modelHeads);
            long t0 = System.nanoTime();
            UserSequences user = syntheticUser != null ? syntheticUser : store.read(r.userId());
            long storeNanos = System.nanoTime() - t0;
            boolean known = user.totalTokens() > 0;
            float[] itemFeatures = m.engine().needsItemFeatures() ? itemFeatures(r, syntheticUser != null) : null;
            RankResult result = m.engine().rank(user, r.requestTimeMs(), candidates, n, r.explain(), itemFeatures);
            if (syntheticUser == null) {
                metrics.rank(n, storeNanos, result.selectionNanos(), result.forwardNanos());
            }

            double[] score = new double[n];
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int h : heads) {
                    s += m.weights()[h] * result.probability(i, h);
                }
                score[i] = s;
            }
            Integer[] order = new Integer[n];
            Arrays.setAll(order, i -> i);
            Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a])); // stable: equal scores keep request order

            ObjectNode out = Json.MAPPER.createObjectNode();
            out.put("user_id", r.userId());
            out.put("user_known", known);
            out.put("request_time", r.requestTimeMs());
            out.set("model", modelJson(m));
            ArrayNode hs = out.putArray("heads");
            ObjectNode ws = out.putObject("head_weights");
            for (int h : heads) {
                hs.add(modelHeads.get(h));
                ws.put(modelHeads.get(h), m.weights()[h]);
            }
            ArrayNode results = out.putArray("results");
            for (int rank = 0; rank < n; rank++) {
                int i = order[rank];
                ObjectNode c = results.addObject();
                c.put("item_id", r.candidates().get(i).itemId());
                c.put("index", i);
                c.put("score", score[i]);
                ObjectNode p = c.putObject("heads");
                for (int h : heads) {
                    p.put(modelHeads.get(h), result.probability(i, h));
                }
                if (r.explain()) {
                    ArrayNode sel = c.putArray("selected");
                    for (RankResult.Picked pk : result.selections().get(i)) {
                        ObjectNode t = sel.addObject();
                        t.put("part", pk.part().shortName());
                        t.put("index", pk.index());
                        t.put("item_id", pk.itemId());
                        t.put("timestamp_ms", pk.timestampMs());
                        t.set("actions", actions(pk.actions()));
                    }
                    if (itemFeatures != null) { // the item statistics the model saw, by name (core ItemStatistics)
                        ObjectNode st = c.putObject("item_statistics");
                        for (int k = 0; k < ItemStatistics.DIM; k++) {
                            st.put(ItemStatistics.FEATURE_NAMES.get(k), itemFeatures[i * ItemStatistics.DIM + k]);
                        }
                    }
                }
            }
            ObjectNode timing = out.putObject("timing_ms");
            timing.put("store_read", storeNanos / 1e6);
            timing.put("selection", result.selectionNanos() / 1e6);
            timing.put("forward", result.forwardNanos() / 1e6);
            return out;
        }
    }

    /**
     * The candidates' item features at the request time: core {@link ItemStatistics#writeFeatures} of the store's
     * counters (the definition the example builder used), {@code (n, ItemStatistics.DIM)}; unseen items for the
     * warm-up's synthetic requests.
     */
    private float[] itemFeatures(RankRequest r, boolean synthetic) {
        int n = r.candidates().size();
        float[] out = new float[n * ItemStatistics.DIM];
        if (synthetic) {
            for (int i = 0; i < n; i++) {
                ItemStatistics.writeUnseen(out, i * ItemStatistics.DIM);
            }
            return out;
        }
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = r.candidates().get(i).itemId();
        }
        ItemStatistics[] st = store.itemStatistics(ids);
        for (int i = 0; i < n; i++) {
            st[i].writeFeatures(r.requestTimeMs(), out, i * ItemStatistics.DIM);
        }
        return out;
    }

    /**
     * A model that takes item statistics needs a store that keeps them (the embedded store does; the Kafka Streams
     * tier does not).
     *
     * @throws io.longview.core.io.InputException naming the model's need and the store (a user's choice of model)
     */
    static void requireItemStatistics(LoadedModel m, SequenceStore store) {
        if (m.engine().needsItemFeatures() && !store.keepsItemStatistics()) {
            throw new io.longview.core.io.InputException("the model takes point-in-time item statistics (dense features "
                    + ItemStatistics.FEATURE_NAMES.getFirst() + " …), which this store (" + store.getClass().getSimpleName()
                    + ") does not keep; serve it from the embedded store (longview serve --store S), or train a model "
                    + "without them (examples --item-features none)");
        }
    }

    private static int[] headIndices(List<String> asked, List<String> modelHeads) {
        if (asked == null) {
            int[] all = new int[modelHeads.size()];
            Arrays.setAll(all, i -> i);
            return all;
        }
        int[] idx = new int[asked.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = modelHeads.indexOf(asked.get(i));
            if (idx[i] < 0) {
                throw new ApiException(400, "unknown_head", "heads[" + i + "]", "unknown head '" + asked.get(i)
                        + "', the model has " + modelHeads);
            }
        }
        return idx;
    }

    /**
     * Appends a batch of events, durably (the store's sync setting; fsync by default) before returning. Every item
     * must be in the catalog or carry an embedding in the batch; carried embeddings are upserted into the catalog
     * first, then the events are appended in one atomic append.
     */
    public ObjectNode events(WriteRequests.EventBatch batch) {
        List<Event> events = batch.events();
        for (int i = 0; i < events.size(); i++) {
            long item = events.get(i).itemId();
            if (!batch.embeddings().containsKey(item) && !store.catalog().contains(item)) {
                throw new ApiException(400, "unknown_item", "events[" + i + "].item_id", "events[" + i + "]: item " + item
                        + " has no embedding in the catalog and the event carries none");
            }
        }
        if (!batch.embeddings().isEmpty()) {
            store.catalog().putAll(batch.embeddings());
        }
        AppendResult r = store.append(events);
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("events", r.events());
        out.put("applied", r.applied());
        out.put("unchanged", r.unchanged());
        out.put("users", r.users());
        out.put("items_upserted", batch.embeddings().size());
        return out;
    }

    /** Upserts items into the catalog, atomically. */
    public ObjectNode items(Map<Long, float[]> items) {
        store.catalog().putAll(items);
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("items", items.size());
        out.put("catalog_size", store.catalog().size());
        return out;
    }

    /**
     * Forgets a user ({@code DELETE /v1/users/{id}}): durable before the answer, which says what was removed; an
     * unknown user is answered with {@code "erased": false} and "nothing to erase".
     */
    public ObjectNode erase(long userId) {
        io.longview.store.EraseResult r = store.erase(userId);
        metrics.erased(r.erased());
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("user_id", userId);
        out.put("erased", r.erased());
        if (!r.erased()) {
            out.put("message", "nothing to erase: the store holds no history of this user");
        }
        ObjectNode removed = out.putObject("removed_tokens");
        removed.put("realtime", r.realtime());
        removed.put("lifelong", r.lifelong());
        removed.put("impressions", r.impressions());
        return out;
    }

    /** A user's three sequences, newest first, at most {@code limit} tokens each (0: all). */
    public ObjectNode sequence(long userId, int limit) {
        UserSequences u = store.read(userId);
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("user_id", userId);
        out.put("user_known", u.totalTokens() > 0);
        out.put("limit", limit);
        out.set("realtime", sequenceJson(u.realtime(), limit));
        out.set("lifelong", sequenceJson(u.lifelong(), limit));
        out.set("impressions", sequenceJson(u.impressions(), limit));
        return out;
    }

    private static ObjectNode sequenceJson(TokenSequence s, int limit) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("size", s.size());
        ArrayNode tokens = o.putArray("tokens");
        int n = limit == 0 ? s.size() : Math.min(limit, s.size());
        for (int i = 0; i < n; i++) {
            ObjectNode t = tokens.addObject();
            t.put("item_id", s.itemId(i));
            t.put("timestamp_ms", s.timestamp(i));
            t.set("actions", actions(s.actions(i)));
            t.put("surface", Surfaces.name(s.surface(i)));
        }
        return o;
    }

    private static ArrayNode actions(int bits) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        for (int b = 0; b < Actions.COUNT; b++) {
            if ((bits >> b & 1) != 0) {
                a.add(Actions.name(1 << b));
            }
        }
        return a;
    }

    /**
     * Loads {@code file} (null: the configured {@link ServeConfig#checkpoint()}, e.g. after a deploy overwrote it), warms it up ({@link #warmUp}) and,
     * if it loads and fits, swaps it in; requests
     * in flight finish on the old model, which is closed after them. A file that fails leaves the old model serving.
     *
     * @throws ApiException 422 {@code bad_checkpoint} naming the file and what is wrong
     */
    public ObjectNode reload(Path file) {
        synchronized (reloadLock) {
            LoadedModel old = model.peek();
            Path target = file == null ? config.checkpoint() : file;
            LoadedModel next;
            try {
                next = LoadedModel.load(target, engineOptions, config.headWeights(), generation.get() + 1);
                try {
                    requireItemStatistics(next, store);
                } catch (RuntimeException e) {
                    next.close();
                    throw e;
                }
            } catch (RuntimeException e) {
                metrics.reload(false);
                throw new ApiException(422, "bad_checkpoint", "checkpoint", "cannot load " + target + ": " + e.getMessage()
                        + "; still serving " + old);
            }
            WarmUp w;
            try {
                w = warmUp(next); // before the swap: the first real requests find it compiled
            } catch (RuntimeException e) {
                next.close();
                metrics.reload(false);
                throw e;
            }
            generation.incrementAndGet();
            model.swap(next);
            metrics.reload(true);
            metrics.model(next);
            ObjectNode out = Json.MAPPER.createObjectNode();
            out.set("model", modelJson(next));
            out.set("previous", modelJson(old));
            out.set("warmup", w.json());
            return out;
        }
    }

    /**
     * What a warm-up did: rounds of synthetic rank requests run, time spent, the last rounds' median, and whether
     * latency settled before the time bound.
     */
    public record WarmUp(int rounds, double millis, double lastRoundMs, boolean settled) {
        ObjectNode json() {
            ObjectNode o = Json.MAPPER.createObjectNode();
            o.put("rounds", rounds);
            o.put("ms", millis);
            o.put("round_ms", lastRoundMs);
            o.put("settled", settled);
            return o;
        }
    }

    /** Warms up the model serving now (at start, before {@code /readyz} turns 200). */
    public WarmUp warmUpCurrent() {
        try (HotSwap.Lease<LoadedModel> lease = model.acquire()) {
            return warmUp(lease.value());
        }
    }

    /**
     * Runs rounds of synthetic rank requests on {@code m} through the whole answer path (engine, blending, JSON), a
     * synthetic user with full sequences and random candidates of several sizes, until the round time settles (the
     * median of the last {@value #SETTLE_WINDOW} rounds is no more than 10 % below that of the
     * {@value #SETTLE_WINDOW} before) or {@link ServeConfig#warmup()} has passed. Reads and writes nothing in the store.
     */
    public WarmUp warmUp(LoadedModel m) {
        long budget = config.warmup().toNanos();
        if (budget == 0) {
            return new WarmUp(0, 0, 0, false);
        }
        SplittableRandom rnd = new SplittableRandom(0x5EED);
        UserSequences user = syntheticUser(rnd, m.config().seqLength());
        // light rounds (many of them fit in the bound even on a busy machine); the big size once per round
        int[] sizes = {1, 16, Math.min(100, config.maxCandidates()), Math.min(500, config.maxCandidates())};
        List<RankRequest> requests = new ArrayList<>();
        List<float[]> matrices = new ArrayList<>();
        for (int k = 0; k < sizes.length * 2; k++) {
            int n = sizes[k % sizes.length];
            List<RankRequest.Candidate> cs = new ArrayList<>(n);
            float[] mat = new float[n * Token.EMBEDDING_DIM];
            for (int i = 0; i < n; i++) {
                float[] e = new float[Token.EMBEDDING_DIM];
                for (int d = 0; d < e.length; d++) {
                    e[d] = (float) (rnd.nextDouble() * 2 - 1);
                }
                System.arraycopy(e, 0, mat, i * Token.EMBEDDING_DIM, e.length);
                cs.add(new RankRequest.Candidate(-1 - i, e));
            }
            boolean explain = k >= sizes.length;
            if (explain && n > 100) {
                continue; // explain on a big request adds little JIT coverage and a lot of time
            }
            requests.add(new RankRequest(-1, SYNTHETIC_NOW + k * 3_600_000L, List.copyOf(cs), null, explain, 0));
            matrices.add(mat);
        }
        List<byte[]> bodies = new ArrayList<>();
        for (RankRequest q : requests) {
            StringBuilder b = new StringBuilder("{\"user_id\":1,\"candidates\":[");
            for (int i = 0; i < q.candidates().size(); i++) {
                b.append(i == 0 ? "" : ",").append(1 + i);
            }
            bodies.add(b.append("],\"explain\":").append(q.explain()).append('}').toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        long t0 = System.nanoTime();
        List<Double> rounds = new ArrayList<>();
        boolean settled = false;
        while (System.nanoTime() - t0 < budget) {
            long r0 = System.nanoTime();
            for (int k = 0; k < requests.size(); k++) {
                // the request parser and a store read too (an id no user has: nothing is read or written)
                RankRequest.parse(Json.parse(bodies.get(k)), config.maxCandidates(), SYNTHETIC_NOW);
                store.read(Long.MIN_VALUE + 1);
                rank(m, requests.get(k), matrices.get(k), user);
            }
            rounds.add((System.nanoTime() - r0) / 1e6);
            int n = rounds.size();
            if (n >= 2 * SETTLE_WINDOW) {
                double last = median(rounds.subList(n - SETTLE_WINDOW, n));
                double before = median(rounds.subList(n - 2 * SETTLE_WINDOW, n - SETTLE_WINDOW));
                if (last >= 0.9 * before) {
                    settled = true;
                    break;
                }
            }
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        int n = rounds.size();
        return new WarmUp(n, ms, n == 0 ? 0 : median(rounds.subList(Math.max(0, n - SETTLE_WINDOW), n)), settled);
    }

    /** Rounds compared by {@link #warmUp}'s settling rule. */
    static final int SETTLE_WINDOW = 5;
    private static final long SYNTHETIC_NOW = 1_767_225_600_000L;

    private static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    /** A user with full sequences (random items, actions and embeddings), newest first. */
    private static UserSequences syntheticUser(SplittableRandom rnd, int seqLength) {
        return new UserSequences(-1, syntheticSequence(rnd, Math.max(1, seqLength), Actions.CLICK),
                syntheticSequence(rnd, Math.max(1, seqLength) * 4, Actions.SAVE),
                syntheticSequence(rnd, Math.max(1, seqLength), Actions.IMPRESSION));
    }

    private static TokenSequence syntheticSequence(SplittableRandom rnd, int n, byte action) {
        List<Token> tokens = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] e = new byte[Token.EMBEDDING_DIM];
            rnd.nextBytes(e);
            tokens.add(new Token(SYNTHETIC_NOW - 60_000L * (i + 1), action, (byte) (i % 4), 1 + rnd.nextInt(1_000_000), e));
        }
        return TokenSequence.of(tokens);
    }

    /** The model's provenance as JSON: generation, version, code version, data snapshot, steps, seed, file, times. */
    public static ObjectNode modelJson(LoadedModel m) {
        Provenance p = m.provenance();
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("generation", m.generation());
        o.put("version", m.version());
        o.put("code_version", p.codeVersion());
        o.put("data_snapshot", p.dataSnapshot());
        o.put("training_steps", p.trainingSteps());
        o.put("seed", p.seed());
        o.put("created_at", p.createdAt().toString());
        o.put("checkpoint", m.file().toString());
        o.put("loaded_at", m.loadedAt().toString());
        return o;
    }

    /** Releases the model (after the requests using it). The store stays open. */
    @Override
    public void close() {
        model.close();
    }
}
