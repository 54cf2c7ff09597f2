package io.longview.kernels.engine;

import io.longview.core.model.TokenSequence;
import io.longview.core.select.CandidateSelector;
import io.longview.core.select.Selection;
import io.longview.core.select.SelectionConfig;
import io.longview.core.select.SelectionRule;
import io.longview.core.select.SequencePart;
import io.longview.kernels.VectorKernels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.longview.kernels.engine.PreparedRequest.IMP;
import static io.longview.kernels.engine.PreparedRequest.LL;
import static io.longview.kernels.engine.PreparedRequest.RT;

/**
 * One worker's arena: every buffer the fused forward pass needs for a group of {@link #GROUP} candidates, allocated
 * once at the model's maximum sizes and reused for every group of every request (nothing is allocated per candidate,
 * except the explanation lists when asked for). A worker takes groups from its request until none are left:
 * <ol>
 *   <li>selection for the whole group in one blocked scan per sequence part ({@link VectorKernels#nearestScan}), then
 *       per candidate the chronological merge of core's {@link CandidateSelector};</li>
 *   <li>per candidate the token rows, both encoder layers, max-pooling and {@code W_out};</li>
 *   <li>the ranker (cross layers, MLP, heads) for the group as matrix products of {@code GROUP} rows.</li>
 * </ol>
 * Used by one thread at a time.
 */
final class Worker {
    /** Candidates per group: the unit of work a thread takes, and the row count of the ranker's products. */
    static final int GROUP = 16;

    private final PreparedRequest r;
    private final EngineWeights w;
    private final SelectionConfig sel;
    private final int[] budget = new int[3];

    // selection
    private final float[] thresholds = new float[GROUP];   // (GROUP) running score thresholds
    private final int[] counts = new int[GROUP];           // (GROUP) keys held per candidate
    private final int cap;                                 // keys per candidate buffer
    private final long[] buffers;                          // (GROUP, cap) (score, index) keys
    private final float[] tileScratch = new float[VectorKernels.NEAREST_TILE_SCRATCH];
    private final int[][] picks = new int[3][];            // per part (GROUP, K_part) picked indices
    private final int[][] pickCount = new int[3][GROUP];   // per part (GROUP)
    private final int[] order;                             // (maxLength) indices while merging
    private final byte[] selPart;                          // (maxLength) S_all of one candidate: part codes
    private final int[] selIdx;                            // (maxLength)                         indices
    private int selSize;
    private final CandidateSelector selector;              // RANDOM / MOST_RECENT lifelong rules
    private final Selection coreSelection;
    private final float[] cand;                            // (dEmb)

    // encoder, T = maxLength rows at most
    private final float[] x, q, v, att, ff;    // (T, d); q holds Q' = X Wq Wkᵀ, the keys are X itself
    private final float[] hid;                 // (T, dFf)
    private final float[] attScratch;          // VectorKernels.attentionScratch(T, d)
    private final float[] pooled;              // (d)
    private final float[] qkvCand;             // (2d) the candidate's share of it

    // ranker
    private final float[] r0, rr, rw;          // (GROUP, rankerIn)
    private final float[] h0, h1;              // (GROUP, maxWidth)

    long selectionNanos;
    long forwardNanos;

    Worker(PreparedRequest r) {
        this.r = r;
        this.w = r.w;
        this.sel = r.sel;
        budget[LL] = sel.kLifelong();
        budget[RT] = sel.kRealtime();
        budget[IMP] = sel.kImpressions();
        int maxK = Math.max(1, Math.max(budget[LL], Math.max(budget[RT], budget[IMP])));
        cap = 4 * maxK + 16;
        buffers = new long[GROUP * cap];
        for (int p = 0; p < 3; p++) {
            picks[p] = new int[GROUP * Math.max(1, budget[p])];
        }
        int t = Math.max(1, w.maxLength);
        order = new int[t];
        selPart = new byte[t];
        selIdx = new int[t];
        selector = new CandidateSelector(sel);
        coreSelection = selector.newSelection();
        cand = new float[w.dEmb];
        int d = w.sequence ? w.d : 1;
        x = new float[t * d];
        q = new float[t * d];
        v = new float[t * d];
        att = new float[t * d];
        ff = new float[t * d];
        hid = new float[t * Math.max(1, w.dFf)];
        attScratch = new float[VectorKernels.attentionScratch(t, d)];
        pooled = new float[d];
        qkvCand = new float[2 * d];
        r0 = new float[GROUP * w.rankerIn];
        rr = new float[GROUP * w.rankerIn];
        rw = new float[GROUP * w.rankerIn];
        h0 = new float[GROUP * w.maxWidth];
        h1 = new float[GROUP * w.maxWidth];
    }

    /** Takes chunks of the per-token projection until none are left. */
    void drainProjection() {
        int chunks = r.projectChunks();
        for (int c; (c = r.nextChunk.getAndIncrement()) < chunks; ) {
            r.project(c);
        }
    }

    /** Takes groups of the current request until none are left. */
    void drain() {
        selectionNanos = 0;
        forwardNanos = 0;
        int n = r.n;
        int groups = (n + GROUP - 1) / GROUP;
        for (int g; (g = r.nextGroup.getAndIncrement()) < groups; ) {
            int g0 = g * GROUP;
            runGroup(g0, Math.min(GROUP, n - g0));
        }
    }

    private void runGroup(int g0, int gn) {
        long t0 = System.nanoTime();
        if (w.sequence) {
            boolean core = sel.lifelongRule() != SelectionRule.NEAREST && sel.kLifelong() > 0;
            if (!core) {
                scanGroup(g0, gn);
            }
            long selNs = System.nanoTime() - t0;
            long fwdNs = 0;
            for (int g = 0; g < gn; g++) {
                long ta = System.nanoTime();
                int c = g0 + g;
                if (core) {
                    selectWithCore(c);
                } else {
                    merge(g);
                }
                if (r.explain) {
                    r.picked[c] = explanation();
                }
                long tb = System.nanoTime();
                encode(c, g);
                long tc = System.nanoTime();
                selNs += tb - ta;
                fwdNs += tc - tb;
            }
            selectionNanos += selNs;
            long td = System.nanoTime();
            rank(g0, gn);
            forwardNanos += fwdNs + System.nanoTime() - td;
        } else {
            if (r.explain) {
                for (int g = 0; g < gn; g++) {
                    r.picked[g0 + g] = List.of();
                }
            }
            rank(g0, gn);
            forwardNanos += System.nanoTime() - t0;
        }
    }

    // ------------------------------------------------------------------------------------------------ selection

    /** NN of every part for candidates g0 .. g0+gn: one fused scan per part, then each candidate's K best. */
    private void scanGroup(int g0, int gn) {
        int e = w.dEmb;
        for (int p = 0; p < 3; p++) {
            int kp = budget[p];
            int from = r.packedFrom[p];
            int rows = from < 0 ? 0 : r.size[p] - from;
            int[] cnt = pickCount[p];
            int[] out = picks[p];
            if (kp == 0 || rows <= 0) {
                Arrays.fill(cnt, 0, gn, 0);
            } else if (rows <= kp) { // a part with at most K tokens contributes all of them
                for (int g = 0; g < gn; g++) {
                    for (int i = 0; i < rows; i++) {
                        out[g * kp + i] = from + i;
                    }
                    cnt[g] = rows;
                }
            } else {
                Arrays.fill(thresholds, 0, gn, Float.NEGATIVE_INFINITY);
                Arrays.fill(counts, 0, gn, 0);
                VectorKernels.nearestScan(r.packed[p], rows, e, r.candidates, g0 * e, gn, kp, thresholds, buffers, cap, counts,
                        tileScratch);
                for (int g = 0; g < gn; g++) {
                    int m = VectorKernels.nearestFinish(buffers, cap, counts, g, kp, out, g * kp);
                    for (int i = 0; i < m; i++) {
                        out[g * kp + i] += from;
                    }
                    cnt[g] = m;
                }
            }
        }
    }

    /**
     * S_all of group member g in chronological order, exactly as core's {@link CandidateSelector}: each part's picks
     * by descending index (ascending time), merged by timestamp with ties in part order LL, RT, imp.
     */
    private void merge(int g) {
        int a = 0;
        int kl = budget[LL];
        for (int i = 0, m = pickCount[LL][g]; i < m; i++) {
            order[a++] = picks[LL][g * kl + i];
        }
        int rtStart = a;
        int recent = Math.min(sel.recent(), r.size[RT]);
        for (int i = 0; i < recent; i++) {
            order[a++] = i;
        }
        int kr = budget[RT];
        for (int i = 0, m = pickCount[RT][g]; i < m; i++) {
            order[a++] = picks[RT][g * kr + i];
        }
        int impStart = a;
        int ki = budget[IMP];
        for (int i = 0, m = pickCount[IMP][g]; i < m; i++) {
            order[a++] = picks[IMP][g * ki + i];
        }
        int end = a;
        sortDescending(order, 0, rtStart);
        sortDescending(order, rtStart, impStart);
        sortDescending(order, impStart, end);
        long[] tl = r.timestamps[LL], tr = r.timestamps[RT], tm = r.timestamps[IMP];
        int i = 0, j = rtStart, l = impStart;
        for (int o = 0; o < end; o++) {
            long ta = i < rtStart ? tl[order[i]] : Long.MAX_VALUE;
            long tb = j < impStart ? tr[order[j]] : Long.MAX_VALUE;
            long tc = l < end ? tm[order[l]] : Long.MAX_VALUE;
            if (i < rtStart && ta <= tb && ta <= tc) {
                selPart[o] = LL;
                selIdx[o] = order[i++];
            } else if (j < impStart && tb <= tc) {
                selPart[o] = RT;
                selIdx[o] = order[j++];
            } else {
                selPart[o] = IMP;
                selIdx[o] = order[l++];
            }
        }
        selSize = end;
    }

    private static void sortDescending(int[] a, int from, int to) {
        Arrays.sort(a, from, to);
        for (int i = from, j = to - 1; i < j; i++, j--) {
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** The RANDOM and MOST_RECENT lifelong rules: core's selector itself, salted as the reference engine was. */
    private void selectWithCore(int c) {
        System.arraycopy(r.candidates, c * w.dEmb, cand, 0, w.dEmb);
        selector.select(r.prepared, cand, RankingEngine.salt(r.requestTimeMs, c), coreSelection);
        selSize = coreSelection.size();
        for (int i = 0; i < selSize; i++) {
            selPart[i] = (byte) coreSelection.partCode(i);
            selIdx[i] = coreSelection.index(i);
        }
    }

    private List<RankResult.Picked> explanation() {
        List<RankResult.Picked> out = new ArrayList<>(selSize);
        for (int i = 0; i < selSize; i++) {
            int p = selPart[i];
            int idx = selIdx[i];
            TokenSequence s = r.sequence(p);
            out.add(new RankResult.Picked(SequencePart.ofCode(p), idx, s.itemId(idx), s.timestamp(idx), s.actions(idx) & 0xff));
        }
        return List.copyOf(out);
    }

    // ------------------------------------------------------------------------------------------------ encoder

    /** Candidate c's sequence feature {@code maxpool(encoder(S_all)) W_out + b_out} into row g of r0. */
    private void encode(int c, int g) {
        int d = w.d;
        int e = w.dEmb;
        int t = selSize;
        if (t == 0) {
            Arrays.fill(pooled, 0f);
        } else {
            if (r.projected) {
                touch(t, 2 * d, e);
            }
            for (int i = 0; i < t; i++) { // x_i = [dequant(e_i) | e_c] + tokenBase[bits, surface] + E_pos[i]
                int p = selPart[i];
                int idx = selIdx[i];
                int row = i * d;
                System.arraycopy(r.deq[p], idx * e, x, row, e);
                System.arraycopy(r.candidates, c * e, x, row + e, e);
                VectorKernels.addRows(x, row, w.tokenBase, r.baseRow[p][idx] * d, w.pos, row, d);
            }
            if (r.projected) { // layer 0: Q'|V = token's + (actions, surface)'s + position's + candidate's projection
                int dq = 2 * d;
                VectorKernels.matmul(r.candidates, c * e, 1, e, w.qkvCand, 0, dq, qkvCand, 0);
                for (int i = 0; i < t; i++) {
                    int p = selPart[i];
                    int idx = selIdx[i];
                    int a = idx * dq, b = r.baseRow[p][idx] * dq, ps = i * dq;
                    float[] tok = r.qkv[p];
                    VectorKernels.sumRows(q, i * d, tok, a, w.qkvBase, b, w.qkvPos, ps, qkvCand, 0, d);
                    VectorKernels.sumRows(v, i * d, tok, a + d, w.qkvBase, b + d, w.qkvPos, ps + d, qkvCand, d, d);
                }
            }
            for (int l = 0; l < w.layers; l++) { // Q' = X Wq Wkᵀ, keys = X: Q' X_jᵀ = (X Wq)(X_j Wk)ᵀ
                if (l > 0 || !r.projected) {
                    VectorKernels.matmulFma(x, 0, t, d, w.wqk[l], 0, d, q, 0);
                    VectorKernels.matmulFma(x, 0, t, d, w.wv[l], 0, d, v, 0);
                }
                VectorKernels.causalAttention(q, x, v, t, d, w.scale, att, attScratch);
                VectorKernels.addLayerNorm(x, 0, att, 0, t, d, w.eps);              // Y = LN(X + A)
                VectorKernels.matmulFma(x, 0, t, d, w.w1[l], 0, w.dFf, hid, 0);
                VectorKernels.relu(hid, 0, t * w.dFf);
                VectorKernels.matmulFma(hid, 0, t, w.dFf, w.w2[l], 0, d, ff, 0);
                VectorKernels.addLayerNorm(x, 0, ff, 0, t, d, w.eps);               // Z = LN(Y + FFN(Y))
            }
            VectorKernels.maxRows(x, 0, t, d, pooled, 0);
        }
        int row = g * w.rankerIn;
        VectorKernels.matmul(pooled, 0, 1, d, w.wOut, 0, d, r0, row);
        for (int j = 0; j < d; j++) {
            r0[row + j] += w.bOut[j];
        }
    }

    /** Keeps {@link #touch}'s loads alive. */
    float sink;

    /**
     * Reads one value of every cache line of the candidate's rows of the per-token projection (and of the dequantized
     * tokens) before the row sums need them: the rows are scattered over a table of megabytes, and in this tight loop
     * of independent loads the core has many misses in flight at once, where the row sums would wait for them a few
     * at a time.
     */
    private void touch(int t, int dq, int e) {
        float s0 = 0f, s1 = 0f;
        for (int i = 0; i < t; i++) {
            int p = selPart[i];
            int idx = selIdx[i];
            float[] tok = r.qkv[p];
            int a = idx * dq;
            for (int o = 0; o < dq; o += 16) {
                s0 += tok[a + o];
            }
            s1 += tok[a + dq - 1] + r.deq[p][idx * e] + r.deq[p][idx * e + e - 1];
        }
        sink = s0 + s1;
    }

    // ------------------------------------------------------------------------------------------------ ranker

    /** Cross layers, MLP and heads for candidates g0 .. g0+gn (r0's sequence part already written). */
    private void rank(int g0, int gn) {
        int din = w.rankerIn;
        int e = w.dEmb;
        int at = w.sequence ? w.d : 0;
        for (int g = 0; g < gn; g++) {
            int row = g * din;
            System.arraycopy(r.candidates, (g0 + g) * e, r0, row + at, e);
            System.arraycopy(r.dense, (g0 + g) * r.denseStride, r0, row + at + e, w.denseDim);
        }
        int len = gn * din;
        System.arraycopy(r0, 0, rr, 0, len);
        for (int i = 0; i < w.crossW.length; i++) { // r ← r0 ⊙ (r W + b) + r
            VectorKernels.matmul(rr, 0, gn, din, w.crossW[i], 0, din, rw, 0);
            float[] b = w.crossB[i];
            for (int g = 0; g < gn; g++) {
                int row = g * din;
                for (int j = 0; j < din; j++) {
                    float y = rw[row + j] + b[j];
                    rr[row + j] = r0[row + j] * y + rr[row + j];
                }
            }
        }
        float[] h = rr;
        int width = din;
        for (int i = 0; i < w.mlpSizes.length; i++) { // h ← ReLU(h W + b)
            float[] dst = h == h0 ? h1 : h0;
            int size = w.mlpSizes[i];
            VectorKernels.matmul(h, 0, gn, width, w.mlpW[i], 0, size, dst, 0);
            float[] b = w.mlpB[i];
            for (int g = 0; g < gn; g++) {
                int row = g * size;
                for (int j = 0; j < size; j++) {
                    dst[row + j] = Math.max(dst[row + j] + b[j], 0f);
                }
            }
            h = dst;
            width = size;
        }
        float[] logits = h == h0 ? h1 : h0;
        int heads = w.heads;
        VectorKernels.matmul(h, 0, gn, width, w.headW, 0, heads, logits, 0);
        float[] out = r.out;
        for (int g = 0; g < gn; g++) {
            for (int j = 0; j < heads; j++) {
                float z = logits[g * heads + j] + w.headB[j];
                out[(g0 + g) * heads + j] = (float) (1.0 / (1.0 + Math.exp(-z)));
            }
        }
    }
}
