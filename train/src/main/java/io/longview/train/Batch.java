package io.longview.train;

import io.longview.core.checkpoint.ModelConfig;
import io.longview.core.model.Actions;

/**
 * One training or scoring batch on the host: plain Java arrays, no native memory. Fill it (the arrays are exposed
 * and mutable on purpose), then hand it to {@link TransActModel#forward} and {@link Losses}, which copy what they
 * need into a per-step {@link ai.djl.ndarray.NDManager}.
 *
 * <p>Layout (row-major, B = {@link #size()}, T = seqLen, E = dEmb, N = {@link #maxNegatives()}):
 * <pre>
 * tokens        float (B, T, E)   dequantized token embeddings, S_all order (oldest first), padding rows anything
 * actions       byte  (B, T)      action bits (click 1, save 2, hide 4, impression 8)
 * surfaces      int   (B, T)      surface ids, below config.surfaces() on real rows
 * lengths       int   (B)         real tokens per example, in [0, T]; rows [length, T) are padding
 * candidates    float (B, E)      candidate embedding e_c
 * dense         float (B, denseDim)
 * labels        float (B, H)      0/1 per head, in config.heads() order
 * negatives     float (B, N, E)   NAL negatives, dequantized (not necessarily normalized)
 * negativeCounts int  (B)         real negatives per example, in [0, N]
 * userIds       long  (B)         for in-batch negatives (rows of the same user are never each other's negatives)
 * </pre>
 */
public final class Batch {
    private final int size;
    private final int seqLen;
    private final int dEmb;
    private final int denseDim;
    private final int heads;
    private final int maxNegatives;
    private final float[] tokens;
    private final byte[] actions;
    private final int[] surfaces;
    private final int[] lengths;
    private final float[] candidates;
    private final float[] dense;
    private final float[] labels;
    private final float[] negatives;
    private final int[] negativeCounts;
    private final long[] userIds;

    private Batch(int size, int seqLen, int dEmb, int denseDim, int heads, int maxNegatives) {
        this.size = size;
        this.seqLen = seqLen;
        this.dEmb = dEmb;
        this.denseDim = denseDim;
        this.heads = heads;
        this.maxNegatives = maxNegatives;
        tokens = new float[size * seqLen * dEmb];
        actions = new byte[size * seqLen];
        surfaces = new int[size * seqLen];
        lengths = new int[size];
        candidates = new float[size * dEmb];
        dense = new float[size * denseDim];
        labels = new float[size * heads];
        negatives = new float[size * maxNegatives * dEmb];
        negativeCounts = new int[size];
        userIds = new long[size];
    }

    /** A zero-filled batch of {@code size} examples (all sequences empty) shaped for {@code config}. */
    public static Batch allocate(ModelConfig config, int size, int maxNegatives) {
        if (size <= 0 || maxNegatives < 0) {
            throw new IllegalArgumentException("batch size must be positive and maxNegatives non-negative, got "
                    + size + ", " + maxNegatives);
        }
        return new Batch(size, config.seqLength(), config.dEmb(), config.denseDim(), config.heads().size(), maxNegatives);
    }

    /**
     * This batch with T cut to its longest example ({@code max(lengths)}, at least 1): the same examples without the
     * padding columns no example uses, so that a batch of short sequences (the RT-only rows, users with short
     * histories) costs T'² instead of T² in attention. Padding never reaches a real row (causal and key-padding
     * masks), so the outputs of the real rows are the same up to float rounding. Returns this batch when nothing
     * can be cut.
     */
    public Batch trimmed() {
        int t = 1;
        for (int b = 0; b < size; b++) {
            t = Math.max(t, lengths[b]);
        }
        if (t >= seqLen) {
            return this;
        }
        Batch c = new Batch(size, t, dEmb, denseDim, heads, maxNegatives);
        for (int b = 0; b < size; b++) {
            System.arraycopy(tokens, b * seqLen * dEmb, c.tokens, b * t * dEmb, t * dEmb);
            System.arraycopy(actions, b * seqLen, c.actions, b * t, t);
            System.arraycopy(surfaces, b * seqLen, c.surfaces, b * t, t);
        }
        System.arraycopy(lengths, 0, c.lengths, 0, size);
        System.arraycopy(candidates, 0, c.candidates, 0, candidates.length);
        System.arraycopy(dense, 0, c.dense, 0, dense.length);
        System.arraycopy(labels, 0, c.labels, 0, labels.length);
        System.arraycopy(negatives, 0, c.negatives, 0, negatives.length);
        System.arraycopy(negativeCounts, 0, c.negativeCounts, 0, size);
        System.arraycopy(userIds, 0, c.userIds, 0, size);
        return c;
    }

    /**
     * Checks every example against {@code config} (shapes, lengths, surfaces, counts); call before a forward pass.
     * T may be below the model's {@code seqLen} ({@link #trimmed()}); positions then use the first T rows of E_pos.
     */
    public void validate(ModelConfig config) {
        if (seqLen > config.seqLength() || dEmb != config.dEmb() || denseDim != config.denseDim()
                || heads != config.heads().size()) {
            throw new IllegalArgumentException("batch shaped (seq " + seqLen + ", emb " + dEmb + ", dense " + denseDim
                    + ", heads " + heads + "), model expects (seq ≤ " + config.seqLength() + ", emb " + config.dEmb()
                    + ", dense " + config.denseDim() + ", heads " + config.heads().size() + ")");
        }
        for (int b = 0; b < size; b++) {
            if (lengths[b] < 0 || lengths[b] > seqLen) {
                throw new IllegalArgumentException("example " + b + " has length " + lengths[b] + ", expected 0.." + seqLen);
            }
            if (negativeCounts[b] < 0 || negativeCounts[b] > maxNegatives) {
                throw new IllegalArgumentException("example " + b + " has " + negativeCounts[b] + " negatives, expected 0.." + maxNegatives);
            }
            for (int t = 0; t < lengths[b]; t++) {
                int s = surfaces[b * seqLen + t];
                if (s < 0 || s >= config.surfaces()) {
                    throw new IllegalArgumentException("example " + b + " token " + t + " has surface " + s
                            + ", expected 0.." + (config.surfaces() - 1));
                }
                if ((actions[b * seqLen + t] & ~Actions.ALL_MASK) != 0 || config.actionBits() < Actions.COUNT
                        && (actions[b * seqLen + t] >> config.actionBits()) != 0) {
                    throw new IllegalArgumentException("example " + b + " token " + t + " has action bits "
                            + actions[b * seqLen + t] + " outside the model's " + config.actionBits());
                }
            }
        }
    }

    public int size() {
        return size;
    }

    public int seqLen() {
        return seqLen;
    }

    public int dEmb() {
        return dEmb;
    }

    public int denseDim() {
        return denseDim;
    }

    public int heads() {
        return heads;
    }

    public int maxNegatives() {
        return maxNegatives;
    }

    /** (B, T, E) dequantized token embeddings. */
    public float[] tokens() {
        return tokens;
    }

    /** (B, T) action bits. */
    public byte[] actions() {
        return actions;
    }

    /** (B, T) surface ids. */
    public int[] surfaces() {
        return surfaces;
    }

    /** (B) real tokens per example. */
    public int[] lengths() {
        return lengths;
    }

    /** (B, E) candidate embeddings. */
    public float[] candidates() {
        return candidates;
    }

    /** (B, denseDim) dense features. */
    public float[] dense() {
        return dense;
    }

    /** (B, H) 0/1 labels. */
    public float[] labels() {
        return labels;
    }

    /** (B, N, E) NAL negatives, dequantized. */
    public float[] negatives() {
        return negatives;
    }

    /** (B) real NAL negatives per example. */
    public int[] negativeCounts() {
        return negativeCounts;
    }

    /** (B) user ids. */
    public long[] userIds() {
        return userIds;
    }
}
