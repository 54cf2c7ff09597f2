package io.longview.synth;

import io.longview.core.model.Actions;
import io.longview.core.model.Surfaces;

import java.time.Duration;
import java.util.Arrays;

/**
 * A synthetic world: its item catalog and, for any user id, that user's hidden profile and simulated events.
 * Each user is simulated from their own random stream {@code (seed, userId)}, so users are independent: any subset,
 * in any order, on any thread, gives the same events. Thread-safe (the catalog is read-only; each call has its own
 * state). The model is documented in {@link WorldGenerator}.
 */
public final class SyntheticWorld {
    private static final long SECOND = 1_000;
    private static final long DAY = Duration.ofDays(1).toMillis();

    private final WorldConfig config;
    private final TopicCatalog catalog;
    private final ActivitySampler activity;

    private SyntheticWorld(WorldConfig config) {
        this.config = config;
        this.catalog = TopicCatalog.build(config.catalog(), config.seed());
        this.activity = new ActivitySampler(config.activity());
    }

    /** Builds the catalog of the world (fast: the users are simulated on demand). */
    public static SyntheticWorld create(WorldConfig config) {
        return new SyntheticWorld(config);
    }

    public WorldConfig config() {
        return config;
    }

    public TopicCatalog catalog() {
        return catalog;
    }

    /** The hidden profile of user {@code userId} ({@code 1 .. users}). */
    public UserProfile profile(long userId) {
        return sampleProfile(userId, userStream(userId));
    }

    /** The events of user {@code userId} in time order, with the generator's annotations. */
    public UserEvents simulate(long userId) {
        WorldRandom rng = userStream(userId);
        UserProfile p = sampleProfile(userId, rng);
        return new UserSimulation(p, rng).run();
    }

    private WorldRandom userStream(long userId) {
        if (userId < 1 || userId > config.users()) {
            throw new IllegalArgumentException("user " + userId + " is not in this world (users 1.." + config.users() + ")");
        }
        return WorldRandom.stream(config.seed(), WorldRandom.USER, userId);
    }

    // ---- profile -------------------------------------------------------------------------------------------------

    private UserProfile sampleProfile(long userId, WorldRandom rng) {
        int organic = activity.sample(rng); // first draw of the stream: ActivitySampler.sampleUsers relies on it
        WorldConfig.Interests in = config.interests();
        long span = config.endMs() - config.startMs();
        long join = config.startMs() + (long) (rng.nextDouble() * config.activity().joinSpread() * span);
        long life = config.endMs() - join;

        int nCore = rng.between(in.coreMin(), in.coreMax());
        int nDormant = rng.between(in.dormantMin(), in.dormantMax());
        int nDisliked = rng.between(in.dislikedMin(), in.dislikedMax());
        int[] topics = distinctTopics(nCore + nDormant + nDisliked, rng);

        int[] core = Arrays.copyOfRange(topics, 0, nCore);
        double[] weights = new double[nCore];
        double sum = 0;
        for (int i = 0; i < nCore; i++) {
            weights[i] = rng.exponential(1);
            sum += weights[i];
        }
        for (int i = 0; i < nCore; i++) {
            weights[i] /= sum;
        }

        UserProfile.DormantInterest[] dormant = new UserProfile.DormantInterest[nDormant];
        for (int i = 0; i < nDormant; i++) {
            long len = Math.min((long) (rng.uniform(in.dormantWindowMinDays(), in.dormantWindowMaxDays()) * DAY), life / 3);
            long latest = Math.max(0, (long) (in.dormantLatestStart() * life) - len);
            long from = join + (long) (rng.nextDouble() * latest);
            long to = from + len;
            long retFrom = -1;
            long retTo = -1;
            boolean returns = rng.chance(in.returnProbability());
            long retLen = (long) (rng.uniform(in.returnWindowMinDays(), in.returnWindowMaxDays()) * DAY);
            long earliest = to + in.minAbsenceDays() * DAY;
            long room = config.endMs() - retLen - earliest;
            double where = rng.nextDouble();
            if (returns && room >= 0) {
                retFrom = earliest + (long) (where * room);
                retTo = retFrom + retLen;
            }
            dormant[i] = new UserProfile.DormantInterest(topics[nCore + i], from, to, retFrom, retTo);
        }
        int[] disliked = Arrays.copyOfRange(topics, nCore + nDormant, topics.length);
        double bias = config.engagement().userBiasStd() * rng.nextGaussian();
        return new UserProfile(userId, join, organic, core, weights, dormant, disliked, bias);
    }

    private int[] distinctTopics(int n, WorldRandom rng) {
        int[] all = new int[catalog.topics()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        for (int i = 0; i < n; i++) { // partial Fisher–Yates
            int j = i + rng.nextInt(all.length - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        return Arrays.copyOf(all, n);
    }

    // ---- simulation ----------------------------------------------------------------------------------------------

    /** The state of one user's simulation. */
    private final class UserSimulation {
        private final UserProfile p;
        private final WorldRandom rng;
        private final UserEvents.Builder out;
        private final int[] core;
        private final double[] coreCdf;
        private final UserProfile.DormantInterest[] dormant;
        private final int[] dormantTopics;
        private final int[] liked;
        private final int[] disliked;
        private final int[] sessionTopics = new int[2];
        private int nSessionTopics;
        // items the current session has acted on or been shown (no organic action re-touches them: each organic
        // token is a new item, and no organic event folds into a feed impression's token)
        private long[] touched = new long[64];
        // per topic: time of the user's newest explicit event on it (Long.MIN_VALUE: never)
        private final long[] lastExplicit;
        private int nTouched;

        UserSimulation(UserProfile p, WorldRandom rng) {
            this.p = p;
            this.rng = rng;
            this.out = new UserEvents.Builder(p.userId());
            this.core = p.coreTopics();
            double[] w = p.coreWeights();
            this.coreCdf = new double[w.length];
            double s = 0;
            for (int i = 0; i < w.length; i++) {
                s += w[i];
                coreCdf[i] = s;
            }
            coreCdf[w.length - 1] = Double.MAX_VALUE;
            this.dormant = p.dormant();
            this.dormantTopics = p.dormantTopics();
            this.liked = p.likedTopics();
            this.disliked = p.dislikedTopics();
            this.lastExplicit = new long[catalog.topics()];
            Arrays.fill(lastExplicit, Long.MIN_VALUE);
        }

        UserEvents run() {
            WorldConfig.Activity a = config.activity();
            // session lengths until the organic budget is spent
            int budget = p.organicActions();
            double stop = 1 / a.meanSessionActions();
            int[] lengths = new int[Math.max(4, (int) (budget / a.meanSessionActions() * 1.5) + 4)];
            int nSessions = 0;
            while (budget > 0) {
                int len = Math.min(budget, 1 + rng.geometric(stop));
                if (nSessions == lengths.length) {
                    lengths = Arrays.copyOf(lengths, nSessions * 2);
                }
                lengths[nSessions++] = len;
                budget -= len;
            }
            long[] starts = plannedStarts(nSessions);
            long minGap = Duration.ofMinutes(a.minSessionGapMinutes()).toMillis();
            long lastStart = config.endMs() - Duration.ofHours(1).toMillis();
            long previousEnd = Long.MIN_VALUE / 2;
            for (int s = 0; s < nSessions; s++) {
                long start = Math.max(starts[s], previousEnd + minGap);
                if (start >= lastStart) {
                    break; // the world is over: the rest of the budget is never spent
                }
                previousEnd = session(start, lengths[s], s == 0);
            }
            return out.build(config.startMs());
        }

        /** Bursty session start times, sorted: burst centres uniform over the user's life, Exp gaps within a burst. */
        private long[] plannedStarts(int n) {
            WorldConfig.Activity a = config.activity();
            int bursts = Math.max(1, (int) Math.round(n / a.sessionsPerBurst()));
            long life = config.endMs() - p.joinMs();
            long[] centres = new long[bursts];
            for (int b = 0; b < bursts; b++) {
                centres[b] = p.joinMs() + (long) (rng.nextDouble() * life);
            }
            Arrays.sort(centres);
            long[] cursor = centres.clone();
            long[] starts = new long[n];
            double gap = a.burstGapHours() * Duration.ofHours(1).toMillis();
            for (int s = 0; s < n; s++) {
                int b = s < bursts ? s : rng.nextInt(bursts); // every burst gets at least one session
                starts[s] = cursor[b];
                cursor[b] += (long) rng.exponential(gap);
            }
            Arrays.sort(starts);
            return starts;
        }

        /** Simulates one session; returns the time of its last event. */
        private long session(long start, int length, boolean first) {
            WorldConfig.Sessions ss = config.sessions();
            chooseSessionTopics(start, first);
            nTouched = 0;
            long end = start;
            long cursor = start;
            if (rng.chance(config.feed().requestProbability())) {
                end = request(start);
                cursor = start + 30 * SECOND + (long) rng.exponential(60 * SECOND);
            }
            for (int j = 0; j < length; j++) {
                if (j > 0) {
                    cursor += 5 * SECOND + (long) rng.exponential(40 * SECOND);
                }
                if (disliked.length > 0 && rng.chance(ss.organicHideProbability())) {
                    long item = freshItem(disliked[rng.nextInt(disliked.length)], 16);
                    explicit(cursor, item, Actions.HIDE, Surfaces.HOME, UserEvents.ORGANIC, -1);
                    end = Math.max(end, cursor);
                    continue;
                }
                int topic = rng.chance(ss.explorationProbability()) ? exploreTopic()
                        : sessionTopics[rng.nextInt(nSessionTopics)];
                long item = freshItem(topic, 16);
                int surface = rng.chance(ss.homeProbability()) ? Surfaces.HOME : rng.chance(0.5) ? Surfaces.SEARCH : Surfaces.RELATED;
                explicit(cursor, item, Actions.CLICK, surface, UserEvents.ORGANIC, -1);
                end = Math.max(end, cursor);
                if (rng.chance(ss.organicSaveProbability())) {
                    long t = cursor + SECOND + (long) rng.exponential(15 * SECOND);
                    explicit(t, item, Actions.SAVE, surface, UserEvents.ORGANIC, -1);
                    end = Math.max(end, t);
                }
            }
            return end;
        }

        private void chooseSessionTopics(long start, boolean first) {
            WorldConfig.Sessions ss = config.sessions();
            if (!first && rng.chance(ss.continueProbability())) {
                return; // keep the previous session's topics
            }
            nSessionTopics = rng.chance(ss.twoTopicProbability()) ? 2 : 1;
            for (int i = 0; i < nSessionTopics; i++) {
                int t;
                int tries = 0;
                do {
                    t = rng.chance(ss.explorationProbability()) ? exploreTopic() : interestTopic(start);
                } while (i == 1 && t == sessionTopics[0] && ++tries < 8);
                sessionTopics[i] = t;
            }
            if (nSessionTopics == 2 && sessionTopics[1] == sessionTopics[0]) {
                nSessionTopics = 1;
            }
        }

        /** A topic by weight among the core topics (summing to 1) and the dormant topics active at {@code t}. */
        private int interestTopic(long t) {
            double activeWeight = config.interests().dormantActiveWeight();
            int active = 0;
            for (UserProfile.DormantInterest d : dormant) {
                if (d.activeAt(t)) {
                    active++;
                }
            }
            double u = rng.nextDouble() * (1 + active * activeWeight);
            if (u >= 1) {
                int k = (int) ((u - 1) / activeWeight);
                for (UserProfile.DormantInterest d : dormant) {
                    if (d.activeAt(t) && k-- == 0) {
                        return d.topic();
                    }
                }
            }
            return pickCore(u);
        }

        private int pickCore(double u) {
            for (int i = 0; i < coreCdf.length; i++) {
                if (u < coreCdf[i]) {
                    return core[i];
                }
            }
            return core[core.length - 1];
        }

        /** A uniformly random topic that the user does not dislike. */
        private int exploreTopic() {
            int t;
            do {
                t = rng.nextInt(catalog.topics());
            } while (p.isDisliked(t));
            return t;
        }

        /**
         * An item of the topic that this session has not touched: drawn by popularity (up to {@code tries} draws),
         * else the first untouched one in popularity order after a random rank; any item only if the session has
         * touched the whole topic.
         */
        private long freshItem(int topic, int tries) {
            long item = catalog.sample(topic, rng);
            for (int k = 1; k < tries && isTouched(item); k++) {
                item = catalog.sample(topic, rng);
            }
            if (isTouched(item)) {
                int n = catalog.itemsPerTopic();
                int from = rng.nextInt(n);
                for (int r = 0; r < n; r++) {
                    long candidate = catalog.itemAt(topic, (from + r) % n);
                    if (!isTouched(candidate)) {
                        item = candidate;
                        break;
                    }
                }
            }
            touch(item);
            return item;
        }

        private boolean isTouched(long item) {
            for (int i = 0; i < nTouched; i++) {
                if (touched[i] == item) {
                    return true;
                }
            }
            return false;
        }

        private void touch(long item) {
            if (nTouched == touched.length) {
                touched = Arrays.copyOf(touched, nTouched * 2);
            }
            touched[nTouched++] = item;
        }

        /** The dormant topic with the oldest newest explicit event (never touched first; ties: profile order); −1 if none. */
        private int stalestDormantTopic() {
            int best = -1;
            for (int t : dormantTopics) {
                if (best < 0 || lastExplicit[t] < lastExplicit[best]) {
                    best = t;
                }
            }
            return best;
        }

        /** Records an explicit event (organic or outcome). */
        private int explicit(long ts, long item, byte act, int surface, byte kind, int req) {
            int topic = catalog.topicOf(item);
            lastExplicit[topic] = Math.max(lastExplicit[topic], ts);
            return out.add(ts, item, act, surface, kind, req, (byte) -1);
        }

        /** A feed request at {@code t}: impressions and their outcomes; returns the time of its last event. */
        private long request(long t) {
            WorldConfig.Feed f = config.feed();
            WorldConfig.Engagement m = config.engagement();
            int req = out.newRequest();
            int resurfaced = rng.chance(f.resurfaceProbability()) ? stalestDormantTopic() : -1;
            double pDormant = resurfaced < 0 || f.resurfaceProbability() == 0 ? 0 : f.dormantShare() / f.resurfaceProbability();
            double rest = 1 - f.dormantShare(); // core + session + random, rescaled to fill the non-dormant slots
            double pCore = rest > 0 ? f.coreShare() / rest : 0;
            double pSession = rest > 0 ? f.sessionShare() / rest : 0;
            long window = f.labelWindowMs();
            long end = t;
            for (int k = 0; k < f.impressionsPerRequest(); k++) {
                byte slot;
                int topic;
                if (rng.nextDouble() < pDormant) {
                    slot = UserEvents.SLOT_DORMANT;
                    topic = resurfaced;
                } else {
                    double u = rng.nextDouble();
                    if (u < pCore) {
                        slot = UserEvents.SLOT_CORE;
                        topic = pickCore(rng.nextDouble());
                    } else if (u < pCore + pSession) {
                        slot = UserEvents.SLOT_SESSION;
                        topic = sessionTopics[rng.nextInt(nSessionTopics)];
                    } else {
                        slot = UserEvents.SLOT_RANDOM;
                        topic = rng.nextInt(catalog.topics());
                    }
                }
                long item = freshItem(topic, 64); // distinct items within a request
                int imp = out.add(t, item, Actions.IMPRESSION, Surfaces.HOME, UserEvents.IMPRESSION, req, slot);

                double like = catalog.maxCosine(item, liked, liked.length);
                double dormantSim = dormantTopics.length == 0 ? 0 : catalog.maxCosine(item, dormantTopics, dormantTopics.length);
                double session = catalog.maxCosine(item, sessionTopics, nSessionTopics);
                double dislike = catalog.maxCosine(item, disliked, disliked.length);
                double pHide = WorldRandom.sigmoid(m.hideBias() + m.hideDislikeWeight() * dislike);
                double zClick = m.bias() + m.likeWeight() * like + m.dormantWeight() * dormantSim + m.sessionWeight() * session
                        + p.engagementBias() + m.noiseStd() * rng.nextGaussian();
                double pSave = WorldRandom.sigmoid(m.saveBias() + m.saveLikeWeight() * like + m.saveDormantWeight() * dormantSim);
                if (rng.chance(pHide)) {
                    long ts = t + Math.min(SECOND + (long) rng.exponential(20 * SECOND), window - SECOND);
                    explicit(ts, item, Actions.HIDE, Surfaces.HOME, UserEvents.OUTCOME, req);
                    out.markOutcome(imp, Actions.HIDE);
                    end = Math.max(end, ts);
                } else if (rng.chance(WorldRandom.sigmoid(zClick))) {
                    long click = t + Math.min(2 * SECOND + (long) rng.exponential(45 * SECOND), window - 60 * SECOND);
                    explicit(click, item, Actions.CLICK, Surfaces.HOME, UserEvents.OUTCOME, req);
                    out.markOutcome(imp, Actions.CLICK);
                    end = Math.max(end, click);
                    if (rng.chance(pSave)) {
                        long save = Math.min(click + SECOND + (long) rng.exponential(20 * SECOND), t + window - SECOND);
                        explicit(save, item, Actions.SAVE, Surfaces.HOME, UserEvents.OUTCOME, req);
                        out.markOutcome(imp, Actions.SAVE);
                        end = Math.max(end, save);
                    }
                }
            }
            return end;
        }
    }
}
