package io.longview.synth;

/**
 * Draws a user's number of organic explicit actions over the world: lognormal,
 * {@code clamp(round(median · exp(sigma · Z)), min, max)} with {@code Z ~ N(0, 1)} ({@link WorldConfig.Activity}).
 * With the defaults (median 250, sigma 1.4, clamp [20, 50,000]) the distribution is heavy-tailed: the mean is about
 * 2.6 × the median, the top 1% of users hold about 17% of all actions, and about 1.4 users in 1,000 exceed
 * 16,100 actions (the S_RT + S_LL capacity of DESIGN §1), so a world of a few thousand users has users whose
 * lifelong sequence is full and evicting.
 */
public final class ActivitySampler {
    private final WorldConfig.Activity activity;

    public ActivitySampler(WorldConfig.Activity activity) {
        this.activity = activity;
    }

    /** One user's organic explicit actions. */
    int sample(WorldRandom rng) {
        double x = activity.medianActions() * StrictMath.exp(activity.sigma() * rng.nextGaussian());
        long n = Math.round(x);
        return (int) Math.max(activity.minActions(), Math.min(activity.maxActions(), n));
    }

    /**
     * The activity of users {@code 1 .. n} of a world with this seed, exactly as {@link SyntheticWorld} draws them
     * (the first draw of each user's stream), without simulating anything.
     */
    public int[] sampleUsers(long seed, int n) {
        int[] out = new int[n];
        for (int u = 1; u <= n; u++) {
            out[u - 1] = sample(WorldRandom.stream(seed, WorldRandom.USER, u));
        }
        return out;
    }
}
