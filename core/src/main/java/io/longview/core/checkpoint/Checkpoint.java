package io.longview.core.checkpoint;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;

/**
 * A trained model: its configuration, its provenance and exactly the tensors the configuration requires
 * ({@link ModelConfig#tensorSpecs()}, named as {@link TensorNames} documents), each with the required shape.
 * Written by {@link CheckpointWriter}, read by {@link CheckpointReader}.
 *
 * @param tensors by name, in the canonical order of {@link ModelConfig#tensorSpecs()} (unmodifiable)
 */
public record Checkpoint(ModelConfig config, Provenance provenance, SequencedMap<String, Tensor> tensors) {

    /**
     * @throws IllegalArgumentException when a required tensor is missing, an extra one is present, a shape differs
     *                                  from the configuration's, or a map key differs from its tensor's name
     */
    public Checkpoint {
        if (config == null || provenance == null || tensors == null) {
            throw new IllegalArgumentException("config, provenance and tensors must be set");
        }
        List<TensorSpec> specs = config.tensorSpecs();
        SequencedMap<String, Tensor> ordered = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (TensorSpec spec : specs) {
            Tensor t = tensors.get(spec.name());
            if (t == null) {
                missing.add(spec.toString());
                continue;
            }
            if (!t.name().equals(spec.name())) {
                throw new IllegalArgumentException("tensor map key " + spec.name() + " holds a tensor named " + t.name());
            }
            if (!t.hasShape(spec.shape())) {
                throw new IllegalArgumentException("tensor " + spec.name() + " has shape " + Tensor.describeShape(t.shape())
                        + ", the configuration expects " + Tensor.describeShape(spec.shape()));
            }
            ordered.put(spec.name(), t);
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("missing tensors " + missing + " (the configuration requires " + specs.size() + ")");
        }
        if (tensors.size() != ordered.size()) {
            List<String> extra = new ArrayList<>(tensors.keySet());
            extra.removeAll(ordered.keySet());
            throw new IllegalArgumentException("unexpected tensors " + extra + " for this configuration (expected exactly "
                    + ordered.keySet() + ")");
        }
        tensors = Collections.unmodifiableSequencedMap(ordered);
    }

    /** A checkpoint of the given tensors (any order; each name once). */
    public static Checkpoint of(ModelConfig config, Provenance provenance, Collection<Tensor> tensors) {
        SequencedMap<String, Tensor> map = new LinkedHashMap<>();
        for (Tensor t : tensors) {
            if (map.put(t.name(), t) != null) {
                throw new IllegalArgumentException("tensor " + t.name() + " given twice");
            }
        }
        return new Checkpoint(config, provenance, map);
    }

    /** The tensor of that name. @throws IllegalArgumentException naming the available ones */
    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no tensor " + name + " in this checkpoint; it has " + tensors.keySet());
        }
        return t;
    }

    /** The values of the tensor of that name (shared: read-only). */
    public float[] values(String name) {
        return tensor(name).values();
    }

    /** Total number of weights. */
    public long parameterCount() {
        long n = 0;
        for (Tensor t : tensors.values()) {
            n += t.count();
        }
        return n;
    }

    /** A copy with another provenance (e.g. after more training steps). */
    public Checkpoint withProvenance(Provenance p) {
        return new Checkpoint(config, p, tensors);
    }

    @Override
    public String toString() {
        return "Checkpoint[" + tensors.size() + " tensors, " + parameterCount() + " weights, heads " + config.heads() + ", layers "
                + config.layers() + ", seq " + config.seqLength() + ", data " + provenance.dataSnapshot() + ", steps "
                + provenance.trainingSteps() + "]";
    }

    /** Equal configuration, provenance and tensor values. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Checkpoint c && c.config.equals(config) && c.provenance.equals(provenance)
                && c.tensors.equals(tensors);
    }

    @Override
    public int hashCode() {
        return config.hashCode() * 31 + Arrays.hashCode(tensors.keySet().toArray());
    }
}
