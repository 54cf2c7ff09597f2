package io.longview.core.model;

import java.util.Arrays;

/**
 * One user action on one item (DESIGN §1), as a value. Sequences store tokens column by column
 * ({@link TokenSequence}); this record is for tests, boundaries and readable output, not for hot loops.
 *
 * @param timestampMs epoch ms; for a token folded from several events, the newest event's time
 * @param actions     multi-hot bits of {@link Actions}
 * @param surface     in [0, 16)
 * @param itemId      item identity
 * @param embedding   the item's quantized embedding, {@link #EMBEDDING_DIM} int8 values (copied, never shared)
 */
public record Token(long timestampMs, byte actions, byte surface, long itemId, byte[] embedding) {
    /** Width of an item content embedding (the paper's PinSage vector). */
    public static final int EMBEDDING_DIM = 32;

    public Token {
        if (embedding.length != EMBEDDING_DIM) {
            throw new IllegalArgumentException("embedding has " + embedding.length + " values, expected " + EMBEDDING_DIM);
        }
        if ((actions & ~Actions.ALL_MASK) != 0 || actions == 0) {
            throw new IllegalArgumentException("token actions must be a non-empty set of action bits, got " + actions);
        }
        Surfaces.check(surface);
        embedding = embedding.clone();
    }

    @Override
    public byte[] embedding() {
        return embedding.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Token t && t.timestampMs == timestampMs && t.actions == actions && t.surface == surface
                && t.itemId == itemId && Arrays.equals(t.embedding, embedding);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(timestampMs) * 31 + Long.hashCode(itemId) * 17 + actions;
    }

    @Override
    public String toString() {
        return "Token[ts=" + timestampMs + ", " + Actions.format(actions) + ", surface=" + Surfaces.name(surface)
                + ", item=" + itemId + "]";
    }
}
