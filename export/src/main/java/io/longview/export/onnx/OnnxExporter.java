package io.longview.export.onnx;

import io.longview.core.checkpoint.Checkpoint;
import io.longview.core.checkpoint.ModelConfig;
import io.longview.core.checkpoint.Tensor;
import io.longview.core.checkpoint.TensorNames;
import io.longview.core.io.AtomicFiles;
import io.longview.core.model.Token;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a trained ranker (a core {@link Checkpoint}) as an ONNX model (IR {@value OnnxProto#IR_VERSION}, default
 * opset {@value OnnxProto#OPSET}) that computes exactly the math of the scalar reference forward pass (DESIGN §3,
 * {@code kernels}' {@code ScalarForward}) for a batch of candidates, each with its own selected sequence S_all.
 *
 * <p>Graph inputs ({@code B} = {@code batch}, {@code T} = {@code seq}: both dynamic; {@code 1 ≤ T ≤ seqLength}):
 * <pre>
 * tokens      float (B, T, dEmb)        dequantized token embeddings (q · clip / 127), S_all order (oldest first);
 *                                       padded rows [length, T) may hold anything finite
 * actions     float (B, T, actionBits)  the action bits as 0/1 (bit k of the token's action byte → column k)
 * surfaces    int64 (B, T)              surface ids; padded rows must still hold a valid id (0)
 * lengths     int64 (B)                 real tokens per row, in [0, T]
 * candidate   float (B, dEmb)           the candidate's embedding e_c
 * dense       float (B, denseDim)       dense features in the configuration's order (absent when denseDim = 0)
 * </pre>
 * The no-sequence ranker ({@code config.sequence() == false}) has only {@code candidate} and {@code dense}.
 * Output: {@code probabilities} float (B, heads), heads in the configuration's order.
 *
 * <p>The graph:
 * <pre>
 * x      = [tokens | candidate broadcast over T] + actions @ E_act + E_surf[surfaces] + E_pos[:T]
 * mask   = 0 where key k ≤ query q and k &lt; length, else −1e9 (additive; a real query sees only real keys, so
 *          padding never reaches a real position; a padded query row stays finite)
 * layer  : A = Softmax(x Wq (x Wk)ᵀ / √dModel + mask) (x Wv); Y = LayerNorm(x + A); x = LayerNorm(Y + ReLU(Y W1) W2)
 *          (LayerNormalization with scale 1, no bias, epsilon from the configuration)
 * pooled = max over rows t &lt; length (0 when length = 0);  seq = pooled W_out + b_out
 * r0     = [seq | candidate | dense];  r ← r0 ⊙ (r W_i + b_i) + r;  h ← ReLU(h W + b);  σ(h W_head + b_head)
 * </pre>
 *
 * <p>The model's metadata records the heads, the dense feature names, the configuration and the provenance.
 */
public final class OnnxExporter {
    public static final String TOKENS = "tokens";
    public static final String ACTIONS = "actions";
    public static final String SURFACES = "surfaces";
    public static final String LENGTHS = "lengths";
    public static final String CANDIDATE = "candidate";
    public static final String DENSE = "dense";
    public static final String PROBABILITIES = "probabilities";

    /** Additive attention score of a masked (query, key) pair (as the trainer's model). */
    static final float MASKED = -1e9f;

    private static final String BATCH = "batch";
    private static final String SEQ = "seq";

    private OnnxExporter() {
    }

    /** The names of the graph inputs a model of this configuration has, in declaration order. */
    public static List<String> inputNames(ModelConfig c) {
        List<String> names = new ArrayList<>();
        if (c.sequence()) {
            names.addAll(List.of(TOKENS, ACTIONS, SURFACES, LENGTHS));
        }
        names.add(CANDIDATE);
        if (c.denseDim() > 0) {
            names.add(DENSE);
        }
        return List.copyOf(names);
    }

    /**
     * Writes {@code checkpoint} as an ONNX file, atomically and durably ({@link AtomicFiles#write(Path, byte[])}).
     *
     * @throws UncheckedIOException when the file cannot be written
     */
    public static void write(Checkpoint checkpoint, Path file) {
        AtomicFiles.write(file, toBytes(checkpoint));
    }

    /** The serialized ONNX {@code ModelProto} of {@code checkpoint}. */
    public static byte[] toBytes(Checkpoint checkpoint) {
        ModelConfig c = checkpoint.config();
        if (c.dEmb() != Token.EMBEDDING_DIM && c.sequence()) {
            throw new IllegalArgumentException("the model's dEmb is " + c.dEmb() + ", tokens carry " + Token.EMBEDDING_DIM + " values");
        }
        OnnxGraph g = new OnnxGraph();
        String candidate;
        String tokens = null, actions = null, surfaces = null, lengths = null;
        if (c.sequence()) {
            tokens = g.input(TOKENS, OnnxProto.FLOAT, List.of(BATCH, SEQ, (long) c.dEmb()),
                    "dequantized token embeddings, S_all order (oldest first), padding at the end");
            actions = g.input(ACTIONS, OnnxProto.FLOAT, List.of(BATCH, SEQ, (long) c.actionBits()),
                    "action bits as 0/1, column k = bit k");
            surfaces = g.input(SURFACES, OnnxProto.INT64, List.of(BATCH, SEQ), "surface ids (a valid id on padded rows too)");
            lengths = g.input(LENGTHS, OnnxProto.INT64, List.of(BATCH), "real tokens per row, in [0, seq]");
        }
        candidate = g.input(CANDIDATE, OnnxProto.FLOAT, List.of(BATCH, (long) c.dEmb()), "candidate embedding e_c");
        String dense = c.denseDim() > 0
                ? g.input(DENSE, OnnxProto.FLOAT, List.of(BATCH, (long) c.denseDim()), "dense features " + c.denseFeatures())
                : null;

        List<String> r0Parts = new ArrayList<>();
        if (c.sequence()) {
            r0Parts.add(sequenceFeature(g, checkpoint, tokens, actions, surfaces, lengths, candidate));
        }
        r0Parts.add(candidate);
        if (dense != null) {
            r0Parts.add(dense);
        }
        String r0 = r0Parts.size() == 1 ? r0Parts.getFirst()
                : g.op("Concat", "r0", List.of(OnnxProto.intAttribute("axis", 1)), r0Parts.toArray(String[]::new));
        String r = r0;
        for (int i = 0; i < c.crossLayers(); i++) {
            String w = weight(g, checkpoint, TensorNames.crossWeight(i));
            String b = weight(g, checkpoint, TensorNames.crossBias(i));
            String rw = g.op("Add", "cross" + i + "_rwb", g.op("MatMul", "cross" + i + "_rw", r, w), b);
            r = g.op("Add", "cross" + i, g.op("Mul", "cross" + i + "_gate", r0, rw), r);
        }
        String h = r;
        for (int i = 0; i < c.mlp().size(); i++) {
            String w = weight(g, checkpoint, TensorNames.mlpWeight(i));
            String b = weight(g, checkpoint, TensorNames.mlpBias(i));
            h = g.op("Relu", "mlp" + i, g.op("Add", "mlp" + i + "_b", g.op("MatMul", "mlp" + i + "_w", h, w), b));
        }
        String logits = g.op("Add", "logits", g.op("MatMul", "head", h, weight(g, checkpoint, TensorNames.HEAD_WEIGHT)),
                weight(g, checkpoint, TensorNames.HEAD_BIAS));
        String probs = g.identity(g.op("Sigmoid", "sigmoid", logits), PROBABILITIES);
        g.output(probs, OnnxProto.FLOAT, List.of(BATCH, (long) c.heads().size()), "one probability per head " + c.heads());

        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("longview.heads", String.join(",", c.heads()));
        meta.put("longview.dense_features", String.join(",", c.denseFeatures()));
        meta.put("longview.sequence", Boolean.toString(c.sequence()));
        meta.put("longview.seq_length", Integer.toString(c.seqLength()));
        meta.put("longview.quantizer_clip", Float.toString(c.quantizerClip()));
        meta.put("longview.config", c.toString());
        meta.put("longview.provenance", checkpoint.provenance().toString());
        String doc = "Longview TransAct V2 ranker (" + checkpoint + "); inputs " + inputNames(c) + ", output " + PROBABILITIES;
        ProtoWriter model = OnnxProto.model(g.build("longview_ranker", doc), "longview", version(), doc, meta);
        return model.toByteArray();
    }

    /** Token encoding, the encoder layers, masked max-pooling and the output compression: {@code (B, dModel)}. */
    private static String sequenceFeature(OnnxGraph g, Checkpoint ck, String tokens, String actions, String surfaces,
                                          String lengths, String candidate) {
        ModelConfig c = ck.config();
        int d = c.dModel();
        String zeroL = g.longs("c_zero_l", new long[0], new long[]{0});
        String oneL = g.longs("c_one_l", new long[0], new long[]{1});
        String axis0 = g.longs("c_axes0", 0);
        String axis1 = g.longs("c_axes1", 1);
        String axis2 = g.longs("c_axes2", 2);
        String zeroF = g.scalar("c_zero_f", 0f);
        String maskedF = g.scalar("c_masked_f", MASKED);
        String negInf = g.scalar("c_neg_inf_f", Float.NEGATIVE_INFINITY);

        // x = [tokens | candidate over T] + actions @ E_act + E_surf[surfaces] + E_pos[:T]          (B, T, dModel)
        String bt = g.op("Shape", "bt", List.of(OnnxProto.intAttribute("start", 0), OnnxProto.intAttribute("end", 2)), tokens);
        String t1 = g.op("Shape", "t", List.of(OnnxProto.intAttribute("start", 1), OnnxProto.intAttribute("end", 2)), tokens);
        String candShape = g.op("Concat", "cand_shape", List.of(OnnxProto.intAttribute("axis", 0)), bt,
                g.longs("c_demb", c.dEmb()));
        String candRows = g.op("Expand", "cand_rows", g.op("Unsqueeze", "cand_3d", candidate, axis1), candShape);
        String x = g.op("Concat", "x_cat", List.of(OnnxProto.intAttribute("axis", 2)), tokens, candRows);
        x = g.op("Add", "x_act", x, g.op("MatMul", "act_emb", actions, weight(g, ck, TensorNames.ACTION_EMBEDDING)));
        x = g.op("Add", "x_surf", x, g.op("Gather", "surf_emb", List.of(OnnxProto.intAttribute("axis", 0)),
                weight(g, ck, TensorNames.SURFACE_EMBEDDING), surfaces));
        String pos = g.op("Slice", "pos_emb", weight(g, ck, TensorNames.POSITION_EMBEDDING), g.longs("c_start0", 0), t1, axis0);
        x = g.op("Add", "x", x, pos);

        // masks: allowed[b, q, k] = k ≤ q ∧ k < length[b]                                            (B, T, T)
        String tScalar = g.op("Squeeze", "t_scalar", t1, axis0);
        String positions = g.op("Range", "positions", zeroL, tScalar, oneL);                        // (T)
        String keys = g.op("Unsqueeze", "keys", positions, axis0);                                  // (1, T)
        String queries = g.op("Unsqueeze", "queries", positions, axis1);                            // (T, 1)
        String causal = g.op("LessOrEqual", "causal", keys, queries);                               // (T, T)
        String len2 = g.op("Unsqueeze", "lengths_2d", lengths, axis1);                             // (B, 1)
        String valid = g.op("Less", "valid", keys, len2);                                           // (B, T)
        String allowed = g.op("And", "allowed", g.op("Unsqueeze", "causal_3d", causal, axis0),
                g.op("Unsqueeze", "valid_keys", valid, axis1));                                     // (B, T, T)
        String mask = g.op("Where", "mask", allowed, zeroF, maskedF);

        String scale = null, lnScale = null;
        if (c.layers() > 0) {
            scale = g.scalar("c_scale", (float) (1.0 / Math.sqrt(d)));
            float[] ones = new float[d];
            Arrays.fill(ones, 1f);
            lnScale = g.floats("c_ln_scale", new long[]{d}, ones);
        }
        List<ProtoWriter> ln = List.of(OnnxProto.intAttribute("axis", -1), OnnxProto.floatAttribute("epsilon", (float) c.layerNormEps()));
        for (int l = 0; l < c.layers(); l++) {
            String p = "l" + l + "_";
            String q = g.op("MatMul", p + "q", x, weight(g, ck, TensorNames.query(l)));
            String k = g.op("MatMul", p + "k", x, weight(g, ck, TensorNames.key(l)));
            String v = g.op("MatMul", p + "v", x, weight(g, ck, TensorNames.value(l)));
            String kt = g.op("Transpose", p + "kt", List.of(OnnxProto.intsAttribute("perm", 0, 2, 1)), k);
            String s = g.op("Add", p + "scores", g.op("Mul", p + "scaled", g.op("MatMul", p + "qk", q, kt), scale), mask);
            String a = g.op("MatMul", p + "attn", g.op("Softmax", p + "softmax", List.of(OnnxProto.intAttribute("axis", -1)), s), v);
            String y = g.op("LayerNormalization", p + "y", ln, g.op("Add", p + "xa", x, a), lnScale);
            String hid = g.op("Relu", p + "ff_hidden", g.op("MatMul", p + "ff_in", y, weight(g, ck, TensorNames.feedForwardIn(l))));
            String ff = g.op("MatMul", p + "ff_out", hid, weight(g, ck, TensorNames.feedForwardOut(l)));
            x = g.op("LayerNormalization", p + "z", ln, g.op("Add", p + "yf", y, ff), lnScale);
        }

        // max over real rows; an empty sequence pools to 0                                            (B, dModel)
        String realRows = g.op("Unsqueeze", "real_rows", valid, axis2);                            // (B, T, 1)
        String hidden = g.op("Where", "pool_in", realRows, x, negInf);
        String pooledRaw = g.op("ReduceMax", "pool_max", List.of(OnnxProto.intsAttribute("axes", 1), OnnxProto.intAttribute("keepdims", 0)), hidden);
        String nonEmpty = g.op("Greater", "non_empty", len2, zeroL);                               // (B, 1)
        String pooled = g.op("Where", "pooled", nonEmpty, pooledRaw, zeroF);
        return g.op("Add", "seq_feat", g.op("MatMul", "seq_out", pooled, weight(g, ck, TensorNames.OUTPUT_WEIGHT)),
                weight(g, ck, TensorNames.OUTPUT_BIAS));
    }

    /** The checkpoint tensor as an initializer of the same name (added once). */
    private static String weight(OnnxGraph g, Checkpoint ck, String name) {
        Tensor t = ck.tensor(name);
        long[] dims = Arrays.stream(t.shape()).asLongStream().toArray();
        return g.floats(name, dims, t.values());
    }

    private static String version() {
        String v = OnnxExporter.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }
}
