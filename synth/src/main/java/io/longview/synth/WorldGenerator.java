package io.longview.synth;

import io.longview.core.io.Futures;
import io.longview.core.io.Progress;
import io.longview.data.io.AtomicDirectory;
import io.longview.data.io.DatasetLayout;
import io.longview.data.io.DatasetManifest;
import io.longview.data.io.EventWriter;
import io.longview.data.io.FileFormat;
import io.longview.data.io.ItemFileWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Writes a synthetic lifelong world as a dataset directory ({@link DatasetLayout}): {@code events.csv} (or
 * {@code events.csv.gz}), {@code items.csv} and {@code dataset.json}, through an {@link AtomicDirectory}. It is a world
 * where <b>lifelong history matters</b>: users keep interests for life but seek some of them out only for a while
 * (dormant interests), and the home feed keeps resurfacing those; an RT-only ranker then sees nothing of the topic in
 * the user's newest 100 actions, while the lifelong sequence holds it.
 *
 * <h2>The model (defaults in brackets; every number is a {@link WorldConfig} field)</h2>
 * <ol>
 *   <li><b>Items.</b> {@code T} [64] topics with centres {@code c_k ~ N(0, 0.2²)^32}; {@code I} [300] items per topic
 *       with embeddings {@code c_k + N(0, 0.1²)^32} (per-dimension scale ≈ 0.22, under 0.5% of values beyond the
 *       quantizer's clip 0.65; item–own-centre cosine ≈ 0.9, item–other-centre ≈ 0 ± 0.18). Popularity within a topic
 *       is Zipf: rank {@code r} with probability ∝ {@code (r+1)^-0.7}. Item ids are a seeded permutation of
 *       {@code 1..T·I}.</li>
 *   <li><b>Users</b> {@code 1..U} [2,000]. Organic explicit actions over the world
 *       {@code N = clamp(round(250 · e^{1.4 Z}), 20, 50,000)}, {@code Z ~ N(0,1)} (lognormal: mean ≈ 2.6 × median,
 *       top 1% of users hold ≈ 17% of actions, ≈ 0.1% of users exceed 16,100 = S_RT + S_LL capacity). A user joins
 *       at {@code start + U(0, 0.2)·span} and stays to the end of the two-year [730 days] world. Distinct topics per
 *       user: core [2–4, Dirichlet(1) weights], dormant [2–4], disliked [1–3]. A dormant topic has an active window of
 *       U(30, 120) days starting within the first 60% of the user's life and, with probability 0.5, a return window of
 *       U(14, 42) days at least 90 days after it. Per-user click bias {@code b_u ~ N(0, 0.4²)}.</li>
 *   <li><b>Sessions.</b> The {@code N} actions are cut into sessions of {@code 1 + Geometric} actions (mean 10).
 *       Sessions come in bursts (centres uniform over the user's life, 3 sessions per burst on average, Exp(4 h)
 *       apart) and start at least 15 min after the previous session's last event. A session keeps the previous
 *       session's topics with probability 0.5, else draws 1 (2 with p 0.4) topics: a random non-disliked topic with
 *       p 0.05, else by weight among the core topics (weights sum to 1) and the dormant topics inside a window (0.6
 *       each). Organic actions are 5 s + Exp(40 s) apart: with p 0.02 a hide of a disliked-topic item (surface home);
 *       else a click on an item of a session topic (a random non-disliked topic with p 0.05) on search or related
 *       (home with p 0.1), followed with p 0.3 by a save of it 1 s + Exp(15 s) later. No organic action touches an
 *       item the session already touched or showed.</li>
 *   <li><b>Feed requests.</b> A session opens with a home-feed request with probability 0.3 (one request per ≈ 33
 *       organic actions: from one every few weeks for a median user to several a day for the most active). At the
 *       session start {@code t}, 20 distinct items are shown: 20 {@code impression} events at exactly {@code t}, surface
 *       home. With probability 0.4 the request <i>resurfaces</i> the user's dormant topic whose newest explicit event
 *       is oldest; then each slot is a dormant slot (an item of that topic) with probability 0.16 / 0.4 = 0.4. Other
 *       slots are core (topic by core weight), session (a topic of the session the request opens) or random (any
 *       topic) in the proportions 0.15 : 0.30 : 0.39. Over all requests: 16% dormant, 15% core, 30% session, 39%
 *       random slots; about 22% of impressions show a dormant-topic item.</li>
 *   <li><b>Outcomes</b> of an impression of item {@code i} at {@code t} ({@code cos} = cosine of the item's embedding
 *       with a topic centre; σ the logistic function):
 *       <pre>
 * like(i)    = max_{k ∈ core ∪ dormant} cos(e_i, c_k)        the whole-life interest profile
 * dormant(i) = max_{k ∈ dormant}        cos(e_i, c_k)        (0 without dormant topics)
 * session(i) = max_{k ∈ session topics} cos(e_i, c_k)
 * dislike(i) = max_{k ∈ disliked}       cos(e_i, c_k)        (−1 without disliked topics)
 * P(hide)            = σ(−9 + 11·dislike(i))
 * P(click | no hide) = σ(−5.5 + 4·like(i) + 2·dormant(i) + 1.5·session(i) + b_u + ε),   ε ~ N(0, 0.5²)
 * P(save | click)    = σ(−3 + 2.5·like(i) + 1.5·dormant(i))
 *       </pre>
 *       The dormant terms make a long-missed interest engage more than an everyday one. A hide is written at
 *       {@code t + min(1 s + Exp(20 s), W − 1 s)}; a click at {@code t + min(2 s + Exp(45 s), W − 60 s)} and its save
 *       1 s + Exp(20 s) after the click, capped at {@code t + W − 1 s}, with {@code W} = labelWindowMs [10 min]. Every
 *       outcome thus falls in {@code (t, t + W)} and folds with its impression into one token unless an epoch-aligned
 *       10-minute fold boundary falls in between (accepted).</li>
 * </ol>
 * Measured on the default 2,000-user world: impressions of core topics are engaged 39% (saved 15%), of dormant topics
 * 53% (34%), of other topics 2.4% (0.3%); disliked-topic impressions are hidden 70% of the time. About 12% of all
 * impressions are <i>lifelong-only</i> (a liked topic absent from the newest 100 explicit tokens but present before
 * them; engaged 46%): see {@link WorldStatistics}, returned in every {@link GenerationSummary}.
 *
 * <h2>Determinism and streaming</h2>
 * The catalog comes from the stream {@code (seed, catalog)}, each user from the stream {@code (seed, userId)}
 * ({@link WorldRandom}: SplitMix64 and StrictMath, no JDK random algorithms): the same config gives byte-identical
 * files whatever the thread count, and user {@code u}'s events do not depend on how many users the world has. Users
 * are simulated in parallel, at most {@code 4 × threads} ahead of the single writer, and written in id order, each
 * user's events in time order (ties: a request's impressions in slot order): memory is O(items + a few users).
 *
 * <h2>Manifest</h2>
 * {@code name} synthetic-U, {@code embeddings} "generated", {@code seed}, {@code splitTimeMs = start + 0.9·span}
 * (the last 73 days evaluate), {@code snapshotId} over events and items, and {@code parameters}: {@code generator},
 * {@code generatorVersion} ({@value #GENERATOR_VERSION}; bumped whenever a seed would give other events),
 * {@code labelWindowMs}, {@code requestRule}, {@code worldStartMs}, {@code worldEndMs} and {@code world} (the whole
 * {@link WorldConfig}).
 */
public final class WorldGenerator {
    /** Version of the world model: the same seed and config give the same bytes within a version. */
    public static final int GENERATOR_VERSION = 1;
    /** How a reader finds requests in the event log; recorded in the manifest. */
    public static final String REQUEST_RULE = "a request is all impression events of one user at one timestamp (surface home); "
            + "its labels are that user's click/save/hide events on those items within labelWindowMs after it";

    private WorldGenerator() {
    }

    /** Generates into a new directory {@code outDir} (an error if it exists) on all available processors. */
    public static GenerationSummary generate(WorldConfig config, Path outDir, Progress progress) {
        return generate(config, outDir, false, Runtime.getRuntime().availableProcessors(), progress);
    }

    /**
     * Generates the world of {@code config} into {@code outDir}, all or nothing.
     *
     * @param overwrite replace an existing {@code outDir} (only once the new one is complete)
     * @param threads   simulation threads (≥ 1); the output does not depend on it
     * @param progress  advanced by one per user written; not closed here
     * @throws IllegalArgumentException if {@code outDir} exists and {@code overwrite} is false, or threads &lt; 1
     */
    public static GenerationSummary generate(WorldConfig config, Path outDir, boolean overwrite, int threads, Progress progress) {
        return generate(config, outDir, overwrite, threads, progress, FileFormat.CSV);
    }

    /**
     * As {@link #generate(WorldConfig, Path, boolean, int, Progress)}, with the event log in {@code eventsFormat}:
     * {@link FileFormat#CSV} ({@code events.csv}, or {@code events.csv.gz} when the config says so) or
     * {@link FileFormat#PARQUET} ({@code events.parquet}, one file, the same rows in the same order).
     */
    public static GenerationSummary generate(WorldConfig config, Path outDir, boolean overwrite, int threads, Progress progress,
                                             FileFormat eventsFormat) {
        if (eventsFormat == FileFormat.JSONL) {
            throw new IllegalArgumentException("the generator writes events as CSV or Parquet, not " + eventsFormat);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be ≥ 1, got " + threads);
        }
        long t0 = System.nanoTime();
        SyntheticWorld world = SyntheticWorld.create(config);
        try (AtomicDirectory out = new AtomicDirectory(outDir, overwrite)) {
            Path items = out.dir().resolve(DatasetLayout.ITEMS);
            Path events = out.dir().resolve(eventsFormat == FileFormat.PARQUET ? DatasetLayout.EVENTS_PARQUET
                    : config.gzipEvents() ? DatasetLayout.EVENTS_GZ : DatasetLayout.EVENTS);
            writeItems(world.catalog(), items);
            EventSink sink = new EventSink();
            try (EventWriter writer = EventWriter.open(events)) {
                sink.writer = writer;
                if (threads == 1) {
                    for (long u = 1; u <= config.users(); u++) {
                        sink.accept(simulate(world, u));
                        progress.advance(1);
                    }
                } else {
                    runParallel(world, threads, sink, progress);
                }
            }
            WorldStatistics stats = sink.stats.result();
            DatasetManifest manifest = new DatasetManifest(DatasetManifest.FORMAT_VERSION, config.datasetName(), source(config),
                    stats.users(), world.catalog().items(), stats.events(), sink.first, sink.last, config.splitTimeMs(),
                    "generated", config.seed(), DatasetManifest.snapshotId(events, items), parameters(config));
            manifest.write(out.dir().resolve(DatasetLayout.MANIFEST));
            Path dir = out.commit();
            return new GenerationSummary(dir, manifest, stats, sizeOf(dir), (System.nanoTime() - t0) / 1e9);
        }
    }

    /** A user's simulated events with the partial statistics of that user (computed on the worker). */
    private record Simulated(UserEvents events, WorldStatistics.Accumulator stats) {
    }

    private static Simulated simulate(SyntheticWorld world, long userId) {
        UserEvents ev = world.simulate(userId);
        WorldStatistics.Accumulator acc = new WorldStatistics.Accumulator();
        acc.add(ev, world.profile(userId), world.catalog());
        return new Simulated(ev, acc);
    }

    /** Simulates users on {@code threads} workers, at most {@code 4 × threads} ahead, and writes them in id order. */
    private static void runParallel(SyntheticWorld world, int threads, EventSink sink, Progress progress) {
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "synth-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            long users = world.config().users();
            ArrayDeque<Future<Simulated>> ahead = new ArrayDeque<>();
            long next = 1;
            while (next <= users || !ahead.isEmpty()) {
                while (next <= users && ahead.size() < 4 * threads) {
                    long u = next++;
                    ahead.addLast(pool.submit(() -> simulate(world, u)));
                }
                sink.accept(await(ahead.removeFirst()));
                progress.advance(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static Simulated await(Future<Simulated> f) {
        return Futures.await(f, "generating the synthetic world");
    }

    /** Writes users' events and merges their statistics, on the writer thread. */
    private static final class EventSink {
        final WorldStatistics.Accumulator stats = new WorldStatistics.Accumulator();
        EventWriter writer;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;

        void accept(Simulated s) {
            UserEvents ev = s.events();
            for (int i = 0; i < ev.size(); i++) {
                writer.write(ev.event(i));
            }
            if (ev.size() > 0) {
                first = Math.min(first, ev.timestamp(0));
                last = Math.max(last, ev.timestamp(ev.size() - 1));
            }
            stats.merge(s.stats());
        }
    }

    private static void writeItems(TopicCatalog catalog, Path file) {
        try (ItemFileWriter w = new ItemFileWriter(file)) {
            for (long id = 1; id <= catalog.items(); id++) {
                w.write(id, catalog.embedding(id));
            }
        }
    }

    private static String source(WorldConfig c) {
        return "longview synthetic lifelong world v" + GENERATOR_VERSION + " (io.longview.synth.WorldGenerator): seed " + c.seed()
                + ", " + c.users() + " users, " + c.catalog().topics() + " topics x " + c.catalog().itemsPerTopic() + " items, "
                + Instant.ofEpochMilli(c.startMs()) + " + " + c.spanDays() + " days";
    }

    private static Map<String, Object> parameters(WorldConfig c) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("generator", WorldGenerator.class.getName());
        p.put("generatorVersion", GENERATOR_VERSION);
        p.put("labelWindowMs", c.feed().labelWindowMs());
        p.put("requestRule", REQUEST_RULE);
        p.put("worldStartMs", c.startMs());
        p.put("worldEndMs", c.endMs());
        p.put("world", c.toParameters());
        return p;
    }

    private static long sizeOf(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            long total = 0;
            for (Path f : s.toList()) {
                total += Files.size(f);
            }
            return total;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
