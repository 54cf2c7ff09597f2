package io.longview.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.longview.core.checkpoint.Checkpoint;

/**
 * Path (a): the naive DJL/libtorch path. The user's history is copied to every candidate (an {@code (N, L, 32)}
 * tensor: O(N·L) data movement), and each candidate selects from its own copy with torch ops (normalize, cosine
 * scores, top-K per part, sort by time, gather), one candidate after another; then one batched TransActModel
 * forward (plain, unfused torch ops) scores all N.
 */
public final class NaiveDjlPath extends DjlPath {

    public NaiveDjlPath(Checkpoint checkpoint, int threads) {
        super(checkpoint, threads);
    }

    @Override
    public String id() {
        return "a";
    }

    @Override
    public String description() {
        return "DJL/libtorch, naive: history copied per candidate (N, L, 32), per-candidate torch selection, unfused forward";
    }

    @Override
    Selected select(NDManager m, History h, NDArray hist, SyntheticRequest r) {
        int n = r.n();
        int length = selectedLength(h);
        long[] rows = new long[n * length];
        float[] tokens = new float[n * length * D];
        if (length == 0) {
            return new Selected(0, rows, tokens);
        }
        NDArray copies = hist.expandDims(0).repeat(0, n);                               // (N, L, 32): the naive copy
        NDArray times = m.create(h.timestamps());                                       // (L)
        NDArray cands = m.create(r.candidates(), new ai.djl.ndarray.types.Shape(n, D)); // (N, 32)
        int ll = h.ll(), rt = h.rt(), imp = h.imp();
        for (int i = 0; i < n; i++) {
            try (NDManager c = m.newSubManager()) {
                NDArray own = copies.get(c, i);                                         // (L, 32) this candidate's copy
                NDArray units = own.normalize(2, 1, 1e-12);                             // (L, 32)
                NDArray scores = units.matMul(cands.get(c, i));                         // (L)
                NDList picks = new NDList();
                nearest(c, scores, 0, ll, budgets.kLifelong(), picks);
                int recent = Math.min(budgets.recent(), rt);
                if (recent > 0) {
                    picks.add(range(c, ll, ll + recent));
                }
                nearest(c, scores, ll + recent, ll + rt, budgets.kRealtime(), picks);
                nearest(c, scores, ll + rt, ll + rt + imp, budgets.kImpressions(), picks);
                NDArray sel = picks.size() == 1 ? picks.get(0) : NDArrays.concat(picks, 0); // (S)
                NDArray ordered = sel.get(times.take(c, sel).argSort(0, true));           // (S) chronological
                NDArray picked = own.gather(ordered.reshape(-1, 1).repeat(1, D), 0);      // (S, 32)
                System.arraycopy(ordered.toLongArray(), 0, rows, i * length, length);
                System.arraycopy(picked.toFloatArray(), 0, tokens, i * length * D, length * D);
            }
        }
        return new Selected(length, rows, tokens);
    }

    private static void nearest(NDManager c, NDArray scores, int from, int to, int k, NDList picks) {
        int size = to - from;
        if (size <= 0 || k == 0) {
            return;
        }
        if (size <= k) {
            picks.add(range(c, from, to));
            return;
        }
        NDArray idx = scores.get(new NDIndex("{}:{}", from, to)).topK(k, 0, true, false).get(1); // (k)
        picks.add(from == 0 ? idx : idx.add(from));
    }
}
