package io.longview.core.checkpoint;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a checkpoint came from (STYLE 8): enough to reproduce it or to tell two apart.
 *
 * @param dataSnapshot  the training data's identity, e.g. an example-file name and its checksum
 * @param seed          the training seed
 * @param codeVersion   the code that trained it, e.g. {@code git describe --always --dirty}
 * @param createdAt     when the checkpoint was written
 * @param trainingSteps optimizer steps taken, ≥ 0
 * @param notes         free-form key/value notes (learning rate, batch size, ablation name, …), sorted by key;
 *                      keys {@code [A-Za-z0-9_.-]+}, values any text
 */
public record Provenance(String dataSnapshot, long seed, String codeVersion, Instant createdAt, long trainingSteps,
                         Map<String, String> notes) {

    public Provenance {
        if (dataSnapshot == null || codeVersion == null || createdAt == null || notes == null) {
            throw new IllegalArgumentException("provenance fields must be set: dataSnapshot " + dataSnapshot + ", codeVersion "
                    + codeVersion + ", createdAt " + createdAt + ", notes " + notes);
        }
        if (trainingSteps < 0) {
            throw new IllegalArgumentException("trainingSteps must be ≥ 0, got " + trainingSteps);
        }
        TreeMap<String, String> sorted = new TreeMap<>();
        for (Map.Entry<String, String> e : notes.entrySet()) {
            if (e.getKey() == null || !ModelConfig.NAME.matcher(e.getKey()).matches()) {
                throw new IllegalArgumentException("note key '" + e.getKey() + "' must match " + ModelConfig.NAME.pattern());
            }
            if (e.getValue() == null) {
                throw new IllegalArgumentException("note '" + e.getKey() + "' has no value");
            }
            sorted.put(e.getKey(), e.getValue());
        }
        notes = Collections.unmodifiableSortedMap(sorted);
    }

    /** A provenance without notes. */
    public static Provenance of(String dataSnapshot, long seed, String codeVersion, Instant createdAt, long trainingSteps) {
        return new Provenance(dataSnapshot, seed, codeVersion, createdAt, trainingSteps, Map.of());
    }

    /** A copy with one more note (replacing one of the same key). */
    public Provenance withNote(String key, String value) {
        TreeMap<String, String> n = new TreeMap<>(notes);
        n.put(key, value);
        return new Provenance(dataSnapshot, seed, codeVersion, createdAt, trainingSteps, n);
    }
}
