package io.longview.core.select;

import io.longview.core.model.Token;
import io.longview.core.model.TokenSequence;
import io.longview.core.model.UserSequences;

/**
 * A user's sequences with every token's embedding dequantized and normalized once, shared by all candidates of a
 * request (request-level de-duplication, DESIGN §6.1). Immutable and safe to share between threads.
 *
 * <p>Since the quantization scale is one positive constant, {@code normalize(dequant(q)) = q / ‖q‖}: the clip
 * cancels and is not needed here. A zero vector normalizes to zero (similarity 0 to everything).
 */
public final class PreparedHistory {
    private static final int D = Token.EMBEDDING_DIM;

    private final UserSequences user;
    final float[] lifelong;    // (|S_LL|, 32) unit vectors
    final float[] realtime;    // (|S_RT|, 32)
    final float[] impressions; // (|S_imp|, 32)

    private PreparedHistory(UserSequences user) {
        this.user = user;
        this.lifelong = normalized(user.lifelong());
        this.realtime = normalized(user.realtime());
        this.impressions = normalized(user.impressions());
    }

    /** Dequantizes and normalizes every token of {@code user} once. */
    public static PreparedHistory of(UserSequences user) {
        return new PreparedHistory(user);
    }

    public UserSequences user() {
        return user;
    }

    /** The unit embeddings of a part, {@code (size, 32)} row-major; the caller must not modify it. */
    float[] vectors(int partCode) {
        return switch (partCode) {
            case 0 -> lifelong;
            case 1 -> realtime;
            case 2 -> impressions;
            default -> throw new IllegalArgumentException("unknown part code " + partCode);
        };
    }

    private static float[] normalized(TokenSequence s) {
        int n = s.size();
        float[] out = new float[n * D];
        byte[] q = new byte[D];
        for (int i = 0; i < n; i++) {
            s.copyEmbedding(i, q, 0);
            long sq = 0;
            for (int d = 0; d < D; d++) {
                sq += q[d] * q[d];
            }
            if (sq == 0) {
                continue;
            }
            double inv = 1.0 / Math.sqrt(sq);
            for (int d = 0; d < D; d++) {
                out[i * D + d] = (float) (q[d] * inv);
            }
        }
        return out;
    }
}
