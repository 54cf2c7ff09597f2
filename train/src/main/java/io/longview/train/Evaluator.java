package io.longview.train;

import io.longview.core.checkpoint.ModelConfig;
import ai.djl.ndarray.NDManager;
import io.longview.core.eval.HeadMetrics;
import io.longview.examples.RequestRecord;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores every example (request, candidate) of an example file (e.g. {@code eval.lvx}) with a model and summarizes
 * each head as {@link HeadMetrics} (DESIGN §5): AUC, GAUC grouped by user, HIT@3 grouped by request.
 *
 * <p>The file is streamed request by request into batches of {@code batchSize} examples (a request may span two
 * batches); each batch's forward pass runs in its own sub-manager of the model's manager, closed after the
 * probabilities are copied out, outside any gradient collector (no autograd graph is kept). Scores are the heads'
 * probabilities. Not thread-safe with a concurrent {@link Trainer} on the same model.
 */
public final class Evaluator {
    private final TransActModel model;
    private final int batchSize;
    /** Item feature files already loaded, by path (evaluations repeat during training). */
    private final Map<Path, io.longview.examples.ItemFeatureFile.Table> itemTables = new java.util.concurrent.ConcurrentHashMap<>();
    private final TrainingEngine engine;
    private final int threads;
    private io.longview.train.fused.FusedTransAct fused;        // the Java engine during evaluate(), else null
    private Map<String, float[]> weights;                       // its copy of the model's weights

    /**
     * @param model     the model to score with (not closed here)
     * @param batchSize examples per forward pass, ≥ 1
     */
    public Evaluator(TransActModel model, int batchSize) {
        this(model, batchSize, TrainingEngine.DJL, 1);
    }

    /**
     * An evaluator whose forward passes run on {@code engine}: {@link TrainingEngine#DJL} (the model's forward) or
     * {@link TrainingEngine#JAVA} ({@link io.longview.train.fused.FusedTransAct#probabilities} on a copy of the
     * model's weights taken at each {@link #evaluate}, {@code threads} threads); the scores agree within float
     * rounding.
     */
    public Evaluator(TransActModel model, int batchSize, TrainingEngine engine, int threads) {
        if (batchSize < 1 || threads < 1) {
            throw new IllegalArgumentException("batch size and threads must be ≥ 1, got " + batchSize + ", " + threads);
        }
        this.model = model;
        this.batchSize = batchSize;
        this.engine = engine;
        this.threads = threads;
    }

    /**
     * Every example's scores and labels, in file order (request, then candidate), and the metrics per head.
     *
     * @param heads    metrics by head name, in the model's head order
     * @param users    user id per example
     * @param requests request id per example
     * @param labels   {@code labels[h][i]}: head h's label of example i
     * @param scores   {@code scores[h][i]}: head h's probability for example i
     */
    public record Evaluation(Map<String, HeadMetrics> heads, long[] users, long[] requests, boolean[][] labels,
                             float[][] scores) {
        /** Number of examples scored. */
        public int examples() {
            return users.length;
        }

        /**
         * HIT@3 of head {@code head}'s labels when each request's candidates are ranked by the blended score
         * {@code Σ_h w_h · p_h} instead of by the head's own score: the paper's reading of "hide HIT@3" (how many hidden
         * items the ranking puts into the top 3; lower is better) and of the engaged heads under one final ranking.
         * Heads missing from {@code weights} weigh 0. NaN when no request has a positive of {@code head}.
         */
        public double blendedHitAt3(String head, Map<String, Double> weights) {
            List<String> names = List.copyOf(heads.keySet());
            int h = names.indexOf(head);
            if (h < 0) {
                throw new IllegalArgumentException("no head " + head + " among " + names);
            }
            double[] blended = new double[examples()];
            for (int k = 0; k < names.size(); k++) {
                double w = weights.getOrDefault(names.get(k), 0.0);
                if (w != 0) {
                    for (int i = 0; i < blended.length; i++) {
                        blended[i] += w * scores[k][i];
                    }
                }
            }
            return io.longview.core.eval.RankingMetrics.hitAt3(requests, labels[h], blended).orElse(Double.NaN);
        }

        /** One readable line per head. */
        public String describe() {
            StringBuilder sb = new StringBuilder();
            heads.forEach((h, m) -> sb.append(h).append(": ").append(m.describe()).append('\n'));
            return sb.toString();
        }
    }

    /** Scores every example of {@code exampleFile} and computes the metrics of every head. */
    public Evaluation evaluate(Path exampleFile) {
        return evaluate(exampleFile, 1.0);
    }

    /**
     * {@link #evaluate(Path)} on a fixed sample of whole requests: request r is kept when a hash of its request id,
     * mapped to [0, 1), is below {@code fraction}; the same requests for every model, so that rows of an ablation
     * compare on identical data. {@code fraction 1} keeps every request.
     *
     * @throws IllegalArgumentException unless {@code 0 < fraction ≤ 1}
     */
    public Evaluation evaluate(Path exampleFile, double fraction) {
        checkFraction(fraction);
        if (engine == TrainingEngine.JAVA) {
            weights = new java.util.LinkedHashMap<>();
            for (String name : model.parameters().keySet()) {
                weights.put(name, model.parameterValues(name));
            }
            fused = new io.longview.train.fused.FusedTransAct(model.config(), threads);
        }
        try {
            return scoreFile(exampleFile, fraction);
        } finally {
            if (fused != null) {
                fused.close();
                fused = null;
            }
            weights = null;
        }
    }

    private Evaluation scoreFile(Path exampleFile, double fraction) {
        ModelConfig config = model.config();
        int nHeads = config.heads().size();
        List<long[]> ids = new ArrayList<>();                 // per batch: users then requests, 2n values
        List<float[]> probs = new ArrayList<>();              // per batch: (n, H) probabilities
        List<float[]> labs = new ArrayList<>();               // per batch: (n, H) labels
        int total = 0;
        // file order (a shuffle buffer of one request), read ahead on the stream's prefetch thread; a directory of shards works too
        ExampleStream stream = ExampleStream.open(exampleFile, 1, 0);
        try (ExampleStream.Epoch examples = stream.epoch(0)) {
            Path itemFile = io.longview.examples.ItemFeatureFile.beside(exampleFile);
            ExampleBatcher batcher = new ExampleBatcher(config, stream.header(),
                    itemFile == null ? null : itemTables.computeIfAbsent(itemFile, io.longview.examples.ItemFeatureFile::read));
            Batch batch = Batch.allocate(config, batchSize, 0);
            long[] users = new long[batchSize];
            long[] requests = new long[batchSize];
            int row = 0;
            while (examples.hasNext()) {
                ExampleStream.Example x = examples.next();
                RequestRecord r = x.record();
                if (fraction < 1 && !sampled(r.requestId(), fraction)) {
                    continue;
                }
                batcher.put(batch, row, r, x.candidate());
                users[row] = r.userId();
                requests[row] = r.requestId();
                if (++row == batchSize) {
                    total += flush(batch, row, users, requests, ids, probs, labs);
                    row = 0;
                }
            }
            if (row > 0) {
                Batch tail = Batch.allocate(config, row, 0);
                copyRows(batch, tail, row);
                total += flush(tail, row, users, requests, ids, probs, labs);
            }
        }
        long[] users = new long[total];
        long[] requests = new long[total];
        boolean[][] labels = new boolean[nHeads][total];
        float[][] scores = new float[nHeads][total];
        int at = 0;
        for (int b = 0; b < ids.size(); b++) {
            long[] id = ids.get(b);
            int n = id.length / 2;
            float[] p = probs.get(b);
            float[] l = labs.get(b);
            for (int i = 0; i < n; i++) {
                users[at + i] = id[i];
                requests[at + i] = id[n + i];
                for (int h = 0; h < nHeads; h++) {
                    scores[h][at + i] = p[i * nHeads + h];
                    labels[h][at + i] = l[i * nHeads + h] != 0f;
                }
            }
            at += n;
        }
        Map<String, HeadMetrics> heads = new LinkedHashMap<>();
        for (int h = 0; h < nHeads; h++) {
            heads.put(config.heads().get(h), HeadMetrics.of(users, requests, labels[h], scores[h]));
        }
        return new Evaluation(Collections.unmodifiableMap(heads), users, requests, labels, scores);
    }

    private int flush(Batch batch, int n, long[] users, long[] requests, List<long[]> ids, List<float[]> probs,
                      List<float[]> labs) {
        float[] p;
        if (fused != null) {
            p = fused.probabilities(weights, batch);
        } else {
            try (NDManager step = model.manager().newSubManager()) {
                p = model.forward(step, batch.trimmed()).probabilities().toFloatArray();
            }
        }
        long[] id = new long[2 * n];
        System.arraycopy(users, 0, id, 0, n);
        System.arraycopy(requests, 0, id, n, n);
        ids.add(id);
        probs.add(p);
        labs.add(java.util.Arrays.copyOf(batch.labels(), n * batch.heads()));
        return n;
    }

    /** Copies the first {@code n} rows of every per-example array (NAL negatives are unused here). */
    private static void copyRows(Batch from, Batch to, int n) {
        int t = from.seqLen();
        int e = from.dEmb();
        System.arraycopy(from.tokens(), 0, to.tokens(), 0, n * t * e);
        System.arraycopy(from.actions(), 0, to.actions(), 0, n * t);
        System.arraycopy(from.surfaces(), 0, to.surfaces(), 0, n * t);
        System.arraycopy(from.lengths(), 0, to.lengths(), 0, n);
        System.arraycopy(from.candidates(), 0, to.candidates(), 0, n * e);
        System.arraycopy(from.dense(), 0, to.dense(), 0, n * from.denseDim());
        System.arraycopy(from.labels(), 0, to.labels(), 0, n * from.heads());
        System.arraycopy(from.userIds(), 0, to.userIds(), 0, n);
    }

    /**
     * Checks an evaluation sample fraction.
     *
     * @throws IllegalArgumentException unless {@code 0 < fraction ≤ 1}
     */
    public static void checkFraction(double fraction) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("evaluation fraction must be in (0, 1], got " + fraction);
        }
    }

    /** Whether request {@code id} is in the sample of {@code fraction} (a SplitMix64 hash of the id, as a fraction). */
    static boolean sampled(long id, double fraction) {
        long z = id + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (z >>> 11) * 0x1.0p-53 < fraction;
    }
}
