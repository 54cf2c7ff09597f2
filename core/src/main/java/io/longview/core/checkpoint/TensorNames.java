package io.longview.core.checkpoint;

/**
 * The names of the model's weight tensors (DESIGN §3–4), shared by the trainer, the checkpoint and the serving
 * engines. The names follow the keys of {@code golden/reference.py} ({@code forward.json} weights), with list
 * entries flattened as {@code <list>.<index>.<key>}. Matrices are stored as {@code (in, out)} and applied as
 * {@code x @ W} (+ {@code b}); row-major.
 *
 * <pre>
 * name               shape                         meaning
 * E_act              (action_bits, d_model)        action embedding; x_t += Σ over set bits
 * E_surf             (surfaces, d_model)           surface embedding
 * E_pos              (seq, d_model)                position embedding (S_all order, oldest first)
 * layers.{i}.Wq      (d_model, d_model)            encoder layer i ∈ [0, layers): query
 * layers.{i}.Wk      (d_model, d_model)              key
 * layers.{i}.Wv      (d_model, d_model)              value
 * layers.{i}.W1      (d_model, d_ff)                 feed-forward in
 * layers.{i}.W2      (d_ff, d_model)                 feed-forward out
 * W_out              (d_model, d_model)            output compression after max-pooling
 * b_out              (d_model)
 * P                  (d_model, d_emb)              Next Action Loss projection (training only; no bias)
 * cross.{i}.W        (d_in, d_in)                  DCN-v2 cross layer i ∈ [0, cross_layers),
 * cross.{i}.b        (d_in)                          d_in = d_model + d_emb + dense_dim
 * mlp.{i}.W          (size_{i-1}, size_i)          MLP layer i, size_{-1} = d_in, ReLU after each
 * mlp.{i}.b          (size_i)
 * W_head             (last MLP size or d_in, heads) one logit per head, then a sigmoid
 * b_head             (heads)
 * </pre>
 */
public final class TensorNames {
    public static final String ACTION_EMBEDDING = "E_act";
    public static final String SURFACE_EMBEDDING = "E_surf";
    public static final String POSITION_EMBEDDING = "E_pos";
    public static final String OUTPUT_WEIGHT = "W_out";
    public static final String OUTPUT_BIAS = "b_out";
    public static final String NAL_PROJECTION = "P";
    public static final String HEAD_WEIGHT = "W_head";
    public static final String HEAD_BIAS = "b_head";

    private TensorNames() {
    }

    /** {@code layers.{layer}.Wq}. */
    public static String query(int layer) {
        return "layers." + layer + ".Wq";
    }

    /** {@code layers.{layer}.Wk}. */
    public static String key(int layer) {
        return "layers." + layer + ".Wk";
    }

    /** {@code layers.{layer}.Wv}. */
    public static String value(int layer) {
        return "layers." + layer + ".Wv";
    }

    /** {@code layers.{layer}.W1}. */
    public static String feedForwardIn(int layer) {
        return "layers." + layer + ".W1";
    }

    /** {@code layers.{layer}.W2}. */
    public static String feedForwardOut(int layer) {
        return "layers." + layer + ".W2";
    }

    /** {@code cross.{layer}.W}. */
    public static String crossWeight(int layer) {
        return "cross." + layer + ".W";
    }

    /** {@code cross.{layer}.b}. */
    public static String crossBias(int layer) {
        return "cross." + layer + ".b";
    }

    /** {@code mlp.{layer}.W}. */
    public static String mlpWeight(int layer) {
        return "mlp." + layer + ".W";
    }

    /** {@code mlp.{layer}.b}. */
    public static String mlpBias(int layer) {
        return "mlp." + layer + ".b";
    }
}
