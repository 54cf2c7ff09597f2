package io.longview.kernels;

import io.longview.core.checkpoint.Checkpoint;
import io.longview.core.checkpoint.ModelConfig;
import io.longview.core.checkpoint.Tensor;
import io.longview.core.checkpoint.TensorNames;
import io.longview.core.model.Token;

import java.util.List;

/**
 * The plain scalar float32 forward pass of DESIGN §3 for one candidate, exactly as {@code golden/reference.py}
 * {@code forward} states it: the reference that fast kernels are tested against, not a fast path itself (it allocates
 * per call and looks weights up by name).
 *
 * <pre>
 * x_t = [dequant(e_t) | e_c] + Σ_{bits of t} E_act[bit] + E_surf[surface_t] + E_pos[t]        t ∈ [0, n)
 * per layer:  A = softmax(Q Kᵀ / √d_model + causal mask) V,  Q, K, V = X Wq, X Wk, X Wv
 *             Y = LayerNorm(X + A);  Z = LayerNorm(Y + ReLU(Y W1) W2)       (no affine, no biases)
 * pooled = max over the n positions (zero vector when n = 0);  seq = pooled W_out + b_out
 * r0 = [seq | e_c | dense]  (the no-sequence ranker, {@code sequence = false}: r0 = [e_c | dense], sAll ignored);  r ← r0 ⊙ (r W_i + b_i) + r  (cross layers);  h ← ReLU(h W + b)  (MLP)
 * probabilities = σ(h W_head + b_head)
 * </pre>
 *
 * Padding never enters: the caller passes only the n real tokens of S_all, in S_all order (oldest first). Dot
 * products accumulate in float, in index order.
 */
public final class ScalarForward {
    private ScalarForward() {
    }

    /**
     * The head probabilities for one candidate.
     *
     * @param checkpoint the model
     * @param sAll       the selected tokens in S_all order, padding excluded; at most {@code seqLength}
     * @param candidate  the candidate's embedding, {@code dEmb} values
     * @param dense      the dense features, {@code denseDim} values in the configuration's order
     * @return one probability per head, in the configuration's head order
     * @throws IllegalArgumentException for inputs that do not fit the configuration, naming both values
     */
    public static float[] score(Checkpoint checkpoint, List<Token> sAll, float[] candidate, float[] dense) {
        ModelConfig c = checkpoint.config();
        if (dense.length != c.denseDim()) {
            throw new IllegalArgumentException("dense has " + dense.length + " values, the model expects " + c.denseDim() + " "
                    + c.denseFeatures());
        }
        if (candidate.length != c.dEmb()) {
            throw new IllegalArgumentException("candidate has " + candidate.length + " values, the model expects " + c.dEmb());
        }
        float[] r0 = new float[c.rankerInputDim()]; // ([dModel +] dEmb + denseDim)
        int at = 0;
        if (c.sequence()) {
            float[] z = encode(checkpoint, sAll, candidate); // (n, dModel)
            int n = sAll.size();
            int d = c.dModel();
            float[] pooled = new float[d]; // (dModel): max over real positions, 0 for none
            if (n > 0) {
                System.arraycopy(z, 0, pooled, 0, d);
                for (int t = 1; t < n; t++) {
                    for (int j = 0; j < d; j++) {
                        pooled[j] = Math.max(pooled[j], z[t * d + j]);
                    }
                }
            }
            float[] seq = linear(pooled, checkpoint.tensor(TensorNames.OUTPUT_WEIGHT), checkpoint.tensor(TensorNames.OUTPUT_BIAS));
            System.arraycopy(seq, 0, r0, 0, d);
            at = d;
        }
        System.arraycopy(candidate, 0, r0, at, c.dEmb());
        System.arraycopy(dense, 0, r0, at + c.dEmb(), dense.length);
        float[] r = r0.clone();
        for (int i = 0; i < c.crossLayers(); i++) {
            float[] rw = linear(r, checkpoint.tensor(TensorNames.crossWeight(i)), checkpoint.tensor(TensorNames.crossBias(i)));
            for (int j = 0; j < r.length; j++) {
                r[j] = r0[j] * rw[j] + r[j];
            }
        }
        float[] h = r;
        for (int i = 0; i < c.mlp().size(); i++) {
            h = linear(h, checkpoint.tensor(TensorNames.mlpWeight(i)), checkpoint.tensor(TensorNames.mlpBias(i)));
            for (int j = 0; j < h.length; j++) {
                h[j] = Math.max(h[j], 0f);
            }
        }
        float[] logits = linear(h, checkpoint.tensor(TensorNames.HEAD_WEIGHT), checkpoint.tensor(TensorNames.HEAD_BIAS));
        for (int j = 0; j < logits.length; j++) {
            logits[j] = (float) (1.0 / (1.0 + Math.exp(-logits[j])));
        }
        return logits;
    }

    /**
     * The encoder output Z for the n real tokens: {@code (n, dModel)}, row-major; empty for n = 0.
     *
     * @throws IllegalArgumentException for inputs that do not fit the configuration
     */
    public static float[] encode(Checkpoint checkpoint, List<Token> sAll, float[] candidate) {
        ModelConfig c = checkpoint.config();
        int n = sAll.size();
        int d = c.dModel();
        int dEmb = c.dEmb();
        if (candidate.length != dEmb) {
            throw new IllegalArgumentException("candidate has " + candidate.length + " values, the model expects " + dEmb);
        }
        if (n > c.seqLength()) {
            throw new IllegalArgumentException("S_all has " + n + " tokens, the model takes at most " + c.seqLength());
        }
        if (dEmb != Token.EMBEDDING_DIM) {
            throw new IllegalArgumentException("the model's dEmb is " + dEmb + ", tokens carry " + Token.EMBEDDING_DIM + " values");
        }
        float step = c.quantizer().step();
        float[] eAct = checkpoint.values(TensorNames.ACTION_EMBEDDING);   // (actionBits, dModel)
        float[] eSurf = checkpoint.values(TensorNames.SURFACE_EMBEDDING); // (surfaces, dModel)
        float[] ePos = checkpoint.values(TensorNames.POSITION_EMBEDDING); // (seqLength, dModel)
        float[] x = new float[n * d]; // (n, dModel)
        for (int t = 0; t < n; t++) {
            Token tok = sAll.get(t);
            int surface = tok.surface();
            if (surface >= c.surfaces()) {
                throw new IllegalArgumentException("token " + t + " has surface " + surface + ", the model knows " + c.surfaces());
            }
            int bits = tok.actions() & 0xff;
            if (bits >>> c.actionBits() != 0) {
                throw new IllegalArgumentException("token " + t + " has action bits " + bits + ", the model knows " + c.actionBits());
            }
            byte[] q = tok.embedding();
            int row = t * d;
            for (int j = 0; j < dEmb; j++) {
                x[row + j] = q[j] * step;
                x[row + dEmb + j] = candidate[j];
            }
            for (int bit = 0; bit < c.actionBits(); bit++) {
                if ((bits >> bit & 1) != 0) {
                    addRow(x, row, eAct, bit * d, d);
                }
            }
            addRow(x, row, eSurf, surface * d, d);
            addRow(x, row, ePos, t * d, d);
        }
        for (int layer = 0; layer < c.layers(); layer++) {
            x = layer(checkpoint, layer, x, n);
        }
        return x;
    }

    /** One post-LN encoder block over the n real positions, causal. */
    private static float[] layer(Checkpoint ck, int layer, float[] x, int n) {
        ModelConfig c = ck.config();
        int d = c.dModel();
        float eps = (float) c.layerNormEps();
        float[] q = matmul(x, n, ck.tensor(TensorNames.query(layer)));  // (n, dModel)
        float[] k = matmul(x, n, ck.tensor(TensorNames.key(layer)));    // (n, dModel)
        float[] v = matmul(x, n, ck.tensor(TensorNames.value(layer)));  // (n, dModel)
        float scale = (float) (1.0 / Math.sqrt(d));
        float[] y = new float[n * d]; // (n, dModel): X + A, then LayerNorm
        float[] p = new float[n];     // (n): one query's attention weights
        for (int i = 0; i < n; i++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j <= i; j++) { // causal: keys 0..i
                float s = 0f;
                for (int m = 0; m < d; m++) {
                    s += q[i * d + m] * k[j * d + m];
                }
                p[j] = s * scale;
                max = Math.max(max, p[j]);
            }
            float sum = 0f;
            for (int j = 0; j <= i; j++) {
                p[j] = (float) Math.exp(p[j] - max);
                sum += p[j];
            }
            for (int m = 0; m < d; m++) {
                float a = 0f;
                for (int j = 0; j <= i; j++) {
                    a += p[j] * v[j * d + m];
                }
                y[i * d + m] = x[i * d + m] + a / sum;
            }
            layerNorm(y, i * d, d, eps);
        }
        float[] hidden = matmul(y, n, ck.tensor(TensorNames.feedForwardIn(layer))); // (n, dFf)
        for (int i = 0; i < hidden.length; i++) {
            hidden[i] = Math.max(hidden[i], 0f);
        }
        float[] ff = matmul(hidden, n, ck.tensor(TensorNames.feedForwardOut(layer))); // (n, dModel)
        for (int i = 0; i < n; i++) {
            for (int m = 0; m < d; m++) {
                ff[i * d + m] += y[i * d + m];
            }
            layerNorm(ff, i * d, d, eps);
        }
        return ff;
    }

    /** In place over {@code a[off .. off+d)}: (a − mean) / √(var + eps), population variance, no affine. */
    static void layerNorm(float[] a, int off, int d, float eps) {
        float mean = 0f;
        for (int m = 0; m < d; m++) {
            mean += a[off + m];
        }
        mean /= d;
        float var = 0f;
        for (int m = 0; m < d; m++) {
            float c = a[off + m] - mean;
            var += c * c;
        }
        var /= d;
        float inv = (float) (1.0 / Math.sqrt(var + eps));
        for (int m = 0; m < d; m++) {
            a[off + m] = (a[off + m] - mean) * inv;
        }
    }

    /** {@code x (rows, in) @ w (in, out)} → {@code (rows, out)}. */
    static float[] matmul(float[] x, int rows, Tensor w) {
        int in = w.dim(0);
        int out = w.dim(1);
        assert x.length == rows * in : x.length + " != " + rows + "·" + in;
        float[] wv = w.values();
        float[] y = new float[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                float s = 0f;
                for (int i = 0; i < in; i++) {
                    s += x[r * in + i] * wv[i * out + o];
                }
                y[r * out + o] = s;
            }
        }
        return y;
    }

    /** {@code x (in) @ w (in, out) + b (out)}. */
    static float[] linear(float[] x, Tensor w, Tensor b) {
        float[] y = matmul(x, 1, w);
        float[] bv = b.values();
        for (int o = 0; o < y.length; o++) {
            y[o] += bv[o];
        }
        return y;
    }

    private static void addRow(float[] x, int row, float[] table, int off, int d) {
        for (int j = 0; j < d; j++) {
            x[row + j] += table[off + j];
        }
    }
}
