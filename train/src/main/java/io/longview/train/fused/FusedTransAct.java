package io.longview.train.fused;

import io.longview.core.model.Actions;
import io.longview.kernels.VectorKernels;
import io.longview.train.Batch;
import io.longview.core.checkpoint.ModelConfig;
import io.longview.train.TransActModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Forward and backward of the whole TransAct V2 ranker ({@link TransActModel}'s math, its javadoc states it) and the
 * training loss of {@link io.longview.train.Losses} (per-head BCE from logits weighted by {@code w_h} and averaged
 * over the batch, plus {@code w_NAL} times the Next Action Loss) on plain {@code float[]} parameters named and shaped
 * as {@link TransActModel#parameterShapes}. The heavy work runs on the {@link VectorKernels} facade.
 *
 * <p><b>Only real work.</b> The real tokens of a thread's examples are packed into one {@code (N, d_model)} matrix,
 * so every projection (Q, K, V, the feed-forward layers, the NAL projection) is one GEMM over all real tokens of the
 * slice; padded rows are never computed. Causal attention runs per example in blocks of {@value #BLOCK} queries, each
 * block against its keys {@code 0 .. q1} only, so the masked half of the score matrix is skipped (up to the
 * triangle inside a diagonal block, whose masked entries are set to 0). Attention probabilities are kept for the
 * backward pass.
 *
 * <p><b>Deterministic kernels.</b> Bits must not depend on the JIT state: the Vector API's EXP and lane reductions
 * ({@code reduceLanes(ADD)}, a tree once compiled, sequential when interpreted) and {@link Math#exp} may give other
 * bits once compiled, which made two same-seed runs differ. So the products are all {@link VectorKernels#matmulFma}
 * (each output one FMA chain in index order, the same bits in both implementations) and
 * {@link VectorKernels#addMatmulTransposeA} (lane-parallel over outputs, each a sequential chain), input
 * gradients {@code dy · Wᵀ} are products with W's transpose (made once per step; once per example for K and V),
 * the softmax is {@link VectorKernels#softmaxRowExact}, the row reductions of the LayerNorm and softmax backward and
 * the NAL's dot products are sequential loops here, and the losses use {@link StrictMath}.
 *
 * <p><b>Data parallel, deterministic.</b> The batch is cut into {@code threads} contiguous slices of examples, balanced
 * by estimated cost (a function of the lengths only), each computed into its own gradient buffers; the buffers are
 * summed in thread order. The same weights, batch and thread count therefore give the same bits on every run.
 * The loss's normalizers (batch size, the number of NAL positions of the whole batch) are computed before the split.
 *
 * <p>Not thread-safe: one step at a time per instance. {@link #close()} stops the worker threads.
 */
public final class FusedTransAct implements AutoCloseable {
    /** Queries per attention block. */
    static final int BLOCK = 32;

    private final ModelConfig c;
    private final int threads;
    private final ExecutorService pool;
    private final Slice[] slices;
    private final Map<String, float[]> gradients = new LinkedHashMap<>();

    /**
     * The model's loss weights as the slices use them: w_h per head, w_NAL, and whether the Next Action Loss is on
     * ({@link ModelConfig#trainsNextAction}); all 0 for a forward pass without loss.
     */
    private record Loss(List<Double> headWeights, double nalWeight, boolean nal) {
        static Loss of(ModelConfig c) {
            return new Loss(c.headWeights(), c.nal().weight(), c.trainsNextAction());
        }

        static Loss none(int heads) {
            return new Loss(java.util.Collections.nCopies(heads, 0.0), 0, false);
        }
    }

    /** The loss of one step and its parts, and the floating-point operations of its GEMM-family kernel calls. */
    public record Step(float loss, float bce, float nal, long flops) {
    }

    /** An engine for {@code config} running on {@code threads} threads (the caller's thread is one of them). */
    public FusedTransAct(ModelConfig config, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be ≥ 1, got " + threads);
        }
        this.c = config;
        this.threads = threads;
        this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "fused-trainer");
            t.setDaemon(true);
            return t;
        });
        this.slices = new Slice[threads];
        TransActModel.parameterShapes(config).forEach((name, shape) -> gradients.put(name, new float[(int) shape.size()]));
        for (int i = 0; i < threads; i++) {
            slices[i] = new Slice(i == 0 && threads == 1 ? gradients : null);
        }
    }

    public int threads() {
        return threads;
    }

    /**
     * The gradients of the last {@link #forwardBackward} by parameter name ({@link TransActModel#parameterShapes}
     * order); the arrays are this engine's and are overwritten by the next step.
     */
    public Map<String, float[]> gradients() {
        return gradients;
    }

    /**
     * The loss of {@code batch} under {@code weights} and, into {@link #gradients()}, its gradient with respect to
     * every parameter. Negatives are read from the batch as they are (fill in-batch negatives first).
     */
    public Step forwardBackward(Map<String, float[]> weights, Batch batch) {
        batch.validate(c);
        Loss loss = Loss.of(c);
        Params w = new Params(c, weights).withTransposes(c);
        int bs = batch.size();
        boolean nal = loss.nal();
        int nalCount = nal ? nalPositions(batch) : 0;
        dispatch(w, batch, loss, nalCount, null);
        double[] headSums = new double[batch.heads()];
        double nalSum = 0;
        long flops = 0;
        for (Slice s : slices) {
            for (int h = 0; h < headSums.length; h++) {
                headSums[h] += s.headLoss[h];
            }
            nalSum += s.nalLoss;
            flops += s.flops;
        }
        if (threads > 1) {
            for (Map.Entry<String, float[]> e : gradients.entrySet()) {
                float[] out = e.getValue();
                System.arraycopy(slices[0].grads.get(e.getKey()), 0, out, 0, out.length);
                for (int i = 1; i < threads; i++) {
                    float[] g = slices[i].grads.get(e.getKey());
                    for (int j = 0; j < out.length; j++) {
                        out[j] += g[j];
                    }
                }
            }
        }
        float bce = 0;
        for (int h = 0; h < headSums.length; h++) {
            bce += (float) (headSums[h] / bs) * loss.headWeights().get(h).floatValue();
        }
        float nalLoss = nalCount == 0 ? 0f : (float) (nalSum / nalCount);
        float total = nal ? bce + nalLoss * (float) loss.nalWeight() : bce;
        return new Step(total, bce, nalLoss, flops);
    }

    /**
     * The heads' probabilities {@code (B, H)} of {@code batch} under {@code weights}: the forward pass only (no loss,
     * no gradients; {@link #gradients()} is left as it was), with the training step's math and threads. For scoring
     * an evaluation file with the Java engine.
     */
    public float[] probabilities(Map<String, float[]> weights, Batch batch) {
        batch.validate(c);
        float[] out = new float[batch.size() * batch.heads()];
        dispatch(new Params(c, weights), batch, Loss.none(batch.heads()), 0, out);
        return out;
    }

    /** Runs every slice (slice 0 on this thread), rethrowing a worker's exception. */
    private void dispatch(Params w, Batch batch, Loss loss, int nalCount, float[] probs) {
        int[] cut = cut(batch);
        List<Future<?>> pending = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Slice s = slices[i];
            s.set(w, batch, loss, cut[i], cut[i + 1], nalCount, probs);
            if (i > 0) {
                pending.add(pool.submit(s::run));
            }
        }
        slices[0].run();
        for (Future<?> f : pending) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while training", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException(e.getCause());
            }
        }
    }

    /** Number of (example, t) pairs of the batch with a real, engaged token at t + 1. */
    static int nalPositions(Batch batch) {
        int n = 0;
        int t = batch.seqLen();
        for (int b = 0; b < batch.size(); b++) {
            for (int i = 0; i + 1 < batch.lengths()[b]; i++) {
                if (Actions.isEngaged(batch.actions()[b * t + i + 1])) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Slice boundaries: contiguous ranges of examples with about equal estimated cost (lengths only: deterministic). */
    private int[] cut(Batch batch) {
        int bs = batch.size();
        int[] cut = new int[threads + 1];
        double[] cost = new double[bs + 1];
        int d = c.dModel();
        for (int b = 0; b < bs; b++) {
            long len = batch.lengths()[b];
            cost[b + 1] = cost[b] + len * len * d + len * 8.0 * d * d + 4.0 * c.rankerInputDim() * c.rankerInputDim();
        }
        int b = 0;
        for (int i = 1; i < threads; i++) {
            double target = cost[bs] * i / threads;
            while (b < bs && cost[b + 1] <= target) {
                b++;
            }
            cut[i] = b;
        }
        cut[threads] = bs;
        return cut;
    }

    /** Stops the worker threads. */
    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    /** Parameter arrays resolved by name. */
    private static final class Params {
        final float[] eAct;
        final float[] eSurf;
        final float[] ePos;
        final float[][] wq;
        final float[][] wk;
        final float[][] wv;
        final float[][] w1;
        final float[][] w2;
        final float[] wOut;
        final float[] bOut;
        final float[] p;
        final float[][] crossW;
        final float[][] crossB;
        final float[][] mlpW;
        final float[][] mlpB;
        final float[] wHead;
        final float[] bHead;
        // transposes (out, in) of the matrices, for the input gradients dx = dy · Wᵀ as plain products (weights only)
        float[][] wqT;
        float[][] wkT;
        float[][] wvT;
        float[][] w1T;
        float[][] w2T;
        float[] wOutT;
        float[] pT;
        float[][] crossWT;
        float[][] mlpWT;
        float[] wHeadT;

        /** The transposes of every matrix (for the weights; gradients do not need them). */
        Params withTransposes(ModelConfig c) {
            int d = c.dModel();
            int nl = wq.length;
            wqT = new float[nl][];
            wkT = new float[nl][];
            wvT = new float[nl][];
            w1T = new float[nl][];
            w2T = new float[nl][];
            for (int l = 0; l < nl; l++) {
                wqT[l] = transpose(wq[l], d, d);
                wkT[l] = transpose(wk[l], d, d);
                wvT[l] = transpose(wv[l], d, d);
                w1T[l] = transpose(w1[l], d, c.dFf());
                w2T[l] = transpose(w2[l], c.dFf(), d);
            }
            if (c.sequence()) {
                wOutT = transpose(wOut, d, d);
                pT = transpose(p, d, c.dEmb());
            }
            int in = c.rankerInputDim();
            crossWT = new float[crossW.length][];
            for (int i = 0; i < crossW.length; i++) {
                crossWT[i] = transpose(crossW[i], in, in);
            }
            mlpWT = new float[mlpW.length][];
            int prev = in;
            for (int i = 0; i < mlpW.length; i++) {
                mlpWT[i] = transpose(mlpW[i], prev, c.mlp().get(i));
                prev = c.mlp().get(i);
            }
            wHeadT = transpose(wHead, prev, c.heads().size());
            return this;
        }

        private static float[] transpose(float[] w, int rows, int cols) {
            float[] t = new float[w.length];
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < cols; j++) {
                    t[j * rows + r] = w[r * cols + j];
                }
            }
            return t;
        }

        Params(ModelConfig c, Map<String, float[]> m) {
            int nl = c.sequence() ? c.layers() : 0;
            eAct = c.sequence() ? get(m, "E_act") : null;
            eSurf = c.sequence() ? get(m, "E_surf") : null;
            ePos = c.sequence() ? get(m, "E_pos") : null;
            wOut = c.sequence() ? get(m, "W_out") : null;
            bOut = c.sequence() ? get(m, "b_out") : null;
            p = c.sequence() ? get(m, "P") : null;
            wq = new float[nl][];
            wk = new float[nl][];
            wv = new float[nl][];
            w1 = new float[nl][];
            w2 = new float[nl][];
            for (int l = 0; l < nl; l++) {
                String pre = "layers." + l + ".";
                wq[l] = get(m, pre + "Wq");
                wk[l] = get(m, pre + "Wk");
                wv[l] = get(m, pre + "Wv");
                w1[l] = get(m, pre + "W1");
                w2[l] = get(m, pre + "W2");
            }
            crossW = new float[c.crossLayers()][];
            crossB = new float[c.crossLayers()][];
            for (int i = 0; i < c.crossLayers(); i++) {
                crossW[i] = get(m, "cross." + i + ".W");
                crossB[i] = get(m, "cross." + i + ".b");
            }
            mlpW = new float[c.mlp().size()][];
            mlpB = new float[c.mlp().size()][];
            for (int i = 0; i < c.mlp().size(); i++) {
                mlpW[i] = get(m, "mlp." + i + ".W");
                mlpB[i] = get(m, "mlp." + i + ".b");
            }
            wHead = get(m, "W_head");
            bHead = get(m, "b_head");
        }

        private static float[] get(Map<String, float[]> m, String name) {
            float[] v = m.get(name);
            if (v == null) {
                throw new IllegalArgumentException("no parameter " + name + "; given " + m.keySet());
            }
            return v;
        }
    }

    private static float[] grow(float[] a, long n) {
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a work buffer of " + n + " floats does not fit an array");
        }
        return a != null && a.length >= n ? a : new float[(int) Math.max(n, 16)];
    }

    /** Floats of the packed attention probabilities of an example of {@code len} tokens (blocks of queries). */
    static int attentionFloats(int len) {
        int n = 0;
        for (int q0 = 0; q0 < len; q0 += BLOCK) {
            int q1 = Math.min(len, q0 + BLOCK);
            n += (q1 - q0) * q1;
        }
        return n;
    }

    /** One thread's share: its examples' forward, backward and gradient buffers, and its reusable work arrays. */
    private final class Slice implements Runnable {
        final Map<String, float[]> grads;
        final Params g;
        final double[] headLoss;
        double nalLoss;
        long flops;
        // inputs of the current step
        private Params w;
        private Batch batch;
        private Loss loss;
        private int b0;
        private int nb;
        private int nalCount;
        private float[] probs;                              // forward only: (B, H) probabilities out, else null
        // work arrays, grown as needed
        private int[] off = new int[0];
        private int[] pOff = new int[0];
        private float[][] xs;
        private float[][] qs;
        private float[][] ks;
        private float[][] vs;
        private float[][] ys;
        private float[][] hs;
        private float[][] ps;
        private float[][] rstd1;
        private float[][] rstd2;
        private float[] att;
        private float[] dz;
        private float[] dy;
        private float[] dq;
        private float[] dk;
        private float[] dv;
        private float[] dh;
        private float[] tmp;
        private float[] ds;
        private float[] kt;
        private float[] ktFull;
        private float[] pooled;
        private int[] argmax = new int[0];
        private float[] dpool;
        private float[] r0;
        private float[][] rs;
        private float[][] cs;
        private float[][] hm;
        private float[] logits;
        private float[] dr;
        private float[] dr0;
        private float[] dc;
        private float[] dmlp;
        private float[] dmlp2;
        private float[] zg;
        private float[] u;
        private float[] du;
        private float[] posN;
        private float[] negN;
        private int[] eligRow = new int[0];
        private int[] eligEx = new int[0];
        private float[] nalLogits;

        Slice(Map<String, float[]> into) {
            Map<String, float[]> m = into;
            if (m == null) {
                m = new LinkedHashMap<>();
                for (Map.Entry<String, float[]> e : gradients.entrySet()) {
                    m.put(e.getKey(), new float[e.getValue().length]);
                }
            }
            grads = m;
            g = new Params(c, grads);
            headLoss = new double[c.heads().size()];
            int nl = c.sequence() ? c.layers() : 0;
            xs = new float[nl + 1][];
            qs = new float[nl][];
            ks = new float[nl][];
            vs = new float[nl][];
            ys = new float[nl][];
            hs = new float[nl][];
            ps = new float[nl][];
            rstd1 = new float[nl][];
            rstd2 = new float[nl][];
            rs = new float[c.crossLayers() + 1][];
            cs = new float[c.crossLayers()][];
            hm = new float[c.mlp().size() + 1][];
        }

        void set(Params weights, Batch b, Loss l, int from, int to, int nalPositions, float[] probabilities) {
            this.probs = probabilities;
            this.w = weights;
            this.batch = b;
            this.loss = l;
            this.b0 = from;
            this.nb = to - from;
            this.nalCount = nalPositions;
        }

        @Override
        public void run() {
            if (probs == null) {
                for (float[] a : grads.values()) {
                    Arrays.fill(a, 0f);
                }
            }
            Arrays.fill(headLoss, 0);
            nalLoss = 0;
            flops = 0;
            if (nb == 0) {
                return;
            }
            int in = c.rankerInputDim();
            r0 = grow(r0, (long) nb * in);
            int col = 0;
            int d = c.dModel();
            int e = c.dEmb();
            if (c.sequence()) {
                encode();
                pool();
                // seq_feat = pooled W_out + b_out, into r0's first d columns
                tmp = grow(tmp, (long) nb * d);
                mm(pooled, 0, nb, d, w.wOut, 0, d, tmp, 0);
                for (int b = 0; b < nb; b++) {
                    for (int j = 0; j < d; j++) {
                        r0[b * in + j] = tmp[b * d + j] + w.bOut[j];
                    }
                }
                col = d;
            }
            for (int b = 0; b < nb; b++) {
                System.arraycopy(batch.candidates(), (b0 + b) * e, r0, b * in + col, e);
                System.arraycopy(batch.dense(), (b0 + b) * c.denseDim(), r0, b * in + col + e, c.denseDim());
            }
            rankerForwardBackward(in);
            if (c.sequence() && probs == null) {
                encoderBackward();
            }
        }

        // ------------------------------------------------------------------------------------- kernel wrappers

        private void mm(float[] x, int xOff, int rows, int inDim, float[] wt, int wOff, int outDim, float[] y, int yOff) {
            VectorKernels.matmulFma(x, xOff, rows, inDim, wt, wOff, outDim, y, yOff);
            flops += 2L * rows * inDim * outDim;
        }

        /** {@code dx = dy · Wᵀ} as the plain product with {@code wT}, W's transpose (see the class comment). */
        private void mmT(float[] dyA, int dyOff, int rows, int outDim, float[] wT, int inDim, float[] dx, int dxOff) {
            mm(dyA, dyOff, rows, outDim, wT, 0, inDim, dx, dxOff);
        }

        /**
         * {@code kt} ← (d, q1) = the first q1 columns of {@code full} (d, len), the transpose of an example's keys or
         * values: contiguous copies (or {@code full} itself when q1 = len).
         */
        private float[] prefix(float[] full, int len, int q1, int d) {
            if (q1 == len) {
                return full;
            }
            kt = grow(kt, (long) d * q1);
            for (int x = 0; x < d; x++) {
                System.arraycopy(full, x * len, kt, x * q1, q1);
            }
            return kt;
        }

        /** Rows {@code o .. o+n} of {@code a} (width d) transposed into {@code kt} as (d, n). */
        private void transposeRows(float[] a, int o, int n, int d, float[] kt) {
            for (int j = 0; j < n; j++) {
                int src = (o + j) * d;
                for (int x = 0; x < d; x++) {
                    kt[x * n + j] = a[src + x];
                }
            }
        }

        private void mmTA(float[] x, int xOff, int rows, int inDim, float[] dyA, int dyOff, int outDim, float[] dw, int dwOff) {
            VectorKernels.addMatmulTransposeA(x, xOff, rows, inDim, dyA, dyOff, outDim, dw, dwOff);
            flops += 2L * rows * inDim * outDim;
        }

        // ------------------------------------------------------------------------------------------- encoder

        private void encode() {
            int t = batch.seqLen();
            int d = c.dModel();
            int e = c.dEmb();
            int dff = c.dFf();
            off = off.length >= nb + 1 ? off : new int[nb + 1];
            pOff = pOff.length >= nb + 1 ? pOff : new int[nb + 1];
            for (int b = 0; b < nb; b++) {
                int len = batch.lengths()[b0 + b];
                off[b + 1] = off[b] + len;
                pOff[b + 1] = pOff[b] + attentionFloats(len);
            }
            int n = off[nb];
            xs[0] = grow(xs[0], (long) n * d);
            float[] x = xs[0];
            int nAct = c.actionBits();
            for (int b = 0; b < nb; b++) {
                int ex = b0 + b;
                for (int i = 0; i < off[b + 1] - off[b]; i++) {
                    int row = (off[b] + i) * d;
                    int tok = ex * t + i;
                    System.arraycopy(batch.tokens(), tok * e, x, row, e);
                    System.arraycopy(batch.candidates(), ex * e, x, row + e, e);
                    int bits = batch.actions()[tok];
                    for (int k = 0; k < nAct; k++) {
                        if ((bits >> k & 1) != 0) {
                            for (int j = 0; j < d; j++) {
                                x[row + j] += w.eAct[k * d + j];
                            }
                        }
                    }
                    int s = batch.surfaces()[tok] * d;
                    int p = i * d;
                    for (int j = 0; j < d; j++) {
                        x[row + j] = (x[row + j] + w.eSurf[s + j]) + w.ePos[p + j];
                    }
                }
            }
            float scale = (float) (1.0 / Math.sqrt(d));
            float eps = (float) c.layerNormEps();
            for (int l = 0; l < c.layers(); l++) {
                float[] xl = xs[l];
                float[] q = qs[l] = grow(qs[l], (long) n * d);
                float[] k = ks[l] = grow(ks[l], (long) n * d);
                float[] v = vs[l] = grow(vs[l], (long) n * d);
                mm(xl, 0, n, d, w.wq[l], 0, d, q, 0);
                mm(xl, 0, n, d, w.wk[l], 0, d, k, 0);
                mm(xl, 0, n, d, w.wv[l], 0, d, v, 0);
                float[] p = ps[l] = grow(ps[l], pOff[nb]);
                att = grow(att, (long) n * d);
                for (int b = 0; b < nb; b++) {
                    attention(q, k, v, off[b], off[b + 1] - off[b], p, pOff[b], scale, att);
                }
                // Y = LN(X + A)
                float[] y = ys[l] = grow(ys[l], (long) n * d);
                float[] rs1 = rstd1[l] = grow(rstd1[l], n);
                for (int i = 0; i < n * d; i++) {
                    y[i] = xl[i] + att[i];
                }
                for (int r = 0; r < n; r++) {
                    rs1[r] = layerNorm(y, r * d, d, eps);
                }
                // Z = LN(Y + ReLU(Y W1) W2)
                float[] h = hs[l] = grow(hs[l], (long) n * dff);
                mm(y, 0, n, d, w.w1[l], 0, dff, h, 0);
                VectorKernels.relu(h, 0, n * dff);
                float[] z = xs[l + 1] = grow(xs[l + 1], (long) n * d);
                mm(h, 0, n, dff, w.w2[l], 0, d, z, 0);
                float[] rs2 = rstd2[l] = grow(rstd2[l], n);
                for (int i = 0; i < n * d; i++) {
                    z[i] += y[i];
                }
                for (int r = 0; r < n; r++) {
                    rs2[r] = layerNorm(z, r * d, d, eps);
                }
            }
        }

        /** Causal attention of one example (rows {@code o .. o+len} of q, k, v), probabilities kept from {@code pBase}. */
        private void attention(float[] q, float[] k, float[] v, int o, int len, float[] p, int pBase, float scale, float[] out) {
            int d = c.dModel();
            int base = pBase;
            ktFull = grow(ktFull, (long) d * Math.max(len, 1));
            transposeRows(k, o, len, d, ktFull);                                    // Kᵀ (d, len), once per example
            for (int q0 = 0; q0 < len; q0 += BLOCK) {
                int q1 = Math.min(len, q0 + BLOCK);
                int rb = q1 - q0;
                float[] kp = prefix(ktFull, len, q1, d);
                mm(q, (o + q0) * d, rb, d, kp, 0, q1, p, base);                   // scores (rb, q1)
                for (int r = 0; r < rb; r++) {
                    int row = base + r * q1;
                    int cnt = q0 + r + 1;
                    for (int j = 0; j < cnt; j++) {
                        p[row + j] *= scale;
                    }
                    VectorKernels.softmaxRowExact(p, row, cnt);
                    Arrays.fill(p, row + cnt, row + q1, 0f);
                }
                mm(p, base, rb, q1, v, o * d, d, out, (o + q0) * d);
                base += rb * q1;
            }
        }

        /** Max over the real rows of the encoder output, with the row of each maximum; zero for an empty sequence. */
        private void pool() {
            int d = c.dModel();
            float[] z = xs[c.layers()];
            pooled = grow(pooled, (long) nb * d);
            if (argmax.length < nb * d) {
                argmax = new int[nb * d];
            }
            for (int b = 0; b < nb; b++) {
                for (int j = 0; j < d; j++) {
                    float best = 0f;
                    int at = -1;
                    for (int r = off[b]; r < off[b + 1]; r++) {
                        float val = z[r * d + j];
                        if (at < 0 || val > best) {
                            best = val;
                            at = r;
                        }
                    }
                    pooled[b * d + j] = best;
                    argmax[b * d + j] = at;
                }
            }
        }

        // ---------------------------------------------------------------------------- ranker, heads and losses

        private void rankerForwardBackward(int in) {
            int h = c.heads().size();
            rs[0] = r0;
            for (int i = 0; i < c.crossLayers(); i++) {
                float[] ci = cs[i] = grow(cs[i], (long) nb * in);
                mm(rs[i], 0, nb, in, w.crossW[i], 0, in, ci, 0);
                float[] next = rs[i + 1] = grow(rs[i + 1], (long) nb * in);
                for (int b = 0; b < nb; b++) {
                    for (int j = 0; j < in; j++) {
                        int at = b * in + j;
                        ci[at] += w.crossB[i][j];
                        next[at] = r0[at] * ci[at] + rs[i][at];
                    }
                }
            }
            hm[0] = rs[c.crossLayers()];
            int prev = in;
            for (int i = 0; i < c.mlp().size(); i++) {
                int o = c.mlp().get(i);
                float[] hi = hm[i + 1] = grow(hm[i + 1], (long) nb * o);
                mm(hm[i], 0, nb, prev, w.mlpW[i], 0, o, hi, 0);
                addBias(hi, nb, o, w.mlpB[i]);
                VectorKernels.relu(hi, 0, nb * o);
                prev = o;
            }
            logits = grow(logits, (long) nb * h);
            mm(hm[c.mlp().size()], 0, nb, prev, w.wHead, 0, h, logits, 0);
            addBias(logits, nb, h, w.bHead);

            if (probs != null) {                                                // forward only
                for (int j = 0; j < nb * h; j++) {
                    probs[b0 * h + j] = (float) (1.0 / (1.0 + StrictMath.exp(-logits[j])));
                }
                return;
            }
            // BCE per head from logits; dlogits = w_h / B · (σ(x) − y), in place
            int bs = batch.size();
            for (int b = 0; b < nb; b++) {
                for (int k = 0; k < h; k++) {
                    int at = b * h + k;
                    float x = logits[at];
                    float y = batch.labels()[(b0 + b) * h + k];
                    float l = Math.max(x, 0f) - x * y + (float) StrictMath.log1p(StrictMath.exp(-Math.abs(x)));
                    headLoss[k] += l;
                    double sig = 1.0 / (1.0 + StrictMath.exp(-x));
                    logits[at] = (float) ((sig - y) * loss.headWeights().get(k) / bs);
                }
            }
            // head and MLP backward
            dmlp = grow(dmlp, (long) nb * Math.max(prev, in));
            float[] dhh = dmlp;
            mmTA(hm[c.mlp().size()], 0, nb, prev, logits, 0, h, g.wHead, 0);
            VectorKernels.addColumnSums(logits, 0, nb, h, g.bHead, 0);
            mmT(logits, 0, nb, h, w.wHeadT, prev, dhh, 0);
            for (int i = c.mlp().size() - 1; i >= 0; i--) {
                int o = c.mlp().get(i);
                int inI = i == 0 ? in : c.mlp().get(i - 1);
                VectorKernels.reluBackward(hm[i + 1], 0, dhh, 0, nb * o);
                mmTA(hm[i], 0, nb, inI, dhh, 0, o, g.mlpW[i], 0);
                VectorKernels.addColumnSums(dhh, 0, nb, o, g.mlpB[i], 0);
                dmlp2 = grow(dmlp2, (long) nb * Math.max(inI, in));
                mmT(dhh, 0, nb, o, w.mlpWT[i], inI, dmlp2, 0);
                float[] t = dmlp;
                dmlp = dmlp2;
                dmlp2 = t;
                dhh = dmlp;
            }
            // cross layers backward: r_{i+1} = r0 ⊙ c_i + r_i, c_i = r_i W_i + b_i
            dr = grow(dr, (long) nb * in);
            System.arraycopy(dhh, 0, dr, 0, nb * in);
            dr0 = grow(dr0, (long) nb * in);
            Arrays.fill(dr0, 0, nb * in, 0f);
            dc = grow(dc, (long) nb * in);
            tmp = grow(tmp, (long) nb * in);
            for (int i = c.crossLayers() - 1; i >= 0; i--) {
                float[] ci = cs[i];
                for (int j = 0; j < nb * in; j++) {
                    dc[j] = dr[j] * r0[j];
                    dr0[j] += dr[j] * ci[j];
                }
                mmTA(rs[i], 0, nb, in, dc, 0, in, g.crossW[i], 0);
                VectorKernels.addColumnSums(dc, 0, nb, in, g.crossB[i], 0);
                mmT(dc, 0, nb, in, w.crossWT[i], in, tmp, 0);
                for (int j = 0; j < nb * in; j++) {
                    dr[j] += tmp[j];
                }
            }
            for (int j = 0; j < nb * in; j++) {
                dr0[j] += dr[j];
            }
            if (!c.sequence()) {
                return;
            }
            // seq_feat = pooled W_out + b_out: its gradient is dr0's first d columns
            int d = c.dModel();
            float[] dseq = dc;                                                      // (nb, d), reusing dc
            for (int b = 0; b < nb; b++) {
                System.arraycopy(dr0, b * in, dseq, b * d, d);
            }
            mmTA(pooled, 0, nb, d, dseq, 0, d, g.wOut, 0);
            VectorKernels.addColumnSums(dseq, 0, nb, d, g.bOut, 0);
            dpool = grow(dpool, (long) nb * d);
            mmT(dseq, 0, nb, d, w.wOutT, d, dpool, 0);
        }

        private static void addBias(float[] y, int rows, int n, float[] bias) {
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < n; j++) {
                    y[r * n + j] += bias[j];
                }
            }
        }

        /** The Next Action Loss of this slice's positions: adds its share to {@code nalLoss}, its gradient to dz and P. */
        private void nextAction(float[] z) {
            int t = batch.seqLen();
            int d = c.dModel();
            int e = c.dEmb();
            int nNeg = batch.maxNegatives();
            int m = 0;
            int n = off[nb];
            if (eligRow.length < n) {
                eligRow = new int[n];
                eligEx = new int[n];
            }
            for (int b = 0; b < nb; b++) {
                int ex = b0 + b;
                for (int i = 0; i + 1 < batch.lengths()[ex]; i++) {
                    if (Actions.isEngaged(batch.actions()[ex * t + i + 1])) {
                        eligRow[m] = off[b] + i;
                        eligEx[m] = b;
                        m++;
                    }
                }
            }
            if (m == 0) {
                return;
            }
            zg = grow(zg, (long) m * d);
            posN = grow(posN, (long) m * e);
            for (int j = 0; j < m; j++) {
                System.arraycopy(z, eligRow[j] * d, zg, j * d, d);
                int b = eligEx[j];
                int tok = (b0 + b) * t + (eligRow[j] - off[b]) + 1;
                normalize(batch.tokens(), tok * e, posN, j * e, e);
            }
            negN = grow(negN, (long) nb * Math.max(nNeg, 1) * e);
            for (int b = 0; b < nb; b++) {
                int ex = b0 + b;
                for (int k = 0; k < batch.negativeCounts()[ex]; k++) {
                    normalize(batch.negatives(), (ex * nNeg + k) * e, negN, (b * nNeg + k) * e, e);
                }
            }
            u = grow(u, (long) m * e);
            mm(zg, 0, m, d, w.p, 0, e, u, 0);
            du = grow(du, (long) m * e);
            nalLogits = grow(nalLogits, nNeg + 1);
            float scale = (float) (loss.nalWeight() / nalCount);
            for (int j = 0; j < m; j++) {
                int b = eligEx[j];
                int cnt = batch.negativeCounts()[b0 + b];
                nalLogits[0] = dot(u, j * e, posN, j * e, e);
                float mx = nalLogits[0];
                for (int k = 0; k < cnt; k++) {
                    nalLogits[k + 1] = dot(u, j * e, negN, (b * nNeg + k) * e, e);
                    mx = Math.max(mx, nalLogits[k + 1]);
                }
                // softmax of the logits with the deterministic exponential, the sum in index order
                float d0 = nalLogits[0] - mx;
                float sum = 0f;
                for (int k = 0; k <= cnt; k++) {
                    nalLogits[k] = VectorKernels.expExact(nalLogits[k] - mx);
                    sum += nalLogits[k];
                }
                nalLoss += StrictMath.log(sum) - d0;                              // −log softmax[0]
                float inv = 1f / sum;
                int uo = j * e;
                float g0 = (nalLogits[0] * inv - 1f) * scale;
                for (int x = 0; x < e; x++) {
                    du[uo + x] = g0 * posN[uo + x];
                }
                for (int k = 0; k < cnt; k++) {
                    float gk = nalLogits[k + 1] * inv * scale;
                    int no = (b * nNeg + k) * e;
                    for (int x = 0; x < e; x++) {
                        du[uo + x] += gk * negN[no + x];
                    }
                }
            }
            mmTA(zg, 0, m, d, du, 0, e, g.p, 0);
            mmT(du, 0, m, e, w.pT, d, zg, 0);                                 // dZ rows, reusing zg
            for (int j = 0; j < m; j++) {
                int ro = eligRow[j] * d;
                for (int x = 0; x < d; x++) {
                    dz[ro + x] += zg[j * d + x];
                }
            }
        }

        private void encoderBackward() {
            int t = batch.seqLen();
            int d = c.dModel();
            int dff = c.dFf();
            int n = off[nb];
            dz = grow(dz, (long) n * d);
            Arrays.fill(dz, 0, n * d, 0f);
            for (int b = 0; b < nb; b++) {
                if (off[b + 1] == off[b]) {
                    continue;                                                       // pooled to 0: no gradient
                }
                for (int j = 0; j < d; j++) {
                    dz[argmax[b * d + j] * d + j] += dpool[b * d + j];
                }
            }
            if (loss.nal() && nalCount > 0) {
                nextAction(xs[c.layers()]);
            }
            dy = grow(dy, (long) n * d);
            dq = grow(dq, (long) n * d);
            dk = grow(dk, (long) n * d);
            dv = grow(dv, (long) n * d);
            dh = grow(dh, (long) n * dff);
            tmp = grow(tmp, (long) n * d);
            float scale = (float) (1.0 / Math.sqrt(d));
            for (int l = c.layers() - 1; l >= 0; l--) {
                float[] z = xs[l + 1];
                float[] y = ys[l];
                float[] h = hs[l];
                float[] x = xs[l];
                for (int r = 0; r < n; r++) {
                    layerNormBackward(z, r * d, d, rstd2[l][r], dz, r * d);
                }
                // dz is now d(Y + F); F = H W2, H = ReLU(Y W1)
                mmTA(h, 0, n, dff, dz, 0, d, g.w2[l], 0);
                mmT(dz, 0, n, d, w.w2T[l], dff, dh, 0);
                VectorKernels.reluBackward(h, 0, dh, 0, n * dff);
                mmTA(y, 0, n, d, dh, 0, dff, g.w1[l], 0);
                mmT(dh, 0, n, dff, w.w1T[l], d, dy, 0);
                for (int i = 0; i < n * d; i++) {
                    dy[i] += dz[i];
                }
                for (int r = 0; r < n; r++) {
                    layerNormBackward(y, r * d, d, rstd1[l][r], dy, r * d);
                }
                // dy is now d(X + A): dX gets it directly, A = softmax(Q Kᵀ · scale) V gets it too
                Arrays.fill(dk, 0, n * d, 0f);
                Arrays.fill(dv, 0, n * d, 0f);
                for (int b = 0; b < nb; b++) {
                    attentionBackward(qs[l], ks[l], vs[l], off[b], off[b + 1] - off[b], ps[l], pOff[b], scale, dy);
                }
                mmTA(x, 0, n, d, dq, 0, d, g.wq[l], 0);
                mmTA(x, 0, n, d, dk, 0, d, g.wk[l], 0);
                mmTA(x, 0, n, d, dv, 0, d, g.wv[l], 0);
                // dX = dy + dQ Wqᵀ + dK Wkᵀ + dV Wvᵀ, into dz for the layer below
                System.arraycopy(dy, 0, dz, 0, n * d);
                mmT(dq, 0, n, d, w.wqT[l], d, tmp, 0);
                addInto(dz, tmp, n * d);
                mmT(dk, 0, n, d, w.wkT[l], d, tmp, 0);
                addInto(dz, tmp, n * d);
                mmT(dv, 0, n, d, w.wvT[l], d, tmp, 0);
                addInto(dz, tmp, n * d);
            }
            // token embeddings: x = [token | candidate] + Σ_bits E_act + E_surf[s] + E_pos[t]
            int nAct = c.actionBits();
            for (int b = 0; b < nb; b++) {
                int ex = b0 + b;
                for (int i = 0; i < off[b + 1] - off[b]; i++) {
                    int row = (off[b] + i) * d;
                    int tok = ex * t + i;
                    int bits = batch.actions()[tok];
                    for (int k = 0; k < nAct; k++) {
                        if ((bits >> k & 1) != 0) {
                            addInto(g.eAct, k * d, dz, row, d);
                        }
                    }
                    addInto(g.eSurf, batch.surfaces()[tok] * d, dz, row, d);
                    addInto(g.ePos, i * d, dz, row, d);
                }
            }
        }

        /** Backward of {@link #attention} for one example; {@code da} is the output's gradient; writes dq, adds dk, dv. */
        private void attentionBackward(float[] q, float[] k, float[] v, int o, int len, float[] p, int pBase, float scale,
                                       float[] da) {
            int d = c.dModel();
            int base = pBase;
            ds = grow(ds, (long) BLOCK * Math.max(len, 1));
            ktFull = grow(ktFull, (long) d * Math.max(len, 1));
            transposeRows(v, o, len, d, ktFull);                                    // Vᵀ (d, len), once per example
            for (int q0 = 0; q0 < len; q0 += BLOCK) {
                int q1 = Math.min(len, q0 + BLOCK);
                int rb = q1 - q0;
                float[] vp = prefix(ktFull, len, q1, d);
                mm(da, (o + q0) * d, rb, d, vp, 0, q1, ds, 0);                    // dP (rb, q1)
                for (int r = 0; r < rb; r++) {
                    int cnt = q0 + r + 1;
                    softmaxBackward(p, base + r * q1, ds, r * q1, cnt);
                    for (int j = 0; j < cnt; j++) {
                        ds[r * q1 + j] *= scale;
                    }
                    Arrays.fill(ds, r * q1 + cnt, (r + 1) * q1, 0f);
                }
                mm(ds, 0, rb, q1, k, o * d, d, dq, (o + q0) * d);
                mmTA(ds, 0, rb, q1, q, (o + q0) * d, d, dk, o * d);
                mmTA(p, base, rb, q1, da, (o + q0) * d, d, dv, o * d);
                base += rb * q1;
            }
        }
    }

    private static void addInto(float[] dst, float[] src, int n) {
        for (int i = 0; i < n; i++) {
            dst[i] += src[i];
        }
    }

    private static void addInto(float[] dst, int dOff, float[] src, int sOff, int n) {
        for (int i = 0; i < n; i++) {
            dst[dOff + i] += src[sOff + i];
        }
    }

    /** Sequential dot product (the same bits in every JIT state, unlike a lane reduction). */
    static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) {
            s += a[aOff + i] * b[bOff + i];
        }
        return s;
    }

    /** {@code dp[i] = p[i] · (dp[i] − Σ_j p[j] dp[j])}, sequential (the scalar twin's arithmetic of the kernel). */
    static void softmaxBackward(float[] p, int pOff, float[] dp, int dpOff, int n) {
        float s = dot(p, pOff, dp, dpOff, n);
        for (int i = 0; i < n; i++) {
            dp[dpOff + i] = p[pOff + i] * (dp[dpOff + i] - s);
        }
    }

    /** {@code dy[i] = rstd · (dy[i] − mean(dy) − xhat[i] · mean(dy ⊙ xhat))}, sequential sums. */
    static void layerNormBackward(float[] xhat, int xOff, int n, float rstd, float[] dy, int dyOff) {
        float sumDy = 0f;
        float sumDyX = 0f;
        for (int i = 0; i < n; i++) {
            float g = dy[dyOff + i];
            sumDy += g;
            sumDyX += g * xhat[xOff + i];
        }
        float meanDy = sumDy / n;
        float meanDyX = sumDyX / n;
        for (int i = 0; i < n; i++) {
            dy[dyOff + i] = rstd * (dy[dyOff + i] - meanDy - xhat[xOff + i] * meanDyX);
        }
    }

    /** In place: {@code (x − mean) / √(var + eps)} over one row; returns {@code 1 / √(var + eps)}. */
    static float layerNorm(float[] x, int off, int n, float eps) {
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            sum += x[off + i];
        }
        float mean = sum / n;
        float var = 0f;
        for (int i = 0; i < n; i++) {
            float dlt = x[off + i] - mean;
            var += dlt * dlt;
        }
        var /= n;
        float rstd = (float) (1.0 / Math.sqrt(var + eps));
        for (int i = 0; i < n; i++) {
            x[off + i] = (x[off + i] - mean) * rstd;
        }
        return rstd;
    }

    /** {@code dst = src / |src|} (a zero vector stays zero), as {@link io.longview.train.Losses} normalizes. */
    private static void normalize(float[] src, int from, float[] dst, int to, int len) {
        double s = 0;
        for (int i = 0; i < len; i++) {
            s += (double) src[from + i] * src[from + i];
        }
        if (s == 0) {
            Arrays.fill(dst, to, to + len, 0f);
            return;
        }
        double inv = 1.0 / Math.sqrt(s);
        for (int i = 0; i < len; i++) {
            dst[to + i] = (float) (src[from + i] * inv);
        }
    }
}
