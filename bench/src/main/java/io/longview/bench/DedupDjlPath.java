package io.longview.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.longview.core.checkpoint.Checkpoint;

/**
 * Path (b): DJL/libtorch with request-level de-duplication. The history goes to torch once; one matrix product
 * scores every candidate against every token ({@code (N, 32) @ (32, L)} over unit vectors), a batched top-K per part
 * picks S_all, an argsort of the picks' timestamps puts them in time order, one gather fetches the tokens, and one
 * batched TransActModel forward scores all N candidates.
 */
public final class DedupDjlPath extends DjlPath {

    public DedupDjlPath(Checkpoint checkpoint, int threads) {
        super(checkpoint, threads);
    }

    @Override
    public String id() {
        return "b";
    }

    @Override
    public String description() {
        return "DJL/libtorch, de-duplicated: history once, one scoring matmul, batched top-K + gather, one batched forward";
    }

    @Override
    Selected select(NDManager m, History h, NDArray hist, SyntheticRequest r) {
        int n = r.n();
        int length = selectedLength(h);
        if (length == 0) {
            return new Selected(0, new long[0], new float[0]);
        }
        NDArray units = hist.normalize(2, 1, 1e-12);                                    // (L, 32)
        NDArray cands = m.create(r.candidates(), new Shape(n, D));                      // (N, 32)
        NDArray scores = cands.matMul(units.transpose());                               // (N, L)
        NDList picks = new NDList();
        int ll = h.ll(), rt = h.rt(), imp = h.imp();
        nearest(m, scores, n, 0, ll, budgets.kLifelong(), picks);
        int recent = Math.min(budgets.recent(), rt);
        if (recent > 0) {
            picks.add(range(m, ll, ll + recent).expandDims(0).repeat(0, n));
        }
        nearest(m, scores, n, ll + recent, ll + rt, budgets.kRealtime(), picks);
        nearest(m, scores, n, ll + rt, ll + rt + imp, budgets.kImpressions(), picks);
        NDArray sel = picks.size() == 1 ? picks.get(0) : NDArrays.concat(picks, 1);   // (N, S) rows
        NDArray times = m.create(h.timestamps()).take(sel);                             // (N, S)
        NDArray ordered = sel.gather(times.argSort(1, true), 1);                         // (N, S) chronological
        NDArray tokens = hist.gather(ordered.reshape(-1, 1).repeat(1, D), 0);           // (N·S, 32)
        return new Selected(length, ordered.toLongArray(), tokens.toFloatArray());
    }

    /** The {@code k} best rows of {@code [from, to)} per candidate (all of them when there are at most k). */
    private static void nearest(NDManager m, NDArray scores, int n, int from, int to, int k, NDList picks) {
        int size = to - from;
        if (size <= 0 || k == 0) {
            return;
        }
        if (size <= k) {
            picks.add(range(m, from, to).expandDims(0).repeat(0, n));
            return;
        }
        NDArray part = scores.get(new NDIndex(":, {}:{}", from, to));                  // (N, size)
        NDArray idx = part.topK(k, 1, true, false).get(1);                              // (N, k)
        picks.add(from == 0 ? idx : idx.add(from));
    }
}
