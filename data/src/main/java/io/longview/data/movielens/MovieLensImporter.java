package io.longview.data.movielens;

import io.longview.data.io.SessionRequests;
import io.longview.data.io.SessionRule;
import io.longview.core.io.InputException;
import io.longview.core.io.Progress;
import io.longview.core.model.Actions;
import io.longview.core.model.Event;
import io.longview.core.model.InMemoryItemEmbeddings;
import io.longview.core.model.Surfaces;
import io.longview.core.model.Token;
import io.longview.data.embed.AlsConfig;
import io.longview.data.embed.EmbeddingFallback;
import io.longview.data.embed.ItemEmbeddingLearner;
import io.longview.data.embed.LearnedEmbeddings;
import io.longview.data.io.AtomicDirectory;
import io.longview.data.io.DatasetLayout;
import io.longview.data.io.DatasetManifest;
import io.longview.data.io.EmbeddingStats;
import io.longview.data.io.EventLogImporter;
import io.longview.data.io.EventLogWriter;
import io.longview.data.io.EventSource;
import io.longview.data.io.EventSources;
import io.longview.data.io.FileFormat;
import io.longview.data.io.ImportResult;
import io.longview.data.io.ItemFileWriter;
import io.longview.data.io.LongHashSet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@code longview import movielens DIR}: turns a MovieLens download ({@code ratings.csv} + {@code movies.csv}, e.g.
 * ml-latest-small, ml-latest, ml-25m; or {@code ratings.dat} + {@code movies.dat} of ml-1m and ml-10m) into a dataset directory ({@link DatasetLayout}) with impressions, requests
 * and learned item embeddings.
 *
 * <h2>Events</h2>
 * <ul>
 *   <li>Every rating becomes one explicit event at {@code timestamp × 1000} ms on surface home (0), its action by
 *       {@link RatingMapping}: ≥ 4 save, 3–3.5 click, ≤ 2.5 hide.</li>
 *   <li>MovieLens has no impressions, so requests are made up by a seeded rule. Each user's ratings, in
 *       (timestamp, movieId) order, are cut into sessions by {@link SessionRule} (default: a new session after a gap
 *       &gt; 30 min, at 1 h from the session's start, or after 20 ratings). A session with {@code k} ratings starting at
 *       {@code t} is one request: one {@code impression} event at time {@code t} for each of its k rated movies, and
 *       for {@code round(ratio · k)} (default ratio 1, so k) sampled movies; then the k rating events at their own
 *       times (≥ t, &lt; t + 1 h).</li>
 *   <li>Sampling: uniform over the movies of {@code movies.csv}, without replacement within a request, excluding every
 *       movie the user ever rated, from a generator seeded by (seed, userId): deterministic and independent of the
 *       other users. A request's impressions are written in ascending movie id (their order says nothing about the
 *       labels).</li>
 *   <li>Labels downstream: the example builder treats a user's impressions with one timestamp as one request and labels
 *       each candidate by the user's explicit events on it in {@code [t, t + labelWindowMs)}, labelWindowMs = the
 *       session's maximum duration (recorded in the manifest's parameters). Since a MovieLens user rates a movie at
 *       most once and sampled movies are never rated by that user, each rated candidate is labelled exactly by its
 *       rating and each sampled one is a negative, even when sessions are closer than the window.</li>
 *   <li>Order of {@code events.csv}: by user (as in ratings.csv), then by time; at one time a request's impressions
 *       come before ratings.</li>
 * </ul>
 *
 * <h2>Split and embeddings</h2>
 * The split time is the 80% time quantile of all events written (or the one given). Item embeddings are learned
 * from the clicks and saves before it only ({@link ItemEmbeddingLearner}: implicit ALS, 32-d, RMS 0.25). Movies
 * without training data (rated only later, only hidden, never rated, or only sampled) get the {@link EmbeddingFallback}:
 * the mean of the genre centroids of their genres, else the mean learned vector, plus seeded noise. {@code items.csv}
 * holds every movie of {@code movies.csv}; the manifest says how many used the fallback.
 *
 * <h2>Input checks</h2>
 * Strict: a bad row, a rating outside [0.5, 5], a timestamp not in epoch seconds, a movie missing from movies.csv,
 * a user rating one movie twice, and a ratings.csv not grouped by userId (the MovieLens files are) are
 * {@link InputException}s naming file and line; nothing is written then. Memory: the catalog and one user's ratings.
 */
public final class MovieLensImporter {
    public static final String RATINGS = "ratings.csv";
    public static final String MOVIES = "movies.csv";
    /** The {@code ::}-separated files of ml-1m and ml-10m, read when {@code ratings.csv} is absent. */
    public static final String RATINGS_DAT = "ratings.dat";
    public static final String MOVIES_DAT = "movies.dat";

    private MovieLensImporter() {
    }

    /** Starts an import of the MovieLens directory {@code movielensDir} into the dataset directory {@code output}. */
    public static Builder builder(Path movielensDir, Path output) {
        return new Builder(movielensDir, output);
    }

    /** Settings of one import; {@link #run()} does it. */
    public static final class Builder {
        private final Path dir;
        private final Path output;
        private long seed = 42;
        private double negativeRatio = 1.0;
        private SessionRule sessions = SessionRule.DEFAULT;
        private Long splitTimeMs;
        private double splitQuantile = 0.8;
        private AlsConfig embedding;
        private String name;
        private boolean overwrite;
        private boolean compressEvents;
        private boolean progress;

        private Builder(Path dir, Path output) {
            this.dir = Objects.requireNonNull(dir, "movielensDir");
            this.output = Objects.requireNonNull(output, "output");
        }

        /** Seeds negative sampling, the embedding learner and the fallback noise; default 42. */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** Sampled unrated movies per rated movie in a request; default 1 (1:1). 0 makes requests of rated movies only. */
        public Builder negativeRatio(double r) {
            if (!(r >= 0 && r <= 100)) {
                throw new IllegalArgumentException("negative ratio " + r + " must be in [0, 100]");
            }
            this.negativeRatio = r;
            return this;
        }

        /** How ratings are cut into sessions (requests); default {@link SessionRule#DEFAULT}. */
        public Builder sessions(SessionRule rule) {
            this.sessions = Objects.requireNonNull(rule);
            return this;
        }

        /** The split time (epoch ms); default: the 80% time quantile of the events. */
        public Builder splitTimeMs(long t) {
            Event.checkTimestamp(t);
            this.splitTimeMs = t;
            return this;
        }

        /** The quantile for the default split time, in (0, 1); default 0.8. */
        public Builder splitQuantile(double q) {
            if (!(q > 0 && q < 1)) {
                throw new IllegalArgumentException("split quantile " + q + " must be in (0, 1)");
            }
            this.splitQuantile = q;
            return this;
        }

        /** Settings of the embedding learner; default {@link AlsConfig#defaults} with the seed. */
        public Builder embedding(AlsConfig c) {
            this.embedding = c;
            return this;
        }

        /** The dataset's name; default: the MovieLens directory's name ({@code movielens-} prefixed unless it starts with {@code ml-} or {@code movielens}). */
        public Builder name(String n) {
            this.name = n;
            return this;
        }

        /** Replace an existing output directory; default false. */
        public Builder overwrite(boolean b) {
            this.overwrite = b;
            return this;
        }

        /** Write {@code events.csv.gz}; default false. */
        public Builder compressEvents(boolean b) {
            this.compressEvents = b;
            return this;
        }

        /** Print progress lines on stderr; default false. */
        public Builder progress(boolean b) {
            this.progress = b;
            return this;
        }

        /**
         * Runs the import.
         *
         * @throws InputException for bad input (nothing is written then)
         */
        public ImportResult run() {
            return MovieLensImporter.run(this);
        }
    }


    private static ImportResult run(Builder b) {
        long start = System.nanoTime();
        if (!Files.isDirectory(b.dir)) {
            throw new InputException(b.dir, 0, "no such directory: expected a MovieLens download holding ratings.csv and movies.csv "
                    + "(or ml-1m/ml-10m's ratings.dat and movies.dat)");
        }
        boolean dat = !Files.isRegularFile(b.dir.resolve(RATINGS)) && Files.isRegularFile(b.dir.resolve(RATINGS_DAT));
        Path ratingsFile = b.dir.resolve(dat ? RATINGS_DAT : RATINGS);
        Path moviesFile = b.dir.resolve(dat ? MOVIES_DAT : MOVIES);
        if (!Files.isRegularFile(ratingsFile)) {
            throw new InputException(ratingsFile, 0, "no such file: a MovieLens directory holds ratings.csv and movies.csv "
                    + "(ml-latest, ml-20m, ml-25m) or ratings.dat and movies.dat (ml-1m, ml-10m)");
        }
        MovieCatalog catalog = MovieCatalog.read(moviesFile);
        AlsConfig als = b.embedding != null ? b.embedding : AlsConfig.defaults(b.seed);
        try (AtomicDirectory out = new AtomicDirectory(b.output, b.overwrite)) {
            Path eventsOut = out.dir().resolve(b.compressEvents ? DatasetLayout.EVENTS_GZ : DatasetLayout.EVENTS);
            EventLogImporter.LogStats stats = new EventLogImporter.LogStats(b.seed);
            LongHashSet itemsInEvents = new LongHashSet();
            long ratingCount = 0;
            SessionRequests requests = new SessionRequests(b.sessions, b.negativeRatio, b.seed, catalog.ids());
            try (RatingsReader ratings = new RatingsReader(ratingsFile);
                 EventLogWriter w = new EventLogWriter(eventsOut);
                 Progress p = b.progress ? new Progress("movielens", size(ratingsFile)) : Progress.silent()) {
                UserBlock block = new UserBlock();
                LongHashSet doneUsers = new LongHashSet();
                long reported = 0;
                while (ratings.hasNext()) {
                    Rating r = ratings.next();
                    if (catalog.indexOf(r.movieId()) < 0) {
                        throw new InputException(ratingsFile, r.line(), "movie " + r.movieId() + " is not in " + moviesFile.getFileName());
                    }
                    if (block.size > 0 && r.userId() != block.userId) {
                        doneUsers.add(block.userId);
                        emitUser(block, requests, w, stats, itemsInEvents, ratingsFile);
                        block.clear();
                    }
                    if (block.size == 0 && doneUsers.contains(r.userId())) {
                        throw new InputException(ratingsFile, r.line(), ratingsFile.getFileName() + " is not grouped by userId: user " + r.userId()
                                + " appears again after other users' ratings (the MovieLens files are sorted by userId; sort yours the same way)");
                    }
                    block.add(r);
                    ratingCount++;
                    if ((ratingCount & 4095) == 0) {
                        long now = ratings.bytesRead();
                        p.advance(now - reported);
                        reported = now;
                    }
                }
                if (block.size > 0) {
                    emitUser(block, requests, w, stats, itemsInEvents, ratingsFile);
                }
                p.advance(ratings.bytesRead() - reported);
            }
            if (ratingCount == 0) {
                throw new InputException(ratingsFile, 0, "no ratings: the file has no rows after its header");
            }
            long split = b.splitTimeMs != null ? b.splitTimeMs : stats.quantile(b.splitQuantile);

            LearnedEmbeddings learned;
            try (EventSource again = EventSources.open(eventsOut, FileFormat.CSV);
                 Progress p = b.progress ? new Progress("embeddings", 2L * als.iterations()) : Progress.silent()) {
                learned = ItemEmbeddingLearner.learn(again, split, als, p);
            } catch (IllegalArgumentException e) {
                throw new InputException(ratingsFile, 0, e.getMessage() + "; choose a later split time", e);
            }
            InMemoryItemEmbeddings items = new InMemoryItemEmbeddings();
            EmbeddingFallback.Report report = EmbeddingFallback.complete(learned, catalog.ids(), catalog::genres, b.seed, items);
            long fallbackInEvents = 0;
            for (long id : itemsInEvents.toSortedArray()) {
                if (!learned.contains(id)) {
                    fallbackInEvents++;
                }
            }
            long[] ids = items.ids();
            Arrays.sort(ids);
            float[] e = new float[Token.EMBEDDING_DIM];
            try (ItemFileWriter w = new ItemFileWriter(out.dir().resolve(DatasetLayout.ITEMS))) {
                for (long id : ids) {
                    items.copy(id, e, 0);
                    w.write(id, e);
                }
            }

            Map<String, Object> params = new LinkedHashMap<>();
            params.put("ratingsFile", ratingsFile.toAbsolutePath().normalize().toString());
            params.put("moviesFile", moviesFile.toAbsolutePath().normalize().toString());
            params.put("ratings", ratingCount);
            params.put("ratingMapping", RatingMapping.DESCRIPTION);
            params.put("surface", Surfaces.name(Surfaces.HOME));
            params.put("requests", requests.requests());
            params.put("explicitEvents", ratingCount);
            params.put("impressionEvents", requests.impressions());
            params.put("sampledImpressions", requests.sampled());
            params.put("requestsShortOfNegatives", requests.shortOfNegatives());
            params.put("sessionMaxGapMs", b.sessions.maxGapMs());
            params.put("sessionMaxRatings", b.sessions.maxEvents());
            params.put("sessionMaxDurationMs", b.sessions.maxDurationMs());
            params.put("labelWindowMs", b.sessions.labelWindowMs());
            params.put("requestRule", "per user, ratings in (timestamp, movieId) order are cut into sessions (new session after a gap > sessionMaxGapMs, "
                    + "at sessionMaxDurationMs from the session start, or after sessionMaxRatings ratings unless at the start time); "
                    + "a session starting at t is one request: impressions at t for its rated movies and round(negativeRatio * k) sampled ones");
            params.put("negativeRatio", b.negativeRatio);
            params.put("negativeSampling", "uniform over movies.csv, excluding movies the user ever rated, without replacement within a request, seeded by (seed, userId)");
            params.put("splitTime", b.splitTimeMs != null ? "given" : "quantile " + b.splitQuantile + " of event times");
            params.putAll(stats.toParameters());
            params.putAll(als.toParameters());
            params.put("embeddingTrainedOn", "click and save events (ratings >= 3) before splitTimeMs; click weight 1, save weight 2");
            params.put("embeddingLearnedItems", report.learned());
            params.put("embeddingFallbackItems", report.fallback());
            params.put("embeddingFallbackByGenre", report.fromGroups());
            params.put("embeddingFallbackByGlobalMean", report.fromGlobalMean());
            params.put("embeddingFallbackItemsInEvents", fallbackInEvents);
            params.put("embeddingFallbackRule", "mean of the genre centroids (mean learned vector of the learned movies of a genre) of the movie's genres, "
                    + "else the mean learned vector; plus seeded N(0, " + EmbeddingFallback.NOISE_STD + "^2) noise");
            params.putAll(EmbeddingStats.of(items, ids).toParameters());

            String embeddingsDesc = als.describe() + "; learned from " + learned.interactions() + " clicks/saves of " + learned.users()
                    + " users before splitTimeMs " + split + " for " + report.learned() + " movies; " + report.fallback()
                    + " of " + ids.length + " movies (" + fallbackInEvents + " of them in the events) had no training data and got the genre fallback";
            String snapshot = DatasetManifest.snapshotId(eventsOut, out.dir().resolve(DatasetLayout.ITEMS));
            String name = b.name != null ? b.name : defaultName(b.dir);
            DatasetManifest m = new DatasetManifest(DatasetManifest.FORMAT_VERSION, name,
                    "movielens " + b.dir.toAbsolutePath().normalize(), stats.users(), ids.length, stats.events(),
                    stats.firstTimestampMs(), stats.lastTimestampMs(), split, embeddingsDesc, b.seed, snapshot, params);
            m.write(out.dir().resolve(DatasetLayout.MANIFEST));
            Path dir = out.commit();
            return new ImportResult(dir, m, (System.nanoTime() - start) / 1e9);
        }
    }

    /** Writes one user's requests and ratings. */
    private static void emitUser(UserBlock u, SessionRequests requests, EventLogWriter w, EventLogImporter.LogStats stats,
                                 LongHashSet itemsInEvents, Path ratingsFile) {
        u.sortByTime();
        // every movie this user rated, for the exclusion in sampling; also catches a movie rated twice
        long[] rated = Arrays.copyOf(u.movies, u.size);
        long[] lines = new long[u.size];
        Integer[] order = new Integer[u.size];
        for (int i = 0; i < u.size; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Long.compare(u.movies[x], u.movies[y]));
        for (int i = 0; i < u.size; i++) {
            rated[i] = u.movies[order[i]];
            lines[i] = u.lines[order[i]];
            if (i > 0 && rated[i] == rated[i - 1]) {
                throw new InputException(ratingsFile, Math.max(lines[i], lines[i - 1]), "user " + u.userId + " rated movie " + rated[i]
                        + " twice (lines " + Math.min(lines[i], lines[i - 1]) + " and " + Math.max(lines[i], lines[i - 1]) + ")");
            }
        }
        long[] tsMs = new long[u.size];
        byte[] actions = new byte[u.size];
        byte[] surfaces = new byte[u.size];
        for (int i = 0; i < u.size; i++) {
            tsMs[i] = u.seconds[i] * 1000;
            actions[i] = RatingMapping.action(u.ratings[i]);
            surfaces[i] = (byte) Surfaces.HOME;
        }
        requests.emitUser(u.userId, u.movies, tsMs, actions, surfaces, u.size, rated, e -> emit(e, w, stats, itemsInEvents));
    }

    private static void emit(Event e, EventLogWriter w, EventLogImporter.LogStats stats, LongHashSet itemsInEvents) {
        w.write(e);
        stats.add(e);
        itemsInEvents.add(e.itemId());
    }

    /** The directory's name, prefixed with {@code movielens-} unless it starts with {@code ml-} or {@code movielens}. */
    static String defaultName(Path dir) {
        String n = String.valueOf(dir.toAbsolutePath().normalize().getFileName());
        return n.startsWith("ml-") || n.startsWith("movielens") ? n : "movielens-" + n;
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            return 0;
        }
    }

    /** One user's ratings, in file order until {@link #sortByTime()}. */
    private static final class UserBlock {
        long userId;
        int size;
        long[] movies = new long[64];
        double[] ratings = new double[64];
        long[] seconds = new long[64];
        long[] lines = new long[64];

        void add(Rating r) {
            if (size == movies.length) {
                int cap = size * 2;
                movies = Arrays.copyOf(movies, cap);
                ratings = Arrays.copyOf(ratings, cap);
                seconds = Arrays.copyOf(seconds, cap);
                lines = Arrays.copyOf(lines, cap);
            }
            userId = r.userId();
            movies[size] = r.movieId();
            ratings[size] = r.rating();
            seconds[size] = r.timestampSeconds();
            lines[size] = r.line();
            size++;
        }

        void clear() {
            size = 0;
        }

        /** Sorts the ratings by (timestamp, movieId). */
        void sortByTime() {
            Integer[] order = new Integer[size];
            for (int i = 0; i < size; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (x, y) -> seconds[x] != seconds[y] ? Long.compare(seconds[x], seconds[y]) : Long.compare(movies[x], movies[y]));
            long[] m = new long[size];
            double[] r = new double[size];
            long[] s = new long[size];
            long[] l = new long[size];
            for (int i = 0; i < size; i++) {
                m[i] = movies[order[i]];
                r[i] = ratings[order[i]];
                s[i] = seconds[order[i]];
                l[i] = lines[order[i]];
            }
            System.arraycopy(m, 0, movies, 0, size);
            System.arraycopy(r, 0, ratings, 0, size);
            System.arraycopy(s, 0, seconds, 0, size);
            System.arraycopy(l, 0, lines, 0, size);
        }
    }
}
