package io.longview.train;

import io.longview.core.checkpoint.ModelConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.longview.core.testing.TestData;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Reads {@code golden/forward.json}: its config, its weights (into a model) and its cases (into batches). */
final class Golden {
    static final double CLIP = 0.65;

    final JsonNode root;
    final ModelConfig config;

    private Golden(JsonNode root) {
        this.root = root;
        JsonNode c = root.get("config");
        List<String> heads = new ArrayList<>();
        c.get("heads").forEach(h -> heads.add(h.asText()));
        List<Integer> mlp = new ArrayList<>();
        c.get("mlp").forEach(h -> mlp.add(h.asInt()));
        List<String> dense = new ArrayList<>();
        for (int i = 0; i < c.get("dense_dim").asInt(); i++) {
            dense.add("dense_" + i);
        }
        this.config = TestConfigs.seq(ModelConfig.builder().dEmb(c.get("d_emb").asInt()).dFf(c.get("d_ff").asInt())
                .layers(c.get("layers").asInt()).heads(heads).denseFeatures(dense).mlp(mlp)
                .crossLayers(c.get("cross_layers").asInt()).surfaces(c.get("surfaces").asInt())
                .actionBits(c.get("action_bits").size()).layerNormEps(c.get("ln_eps").asDouble()).build(), c.get("seq").asInt());
        if (this.config.dModel() != c.get("d_model").asInt()) {
            throw new IllegalStateException("golden d_model " + c.get("d_model") + " is not 2 · d_emb");
        }
    }

    static Golden load() {
        try {
            return new Golden(new ObjectMapper().readTree(TestData.golden("forward.json").toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<JsonNode> cases() {
        List<JsonNode> l = new ArrayList<>();
        root.get("cases").forEach(l::add);
        return l;
    }

    /** Loads the golden weights (nested lists, (in, out) matrices) into {@code model}, checking every name is used. */
    void loadWeights(TransActModel model) {
        JsonNode w = root.get("weights");
        List<String> seen = new ArrayList<>();
        w.fieldNames().forEachRemaining(name -> {
            JsonNode v = w.get(name);
            if (v.isArray() && v.size() > 0 && v.get(0).isObject()) {
                for (int i = 0; i < v.size(); i++) {
                    int idx = i;
                    v.get(i).fieldNames().forEachRemaining(sub -> {
                        String full = name + "." + idx + "." + sub;
                        model.setParameter(full, flatten(v.get(idx).get(sub)));
                        seen.add(full);
                    });
                }
            } else {
                model.setParameter(name, flatten(v));
                seen.add(name);
            }
        });
        if (!seen.containsAll(model.parameters().keySet())) {
            throw new AssertionError("golden weights miss parameters: have " + seen + ", model has " + model.parameters().keySet());
        }
    }

    static float[] flatten(JsonNode n) {
        List<Double> out = new ArrayList<>();
        flattenInto(n, out);
        float[] f = new float[out.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = out.get(i).floatValue();
        }
        return f;
    }

    private static void flattenInto(JsonNode n, List<Double> out) {
        if (n.isArray()) {
            n.forEach(c -> flattenInto(c, out));
        } else {
            out.add(n.asDouble());
        }
    }

    static double[] doubles(JsonNode n) {
        List<Double> out = new ArrayList<>();
        flattenInto(n, out);
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    static float dequantize(int q) {
        return (float) (q * CLIP / 127.0);
    }

    /** Writes golden case {@code c} into row {@code b} of {@code batch}: tokens padded to T, labels, negatives. */
    void fill(Batch batch, int b, JsonNode c) {
        int t = batch.seqLen();
        int e = batch.dEmb();
        JsonNode tokens = c.get("tokens");
        batch.lengths()[b] = tokens.size();
        for (int i = 0; i < tokens.size(); i++) {
            JsonNode tok = tokens.get(i);
            JsonNode q = tok.get("q");
            for (int k = 0; k < e; k++) {
                batch.tokens()[(b * t + i) * e + k] = dequantize(q.get(k).asInt());
            }
            batch.actions()[b * t + i] = (byte) tok.get("actions").asInt();
            batch.surfaces()[b * t + i] = tok.get("surface").asInt();
        }
        float[] cand = flatten(c.get("candidate"));
        System.arraycopy(cand, 0, batch.candidates(), b * e, e);
        float[] dense = flatten(c.get("dense"));
        System.arraycopy(dense, 0, batch.dense(), b * batch.denseDim(), batch.denseDim());
        float[] labels = flatten(c.get("labels"));
        System.arraycopy(labels, 0, batch.labels(), b * batch.heads(), batch.heads());
        JsonNode negs = c.get("nal_negatives");
        int n = Math.min(negs.size(), batch.maxNegatives());
        for (int j = 0; j < n; j++) {
            for (int k = 0; k < e; k++) {
                batch.negatives()[(b * batch.maxNegatives() + j) * e + k] = dequantize(negs.get(j).get(k).asInt());
            }
        }
        batch.negativeCounts()[b] = n;
        batch.userIds()[b] = b;
    }
}
