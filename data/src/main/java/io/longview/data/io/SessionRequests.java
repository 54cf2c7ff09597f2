package io.longview.data.io;

import io.longview.core.model.Actions;
import io.longview.core.model.Event;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Requests for logs that have no impressions (MovieLens, retail, music, video logs): the one rule every importer
 * uses ({@code import movielens}, and {@code import csv|jsonl --requests sessions}).
 *
 * <p>A user's explicit events, in (timestamp, item) order, are cut into sessions by a {@link SessionRule} (default: a
 * new session after a gap &gt; 30 min, at 1 h from its start, or after 20 events). A session starting at {@code t}
 * with {@code k} distinct engaged items becomes one request: an {@code impression} event at {@code t} for each of
 * those k items and for {@code round(negativeRatio · k)} sampled items the user <em>never</em> touched in the whole
 * log (uniform over the item universe, without replacement within the request, from a generator seeded by
 * (seed, userId): deterministic and independent of other users); then the session's events at their own times
 * (≥ t, &lt; t + maxDuration). A request's impressions are written in ascending item id. The example builder then
 * labels each candidate by the user's explicit events on it in {@code [t, t + labelWindowMs)} with
 * {@code labelWindowMs = maxDurationMs}: an engaged item by what the user did with it in the session, a sampled item
 * as a negative.
 */
public final class SessionRequests {
    private final SessionRule rule;
    private final double negativeRatio;
    private final long seed;
    private final long[] universe;
    private long requests;
    private long impressions;
    private long sampled;
    private long shortOfNegatives;

    /**
     * @param rule          how events are cut into sessions
     * @param negativeRatio sampled items per engaged item of a request, ≥ 0
     * @param seed          the sampling seed (mixed with each user id)
     * @param universe      the items to sample from, ascending, distinct
     */
    public SessionRequests(SessionRule rule, double negativeRatio, long seed, long[] universe) {
        if (!(negativeRatio >= 0 && negativeRatio <= 1000)) {
            throw new IllegalArgumentException("negative ratio " + negativeRatio + " must be in [0, 1000]");
        }
        this.rule = rule;
        this.negativeRatio = negativeRatio;
        this.seed = seed;
        this.universe = universe;
    }

    /**
     * Writes one user's requests and events.
     *
     * @param user        the user
     * @param items       the user's explicit events' items, sorted with {@code tsMs} by (timestamp, item)
     * @param tsMs        their timestamps
     * @param actions     their action bits (explicit: click, save or hide)
     * @param surfaces    their surfaces
     * @param n           how many events
     * @param touched     every item the user touched anywhere in the log, ascending (never sampled)
     * @param sink        receives impressions and events in output order
     */
    public void emitUser(long user, long[] items, long[] tsMs, byte[] actions, byte[] surfaces, int n, long[] touched,
                         Consumer<Event> sink) {
        SplittableRandom rng = new SplittableRandom(userSeed(seed, user));
        int available = universe.length - touched.length;
        int[] starts = rule.cut(tsMs, n);
        long[] distinct = new long[Math.max(1, n)];
        for (int s = 0; s + 1 < starts.length; s++) {
            int from = starts[s];
            int to = starts[s + 1];
            System.arraycopy(items, from, distinct, 0, to - from);
            Arrays.sort(distinct, 0, to - from);
            int k = 0;
            for (int i = 0; i < to - from; i++) {
                if (k == 0 || distinct[i] != distinct[k - 1]) {
                    distinct[k++] = distinct[i];
                }
            }
            long t = tsMs[from];
            int want = (int) Math.round(negativeRatio * k);
            int m = Math.min(want, Math.max(0, available));
            if (m < want) {
                shortOfNegatives++;
            }
            long[] candidates = Arrays.copyOf(distinct, k + m);
            System.arraycopy(sampleExcluding(universe, touched, m, rng).toSortedArray(), 0, candidates, k, m);
            Arrays.sort(candidates);
            byte surface = surfaces[from];
            for (long c : candidates) {
                sink.accept(new Event(user, c, t, Actions.IMPRESSION, surface));
            }
            for (int i = from; i < to; i++) {
                sink.accept(new Event(user, items[i], tsMs[i], actions[i], surfaces[i]));
            }
            requests++;
            impressions += candidates.length;
            sampled += m;
        }
    }

    /** Requests written so far. */
    public long requests() {
        return requests;
    }

    /** Impression events written so far (engaged and sampled). */
    public long impressions() {
        return impressions;
    }

    /** Sampled (never touched) impressions written so far. */
    public long sampled() {
        return sampled;
    }

    /** Requests that got fewer negatives than the ratio asks (the user touched nearly every item). */
    public long shortOfNegatives() {
        return shortOfNegatives;
    }

    /** The per-user sampling seed: a SplitMix64 mix of the seed and the user id. */
    public static long userSeed(long seed, long userId) {
        long z = seed * 0x9E3779B97F4A7C15L + userId + 0x4D4F5649454C454EL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Draws {@code n} distinct items uniformly from {@code universe} minus {@code excluded} (ascending): by rejection
     * while most of the universe is available, else by a partial shuffle of the available items.
     *
     * @param universe candidate items, ascending and distinct
     * @param excluded items never to draw, ascending
     * @param n        how many, at most {@code universe.length - |excluded ∩ universe|}
     */
    public static LongHashSet sampleExcluding(long[] universe, long[] excluded, int n, SplittableRandom rng) {
        LongHashSet chosen = new LongHashSet(Math.max(16, n));
        if (n == 0) {
            return chosen;
        }
        int available = universe.length - excluded.length;
        if (available >= 2 * n && available * 2L >= universe.length) {
            while (chosen.size() < n) {
                long id = universe[rng.nextInt(universe.length)];
                if (Arrays.binarySearch(excluded, id) < 0) {
                    chosen.add(id);
                }
            }
            return chosen;
        }
        long[] pool = new long[universe.length];
        int m = 0;
        for (long id : universe) {
            if (Arrays.binarySearch(excluded, id) < 0) {
                pool[m++] = id;
            }
        }
        for (int i = 0; i < n; i++) {
            int j = i + rng.nextInt(m - i);
            long tmp = pool[i];
            pool[i] = pool[j];
            pool[j] = tmp;
            chosen.add(pool[i]);
        }
        return chosen;
    }
}
