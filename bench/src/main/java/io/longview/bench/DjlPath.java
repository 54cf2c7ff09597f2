package io.longview.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.longview.core.checkpoint.Checkpoint;
import io.longview.core.checkpoint.ModelConfig;
import io.longview.core.model.Token;
import io.longview.core.model.TokenSequence;
import io.longview.core.model.UserSequences;
import io.longview.core.select.SelectionConfig;
import io.longview.core.select.SelectionRule;
import io.longview.train.Batch;
import io.longview.train.CheckpointExport;
import io.longview.train.TransActModel;

/**
 * The two DJL/libtorch paths, (a) and (b): the same TransActModel forward pass (the trainer's model, plain torch ops
 * on a padded {@code (N, 192, ·)} batch) after a selection written in torch ops (cosine scores, top-K, sort by time,
 * gather). Subclasses differ in how they select. Only the NEAREST lifelong rule is implemented here.
 *
 * <p>Per request the user's three sequences become one host array {@code (L, 32)} of dequantized rows, S_LL first,
 * then S_RT, then S_imp (each newest-first), with their timestamps, actions and surfaces; a selection is a list of
 * row numbers into it.
 */
abstract class DjlPath implements RankPath {
    static final int D = Token.EMBEDDING_DIM;

    final ModelConfig config;
    final SelectionConfig budgets;
    final TransActModel model;
    final NDManager base;
    private final float step;
    private Batch batch;

    DjlPath(Checkpoint checkpoint, int threads) {
        DjlSetup.threads(threads);
        this.config = checkpoint.config();
        this.budgets = config.selection();
        if (config.sequence() && budgets.kLifelong() > 0 && budgets.lifelongRule() != SelectionRule.NEAREST) {
            throw new IllegalArgumentException("the DJL paths select S_LL by the NEAREST rule only, the checkpoint uses "
                    + budgets.lifelongRule());
        }
        this.model = CheckpointExport.fromCheckpoint(checkpoint);
        this.base = NDManager.newBaseManager("PyTorch");
        this.step = config.quantizer().step();
    }

    /** The user's history as host arrays, S_LL | S_RT | S_imp. */
    record History(int ll, int rt, int imp, float[] rows, long[] timestamps, byte[] actions, byte[] surfaces) {
        int size() {
            return ll + rt + imp;
        }
    }

    /** The selection of every candidate: {@code (n, length)} row numbers into the history, chronological. */
    record Selected(int length, long[] rows, float[] tokens) {
    }

    /**
     * Selects S_all for every candidate with torch ops in {@code m}.
     *
     * @return row numbers {@code (n, length)} and the gathered dequantized tokens {@code (n, length, 32)}
     */
    abstract Selected select(NDManager m, History h, NDArray history, SyntheticRequest r);

    @Override
    public final float[] rank(SyntheticRequest r, StageNanos stages) {
        int n = r.n();
        if (n == 0) {
            return new float[0];
        }
        long t0 = System.nanoTime();
        try (NDManager m = base.newSubManager()) {
            Batch b = batch(n);
            float[] dense = r.dense();
            int seqLen = config.seqLength();
            java.util.Arrays.fill(b.lengths(), 0);
            if (config.sequence()) {
                History h = history(r.user());
                NDArray hist = m.create(h.rows(), new ai.djl.ndarray.types.Shape(h.size(), D));   // (L, 32)
                Selected s = select(m, h, hist, r);
                if (s.length() > seqLen) {
                    throw new IllegalStateException("selected " + s.length() + " tokens, the model takes " + seqLen);
                }
                float[] tokens = b.tokens();
                byte[] actions = b.actions();
                int[] surfaces = b.surfaces();
                for (int i = 0; i < n; i++) {
                    System.arraycopy(s.tokens(), i * s.length() * D, tokens, i * seqLen * D, s.length() * D);
                    for (int k = 0; k < s.length(); k++) {
                        int row = (int) s.rows()[i * s.length() + k];
                        actions[i * seqLen + k] = h.actions()[row];
                        surfaces[i * seqLen + k] = h.surfaces()[row];
                    }
                    b.lengths()[i] = s.length();
                }
            }
            System.arraycopy(r.candidates(), 0, b.candidates(), 0, n * D);
            for (int i = 0; i < n; i++) {
                System.arraycopy(dense, 0, b.dense(), i * dense.length, dense.length);
            }
            long t1 = System.nanoTime();
            float[] p = model.forward(m, b).probabilities().toFloatArray();
            long t2 = System.nanoTime();
            stages.selection = t1 - t0;
            stages.forward = t2 - t1;
            return p;
        }
    }

    private Batch batch(int n) {
        if (batch == null || batch.size() != n) {
            batch = Batch.allocate(model.config(), n, 0);
        }
        return batch;
    }

    History history(UserSequences u) {
        TokenSequence[] parts = {u.lifelong(), u.realtime(), u.impressions()};
        int total = u.totalTokens();
        float[] rows = new float[total * D];
        long[] ts = new long[total];
        byte[] actions = new byte[total];
        byte[] surfaces = new byte[total];
        int at = 0;
        for (TokenSequence s : parts) {
            for (int i = 0; i < s.size(); i++, at++) {
                for (int d = 0; d < D; d++) {
                    rows[at * D + d] = s.embedding(i, d) * step;
                }
                ts[at] = s.timestamp(i);
                actions[at] = s.actions(i);
                surfaces[at] = (byte) s.surface(i);
            }
        }
        return new History(u.lifelong().size(), u.realtime().size(), u.impressions().size(), rows, ts, actions, surfaces);
    }

    /** Row numbers {@code [from, to)} as an int64 vector. */
    static NDArray range(NDManager m, int from, int to) {
        return m.arange(from, to).toType(DataType.INT64, false);
    }

    /** How many tokens each part contributes (the same for every candidate under the NEAREST rule). */
    int selectedLength(History h) {
        int recent = Math.min(budgets.recent(), h.rt());
        return Math.min(budgets.kLifelong(), h.ll()) + recent + Math.min(budgets.kRealtime(), h.rt() - recent)
                + Math.min(budgets.kImpressions(), h.imp());
    }

    @Override
    public void close() {
        base.close();
        model.close();
    }
}
