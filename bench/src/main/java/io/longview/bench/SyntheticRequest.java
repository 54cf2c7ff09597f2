package io.longview.bench;

import io.longview.core.model.Actions;
import io.longview.core.model.DenseFeatures;
import io.longview.core.model.Token;
import io.longview.core.model.TokenSequence;
import io.longview.core.model.UserSequences;

import java.util.SplittableRandom;

/**
 * One synthetic ranking request, seeded: a user with {@code lifelong} + {@code realtime} + {@code impressions} tokens
 * (uniform random int8 embeddings, random explicit actions on S_LL/S_RT and IMPRESSION on S_imp, random surfaces) and
 * {@code n} candidates (Gaussian embeddings, σ 0.3). Timestamps are distinct across all three sequences (S_LL older
 * than S_RT, impressions interleaved with both), so that chronological order is a plain sort by time in every path.
 *
 * @param user          the user's sequences, newest first
 * @param requestTimeMs the request time (after every token)
 * @param candidates    {@code (n, 32)} float embeddings, row-major
 * @param n             number of candidates
 */
public record SyntheticRequest(UserSequences user, long requestTimeMs, float[] candidates, int n) {
    private static final int D = Token.EMBEDDING_DIM;
    private static final long START_MS = 1_700_000_000_000L;

    /** A request with the given history sizes and {@code n} candidates, all drawn from {@code seed}. */
    public static SyntheticRequest of(int lifelong, int realtime, int impressions, int n, long seed) {
        if (lifelong < 0 || realtime < 0 || impressions < 0 || n < 0) {
            throw new IllegalArgumentException("sizes must be ≥ 0: lifelong " + lifelong + ", realtime " + realtime
                    + ", impressions " + impressions + ", candidates " + n);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        // time slots: explicit tokens take even slots (LL oldest, then RT), impressions odd slots among the newest
        int explicit = lifelong + realtime;
        long[] llTimes = new long[lifelong];
        long[] rtTimes = new long[realtime];
        for (int i = 0; i < explicit; i++) {
            long t = START_MS + 2_000L * i;
            if (i < lifelong) {
                llTimes[lifelong - 1 - i] = t;          // newest first
            } else {
                rtTimes[explicit - 1 - i] = t;
            }
        }
        long[] impTimes = new long[impressions];
        long newest = START_MS + 2_000L * Math.max(explicit - 1, 0);
        for (int i = 0; i < impressions; i++) {
            impTimes[i] = newest + 1_000L - 2_000L * i;      // odd slots going back from the newest explicit token
        }
        UserSequences user = new UserSequences(42L, sequence(rtTimes, false, rnd, 1_000_000L), sequence(llTimes, false, rnd, 0L),
                sequence(impTimes, true, rnd, 2_000_000L));
        float[] candidates = new float[n * D];
        for (int i = 0; i < candidates.length; i++) {
            candidates[i] = (float) (rnd.nextGaussian() * 0.3);
        }
        long requestTime = Math.max(newest, impressions > 0 ? impTimes[0] : 0) + 60_000L;
        return new SyntheticRequest(user, requestTime, candidates, n);
    }

    /** The first {@code m} candidates of this request (same user). */
    public SyntheticRequest withCandidates(int m) {
        if (m > n) {
            throw new IllegalArgumentException("asked for " + m + " candidates, the request has " + n);
        }
        return new SyntheticRequest(user, requestTimeMs, java.util.Arrays.copyOf(candidates, m * D), m);
    }

    /** The dense features of this request ({@link DenseFeatures}). */
    public float[] dense() {
        float[] d = new float[DenseFeatures.DIM];
        DenseFeatures.write(user.realtime().size(), user.lifelong().size(), user.impressions().size(), requestTimeMs, d, 0);
        return d;
    }

    private static TokenSequence sequence(long[] newestFirstTimes, boolean impressions, SplittableRandom rnd, long itemBase) {
        int n = newestFirstTimes.length;
        byte[] actions = new byte[n];
        byte[] surfaces = new byte[n];
        long[] items = new long[n];
        byte[] emb = new byte[n * D];
        for (int i = 0; i < n; i++) {
            actions[i] = impressions ? Actions.IMPRESSION : (byte) (1 + rnd.nextInt(Actions.EXPLICIT_MASK));
            surfaces[i] = (byte) rnd.nextInt(4);
            items[i] = itemBase + i;
        }
        for (int i = 0; i < emb.length; i++) {
            emb[i] = (byte) (rnd.nextInt(255) - 127);
        }
        return TokenSequence.wrap(newestFirstTimes.clone(), actions, surfaces, items, emb);
    }
}
