package io.longview.kernels.engine;

import io.longview.core.checkpoint.Checkpoint;
import io.longview.core.checkpoint.ModelConfig;
import io.longview.core.checkpoint.Provenance;
import io.longview.core.model.Actions;
import io.longview.core.model.DenseFeatures;
import io.longview.core.model.Token;
import io.longview.core.model.TokenSequence;
import io.longview.core.model.UserSequences;
import io.longview.core.select.CandidateSelector;
import io.longview.core.select.PreparedHistory;
import io.longview.core.select.Selection;
import io.longview.core.select.SequencePart;
import io.longview.kernels.ScalarForward;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded checkpoints, users and candidates for the engine tests, and the reference ranking the engine must match:
 * core's {@link CandidateSelector} then {@link ScalarForward} per candidate (the engine's former implementation).
 */
final class EngineFixtures {
    static final int D = Token.EMBEDDING_DIM;
    static final long NOW = 1_764_000_000_000L;

    private EngineFixtures() {
    }

    /** Seeded random weights ({@link io.longview.core.checkpoint.RandomWeights}) for any configuration. */
    static Checkpoint randomCheckpoint(ModelConfig c, long seed) {
        return io.longview.core.checkpoint.RandomWeights.checkpoint(c, seed,
                Provenance.of("random", seed, "test", Instant.parse("2026-01-01T00:00:00Z"), 0));
    }

    /**
     * A user with the given part sizes. Embeddings come from a pool of 60 (so equal similarities are common, one of
     * them all zero) and timestamps often repeat (so equal times are too), within and across parts.
     */
    static UserSequences user(long seed, int lifelong, int realtime, int impressions, int surfaces) {
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[][] pool = new byte[60][D];
        for (int p = 1; p < pool.length; p++) {
            for (int d = 0; d < D; d++) {
                pool[p][d] = (byte) (rnd.nextInt(255) - 127);
            }
        }
        long t = NOW - 1000;
        List<Token> rt = new ArrayList<>();
        List<Token> imp = new ArrayList<>();
        List<Token> ll = new ArrayList<>();
        for (int i = 0; i < Math.max(realtime, impressions); i++) {
            if (i < realtime) {
                rt.add(token(rnd, pool, t, explicit(rnd), surfaces));
            }
            if (i < impressions) {
                imp.add(token(rnd, pool, t - rnd.nextInt(2) * 500, Actions.IMPRESSION, surfaces));
            }
            t -= rnd.nextInt(3) * 1000;
        }
        t -= 2000;
        for (int i = 0; i < lifelong; i++) {
            ll.add(token(rnd, pool, t, explicit(rnd), surfaces));
            t -= rnd.nextInt(3) * 60_000;
        }
        imp.sort((a, b) -> Long.compare(b.timestampMs(), a.timestampMs()));
        return new UserSequences(seed, TokenSequence.of(rt), TokenSequence.of(ll), TokenSequence.of(imp));
    }

    private static byte explicit(SplittableRandom rnd) {
        return (byte) (1 + rnd.nextInt(7)); // a non-empty subset of click, save, hide
    }

    private static Token token(SplittableRandom rnd, byte[][] pool, long t, byte actions, int surfaces) {
        return new Token(t, actions, (byte) rnd.nextInt(surfaces), rnd.nextLong(1_000_000), pool[rnd.nextInt(pool.length)]);
    }

    /** {@code (n, 32)}: a third are dequantized pool-like vectors of the user (exact ties), the rest Gaussian. */
    static float[] candidates(long seed, int n, UserSequences user) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] c = new float[n * D];
        for (int i = 0; i < n; i++) {
            TokenSequence ll = user.lifelong();
            boolean copy = i % 3 == 0 && !ll.isEmpty();
            int src = copy ? rnd.nextInt(ll.size()) : 0;
            for (int d = 0; d < D; d++) {
                c[i * D + d] = copy ? ll.embedding(src, d) * (0.65f / 127) : (float) rnd.nextGaussian() * 0.3f;
            }
        }
        return c;
    }

    /** The reference result: per candidate its S_all (part, index) and its head probabilities. */
    record Reference(float[] probabilities, List<List<int[]>> selections) {
    }

    static Reference reference(Checkpoint ck, UserSequences user, long requestTimeMs, float[] candidates, int n) {
        ModelConfig c = ck.config();
        float[] all = new float[DenseFeatures.DIM];
        DenseFeatures.write(user.realtime().size(), user.lifelong().size(), user.impressions().size(), requestTimeMs, all, 0);
        float[] dense = new float[c.denseDim()];
        for (int i = 0; i < dense.length; i++) {
            dense[i] = all[ModelConfig.DEFAULT_DENSE_FEATURES.indexOf(c.denseFeatures().get(i))];
        }
        CandidateSelector selector = new CandidateSelector(c.selection());
        PreparedHistory prepared = PreparedHistory.of(user);
        Selection sel = selector.newSelection();
        int h = c.heads().size();
        float[] out = new float[n * h];
        List<List<int[]>> sels = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] cand = java.util.Arrays.copyOfRange(candidates, i * D, (i + 1) * D);
            List<Token> tokens = new ArrayList<>();
            List<int[]> picked = new ArrayList<>();
            if (c.sequence()) {
                selector.select(prepared, cand, RankingEngine.salt(requestTimeMs, i), sel);
                for (int k = 0; k < sel.size(); k++) {
                    tokens.add(sel.token(user, k));
                    picked.add(new int[]{sel.partCode(k), sel.index(k)});
                }
            }
            sels.add(picked);
            System.arraycopy(ScalarForward.score(ck, tokens, cand, dense), 0, out, i * h, h);
        }
        return new Reference(out, sels);
    }

    static List<int[]> pickedOf(List<RankResult.Picked> picked) {
        List<int[]> out = new ArrayList<>();
        for (RankResult.Picked p : picked) {
            out.add(new int[]{p.part().code(), p.index()});
        }
        return out;
    }

    static String describe(List<int[]> sel) {
        StringBuilder sb = new StringBuilder("[");
        for (int[] p : sel) {
            sb.append(sb.length() > 1 ? ", " : "").append(SequencePart.ofCode(p[0]).shortName()).append(':').append(p[1]);
        }
        return sb.append(']').toString();
    }
}
