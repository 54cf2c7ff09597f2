package io.longview.core.checkpoint;

import io.longview.core.select.SelectionConfig;
import io.longview.core.select.SelectionRule;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SequencedMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * {@link ModelConfig} and {@link Provenance} to and from the metadata entries of format version 1. The keys, in
 * the order written:
 *
 * <pre>
 * config.d_emb  config.d_model  config.d_ff  config.layers  config.seq
 * config.heads (a,b,c)  config.head_weights (1.0,1.0,1.0)  config.dense_features (names, may be empty)
 * config.mlp (256,128, may be empty)  config.cross_layers  config.action_bits  config.surfaces
 * config.ln_eps  config.clip
 * config.selection.k_ll  config.selection.r  config.selection.k_rt  config.selection.k_imp
 * config.selection.ll_rule (nearest|most_recent|random)
 * config.nal.weight  config.nal.negatives (impressions|in_batch)  config.nal.max_negatives
 * config.sequence (written only as false, for the no-sequence ranker; absent = true)
 * provenance.data_snapshot  provenance.seed  provenance.code_version  provenance.created_at (ISO-8601 instant)
 * provenance.training_steps  provenance.note.&lt;key&gt; (any number)
 * </pre>
 *
 * Floating-point values are written with {@link Double#toString}/{@link Float#toString} and so read back exactly.
 */
final class CheckpointMetadata {
    static final String NOTE_PREFIX = "provenance.note.";

    private CheckpointMetadata() {
    }

    static SequencedMap<String, String> entries(ModelConfig c, Provenance p) {
        SequencedMap<String, String> m = new LinkedHashMap<>();
        m.put("config.d_emb", Integer.toString(c.dEmb()));
        m.put("config.d_model", Integer.toString(c.dModel()));
        m.put("config.d_ff", Integer.toString(c.dFf()));
        m.put("config.layers", Integer.toString(c.layers()));
        m.put("config.seq", Integer.toString(c.seqLength()));
        m.put("config.heads", String.join(",", c.heads()));
        m.put("config.head_weights", join(c.headWeights()));
        m.put("config.dense_features", String.join(",", c.denseFeatures()));
        m.put("config.mlp", join(c.mlp()));
        m.put("config.cross_layers", Integer.toString(c.crossLayers()));
        m.put("config.action_bits", Integer.toString(c.actionBits()));
        m.put("config.surfaces", Integer.toString(c.surfaces()));
        m.put("config.ln_eps", Double.toString(c.layerNormEps()));
        m.put("config.clip", Float.toString(c.quantizerClip()));
        SelectionConfig s = c.selection();
        m.put("config.selection.k_ll", Integer.toString(s.kLifelong()));
        m.put("config.selection.r", Integer.toString(s.recent()));
        m.put("config.selection.k_rt", Integer.toString(s.kRealtime()));
        m.put("config.selection.k_imp", Integer.toString(s.kImpressions()));
        m.put("config.selection.ll_rule", s.lifelongRule().name().toLowerCase(Locale.ROOT));
        m.put("config.nal.weight", Double.toString(c.nal().weight()));
        m.put("config.nal.negatives", c.nal().negatives().name().toLowerCase(Locale.ROOT));
        m.put("config.nal.max_negatives", Integer.toString(c.nal().maxNegatives()));
        if (!c.sequence()) {                                  // absent means true: sequence rankers' files stay as before
            m.put("config.sequence", "false");
        }
        m.put("provenance.data_snapshot", p.dataSnapshot());
        m.put("provenance.seed", Long.toString(p.seed()));
        m.put("provenance.code_version", p.codeVersion());
        m.put("provenance.created_at", p.createdAt().toString());
        m.put("provenance.training_steps", Long.toString(p.trainingSteps()));
        for (Map.Entry<String, String> e : p.notes().entrySet()) {
            m.put(NOTE_PREFIX + e.getKey(), e.getValue());
        }
        return m;
    }

    private static String join(List<?> values) {
        StringBuilder sb = new StringBuilder();
        for (Object v : values) {
            sb.append(sb.isEmpty() ? "" : ",").append(v);
        }
        return sb.toString();
    }

    /** A cursor over the entries that consumes keys, so that unknown leftovers can be reported. */
    private static final class Entries {
        final Map<String, String> left;

        Entries(Map<String, String> m) {
            left = new LinkedHashMap<>(m);
        }

        String text(String key) {
            String v = left.remove(key);
            if (v == null) {
                throw new IllegalArgumentException("metadata key '" + key + "' is missing");
            }
            return v;
        }

        <T> T parse(String key, String expected, Function<String, T> f) {
            String v = text(key);
            try {
                return f.apply(v);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("metadata " + key + " is '" + v + "', expected " + expected, e);
            }
        }

        int integer(String key) {
            return parse(key, "an integer", Integer::parseInt);
        }

        long longValue(String key) {
            return parse(key, "an integer", Long::parseLong);
        }

        double real(String key) {
            return parse(key, "a number", Double::parseDouble);
        }

        <T> List<T> list(String key, String expected, Function<String, T> f) {
            return parse(key, "a comma-separated list of " + expected, v -> {
                List<T> out = new ArrayList<>();
                if (!v.isEmpty()) {
                    for (String s : v.split(",", -1)) {
                        out.add(f.apply(s));
                    }
                }
                return out;
            });
        }

        <E extends Enum<E>> E enumValue(String key, Class<E> type) {
            List<String> names = new ArrayList<>();
            for (E e : type.getEnumConstants()) {
                names.add(e.name().toLowerCase(Locale.ROOT));
            }
            return parse(key, "one of " + String.join(", ", names), v -> {
                if (!v.equals(v.toLowerCase(Locale.ROOT))) {
                    throw new IllegalArgumentException("not lower case");
                }
                return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
            });
        }
    }

    /** What a metadata block holds. */
    record Decoded(ModelConfig config, Provenance provenance) {
    }

    /** The configuration and provenance of a complete set of entries; any unknown or missing key is an error. */
    static Decoded read(Map<String, String> map) {
        Entries e = new Entries(map);
        int dEmb = e.integer("config.d_emb");
        int dModel = e.integer("config.d_model");
        int dFf = e.integer("config.d_ff");
        int layers = e.integer("config.layers");
        int seq = e.integer("config.seq");
        List<String> heads = e.list("config.heads", "names", s -> s);
        List<Double> headWeights = e.list("config.head_weights", "numbers", Double::parseDouble);
        List<String> dense = e.list("config.dense_features", "names", s -> s);
        List<Integer> mlp = e.list("config.mlp", "integers", Integer::parseInt);
        int cross = e.integer("config.cross_layers");
        int actionBits = e.integer("config.action_bits");
        int surfaces = e.integer("config.surfaces");
        double lnEps = e.real("config.ln_eps");
        float clip = e.parse("config.clip", "a number", Float::parseFloat);
        SelectionConfig selection = new SelectionConfig(e.integer("config.selection.k_ll"), e.integer("config.selection.r"),
                e.integer("config.selection.k_rt"), e.integer("config.selection.k_imp"),
                e.enumValue("config.selection.ll_rule", SelectionRule.class));
        NalConfig nal = new NalConfig(e.real("config.nal.weight"), e.enumValue("config.nal.negatives", NalNegatives.class),
                e.integer("config.nal.max_negatives"));
        boolean sequence = !e.left.containsKey("config.sequence") || e.parse("config.sequence", "true or false", v -> {
            if (!v.equals("true") && !v.equals("false")) {
                throw new IllegalArgumentException("not a boolean");
            }
            return Boolean.parseBoolean(v);
        });
        ModelConfig config = new ModelConfig(dEmb, dModel, dFf, layers, seq, heads, headWeights, dense, mlp, cross, actionBits,
                surfaces, lnEps, clip, selection, nal, sequence);
        String snapshot = e.text("provenance.data_snapshot");
        long seed = e.longValue("provenance.seed");
        String code = e.text("provenance.code_version");
        Instant created = e.parse("provenance.created_at", "an ISO-8601 instant such as 2026-11-25T18:00:00Z", v -> {
            try {
                return Instant.parse(v);
            } catch (DateTimeParseException x) {
                throw new IllegalArgumentException(x);
            }
        });
        long steps = e.longValue("provenance.training_steps");
        Map<String, String> notes = new TreeMap<>();
        for (String k : List.copyOf(e.left.keySet())) {
            if (k.startsWith(NOTE_PREFIX) && k.length() > NOTE_PREFIX.length()) {
                notes.put(k.substring(NOTE_PREFIX.length()), e.left.remove(k));
            }
        }
        if (!e.left.isEmpty()) {
            throw new IllegalArgumentException("unknown metadata keys " + e.left.keySet() + " for format version " + CheckpointFormat.VERSION);
        }
        return new Decoded(config, new Provenance(snapshot, seed, code, created, steps, notes));
    }
}
