package io.longview.core.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import io.longview.core.select.SelectionConfig;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The weights of {@code golden/forward.json} as a {@link Checkpoint}: nested JSON lists flattened to
 * {@code layers.0.Wq} etc., the configuration taken from the file's {@code config} (dense features named
 * {@code dense0..}). Test support, also for other modules' tests (via the core test-jar).
 */
public final class GoldenWeights {
    private GoldenWeights() {
    }

    /** The configuration of forward.json. */
    public static ModelConfig config(JsonNode root) {
        JsonNode c = root.get("config");
        List<String> heads = new ArrayList<>();
        c.get("heads").forEach(h -> heads.add(h.asText()));
        List<String> dense = new ArrayList<>();
        for (int i = 0; i < c.get("dense_dim").asInt(); i++) {
            dense.add("dense" + i);
        }
        List<Integer> mlp = new ArrayList<>();
        c.get("mlp").forEach(m -> mlp.add(m.asInt()));
        return ModelConfig.builder().dEmb(c.get("d_emb").asInt()).dFf(c.get("d_ff").asInt()).layers(c.get("layers").asInt())
                .seqLength(c.get("seq").asInt()).heads(heads).denseFeatures(dense).mlp(mlp)
                .crossLayers(c.get("cross_layers").asInt()).actionBits(c.get("action_bits").size())
                .surfaces(c.get("surfaces").asInt()).layerNormEps(c.get("ln_eps").asDouble())
                .quantizerClip((float) c.get("clip").asDouble()).selection(SelectionConfig.DEFAULT).build();
    }

    /** The checkpoint of forward.json's weights under its configuration. */
    public static Checkpoint checkpoint(JsonNode root) {
        List<Tensor> tensors = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> it = root.get("weights").properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            flatten(e.getKey(), e.getValue(), tensors);
        }
        return Checkpoint.of(config(root), Provenance.of("shared/golden/forward.json", 20261125, "reference.py",
                Instant.parse("2026-11-25T00:00:00Z"), 0), tensors);
    }

    private static void flatten(String name, JsonNode node, List<Tensor> out) {
        if (node.isObject()) {
            node.properties().forEach(e -> flatten(name + "." + e.getKey(), e.getValue(), out));
        } else if (node.isArray() && node.size() > 0 && (node.get(0).isObject())) {
            for (int i = 0; i < node.size(); i++) {
                flatten(name + "." + i, node.get(i), out);
            }
        } else if (node.isArray() && node.size() > 0 && node.get(0).isArray()) {
            int rows = node.size();
            int cols = node.get(0).size();
            float[] v = new float[rows * cols];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    v[r * cols + c] = (float) node.get(r).get(c).asDouble();
                }
            }
            out.add(new Tensor(name, new int[]{rows, cols}, v));
        } else {
            float[] v = new float[node.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) node.get(i).asDouble();
            }
            out.add(new Tensor(name, new int[]{v.length}, v));
        }
    }
}
