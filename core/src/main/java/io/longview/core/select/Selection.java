package io.longview.core.select;

import io.longview.core.model.Token;
import io.longview.core.model.TokenSequence;
import io.longview.core.model.UserSequences;

/**
 * The result of selecting S_all for one candidate: up to {@code maxLength} references (part, index into that
 * part's newest-first sequence), in <b>chronological order, oldest first</b>; positions {@code size() ..
 * maxLength-1} are padding. Mutable and reusable: one instance per thread, refilled for every candidate, so that
 * selection allocates nothing per candidate. It also holds the selector's per-thread scratch space.
 */
public final class Selection {
    private final byte[] parts;   // (maxLength) SequencePart codes
    private final int[] indices;  // (maxLength) index into the part's newest-first sequence
    private int size;

    // scratch for the selector, grown on demand and then reused
    float[] scores = new float[0];       // (part length) cosine per token
    int[] heap = new int[0];             // (K) top-K heap of indices
    int[] chrono = new int[0];           // (maxLength) indices while merging into chronological order

    public Selection(int maxLength) {
        parts = new byte[maxLength];
        indices = new int[maxLength];
    }

    /** Number of selected (real, unpadded) tokens. */
    public int size() {
        return size;
    }

    /** Capacity: the model's sequence length. */
    public int maxLength() {
        return parts.length;
    }

    public SequencePart part(int i) {
        return SequencePart.ofCode(parts[checkIndex(i)]);
    }

    /** The part code of entry {@code i} (see {@link SequencePart#code()}). */
    public int partCode(int i) {
        return parts[checkIndex(i)];
    }

    /** The index of entry {@code i} in its part's newest-first sequence. */
    public int index(int i) {
        return indices[checkIndex(i)];
    }

    /** The sequence entry {@code i} refers to. */
    public static TokenSequence sequenceOf(UserSequences user, int partCode) {
        return switch (partCode) {
            case 0 -> user.lifelong();
            case 1 -> user.realtime();
            case 2 -> user.impressions();
            default -> throw new IllegalArgumentException("unknown part code " + partCode);
        };
    }

    /** Entry {@code i} as a token of {@code user}. */
    public Token token(UserSequences user, int i) {
        return sequenceOf(user, partCode(i)).token(index(i));
    }

    void clear() {
        size = 0;
    }

    void add(int partCode, int index) {
        parts[size] = (byte) partCode;
        indices[size] = index;
        size++;
    }

    void set(int i, int partCode, int index) {
        parts[i] = (byte) partCode;
        indices[i] = index;
    }

    private int checkIndex(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("selection entry " + i + " of " + size);
        }
        return i;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Selection[");
        for (int i = 0; i < size; i++) {
            sb.append(i == 0 ? "" : ", ").append(SequencePart.ofCode(parts[i]).shortName()).append(':').append(indices[i]);
        }
        return sb.append(']').toString();
    }
}
