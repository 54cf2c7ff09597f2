package io.longview.train;

import io.longview.core.checkpoint.ModelConfig;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The TransAct V2 ranker of DESIGN §3 on DJL/PyTorch, float32, weights as {@code (in, out)} matrices applied as
 * {@code x @ W}. The golden reference ({@code golden/reference.py}, {@code forward}) states the same math.
 *
 * <pre>
 * x_t   = [dequant(e_t) | e_c] + Σ_bits E_act[bit] + E_surf[surface_t] + E_pos[t]          (B, T, 64)
 * layer: A = softmax(Q Kᵀ / sqrt(d_model) + mask) V ; Y = LN(X + A) ; Z = LN(Y + ReLU(Y W1) W2)
 *        (Q, K, V = X Wq, X Wk, X Wv; no biases, no output projection, LN without affine)
 * pooled  = max over real rows of Z (an empty sequence pools to 0) ; seq_feat = pooled W_out + b_out
 * r0 = [seq_feat | e_c | dense] ; r ← r0 ⊙ (r W_i + b_i) + r  (cross layers) ; h ← ReLU(h W + b)  (MLP)
 * logits = h W_head + b_head ; probabilities = σ(logits)
 * </pre>
 *
 * <p>Masks: a query at position q sees keys k ≤ q with k &lt; length. Masked scores get {@value #MASKED}, a large
 * finite number instead of −∞: a padded query row of an empty sequence then sees a uniform (meaningless but finite)
 * distribution rather than NaN, and nothing real ever depends on padded rows: real queries never see padded keys
 * (padding is at the end and the mask is causal), and pooling skips padded rows.
 *
 * <p>Parameters (names as in the golden file, layers and lists indexed from 0): {@code E_act (A, 64)},
 * {@code E_surf (S, 64)}, {@code E_pos (T, 64)}, {@code layers.i.Wq|Wk|Wv (64, 64)}, {@code layers.i.W1 (64, d_ff)},
 * {@code layers.i.W2 (d_ff, 64)}, {@code W_out (64, 64)}, {@code b_out (64)}, {@code P (64, d_emb)} (the NAL
 * projection, no bias), {@code cross.i.W (d_in, d_in)}, {@code cross.i.b (d_in)}, {@code mlp.i.W}, {@code mlp.i.b},
 * {@code W_head (last, H)}, {@code b_head (H)}. Without the sequence module only the ranker parameters exist.
 *
 * <p>No op on the autograd path takes a Java {@code Number}: see {@link Scalars} for why.
 *
 * <p>The model owns an {@link NDManager} with its parameters (each with a gradient attached); close the model to
 * free them. Forward passes create everything in the caller's step manager: every op here has a step-manager array
 * as its first operand, because DJL gives a result to the manager of the first operand.
 */
public final class TransActModel implements AutoCloseable {
    /** Additive score of a masked (query, key) pair, and the value that hides padded rows from the max-pool. */
    public static final float MASKED = -1e9f;

    private final ModelConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> parameters = new LinkedHashMap<>();

    /** A model with freshly initialized parameters, {@link #initialWeights(ModelConfig, long)}. */
    public TransActModel(ModelConfig config, long seed) {
        this(config, initialWeights(config, seed));
    }

    /** A model with the given parameter values (every name of {@link #parameterShapes}, row-major; copied). */
    public TransActModel(ModelConfig config, Map<String, float[]> weights) {
        this.config = config;
        this.manager = NDManager.newBaseManager("PyTorch");
        for (Map.Entry<String, Shape> e : parameterShapes(config).entrySet()) {
            float[] v = weights.get(e.getKey());
            if (v == null || v.length != e.getValue().size()) {
                throw new IllegalArgumentException("parameter " + e.getKey() + " of shape " + e.getValue() + " is "
                        + (v == null ? "missing" : "given " + v.length + " values"));
            }
            put(e.getKey(), v, e.getValue());
        }
    }

    /**
     * The initial parameters of a model of {@code config} drawn from {@code seed}, in {@link #parameterShapes} order:
     * embeddings N(0, 0.1²), matrices Glorot-normal (std sqrt(2 / (in + out))), biases 0. The one place that draws
     * initial weights: every engine (DJL here, the fused Java trainer) starts from these values.
     */
    public static Map<String, float[]> initialWeights(ModelConfig config, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : parameterShapes(config).entrySet()) {
            Shape s = e.getValue();
            String name = e.getKey();
            float[] v = new float[(int) s.size()];
            double std;
            if (name.startsWith("E_")) {
                std = 0.1;
            } else if (s.dimension() == 1) {
                std = 0;
            } else {
                std = Math.sqrt(2.0 / (s.get(0) + s.get(1)));
            }
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (std * gaussian(rng));
            }
            out.put(name, v);
        }
        return out;
    }

    /** Names and shapes of every parameter of a model of this config: its tensors, in checkpoint order. */
    public static Map<String, Shape> parameterShapes(ModelConfig c) {
        Map<String, Shape> m = new LinkedHashMap<>();
        for (io.longview.core.checkpoint.TensorSpec t : c.tensorSpecs()) {
            m.put(t.name(), new Shape(java.util.Arrays.stream(t.shape()).asLongStream().toArray()));
        }
        return m;
    }

    public ModelConfig config() {
        return config;
    }

    /** The manager that owns the parameters (and an optimizer's state, which DJL creates beside each weight). */
    public NDManager manager() {
        return manager;
    }

    /** The parameters by name, in {@link #parameterShapes} order; the arrays are live (training updates them). */
    public Map<String, NDArray> parameters() {
        return Collections.unmodifiableMap(parameters);
    }

    /** Replaces a parameter's values (row-major in its shape); for loading checkpoints and golden weights. */
    public void setParameter(String name, float[] values) {
        NDArray old = parameters.get(name);
        if (old == null) {
            throw new IllegalArgumentException("no parameter " + name + "; parameters are " + parameters.keySet());
        }
        if (values.length != old.size()) {
            throw new IllegalArgumentException("parameter " + name + " has " + old.size() + " values (shape "
                    + old.getShape() + "), got " + values.length);
        }
        Shape s = old.getShape();
        old.close();
        put(name, values, s);
    }

    /** A copy of a parameter's values, row-major. */
    public float[] parameterValues(String name) {
        NDArray p = parameters.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no parameter " + name);
        }
        return p.toFloatArray();
    }

    private void put(String name, float[] v, Shape s) {
        NDArray a = manager.create(v, s);
        a.setName(name);
        a.setRequiresGradient(true);
        parameters.put(name, a);
    }

    private NDArray p(String name) {
        return parameters.get(name);
    }

    /**
     * The forward pass over {@code batch}; all inputs, intermediates and outputs are created in {@code step}.
     *
     * @throws IllegalArgumentException when the batch does not fit the config (see {@link Batch#validate})
     */
    public ForwardOutput forward(NDManager step, Batch batch) {
        batch.validate(config);
        int bs = batch.size();
        int e = config.dEmb();
        NDArray cand = step.create(batch.candidates(), new Shape(bs, e));              // (B, E)
        NDList r0Parts = new NDList();
        NDArray z = null;
        if (config.sequence()) {
            z = encode(step, batch, cand);                                            // (B, T, D)
            r0Parts.add(pool(step, batch, z).matMul(p("W_out")).add(p("b_out")));    // (B, D)
        }
        r0Parts.add(cand);
        if (config.denseDim() > 0) {
            r0Parts.add(step.create(batch.dense(), new Shape(bs, config.denseDim())));
        }
        NDArray r0 = concatColumns(r0Parts);                                        // (B, d_in)
        NDArray r = r0;
        for (int i = 0; i < config.crossLayers(); i++) {
            r = r0.mul(r.matMul(p("cross." + i + ".W")).add(p("cross." + i + ".b"))).add(r);
        }
        NDArray h = r;
        for (int i = 0; i < config.mlp().size(); i++) {
            h = Activation.relu(h.matMul(p("mlp." + i + ".W")).add(p("mlp." + i + ".b")));
        }
        NDArray logits = h.matMul(p("W_head")).add(p("b_head"));                     // (B, H)
        return new ForwardOutput(z, logits, Activation.sigmoid(logits));
    }

    private static NDArray concatColumns(NDList parts) {
        return parts.size() == 1 ? parts.get(0) : ai.djl.ndarray.NDArrays.concat(parts, 1);
    }

    /** Token encoding and the encoder layers: (B, T, D). */
    private NDArray encode(NDManager step, Batch batch, NDArray cand) {
        int bs = batch.size();
        int t = batch.seqLen();
        int e = config.dEmb();
        int d = config.dModel();
        NDArray tokens = step.create(batch.tokens(), new Shape(bs, t, e));            // (B, T, E)
        NDArray candRows = cand.reshape(bs, 1, e).repeat(1, t);                       // (B, T, E)
        NDArray x = tokens.concat(candRows, 2);                                       // (B, T, D)

        int nAct = config.actionBits();
        int nSurf = config.surfaces();
        float[] act = new float[bs * t * nAct];                                       // (B, T, A) multi-hot
        float[] surf = new float[bs * t * nSurf];                                     // (B, T, S) one-hot
        byte[] bits = batch.actions();
        int[] surfaces = batch.surfaces();
        int[] lengths = batch.lengths();
        for (int b = 0; b < bs; b++) {
            for (int i = 0; i < lengths[b]; i++) {
                int row = b * t + i;
                for (int k = 0; k < nAct; k++) {
                    if ((bits[row] >> k & 1) != 0) {
                        act[row * nAct + k] = 1f;
                    }
                }
                surf[row * nSurf + surfaces[row]] = 1f;
            }
        }
        x = x.add(step.create(act, new Shape(bs, t, nAct)).matMul(p("E_act")))
                .add(step.create(surf, new Shape(bs, t, nSurf)).matMul(p("E_surf")))
                .add(positions(step, t));

        // additive masks: causal (1, T, T) and key padding (B, 1, T)
        float[] causal = new float[t * t];
        for (int q = 0; q < t; q++) {
            for (int k = q + 1; k < t; k++) {
                causal[q * t + k] = MASKED;
            }
        }
        float[] keyPad = new float[bs * t];
        for (int b = 0; b < bs; b++) {
            for (int k = lengths[b]; k < t; k++) {
                keyPad[b * t + k] = MASKED;
            }
        }
        NDArray causalMask = step.create(causal, new Shape(1, t, t));
        NDArray padMask = step.create(keyPad, new Shape(bs, 1, t));
        NDArray scaleArray = Scalars.of(step, (float) (1.0 / Math.sqrt(d)));
        for (int l = 0; l < config.layers(); l++) {
            String pre = "layers." + l + ".";
            NDArray q = x.matMul(p(pre + "Wq"));
            NDArray k = x.matMul(p(pre + "Wk"));
            NDArray v = x.matMul(p(pre + "Wv"));
            NDArray scores = q.matMul(k.transpose(0, 2, 1)).mul(scaleArray).add(causalMask).add(padMask);  // (B, T, T)
            NDArray a = scores.softmax(2).matMul(v);
            NDArray y = layerNorm(step, x.add(a));
            x = layerNorm(step, y.add(Activation.relu(y.matMul(p(pre + "W1"))).matMul(p(pre + "W2"))));
        }
        return x;
    }

    /** E_pos, or its first {@code t} rows for a trimmed batch (the slice lives in {@code step}, autograd intact). */
    private NDArray positions(NDManager step, int t) {
        NDArray ePos = p("E_pos");
        if (t == config.seqLength()) {
            return ePos;
        }
        NDArray slice = ePos.get(new ai.djl.ndarray.index.NDIndex("0:" + t));
        slice.attach(step);                                                           // else it stays in the model's manager
        return slice;
    }

    /** Max over real rows; (B, D), zero for an empty sequence. */
    private NDArray pool(NDManager step, Batch batch, NDArray z) {
        int bs = batch.size();
        int t = batch.seqLen();
        float[] hide = new float[bs * t];                                             // (B, T, 1)
        float[] nonEmpty = new float[bs];                                             // (B, 1)
        for (int b = 0; b < bs; b++) {
            for (int i = batch.lengths()[b]; i < t; i++) {
                hide[b * t + i] = MASKED;
            }
            nonEmpty[b] = batch.lengths()[b] > 0 ? 1f : 0f;
        }
        return z.add(step.create(hide, new Shape(bs, t, 1))).max(new int[]{1})
                .mul(step.create(nonEmpty, new Shape(bs, 1)));
    }

    private NDArray layerNorm(NDManager step, NDArray x) {
        NDArray centered = x.sub(x.mean(new int[]{-1}, true));
        NDArray var = centered.square().mean(new int[]{-1}, true);
        return centered.div(var.add(Scalars.of(step, (float) config.layerNormEps())).sqrt());
    }

    private static double gaussian(SplittableRandom rng) {
        // Box–Muller; the host draws the initial weights so that a seed means the same model on every engine
        double u1 = 1.0 - rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** Frees the parameters (and any optimizer state created beside them). */
    @Override
    public void close() {
        manager.close();
    }
}
