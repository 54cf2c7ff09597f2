package io.longview.data.io;

import io.longview.core.io.InputException;
import io.longview.core.io.Progress;
import io.longview.core.model.Actions;
import io.longview.core.model.Event;
import io.longview.core.model.InMemoryItemEmbeddings;
import io.longview.data.embed.AlsConfig;
import io.longview.data.embed.EmbeddingFallback;
import io.longview.data.embed.ItemEmbeddingLearner;
import io.longview.data.embed.LearnedEmbeddings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@code longview import csv|jsonl}: turns a user's event log (and item file) into a canonical dataset directory
 * ({@link DatasetLayout}).
 *
 * <pre>{@code
 * ImportResult r = EventLogImporter.builder(Path.of("my-events.jsonl"), Path.of("datasets/mine"))
 *         .items(Path.of("my-items.csv"))          // optional: without it, embeddings are learned
 *         .overwrite(false)
 *         .run();
 * }</pre>
 *
 * <h2>What it does</h2>
 * <ol>
 *   <li>Reads the item file, if given ({@link ItemFileReader}: strict, every error names file and line).</li>
 *   <li>Streams the event log once ({@link EventSources}: CSV or JSON Lines by name, plain or gzip, or Parquet, a file
 *       or a directory of part files), validating every
 *       row, checking that every event's item has an embedding ({@code events.csv:17: item 4211 has no embedding in
 *       items.csv}), and writing the canonical {@code events.csv} (rows in input order). Memory: the set of user ids
 *       and a bounded sample of timestamps ({@link TimeQuantile}); the log itself is never held.</li>
 *   <li>Raw logs: an {@link EventLogDialect} maps other column names, timestamps in seconds and other action names
 *       ({@code --columns}, {@code --timestamp-unit}, {@code --action-map}).</li>
 *   <li>Requests ({@link RequestMode}): with {@code impressions} (default) the log's impression rows are the
 *       requests; with {@code sessions} (logs without impressions) they are made by {@link SessionRequests} from
 *       each user's sessions, the manifest records the rule and the label window ({@code labelWindowMs} = the
 *       session's maximum duration), and {@code events.csv} is written by user, then time. Sessions need every event
 *       in memory (about 50 bytes an event while they are grouped by user).</li>
 *   <li>Split time: the one given, else the 80% time quantile of the events.</li>
 *   <li>Without an item file: learns embeddings from the events before the split ({@link ItemEmbeddingLearner},
 *       implicit ALS over clicks and saves), then gives every other item of the log a fallback
 *       ({@link EmbeddingFallback}: the mean learned vector plus seeded noise) and says how many in the manifest.</li>
 *   <li>Writes {@code items.csv} (ascending item id) and {@code dataset.json} (counts, time range, split, snapshot id,
 *       embedding provenance) and moves the directory into place. Any error before that leaves no output at all
 *       ({@link AtomicDirectory}).</li>
 * </ol>
 */
public final class EventLogImporter {
    private EventLogImporter() {
    }

    /** Starts an import of {@code events} into the dataset directory {@code output}. */
    public static Builder builder(Path events, Path output) {
        return new Builder(events, output);
    }

    /** Settings of one import; {@link #run()} does it. */
    public static final class Builder {
        private final Path events;
        private final Path output;
        private FileFormat eventsFormat;
        private Path items;
        private FileFormat itemsFormat;
        private Long splitTimeMs;
        private double splitQuantile = 0.8;
        private String name;
        private long seed = 42;
        private AlsConfig embedding;
        private boolean overwrite;
        private boolean compressEvents;
        private boolean progress;
        private EventLogDialect dialect = EventLogDialect.CANONICAL;
        private RequestMode requests = RequestMode.IMPRESSIONS;
        private SessionRule sessions = SessionRule.DEFAULT;
        private double negativeRatio = 1.0;

        private Builder(Path events, Path output) {
            this.events = Objects.requireNonNull(events, "events");
            this.output = Objects.requireNonNull(output, "output");
        }

        /** The event log's format; default: from its file name ({@link FileFormat#of}). */
        public Builder eventsFormat(FileFormat f) {
            this.eventsFormat = f;
            return this;
        }

        /** The item file ({@code item_id,e0..e31} CSV or JSON Lines); without one, embeddings are learned. */
        public Builder items(Path file) {
            this.items = file;
            return this;
        }

        /** The item file's format; default: from its file name. */
        public Builder itemsFormat(FileFormat f) {
            this.itemsFormat = f;
            return this;
        }

        /** The split time (epoch ms) to record; default: the {@link #splitQuantile} time quantile of the events. */
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

        /** The dataset's name in the manifest; default: the output directory's name. */
        public Builder name(String n) {
            this.name = n;
            return this;
        }

        /** Seed of the embedding learner, the fallback noise and the split-time sample; default 42. */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** Settings of the embedding learner (used without an item file); default {@link AlsConfig#defaults} with the seed. */
        public Builder embedding(AlsConfig c) {
            this.embedding = c;
            return this;
        }

        /** Replace an existing output directory; default false (an existing one is an error). */
        public Builder overwrite(boolean b) {
            this.overwrite = b;
            return this;
        }

        /** Write {@code events.csv.gz} instead of {@code events.csv}; default false. */
        public Builder compressEvents(boolean b) {
            this.compressEvents = b;
            return this;
        }

        /** How the raw log differs from the canonical one; default {@link EventLogDialect#CANONICAL}. */
        public Builder dialect(EventLogDialect d) {
            this.dialect = Objects.requireNonNull(d);
            return this;
        }

        /** Where requests come from; default {@link RequestMode#IMPRESSIONS}. */
        public Builder requests(RequestMode mode) {
            this.requests = Objects.requireNonNull(mode);
            return this;
        }

        /** How {@link RequestMode#SESSIONS} cuts events into sessions; default {@link SessionRule#DEFAULT}. */
        public Builder sessions(SessionRule rule) {
            this.sessions = Objects.requireNonNull(rule);
            return this;
        }

        /** Sampled never-touched items per engaged item of a session request; default 1. */
        public Builder negativeRatio(double r) {
            if (!(r >= 0 && r <= 1000)) {
                throw new IllegalArgumentException("--negative-ratio " + r + " must be in [0, 1000]");
            }
            this.negativeRatio = r;
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
         * @throws InputException for any bad input (nothing is written then)
         * @throws IllegalArgumentException when the output exists and overwriting was not allowed
         */
        public ImportResult run() {
            return EventLogImporter.run(this);
        }
    }

    private static Progress progress(Builder b, String label, long total) {
        return b.progress ? new Progress(label, total) : Progress.silent();
    }

    private static ImportResult run(Builder b) {
        long start = System.nanoTime();
        FileFormat evFormat = b.eventsFormat != null ? b.eventsFormat : FileFormat.of(b.events);
        if (!Files.exists(b.events)) {
            throw new InputException(b.events, 0, "no such file");
        }
        if (Files.isDirectory(b.events) && evFormat != FileFormat.PARQUET) {
            throw new InputException(b.events, 0, "a directory: only a Parquet event log may be a directory of part files");
        }
        InMemoryItemEmbeddings items = null;
        if (b.items != null) {
            items = ItemFileReader.read(b.items, b.itemsFormat != null ? b.itemsFormat : FileFormat.of(b.items));
        }
        AlsConfig als = b.embedding != null ? b.embedding : AlsConfig.defaults(b.seed);
        try (AtomicDirectory out = new AtomicDirectory(b.output, b.overwrite)) {
            Path eventsOut = out.dir().resolve(b.compressEvents ? DatasetLayout.EVENTS_GZ : DatasetLayout.EVENTS);
            LogStats stats = new LogStats(b.seed);
            LongHashSet seenItems = items == null ? new LongHashSet() : null;
            long fileSize = size(b.events);
            EventColumns collected = b.requests == RequestMode.SESSIONS ? new EventColumns() : null;
            try (EventSource src = EventSources.open(b.events, evFormat, b.dialect);
                 EventLogWriter w = collected == null ? new EventLogWriter(eventsOut) : null;
                 Progress p = progress(b, "import", fileSize)) {
                long reported = 0;
                long read = 0;
                while (src.hasNext()) {
                    Event e = src.next();
                    if (items != null && !items.contains(e.itemId())) {
                        throw src.error("item " + e.itemId() + " has no embedding in the item file " + b.items.getFileName());
                    }
                    if (seenItems != null) {
                        seenItems.add(e.itemId());
                    }
                    if (collected != null) {
                        if (e.action() == Actions.IMPRESSION) {
                            throw src.error("an impression row, but --requests sessions makes the "
                                    + "requests from sessions of a log without impressions; use --requests impressions for this log");
                        }
                        collected.add(e);
                    } else {
                        w.write(e);
                        stats.add(e);
                    }
                    if ((++read & 4095) == 0) {
                        long now = src.bytesRead();
                        p.advance(now - reported);
                        reported = now;
                    }
                }
                p.advance(src.bytesRead() - reported);
            }
            SessionRequests sessionRequests = null;
            if (collected != null && collected.size() > 0) {
                long[] universe = items != null ? items.ids() : seenItems.toSortedArray();
                Arrays.sort(universe);
                sessionRequests = new SessionRequests(b.sessions, b.negativeRatio, b.seed, universe);
                try (EventLogWriter w = new EventLogWriter(eventsOut)) {
                    collected.emitSessions(sessionRequests, e -> {
                        w.write(e);
                        stats.add(e);
                    });
                }
            }
            if (stats.events == 0) {
                throw new InputException(b.events, 0, "no events: the event log has no rows" + (evFormat == FileFormat.CSV ? " after its header" : "")
                        + (b.dialect.actionMap().containsValue(EventLogDialect.SKIP) ? " that the action map keeps" : ""));
            }

            long split = b.splitTimeMs != null ? b.splitTimeMs : stats.times.quantile(b.splitQuantile);

            Map<String, Object> params = new LinkedHashMap<>();
            params.put("eventsFile", b.events.toAbsolutePath().normalize().toString());
            params.put("eventsFormat", evFormat.name().toLowerCase(java.util.Locale.ROOT));
            if (!b.dialect.strict()) {
                params.put("columns", b.dialect.columns().toString());
            }
            params.put("timestampUnit", b.dialect.unit().name().toLowerCase(java.util.Locale.ROOT));
            if (!b.dialect.actionMap().isEmpty()) {
                params.put("actionMap", b.dialect.describeMap());
            }
            params.put("requestMode", b.requests.name().toLowerCase(java.util.Locale.ROOT));
            if (sessionRequests != null) {
                params.put("requests", sessionRequests.requests());
                params.put("impressionEvents", sessionRequests.impressions());
                params.put("sampledImpressions", sessionRequests.sampled());
                params.put("requestsShortOfNegatives", sessionRequests.shortOfNegatives());
                params.put("sessionMaxGapMs", b.sessions.maxGapMs());
                params.put("sessionMaxEvents", b.sessions.maxEvents());
                params.put("sessionMaxDurationMs", b.sessions.maxDurationMs());
                params.put("labelWindowMs", b.sessions.labelWindowMs());
                params.put("negativeRatio", b.negativeRatio);
                params.put("requestRule", "per user, explicit events in (timestamp, item) order are cut into sessions (new session after a gap > "
                        + "sessionMaxGapMs, at sessionMaxDurationMs from the session start, or after sessionMaxEvents events unless at the start time); "
                        + "a session starting at t is one request: impressions at t for its k distinct items and round(negativeRatio * k) sampled "
                        + "items the user never touched (uniform, seeded by (seed, userId))");
            }
            params.putAll(stats.toParameters());
            params.put("splitTime", b.splitTimeMs != null ? "given" : "quantile " + b.splitQuantile + " of event times"
                    + (stats.times.exact() ? "" : " (from a seeded sample of " + TimeQuantile.DEFAULT_CAPACITY + ")"));

            String embeddingsDesc;
            Long seed = null;
            if (items != null) {
                embeddingsDesc = "file:" + b.items.toAbsolutePath().normalize();
            } else {
                LearnedEmbeddings learned;
                try (EventSource again = EventSources.open(eventsOut, FileFormat.CSV);
                     Progress p = progress(b, "embeddings", 2L * als.iterations())) {
                    learned = ItemEmbeddingLearner.learn(again, split, als, p);
                } catch (IllegalArgumentException e) {
                    throw new InputException(b.events, 0, e.getMessage() + "; give an item file, or a later split time", e);
                }
                items = new InMemoryItemEmbeddings();
                EmbeddingFallback.Report report = EmbeddingFallback.complete(learned, seenItems.toSortedArray(), null, b.seed, items);
                seed = b.seed;
                embeddingsDesc = als.describe() + "; learned from " + learned.interactions() + " (user, item) clicks/saves of "
                        + learned.users() + " users before splitTimeMs " + split + "; " + report.fallback()
                        + " of " + items.size() + " items without training data got the mean learned vector + N(0, "
                        + EmbeddingFallback.NOISE_STD + "²) noise";
                params.putAll(als.toParameters());
                params.put("embeddingLearnedItems", report.learned());
                params.put("embeddingFallbackItems", report.fallback());
                params.put("embeddingFallbackRule", "mean of learned vectors + seeded N(0, " + EmbeddingFallback.NOISE_STD + "^2) noise");
            }
            long[] ids = items.ids();
            Arrays.sort(ids);
            writeItems(out.dir().resolve(DatasetLayout.ITEMS), items, ids);
            params.putAll(EmbeddingStats.of(items, ids).toParameters());

            String snapshot = DatasetManifest.snapshotId(eventsOut, out.dir().resolve(DatasetLayout.ITEMS));
            String name = b.name != null ? b.name : b.output.toAbsolutePath().normalize().getFileName().toString();
            DatasetManifest m = new DatasetManifest(DatasetManifest.FORMAT_VERSION, name,
                    "import " + evFormat.name().toLowerCase(java.util.Locale.ROOT) + " " + b.events.toAbsolutePath().normalize()
                            + (b.items != null ? " + items " + b.items.toAbsolutePath().normalize() : ""),
                    stats.users.size(), ids.length, stats.events, stats.first, stats.last, split, embeddingsDesc, seed,
                    snapshot, params);
            m.write(out.dir().resolve(DatasetLayout.MANIFEST));
            Path dir = out.commit();
            return new ImportResult(dir, m, (System.nanoTime() - start) / 1e9);
        }
    }

    /** Writes {@code items.csv} with the given items in the given order. */
    static void writeItems(Path file, InMemoryItemEmbeddings items, long[] ids) {
        float[] e = new float[io.longview.core.model.Token.EMBEDDING_DIM];
        try (ItemFileWriter w = new ItemFileWriter(file)) {
            for (long id : ids) {
                items.copy(id, e, 0);
                w.write(id, e);
            }
        }
    }

    private static long size(Path f) {
        try {
            if (Files.isDirectory(f)) {
                long sum = 0;
                for (Path p : io.longview.parquet.ParquetRowReader.files(f)) {
                    sum += Files.size(p);
                }
                return sum;
            }
            return Files.size(f);
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Counts, time range, distinct users, the time sample for the split, and whether the log is ordered: what a
     * dataset manifest records about an event log, gathered in one streaming pass.
     */
    public static final class LogStats {
        final LongHashSet users = new LongHashSet();
        final TimeQuantile times;
        long events;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        final long[] perAction = new long[Actions.COUNT];
        private boolean byTime = true;
        private boolean byUserTime = true;
        private long prevUser;
        private long prevTime;

        /** @param seed seeds the timestamp sample of very large logs */
        public LogStats(long seed) {
            this.times = new TimeQuantile(seed);
        }

        public void add(Event e) {
            if (events > 0) {
                if (e.timestampMs() < prevTime) {
                    byTime = false;
                }
                if (e.userId() < prevUser || (e.userId() == prevUser && e.timestampMs() < prevTime)) {
                    byUserTime = false;
                }
            }
            prevUser = e.userId();
            prevTime = e.timestampMs();
            users.add(e.userId());
            times.add(e.timestampMs());
            events++;
            first = Math.min(first, e.timestampMs());
            last = Math.max(last, e.timestampMs());
            perAction[Integer.numberOfTrailingZeros(e.action())]++;
        }

        public long events() {
            return events;
        }

        public int users() {
            return users.size();
        }

        public long firstTimestampMs() {
            return first;
        }

        public long lastTimestampMs() {
            return last;
        }

        /** The q time quantile of the events ({@link TimeQuantile}). */
        public long quantile(double q) {
            return times.quantile(q);
        }

        /** Events with the given action bit. */
        public long count(int action) {
            return perAction[Integer.numberOfTrailingZeros(action)];
        }

        /** {@code user,time} (sorted by user then time), {@code time}, or {@code none}. */
        public String order() {
            return byUserTime ? "user,time" : byTime ? "time" : "none";
        }

        /** Per-action counts and the order, as manifest parameters. */
        public Map<String, Object> toParameters() {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < Actions.COUNT; i++) {
                m.put(Actions.name(1 << i) + "Events", perAction[i]);
            }
            m.put("eventOrder", order());
            return m;
        }
    }
}
