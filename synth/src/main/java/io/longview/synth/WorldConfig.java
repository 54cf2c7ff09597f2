package io.longview.synth;

import io.longview.core.model.Event;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything that defines a synthetic world; the world is a pure function of this record (seed included), and the
 * whole record is written into the dataset manifest ({@link #toParameters()}). The model each part drives is
 * described in {@link WorldGenerator}; every default is listed there and in the module README.
 *
 * <p>Start from {@link #defaults()} (2,000 users) or {@link #small()} (50 users, seconds) and change what you need:
 * <pre>{@code
 * WorldConfig c = WorldConfig.defaults().withUsers(10_000).withSeed(7).withGzipEvents(true);
 * }</pre>
 *
 * @param users        number of users; user ids are {@code 1 .. users}
 * @param seed         the world seed: same seed and config, byte-identical dataset
 * @param startMs      the start of the world, epoch ms (default 2023-01-01T00:00:00Z)
 * @param spanDays     the length of the world in days (default 730: two years)
 * @param splitFraction the suggested train/eval split as a fraction of the span (default 0.9: the last 73 days
 *                     evaluate)
 * @param catalog      topics and item embeddings
 * @param activity     how much and when users act
 * @param interests    what users like, have forgotten, and dislike
 * @param sessions     how organic sessions pick topics and actions
 * @param feed         home-feed requests: size and composition
 * @param engagement   the outcome model of an impression
 * @param gzipEvents   write {@code events.csv.gz} instead of {@code events.csv} (the world is the same)
 */
public record WorldConfig(int users, long seed, long startMs, int spanDays, double splitFraction, Catalog catalog,
                          Activity activity, Interests interests, Sessions sessions, Feed feed, Engagement engagement,
                          boolean gzipEvents) {
    /** 2023-01-01T00:00:00Z. */
    public static final long DEFAULT_START_MS = Instant.parse("2023-01-01T00:00:00Z").toEpochMilli();
    /** Users of {@link #defaults()}: a world that trains meaningfully on a laptop in minutes. */
    public static final int DEFAULT_USERS = 2_000;
    /** Users of {@link #small()}: a world for tests and demos, generated in about a second. */
    public static final int SMALL_USERS = 50;
    public static final long DEFAULT_SEED = 42;
    /** Longest supported span: keeps (time offset, event index) packable into one long. */
    public static final int MAX_SPAN_DAYS = 3_650;

    public WorldConfig {
        if (users < 1) {
            throw new IllegalArgumentException("users must be ≥ 1, got " + users);
        }
        if (spanDays < 30 || spanDays > MAX_SPAN_DAYS) {
            throw new IllegalArgumentException("spanDays must be in [30, " + MAX_SPAN_DAYS + "], got " + spanDays);
        }
        Event.checkTimestamp(startMs);
        Event.checkTimestamp(startMs + spanDays * DAY_MS + feedLabelWindow(feed));
        if (!(splitFraction > 0 && splitFraction < 1)) {
            throw new IllegalArgumentException("splitFraction must be in (0, 1), got " + splitFraction);
        }
        if (catalog == null || activity == null || interests == null || sessions == null || feed == null || engagement == null) {
            throw new IllegalArgumentException("every part of the world config is required (catalog, activity, interests, sessions, feed, engagement)");
        }
        int needed = interests.coreMax() + interests.dormantMax() + interests.dislikedMax() + 1;
        if (catalog.topics() < needed) {
            throw new IllegalArgumentException("catalog has " + catalog.topics() + " topics, users need up to " + needed
                    + " distinct ones (core " + interests.coreMax() + " + dormant " + interests.dormantMax() + " + disliked "
                    + interests.dislikedMax() + " + 1 to explore)");
        }
        if (feed.impressionsPerRequest() > catalog.itemsPerTopic()) {
            throw new IllegalArgumentException("impressionsPerRequest " + feed.impressionsPerRequest()
                    + " exceeds itemsPerTopic " + catalog.itemsPerTopic() + ": a request could not fill its slots with distinct items");
        }
    }

    private static final long DAY_MS = Duration.ofDays(1).toMillis();

    private static long feedLabelWindow(Feed feed) {
        return feed == null ? 0 : feed.labelWindowMs();
    }

    /** The default world: {@value #DEFAULT_USERS} users, seed {@value #DEFAULT_SEED}, all parts at their defaults. */
    public static WorldConfig defaults() {
        return new WorldConfig(DEFAULT_USERS, DEFAULT_SEED, DEFAULT_START_MS, 730, 0.9, Catalog.DEFAULT, Activity.DEFAULT,
                Interests.DEFAULT, Sessions.DEFAULT, Feed.DEFAULT, Engagement.DEFAULT, false);
    }

    /** The default world with {@value #SMALL_USERS} users. */
    public static WorldConfig small() {
        return defaults().withUsers(SMALL_USERS);
    }

    public WorldConfig withUsers(int n) {
        return new WorldConfig(n, seed, startMs, spanDays, splitFraction, catalog, activity, interests, sessions, feed, engagement, gzipEvents);
    }

    public WorldConfig withSeed(long s) {
        return new WorldConfig(users, s, startMs, spanDays, splitFraction, catalog, activity, interests, sessions, feed, engagement, gzipEvents);
    }

    public WorldConfig withGzipEvents(boolean gz) {
        return new WorldConfig(users, seed, startMs, spanDays, splitFraction, catalog, activity, interests, sessions, feed, engagement, gz);
    }

    public WorldConfig withCatalog(Catalog c) {
        return new WorldConfig(users, seed, startMs, spanDays, splitFraction, c, activity, interests, sessions, feed, engagement, gzipEvents);
    }

    public WorldConfig withActivity(Activity a) {
        return new WorldConfig(users, seed, startMs, spanDays, splitFraction, catalog, a, interests, sessions, feed, engagement, gzipEvents);
    }

    public WorldConfig withInterests(Interests i) {
        return new WorldConfig(users, seed, startMs, spanDays, splitFraction, catalog, activity, i, sessions, feed, engagement, gzipEvents);
    }

    public WorldConfig withSessions(Sessions s) {
        return new WorldConfig(users, seed, startMs, spanDays, splitFraction, catalog, activity, interests, s, feed, engagement, gzipEvents);
    }

    public WorldConfig withFeed(Feed f) {
        return new WorldConfig(users, seed, startMs, spanDays, splitFraction, catalog, activity, interests, sessions, f, engagement, gzipEvents);
    }

    public WorldConfig withEngagement(Engagement e) {
        return new WorldConfig(users, seed, startMs, spanDays, splitFraction, catalog, activity, interests, sessions, feed, e, gzipEvents);
    }

    /** The end of the world (exclusive): no session starts at or after it; feed outcomes may follow it by less than the label window. */
    public long endMs() {
        return startMs + spanDays * DAY_MS;
    }

    /** The suggested split: {@code startMs + splitFraction * span}, rounded down to the millisecond. */
    public long splitTimeMs() {
        return startMs + (long) (splitFraction * (spanDays * DAY_MS));
    }

    /** The dataset name the generator gives this world: {@code synthetic-<users>}. */
    public String datasetName() {
        return "synthetic-" + users;
    }

    /**
     * The whole config as an ordered map of plain values (nested maps for the parts), for the dataset manifest.
     * Component order is declaration order, so the JSON is byte-stable.
     */
    public Map<String, Object> toParameters() {
        return toMap(this);
    }

    private static Map<String, Object> toMap(Record r) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            Object v;
            try {
                v = c.getAccessor().invoke(r);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + c.getName() + " of " + r.getClass().getSimpleName(), e);
            }
            m.put(c.getName(), v instanceof Record nested ? toMap(nested) : v);
        }
        return m;
    }

    private static void requireProbability(String name, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(name + " must be a probability in [0, 1], got " + p);
        }
    }

    private static void requirePositive(String name, double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(name + " must be a positive finite number, got " + v);
        }
    }

    private static void requireRange(String name, int min, int max, int floor) {
        if (min < floor || max < min) {
            throw new IllegalArgumentException(name + " range [" + min + ", " + max + "] is invalid (need " + floor + " ≤ min ≤ max)");
        }
    }

    /**
     * Topics and item embeddings. Topic {@code k} has a centre {@code c_k ~ N(0, centreScale²)^32}; each of its
     * {@code itemsPerTopic} items has the embedding {@code c_k + N(0, noiseScale²)^32} (per-dimension scale
     * {@code sqrt(centreScale² + noiseScale²)} ≈ 0.22 by default, so the int8 quantizer with clip 0.65 clips under
     * 0.5% of values). Within a topic, item of popularity rank {@code r} (0 = most popular) is drawn with probability
     * ∝ {@code (r + 1)^-popularityExponent}. Item ids {@code 1 .. topics·itemsPerTopic} are a seeded permutation, so an
     * id says nothing about its topic.
     *
     * @param topics             number of topic clusters (default 64)
     * @param itemsPerTopic      items per topic (default 300)
     * @param centreScale        per-dimension standard deviation of topic centres (default 0.2)
     * @param noiseScale         per-dimension standard deviation of an item around its centre (default 0.1)
     * @param popularityExponent Zipf exponent of item popularity within a topic (default 0.7)
     */
    public record Catalog(int topics, int itemsPerTopic, double centreScale, double noiseScale, double popularityExponent) {
        public static final Catalog DEFAULT = new Catalog(64, 300, 0.2, 0.1, 0.7);

        public Catalog {
            if (topics < 2 || itemsPerTopic < 1 || (long) topics * itemsPerTopic > 10_000_000) {
                throw new IllegalArgumentException("catalog of " + topics + " topics × " + itemsPerTopic
                        + " items is invalid (need ≥ 2 topics, ≥ 1 item each, ≤ 10,000,000 items)");
            }
            requirePositive("centreScale", centreScale);
            requirePositive("noiseScale", noiseScale);
            if (!(popularityExponent >= 0) || !Double.isFinite(popularityExponent)) {
                throw new IllegalArgumentException("popularityExponent must be ≥ 0, got " + popularityExponent);
            }
        }

        public int items() {
            return topics * itemsPerTopic;
        }
    }

    /**
     * How much and when users act. A user's number of organic explicit actions over the world is
     * {@code clamp(round(medianActions · exp(sigma · Z)), minActions, maxActions)}, {@code Z ~ N(0,1)} (lognormal:
     * heavy-tailed; with the defaults the mean is ≈ 2.6 × the median, and about 1.4 users in 1,000 exceed 16,100,
     * the S_RT + S_LL capacity). A user joins at {@code startMs + U(0, joinSpread) · span} and stays to the end.
     * Actions come in sessions of {@code 1 + Geometric} actions (mean {@code meanSessionActions}); sessions come in
     * bursts: burst centres uniform over the user's life, {@code sessionsPerBurst} sessions per burst on average, the
     * sessions of a burst separated by {@code Exp(burstGapHours)}; consecutive sessions are at least
     * {@code minSessionGapMinutes} apart (so no fold window spans two sessions).
     *
     * @param medianActions       median organic explicit actions per user (default 250)
     * @param sigma               lognormal shape (default 1.4)
     * @param minActions          lower clamp (default 20)
     * @param maxActions          upper clamp (default 50,000), bounds one user's memory and time
     * @param joinSpread          users join within the first {@code joinSpread} of the span (default 0.2)
     * @param meanSessionActions  mean organic actions per session (default 10)
     * @param sessionsPerBurst    mean sessions per burst (default 3)
     * @param burstGapHours       mean gap between the sessions of a burst (default 4 h)
     * @param minSessionGapMinutes minimum gap between the end of a session and the start of the next (default 15)
     */
    public record Activity(double medianActions, double sigma, int minActions, int maxActions, double joinSpread,
                           double meanSessionActions, double sessionsPerBurst, double burstGapHours, int minSessionGapMinutes) {
        public static final Activity DEFAULT = new Activity(250, 1.4, 20, 50_000, 0.2, 10, 3, 4, 15);

        public Activity {
            requirePositive("medianActions", medianActions);
            if (!(sigma >= 0) || !Double.isFinite(sigma)) {
                throw new IllegalArgumentException("sigma must be ≥ 0, got " + sigma);
            }
            requireRange("actions", minActions, maxActions, 1);
            if (maxActions > 1_000_000) {
                throw new IllegalArgumentException("maxActions must be ≤ 1,000,000, got " + maxActions);
            }
            if (!(joinSpread >= 0 && joinSpread <= 0.5)) {
                throw new IllegalArgumentException("joinSpread must be in [0, 0.5], got " + joinSpread);
            }
            if (!(meanSessionActions >= 1) || !Double.isFinite(meanSessionActions)) {
                throw new IllegalArgumentException("meanSessionActions must be ≥ 1, got " + meanSessionActions);
            }
            if (!(sessionsPerBurst >= 1) || !Double.isFinite(sessionsPerBurst)) {
                throw new IllegalArgumentException("sessionsPerBurst must be ≥ 1, got " + sessionsPerBurst);
            }
            requirePositive("burstGapHours", burstGapHours);
            if (minSessionGapMinutes < 11) {
                throw new IllegalArgumentException("minSessionGapMinutes must be ≥ 11 (longer than a fold window), got " + minSessionGapMinutes);
            }
        }
    }

    /**
     * What a user likes, once liked, and dislikes: distinct topics drawn uniformly.
     * <ul>
     *   <li><b>Core</b> topics ({@code coreMin..coreMax}, Dirichlet(1) weights) are interests for life and drive most
     *       sessions.</li>
     *   <li><b>Dormant</b> topics ({@code dormantMin..dormantMax}) are interests for life too (the feed outcome model
     *       treats them like core topics), but the user <i>seeks them out</i> only in an active window of
     *       {@code U(dormantWindowMinDays, dormantWindowMaxDays)} days starting within the first
     *       {@code dormantLatestStart} of their life, and, with probability {@code returnProbability}, once more in a
     *       return window of {@code U(returnWindowMinDays, returnWindowMaxDays)} days at least
     *       {@code minAbsenceDays} after the active window. Outside these windows the topic only reaches the user
     *       through the feed.</li>
     *   <li><b>Disliked</b> topics ({@code dislikedMin..dislikedMax}) are hidden when shown.</li>
     * </ul>
     *
     * @param coreMin              (default 2)
     * @param coreMax              (default 4)
     * @param dormantMin           (default 2)
     * @param dormantMax           (default 4)
     * @param dislikedMin          (default 1)
     * @param dislikedMax          (default 3)
     * @param dormantActiveWeight  session-topic weight of a dormant topic inside its windows, next to core weights
     *                             that sum to 1 (default 0.6)
     * @param dormantWindowMinDays (default 30)
     * @param dormantWindowMaxDays (default 120)
     * @param dormantLatestStart   active windows start within this fraction of the user's life (default 0.6)
     * @param returnProbability    chance of a return window (default 0.5)
     * @param minAbsenceDays       minimum gap between the active and the return window (default 90)
     * @param returnWindowMinDays  (default 14)
     * @param returnWindowMaxDays  (default 42)
     */
    public record Interests(int coreMin, int coreMax, int dormantMin, int dormantMax, int dislikedMin, int dislikedMax,
                            double dormantActiveWeight, int dormantWindowMinDays, int dormantWindowMaxDays,
                            double dormantLatestStart, double returnProbability, int minAbsenceDays,
                            int returnWindowMinDays, int returnWindowMaxDays) {
        public static final Interests DEFAULT = new Interests(2, 4, 2, 4, 1, 3, 0.6, 30, 120, 0.6, 0.5, 90, 14, 42);

        public Interests {
            requireRange("core topics", coreMin, coreMax, 1);
            requireRange("dormant topics", dormantMin, dormantMax, 0);
            requireRange("disliked topics", dislikedMin, dislikedMax, 0);
            requirePositive("dormantActiveWeight", dormantActiveWeight);
            requireRange("dormant window days", dormantWindowMinDays, dormantWindowMaxDays, 1);
            if (!(dormantLatestStart > 0 && dormantLatestStart <= 1)) {
                throw new IllegalArgumentException("dormantLatestStart must be in (0, 1], got " + dormantLatestStart);
            }
            requireProbability("returnProbability", returnProbability);
            if (minAbsenceDays < 0) {
                throw new IllegalArgumentException("minAbsenceDays must be ≥ 0, got " + minAbsenceDays);
            }
            requireRange("return window days", returnWindowMinDays, returnWindowMaxDays, 1);
        }
    }

    /**
     * How an organic session picks its topics and actions. A session keeps the previous session's topics with
     * probability {@code continueProbability}; otherwise it draws one topic, or two with probability
     * {@code twoTopicProbability}, each a random non-disliked topic with probability {@code explorationProbability}
     * and else from the weights of the core topics and the dormant topics inside a window. Each organic action is,
     * with probability {@code organicHideProbability}, a hide of a disliked-topic item on the home surface;
     * otherwise a click on an item of a session topic (of a random non-disliked topic with probability
     * {@code explorationProbability}) on search or related (half each; home with probability
     * {@code homeProbability}), followed with probability {@code organicSaveProbability} by a save of the same item
     * 1 s + Exp(15 s) later. Actions are 5 s + Exp(40 s) apart.
     *
     * @param continueProbability    (default 0.5)
     * @param twoTopicProbability    (default 0.4)
     * @param explorationProbability (default 0.05)
     * @param organicHideProbability (default 0.02)
     * @param organicSaveProbability (default 0.3)
     * @param homeProbability        (default 0.1)
     */
    public record Sessions(double continueProbability, double twoTopicProbability, double explorationProbability,
                           double organicHideProbability, double organicSaveProbability, double homeProbability) {
        public static final Sessions DEFAULT = new Sessions(0.5, 0.4, 0.05, 0.02, 0.3, 0.1);

        public Sessions {
            requireProbability("continueProbability", continueProbability);
            requireProbability("twoTopicProbability", twoTopicProbability);
            requireProbability("explorationProbability", explorationProbability);
            requireProbability("organicHideProbability", organicHideProbability);
            requireProbability("organicSaveProbability", organicSaveProbability);
            requireProbability("homeProbability", homeProbability);
        }
    }

    /**
     * Home-feed requests. A session opens with a request with probability {@code requestProbability}: at the session
     * start {@code t}, {@code impressionsPerRequest} distinct items are shown (one {@code impression} event each, all
     * at {@code t}, surface home). With probability {@code resurfaceProbability} the request <i>resurfaces</i> a
     * dormant interest: the user's dormant topic whose newest explicit event is oldest (never touched first). Each
     * slot independently is then
     * <ul>
     *   <li>a <i>dormant</i> slot (an item of the resurfaced topic) with probability
     *       {@code dormantShare / resurfaceProbability} in a resurfacing request, 0 otherwise;</li>
     *   <li>else a <i>core</i> (topic by core weight), <i>session</i> (a topic of the session this request opens) or
     *       <i>random</i> slot (any topic, uniformly) in the proportions {@code coreShare : sessionShare : randomShare}.</li>
     * </ul>
     * Over all requests the slot kinds thus have the shares {@code dormantShare}, {@code coreShare},
     * {@code sessionShare} and {@code randomShare = 1 − the others}. Resurfacing in some requests with many
     * slots (rather than a little in each) keeps a dormant topic away from the newest 100 actions between resurfacings.
     * Items within a topic follow popularity. A user without dormant topics gets no dormant slots.
     * Outcomes are written within {@code labelWindowMs} after {@code t}.
     *
     * @param requestProbability    (default 0.3): about one request per 33 organic actions
     * @param impressionsPerRequest (default 20)
     * @param resurfaceProbability  (default 0.4)
     * @param dormantShare          (default 0.16); at most {@code resurfaceProbability}
     * @param coreShare             (default 0.15)
     * @param sessionShare          (default 0.3); the random share is the rest (default 0.39)
     * @param labelWindowMs         outcomes happen within this time after the request (default 10 min); recorded as
     *                              {@code labelWindowMs} in the manifest for the example builder
     */
    public record Feed(double requestProbability, int impressionsPerRequest, double resurfaceProbability, double dormantShare,
                       double coreShare, double sessionShare, long labelWindowMs) {
        public static final Feed DEFAULT = new Feed(0.3, 20, 0.4, 0.16, 0.15, 0.3, Duration.ofMinutes(10).toMillis());

        public Feed {
            requireProbability("requestProbability", requestProbability);
            if (impressionsPerRequest < 1 || impressionsPerRequest > 1_000) {
                throw new IllegalArgumentException("impressionsPerRequest must be in [1, 1000], got " + impressionsPerRequest);
            }
            requireProbability("resurfaceProbability", resurfaceProbability);
            requireProbability("dormantShare", dormantShare);
            requireProbability("coreShare", coreShare);
            requireProbability("sessionShare", sessionShare);
            if (dormantShare > resurfaceProbability) {
                throw new IllegalArgumentException("dormantShare " + dormantShare + " must be ≤ resurfaceProbability " + resurfaceProbability);
            }
            if (dormantShare + coreShare + sessionShare > 1 + 1e-9) {
                throw new IllegalArgumentException("dormantShare + coreShare + sessionShare must be ≤ 1, got "
                        + dormantShare + " + " + coreShare + " + " + sessionShare);
            }
            if (labelWindowMs < 60_000 || labelWindowMs > Duration.ofHours(1).toMillis()) {
                throw new IllegalArgumentException("labelWindowMs must be in [60000, 3600000] (1 min .. 1 h), got " + labelWindowMs);
            }
        }

        /** The share of random slots: {@code 1 - dormantShare - coreShare - sessionShare}. */
        public double randomShare() {
            return Math.max(0, 1 - dormantShare - coreShare - sessionShare);
        }
    }

    /**
     * The outcome model of one impression of item {@code i} ({@code cos} = cosine of the item's embedding with a topic
     * centre):
     * <pre>
     * like(i)    = max over core ∪ dormant topics k of cos(e_i, c_k)      the whole-life interest profile
     * dormant(i) = max over dormant topics k of cos(e_i, c_k)             (0 without dormant topics)
     * session(i) = max over the request's session topics k of cos(e_i, c_k)
     * dislike(i) = max over disliked topics k of cos(e_i, c_k)            (−1 without disliked topics)
     * P(hide)            = σ(hideBias + hideDislikeWeight · dislike(i))
     * P(click | no hide) = σ(bias + likeWeight · like(i) + dormantWeight · dormant(i) + sessionWeight · session(i) + b_u + ε),
     *                      b_u ~ N(0, userBiasStd²) per user, ε ~ N(0, noiseStd²) per impression
     * P(save | click)    = σ(saveBias + saveLikeWeight · like(i) + saveDormantWeight · dormant(i))
     * </pre>
     * The dormant terms make a long-missed interest engage more than an everyday one (a user delighted to be
     * reminded of it). Defaults: bias −5.5, likeWeight 4, dormantWeight 2, sessionWeight 1.5, noiseStd 0.5,
     * userBiasStd 0.4, saveBias −3, saveLikeWeight 2.5, saveDormantWeight 1.5, hideBias −9, hideDislikeWeight 11.
     */
    public record Engagement(double bias, double likeWeight, double dormantWeight, double sessionWeight, double noiseStd,
                             double userBiasStd, double saveBias, double saveLikeWeight, double saveDormantWeight,
                             double hideBias, double hideDislikeWeight) {
        public static final Engagement DEFAULT = new Engagement(-5.5, 4, 2, 1.5, 0.5, 0.4, -3, 2.5, 1.5, -9, 11);

        public Engagement {
            double[] all = {bias, likeWeight, dormantWeight, sessionWeight, noiseStd, userBiasStd, saveBias, saveLikeWeight,
                    saveDormantWeight, hideBias, hideDislikeWeight};
            for (double v : all) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("engagement model parameters must be finite, got " + v);
                }
            }
            if (noiseStd < 0 || userBiasStd < 0) {
                throw new IllegalArgumentException("noiseStd and userBiasStd must be ≥ 0, got " + noiseStd + ", " + userBiasStd);
            }
        }
    }
}
