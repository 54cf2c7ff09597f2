package io.longview.core.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Point-in-time statistics of one item over all users (issue 11.3): the <b>one definition</b> that the example builder
 * (from the event log, strictly before each request) and serving (from the counters the store keeps on ingest) both
 * use, so that training and serving see the same values for the same events at the same time.
 *
 * <h2>State</h2>
 * Per item, for each action kind (impression, click, save, hide) and each half-life h of {@link #HALF_LIVES_MS}
 * (1 hour, 1 day, 30 days), an <b>exponentially decayed count</b>
 * <pre>
 *   n_{kind,h}(t) = Σ over counted actions a of that kind with a.time ≤ t :  2^(−(t − a.time) / h)
 * </pre>
 * held as its value at a reference time (the newest counted action's time) in double precision, plus the item's
 * <b>first-seen</b> time (the oldest counted action). Adding an action is O(1) and exact in any arrival order: an
 * action older than the reference adds {@code 2^(−Δ/h)}, a newer one decays the sum to its time first. No window
 * buffers are kept.
 *
 * <h2>What counts</h2>
 * A <b>counted action</b> is an event that adds an action bit to its user's token of that item and fold window, in a
 * token that is kept ({@link UserHistory#lastApplyCounted()}, the reference semantics): the first click of a user on
 * an item in a 10-minute window counts, at its time; repeats in the same window and replays do not. So the counts are
 * "distinct user actions", robust to repeated clicks, and the store keeps them idempotently on append. The example
 * builder replays each user's events in time order through {@link UserHistory} to find them; the store applies events
 * in arrival order, which gives the same counted actions when each user's events arrive in time order (out of order,
 * an event for a token a cap has evicted may count again, as it starts a new token).
 *
 * <h2>Features</h2> ({@link #DIM} floats, names {@link #FEATURE_NAMES}, at a time {@code t})
 * <pre>
 *  [0..2]   log1p(n_impression,{1h,1d,30d}(t))
 *  [3..5]   log1p(n_click,{1h,1d,30d}(t))
 *  [6..8]   log1p(n_save,{1h,1d,30d}(t))
 *  [9..11]  log1p(n_hide,{1h,1d,30d}(t))
 *  [12..13] click rate 1d, 30d      rate = (n_action + PRIOR_STRENGTH · PRIOR_MEAN) / (n_impression + PRIOR_STRENGTH)
 *  [14..15] save rate  1d, 30d      (a Beta prior: {@link #PRIOR_STRENGTH} pseudo-impressions with
 *  [16..17] hide rate  1d, 30d       {@link #PRIOR_MEAN} engagement each)
 *  [18]     log1p(age in hours)     age = t − first seen
 * </pre>
 * An item <b>never seen</b> before {@code t} has counts 0, rates {@link #PRIOR_MEAN} and age 0 (it is as new as an
 * item can be). When {@code t} is older than the reference (serving asked about a time before an action the store
 * already holds, e.g. a client clock behind the log), the values are those at the reference time and the age is at
 * least 0: statistics never grow backwards in time.
 *
 * <p>Not thread-safe; one instance per item.
 */
public final class ItemStatistics {
    /** The half-lives of the decayed counters: 1 hour, 1 day, 30 days. */
    public static final long[] HALF_LIVES_MS = {3_600_000L, 86_400_000L, 30L * 86_400_000L};
    private static final String[] HALF_LIFE_NAMES = {"1h", "1d", "30d"};
    /** Action kinds in counter order: their {@link Actions} bits. */
    private static final byte[] KIND_BITS = {Actions.IMPRESSION, Actions.CLICK, Actions.SAVE, Actions.HIDE};
    private static final String[] KIND_NAMES = {"impressions", "clicks", "saves", "hides"};
    /** Number of action kinds (impression, click, save, hide). */
    public static final int KINDS = KIND_BITS.length;
    /** Number of decayed counters: {@code KINDS × HALF_LIVES_MS.length}, kind-major. */
    public static final int COUNTERS = KINDS * HALF_LIVES_MS.length;
    /** Pseudo-impressions of the rates' Beta prior. */
    public static final double PRIOR_STRENGTH = 10.0;
    /** Prior engagement rate per impression, for click, save and hide alike. */
    public static final double PRIOR_MEAN = 0.05;
    /** The feature names, in feature order; a checkpoint's dense feature names record those a model uses. */
    public static final List<String> FEATURE_NAMES = featureNames();
    /** Number of features. */
    public static final int DIM = FEATURE_NAMES.size();
    /** "Never": the reference and first-seen time of an item without a counted action. */
    public static final long NEVER = Long.MIN_VALUE;

    private static final double[] RATE = new double[HALF_LIVES_MS.length]; // ln 2 / h, per ms
    static {
        for (int h = 0; h < HALF_LIVES_MS.length; h++) {
            RATE[h] = Math.log(2) / HALF_LIVES_MS[h];
        }
    }

    private final double[] counts = new double[COUNTERS]; // value at referenceMs, index kind * H + h
    private long referenceMs = NEVER;
    private long firstSeenMs = NEVER;

    /** An item with no counted action. */
    public ItemStatistics() {
    }

    /**
     * Statistics from stored state (the store's record).
     *
     * @param counts the {@link #COUNTERS} decayed counts at {@code referenceMs}, kind-major
     * @throws IllegalArgumentException for a wrong count, a negative or non-finite value, or first seen after the
     *                                  reference
     */
    public static ItemStatistics of(long referenceMs, long firstSeenMs, double[] counts) {
        if (counts.length != COUNTERS) {
            throw new IllegalArgumentException("item statistics have " + counts.length + " counters, expected " + COUNTERS);
        }
        if ((referenceMs == NEVER) != (firstSeenMs == NEVER) || (referenceMs != NEVER && firstSeenMs > referenceMs)) {
            throw new IllegalArgumentException("item statistics first seen " + firstSeenMs + " after the reference " + referenceMs);
        }
        ItemStatistics s = new ItemStatistics();
        for (int i = 0; i < COUNTERS; i++) {
            if (!(counts[i] >= 0) || !Double.isFinite(counts[i]) || (referenceMs == NEVER && counts[i] != 0)) {
                throw new IllegalArgumentException("item statistics counter " + i + " is " + counts[i]);
            }
            s.counts[i] = counts[i];
        }
        s.referenceMs = referenceMs;
        s.firstSeenMs = firstSeenMs;
        return s;
    }

    /** The counter index of an action bit's kind, or −1 for a bit that is not counted. */
    public static int kindOf(int actionBit) {
        for (int k = 0; k < KINDS; k++) {
            if (KIND_BITS[k] == actionBit) {
                return k;
            }
        }
        return -1;
    }

    /**
     * Counts one action (a single {@link Actions} bit) at {@code timestampMs}; the caller has decided that it is a
     * counted action (see the class comment).
     */
    public void add(int actionBit, long timestampMs) {
        int kind = kindOf(actionBit);
        if (kind < 0) {
            throw new IllegalArgumentException("action " + actionBit + " is not one action bit");
        }
        if (referenceMs == NEVER) {
            referenceMs = timestampMs;
            firstSeenMs = timestampMs;
        } else if (timestampMs > referenceMs) {
            for (int h = 0; h < HALF_LIVES_MS.length; h++) {
                double f = Math.exp(-RATE[h] * (timestampMs - referenceMs));
                for (int k = 0; k < KINDS; k++) {
                    counts[k * HALF_LIVES_MS.length + h] *= f;
                }
            }
            referenceMs = timestampMs;
        }
        firstSeenMs = Math.min(firstSeenMs, timestampMs);
        for (int h = 0; h < HALF_LIVES_MS.length; h++) {
            counts[kind * HALF_LIVES_MS.length + h] += Math.exp(-RATE[h] * (referenceMs - timestampMs));
        }
    }

    /** Whether any action was counted. */
    public boolean seen() {
        return referenceMs != NEVER;
    }

    /** The newest counted action's time, the counters' reference, or {@link #NEVER}. */
    public long referenceMs() {
        return referenceMs;
    }

    /** The oldest counted action's time, or {@link #NEVER}. */
    public long firstSeenMs() {
        return firstSeenMs;
    }

    /** A copy of the counters at {@link #referenceMs()}, kind-major. */
    public double[] countsAtReference() {
        return counts.clone();
    }

    /** The decayed count of {@code kind} (0 impression, 1 click, 2 save, 3 hide) with half-life index {@code h} at {@code atMs}. */
    public double count(int kind, int h, long atMs) {
        if (referenceMs == NEVER) {
            return 0;
        }
        long dt = Math.max(0, atMs - referenceMs);
        return counts[kind * HALF_LIVES_MS.length + h] * Math.exp(-RATE[h] * dt);
    }

    /** The item's age at {@code atMs} in milliseconds (0 when never seen, never negative). */
    public long ageMs(long atMs) {
        return referenceMs == NEVER ? 0 : Math.max(0, Math.max(atMs, referenceMs) - firstSeenMs);
    }

    /** Writes the {@link #DIM} features at {@code atMs} into {@code dst[off .. off + DIM)}. */
    public void writeFeatures(long atMs, float[] dst, int off) {
        int nh = HALF_LIVES_MS.length;
        double[] c = new double[COUNTERS];
        for (int k = 0; k < KINDS; k++) {
            for (int h = 0; h < nh; h++) {
                c[k * nh + h] = count(k, h, atMs);
                dst[off + k * nh + h] = (float) Math.log1p(c[k * nh + h]);
            }
        }
        int at = off + COUNTERS;
        for (int k = 1; k < KINDS; k++) {
            for (int h = 1; h < nh; h++) {
                dst[at++] = (float) ((c[k * nh + h] + PRIOR_STRENGTH * PRIOR_MEAN) / (c[h] + PRIOR_STRENGTH));
            }
        }
        dst[at] = (float) Math.log1p(ageMs(atMs) / 3_600_000.0);
    }

    /** The features of an item never seen: {@link #writeFeatures} of an empty instance. */
    public static void writeUnseen(float[] dst, int off) {
        new ItemStatistics().writeFeatures(0, dst, off);
    }

    private static List<String> featureNames() {
        List<String> n = new ArrayList<>();
        for (String k : KIND_NAMES) {
            for (String h : HALF_LIFE_NAMES) {
                n.add("item_log_" + k + "_" + h);
            }
        }
        for (int k = 1; k < KIND_NAMES.length; k++) {
            for (int h = 1; h < HALF_LIFE_NAMES.length; h++) {
                n.add("item_" + KIND_NAMES[k].substring(0, KIND_NAMES[k].length() - 1) + "_rate_" + HALF_LIFE_NAMES[h]);
            }
        }
        n.add("item_log_age_hours");
        return Collections.unmodifiableList(n);
    }

    @Override
    public String toString() {
        return "ItemStatistics[reference=" + referenceMs + ", firstSeen=" + firstSeenMs + ", counts=" + java.util.Arrays.toString(counts) + "]";
    }
}
