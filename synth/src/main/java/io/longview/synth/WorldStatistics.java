package io.longview.synth;

import io.longview.core.model.Actions;
import io.longview.core.model.SequenceLimits;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Ground-truth counts of a generated world, for the generator's summary and for judging whether the world carries
 * the lifelong signal it is meant to. Impressions are classed by the topic of the item shown (core, dormant,
 * disliked, other: neither), not by the slot that drew it.
 *
 * <p>A <b>lifelong-only</b> impression shows an item of a liked (core or dormant) topic that is absent from the
 * user's newest 100 explicit tokens before the request but present among the older ones: the case where only the
 * lifelong sequence S_LL can tell the ranker the user cares. Tokens are counted as the event log folds them (one per
 * user, item and 10-minute window, {@link SequenceLimits#DEFAULT}); S_LL's 16,000 cap is ignored here.
 *
 * @param users               users simulated
 * @param events              event-log rows
 * @param organicEvents       organic click/save/hide events
 * @param requests            feed requests
 * @param impressions         impression events
 * @param feedClicks          click outcomes of impressions
 * @param feedSaves           save outcomes
 * @param feedHides           hide outcomes
 * @param byTopicClass        impressions and outcomes by the shown item's topic class
 * @param lifelongOnly        impressions and outcomes of lifelong-only impressions
 * @param usersOverCapacity   users with more than 16,100 (S_RT + S_LL) explicit tokens
 * @param maxExplicitTokens   the most explicit tokens of one user
 */
public record WorldStatistics(long users, long events, long organicEvents, long requests, long impressions,
                              long feedClicks, long feedSaves, long feedHides, ClassCounts[] byTopicClass,
                              ClassCounts lifelongOnly, long usersOverCapacity, long maxExplicitTokens) {
    public static final int CLASS_CORE = 0;
    public static final int CLASS_DORMANT = 1;
    public static final int CLASS_DISLIKED = 2;
    public static final int CLASS_OTHER = 3;
    private static final String[] CLASS_NAMES = {"core", "dormant", "disliked", "other"};

    public WorldStatistics {
        byTopicClass = byTopicClass.clone();
    }

    /** Impressions by the shown item's topic class, indexed by {@code CLASS_CORE .. CLASS_OTHER} (a copy). */
    @Override
    public ClassCounts[] byTopicClass() {
        return byTopicClass.clone();
    }

    /**
     * Impressions of one class and what became of them.
     *
     * @param impressions impressions
     * @param engaged     impressions clicked or saved
     * @param saved       impressions saved
     * @param hidden      impressions hidden
     */
    public record ClassCounts(long impressions, long engaged, long saved, long hidden) {
        public double engagedRate() {
            return impressions == 0 ? 0 : (double) engaged / impressions;
        }

        public double savedRate() {
            return impressions == 0 ? 0 : (double) saved / impressions;
        }

        public double hiddenRate() {
            return impressions == 0 ? 0 : (double) hidden / impressions;
        }

        ClassCounts plus(ClassCounts o) {
            return new ClassCounts(impressions + o.impressions, engaged + o.engaged, saved + o.saved, hidden + o.hidden);
        }
    }

    public ClassCounts core() {
        return byTopicClass[CLASS_CORE];
    }

    public ClassCounts dormant() {
        return byTopicClass[CLASS_DORMANT];
    }

    public ClassCounts disliked() {
        return byTopicClass[CLASS_DISLIKED];
    }

    public ClassCounts other() {
        return byTopicClass[CLASS_OTHER];
    }

    /** A few lines for a terminal. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "users %,d  events %,d  organic %,d  requests %,d  impressions %,d (%.1f per user)%n",
                users, events, organicEvents, requests, impressions, users == 0 ? 0.0 : (double) impressions / users));
        sb.append(String.format(Locale.ROOT, "feed outcomes: clicks %,d  saves %,d  hides %,d%n", feedClicks, feedSaves, feedHides));
        sb.append(String.format(Locale.ROOT, "%-14s %12s %7s %9s %7s %7s%n", "shown topic", "impressions", "share", "engaged", "saved", "hidden"));
        for (int c = 0; c < byTopicClass.length; c++) {
            row(sb, CLASS_NAMES[c], byTopicClass[c]);
        }
        row(sb, "lifelong-only", lifelongOnly);
        sb.append(String.format(Locale.ROOT, "users over the 16,100 explicit-token capacity: %,d (max %,d tokens)", usersOverCapacity, maxExplicitTokens));
        return sb.toString();
    }

    private void row(StringBuilder sb, String name, ClassCounts c) {
        sb.append(String.format(Locale.ROOT, "%-14s %,12d %6.1f%% %8.1f%% %6.1f%% %6.1f%%%n", name, c.impressions,
                impressions == 0 ? 0.0 : 100.0 * c.impressions / impressions, 100 * c.engagedRate(), 100 * c.savedRate(), 100 * c.hiddenRate()));
    }

    /** Accumulates statistics user by user (in any order: the sums commute). Not thread-safe. */
    static final class Accumulator {
        private static final int RT = SequenceLimits.DEFAULT.realtime();
        private static final long CAPACITY = SequenceLimits.DEFAULT.explicitCapacity();

        private long users;
        private long events;
        private long organic;
        private long requests;
        private long impressions;
        private long clicks;
        private long saves;
        private long hides;
        private final long[][] byClass = new long[4][4];
        private final long[] lifelongOnly = new long[4];
        private long overCapacity;
        private long maxTokens;

        /** Replays one user's events in time order, tracking their newest 100 explicit tokens' topics. */
        void add(UserEvents ev, UserProfile profile, TopicCatalog catalog) {
            users++;
            events += ev.size();
            requests += ev.requests();
            int[] inRecent = new int[catalog.topics()];
            int[] older = new int[catalog.topics()];
            ArrayDeque<Integer> recent = new ArrayDeque<>(RT + 1);
            Set<Long> bucketItems = new HashSet<>();
            long bucket = Long.MIN_VALUE;
            long tokens = 0;
            for (int i = 0; i < ev.size(); i++) {
                byte kind = ev.kind(i);
                byte act = ev.action(i);
                if (kind == UserEvents.ORGANIC) {
                    organic++;
                } else if (kind == UserEvents.OUTCOME) {
                    if (act == Actions.CLICK) {
                        clicks++;
                    } else if (act == Actions.SAVE) {
                        saves++;
                    } else if (act == Actions.HIDE) {
                        hides++;
                    }
                }
                int topic = catalog.topicOf(ev.itemId(i));
                if (kind == UserEvents.IMPRESSION) {
                    impressions++;
                    int cls = profile.isCore(topic) ? CLASS_CORE : profile.isDormant(topic) ? CLASS_DORMANT
                            : profile.isDisliked(topic) ? CLASS_DISLIKED : CLASS_OTHER;
                    count(byClass[cls], ev.outcome(i));
                    if ((cls == CLASS_CORE || cls == CLASS_DORMANT) && inRecent[topic] == 0 && older[topic] > 0) {
                        count(lifelongOnly, ev.outcome(i));
                    }
                    continue;
                }
                // an explicit event: a new token unless this item already has one in this fold window
                long b = SequenceLimits.DEFAULT.foldBucket(ev.timestamp(i));
                if (b != bucket) {
                    bucket = b;
                    bucketItems.clear();
                }
                if (!bucketItems.add(ev.itemId(i))) {
                    continue;
                }
                tokens++;
                recent.addLast(topic);
                inRecent[topic]++;
                if (recent.size() > RT) {
                    int old = recent.removeFirst();
                    inRecent[old]--;
                    older[old]++;
                }
            }
            if (tokens > CAPACITY) {
                overCapacity++;
            }
            maxTokens = Math.max(maxTokens, tokens);
        }

        /** Adds another accumulator's counts to this one. */
        void merge(Accumulator o) {
            users += o.users;
            events += o.events;
            organic += o.organic;
            requests += o.requests;
            impressions += o.impressions;
            clicks += o.clicks;
            saves += o.saves;
            hides += o.hides;
            for (int c = 0; c < 4; c++) {
                for (int k = 0; k < 4; k++) {
                    byClass[c][k] += o.byClass[c][k];
                }
                lifelongOnly[c] += o.lifelongOnly[c];
            }
            overCapacity += o.overCapacity;
            maxTokens = Math.max(maxTokens, o.maxTokens);
        }

        private static void count(long[] c, byte outcome) {
            c[0]++;
            if (Actions.isEngaged(outcome)) {
                c[1]++;
            }
            if ((outcome & Actions.SAVE) != 0) {
                c[2]++;
            }
            if ((outcome & Actions.HIDE) != 0) {
                c[3]++;
            }
        }

        WorldStatistics result() {
            ClassCounts[] cls = new ClassCounts[4];
            for (int c = 0; c < 4; c++) {
                cls[c] = counts(byClass[c]);
            }
            return new WorldStatistics(users, events, organic, requests, impressions, clicks, saves, hides, cls,
                    counts(lifelongOnly), overCapacity, maxTokens);
        }

        private static ClassCounts counts(long[] c) {
            return new ClassCounts(c[0], c[1], c[2], c[3]);
        }
    }
}
