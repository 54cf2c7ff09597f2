package io.longview.synth;

import java.util.Arrays;

/**
 * The hidden truth about one synthetic user ({@link WorldConfig.Interests}): what drives their events, never written
 * to the dataset; tests and diagnostics use it to tell dormant-topic engagement from chance.
 *
 * @param userId            user id
 * @param joinMs            when the user's first session may start
 * @param organicActions    organic explicit actions drawn for this user ({@link ActivitySampler}); the user ends
 *                          with about this many organic tokens plus their feed engagements
 * @param coreTopics        interests for life, driving most sessions
 * @param coreWeights       their session weights, summing to 1
 * @param dormant           interests for life that the user seeks out only inside their windows
 * @param dislikedTopics    topics the user hides
 * @param engagementBias    the user's additive logit bias {@code b_u} for clicks
 */
public record UserProfile(long userId, long joinMs, int organicActions, int[] coreTopics, double[] coreWeights,
                          DormantInterest[] dormant, int[] dislikedTopics, double engagementBias) {

    /**
     * A dormant interest: the user seeks out {@code topic} only in {@code [activeFromMs, activeToMs)} and, when
     * {@code returnFromMs ≥ 0}, again in {@code [returnFromMs, returnToMs)}; the feed may reach them with it anytime.
     */
    public record DormantInterest(int topic, long activeFromMs, long activeToMs, long returnFromMs, long returnToMs) {
        /** True when the user seeks the topic out at {@code t}. */
        public boolean activeAt(long t) {
            return (t >= activeFromMs && t < activeToMs) || (returnFromMs >= 0 && t >= returnFromMs && t < returnToMs);
        }
    }

    public UserProfile {
        coreTopics = coreTopics.clone();
        coreWeights = coreWeights.clone();
        dormant = dormant.clone();
        dislikedTopics = dislikedTopics.clone();
    }

    @Override
    public int[] coreTopics() {
        return coreTopics.clone();
    }

    @Override
    public double[] coreWeights() {
        return coreWeights.clone();
    }

    @Override
    public DormantInterest[] dormant() {
        return dormant.clone();
    }

    @Override
    public int[] dislikedTopics() {
        return dislikedTopics.clone();
    }

    /** The dormant topics. */
    public int[] dormantTopics() {
        int[] t = new int[dormant.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = dormant[i].topic();
        }
        return t;
    }

    /** Core and dormant topics: the whole-life interest profile of the outcome model. */
    public int[] likedTopics() {
        int[] t = Arrays.copyOf(coreTopics, coreTopics.length + dormant.length);
        for (int i = 0; i < dormant.length; i++) {
            t[coreTopics.length + i] = dormant[i].topic();
        }
        return t;
    }

    public boolean isCore(int topic) {
        return contains(coreTopics, topic);
    }

    public boolean isDormant(int topic) {
        for (DormantInterest d : dormant) {
            if (d.topic() == topic) {
                return true;
            }
        }
        return false;
    }

    public boolean isDisliked(int topic) {
        return contains(dislikedTopics, topic);
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UserProfile p && userId == p.userId && joinMs == p.joinMs && organicActions == p.organicActions
                && Arrays.equals(coreTopics, p.coreTopics) && Arrays.equals(coreWeights, p.coreWeights)
                && Arrays.equals(dormant, p.dormant) && Arrays.equals(dislikedTopics, p.dislikedTopics)
                && Double.compare(engagementBias, p.engagementBias) == 0;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(userId) * 31 + Arrays.hashCode(coreTopics);
    }

    @Override
    public String toString() {
        return "UserProfile[user=" + userId + ", organicActions=" + organicActions + ", core=" + Arrays.toString(coreTopics)
                + ", dormant=" + Arrays.toString(dormant) + ", disliked=" + Arrays.toString(dislikedTopics) + "]";
    }
}
