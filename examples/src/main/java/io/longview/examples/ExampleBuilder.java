package io.longview.examples;

import io.longview.core.io.LittleEndian;
import io.longview.core.io.AtomicFiles;
import io.longview.core.io.Futures;
import io.longview.core.io.Progress;
import io.longview.core.model.Event;
import io.longview.core.model.ItemEmbeddings;
import io.longview.core.model.Quantizer;
import io.longview.data.io.AtomicDirectory;
import io.longview.data.io.EventSource;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

/**
 * Builds point-in-time training examples from an event log (the paper's "NN feature logging": training needs no
 * store). Writes {@code train.lvx}, {@code eval.lvx} ({@link ExampleFormat}) and {@code examples.json}
 * ({@link BuildSummary}) into an output directory that appears whole or not at all.
 *
 * <h2>Definitions</h2>
 * <ul>
 *   <li>A <b>request</b> is all {@code impression} events of one user with the same timestamp {@code t}; its
 *       <b>candidates</b> are those distinct items (ascending id), one training example each.</li>
 *   <li>The <b>labels</b> of a candidate are the OR of the user's explicit actions (click, save, hide) on that item
 *       with timestamp in {@code [t, t + labelWindowMs)}.</li>
 *   <li>The <b>sequences</b> are the user's as of {@code t}: those of core {@code UserHistory} after exactly the
 *       events with timestamp {@code < t} (strictly before: point-in-time; the request's own impressions, and anything
 *       at {@code t}, are not in them), through the {@link HistoryProvider} (default: {@link ReplayHistoryProvider}).
 *       S_all is chosen by one core {@code CandidateSelector} call per candidate over one {@code PreparedHistory} per
 *       request, with salt {@link #salt}(requestId, itemId).</li>
 *   <li>The <b>dense features</b> are |S_RT|, |S_LL| and |S_imp| at {@code t}; the <b>NAL negatives</b> the newest
 *       {@code maxNegatives} S_imp tokens at {@code t}.</li>
 *   <li>{@code requestId} = {@link #requestId}(userId, t), a fixed 64-bit mix: the same request gets the same id in
 *       every build.</li>
 *   <li><b>Split</b>: {@code t < splitTimeMs} goes to {@code train.lvx}, the rest to {@code eval.lvx}. The history of
 *       an eval request includes the train period. Labels of a train request just before the split may come from
 *       actions after it.</li>
 *   <li><b>Order</b>: users by {@code userHash(userId)} (a fixed bijective mix, so the order is independent of the
 *       shard count, the thread count and the input order; it also shuffles users), each user's requests by time.
 *       The output files are byte-identical for the same events in any order, any shard budget and any number of
 *       threads.</li>
 *   <li><b>Item statistics</b> ({@link ExampleBuilderConfig#itemFeatures} {@code STATS}): every candidate's core
 *       {@code ItemStatistics} over all users' events strictly before {@code t}, computed by a global pass
 *       ({@code ItemStatisticsPass}: item statistics cross users, the replay does not) into
 *       {@link ItemFeatureFile#FILE_NAME}; the example files are the same as without them. Heap: 26 bytes per event
 *       plus {@code 16 + 4 · 19} bytes per impression during the pass.</li>
 *   <li>Every item of the event log must have an embedding: the first without one is an error naming it.</li>
 * </ul>
 *
 * <h2>Memory</h2> Events are partitioned by user hash into temporary shard files (26 bytes per event) in a
 * {@code tmp} folder of the output; shards over {@code maxEventsPerShard} are split again. Then each shard is loaded
 * (about 60 bytes per event), sorted, and its users replayed one at a time. Heap ≈ threads × maxEventsPerShard × 60
 * bytes plus one user's history; disk ≈ 26 bytes per event plus the output.
 */
public final class ExampleBuilder {
    /** Recorded in every example file and in {@code examples.json}. */
    public static final String BUILDER_VERSION = "longview-examples/1";

    private final ExampleBuilderConfig config;
    private final ItemEmbeddings items;
    private final HistoryProvider history;
    private BiFunction<String, Long, Progress> progress = (label, total) -> Progress.silent();

    /** A builder that replays the event log through core {@code UserHistory} ({@link ReplayHistoryProvider}). */
    public ExampleBuilder(ExampleBuilderConfig config, ItemEmbeddings items) {
        this(config, items, new ReplayHistoryProvider(config.limits(), items, new Quantizer(config.quantizerClip())));
    }

    /**
     * A builder with another source of history.
     *
     * @param items the catalog; read from several threads when {@code threads > 1}, so it must allow concurrent reads
     */
    public ExampleBuilder(ExampleBuilderConfig config, ItemEmbeddings items, HistoryProvider history) {
        this.config = config;
        this.items = items;
        this.history = history;
    }

    /** Reports progress through {@code factory(label, total)}, e.g. {@code Progress::new}; silent by default. */
    public ExampleBuilder withProgress(BiFunction<String, Long, Progress> factory) {
        this.progress = factory;
        return this;
    }

    public ExampleBuilderConfig config() {
        return config;
    }

    /** The id of the request of {@code userId} at {@code requestTimeMs}: a fixed 64-bit mix of both. */
    public static long requestId(long userId, long requestTimeMs) {
        return EventShards.userHash(EventShards.userHash(userId) ^ requestTimeMs);
    }

    /** The selection salt of one candidate of one request (seeds the RANDOM lifelong rule). */
    public static long salt(long requestId, long itemId) {
        return EventShards.userHash(requestId + 0x632BE59BD9B4E019L * itemId);
    }

    /**
     * Reads every event of {@code events} (closing it) and writes {@code train.lvx}, {@code eval.lvx} and
     * {@code examples.json} into {@code outputDir}.
     *
     * @param overwrite replace an existing {@code outputDir}; otherwise it must not exist
     * @throws IllegalArgumentException for an item without an embedding or an existing output
     */
    public BuildSummary build(EventSource events, Path outputDir, boolean overwrite) {
        long start = System.nanoTime();
        long[] range = {Long.MAX_VALUE, Long.MIN_VALUE}; // the events' time range, for examples.json
        ItemStatisticsPass itemPass = config.itemFeatures() == ItemFeatures.STATS ? new ItemStatisticsPass(config.limits()) : null;
        java.util.Iterator<Event> tracked = new java.util.Iterator<>() {
            @Override
            public boolean hasNext() {
                return events.hasNext();
            }

            @Override
            public Event next() {
                Event e = events.next();
                range[0] = Math.min(range[0], e.timestampMs());
                range[1] = Math.max(range[1], e.timestampMs());
                if (itemPass != null) {
                    itemPass.add(e);
                }
                return e;
            }
        };
        try (events; AtomicDirectory out = new AtomicDirectory(outputDir, overwrite)) {
            Path tmp = out.dir().resolve("tmp");
            Files.createDirectories(tmp);
            Result r;
            ExampleFooter trainFooter;
            ExampleFooter evalFooter;
            try (ExampleWriter train = new ExampleWriter(out.dir().resolve(ExampleFormat.TRAIN_FILE), config.header(ExampleHeader.Side.TRAIN));
                 ExampleWriter eval = new ExampleWriter(out.dir().resolve(ExampleFormat.EVAL_FILE), config.header(ExampleHeader.Side.EVAL))) {
                r = write(tracked, tmp, train, eval);
                trainFooter = train.finish();
                evalFooter = eval.finish();
            }
            AtomicFiles.deleteRecursively(tmp);
            if (itemPass != null) {
                itemPass.writeTo(out.dir().resolve(ItemFeatureFile.FILE_NAME));
            }
            double secs = Math.max((System.nanoTime() - start) / 1e9, 1e-9);
            BuildSummary summary = summary(r, trainFooter, evalFooter, secs, range,
                    Files.size(out.dir().resolve(ExampleFormat.TRAIN_FILE)), Files.size(out.dir().resolve(ExampleFormat.EVAL_FILE)));
            requireRequests(summary, events.file() != null ? events.file() : outputDir);
            summary.write(out.dir().resolve(ExampleFormat.SUMMARY_FILE));
            out.commit();
            return summary;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + outputDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * No silent emptiness: a build without a single request is refused and nothing is written; the message says what
     * fixes it. (A split without requests is allowed here, e.g. to train on everything; {@code ablate} refuses one.)
     */
    private static void requireRequests(BuildSummary s, Path source) {
        if (s.train().requests() + s.eval().requests() > 0) {
            return;
        }
        throw new io.longview.core.io.InputException(source, 0, "0 requests from " + s.events() + " events of " + s.users()
                + " users: requests are all impressions of a user at one time, and this log has none; a log without "
                + "impression rows needs 'import csv|jsonl --requests sessions'");
    }

    /** What {@link #write} saw. */
    record Result(long events, long users, int shards) {
    }

    /**
     * Partitions {@code events} into shard files under {@code tmp}, then writes every request's record into
     * {@code train} or {@code eval} (without finishing them).
     */
    Result write(Iterator<Event> events, Path tmp, ExampleWriter train, ExampleWriter eval) {
        int depth = initialDepth();
        List<EventShards.Shard> shards;
        try (Progress p = progress.apply("events", config.expectedEvents())) {
            shards = EventShards.partition(events, items, tmp, depth, p);
        }
        shards = EventShards.plan(shards, config.maxEventsPerShard(), tmp);
        long total = shards.stream().mapToLong(EventShards.Shard::events).sum();
        AtomicLong users = new AtomicLong();
        try (Progress p = progress.apply("examples", total)) {
            if (config.threads() == 1 || shards.size() == 1) {
                RequestMaker maker = new RequestMaker(config, items, history);
                RequestMaker.Sink sink = (side, b, len) -> (side == ExampleHeader.Side.TRAIN ? train : eval).write(b, len);
                for (EventShards.Shard s : shards) {
                    users.addAndGet(replay(s, maker, sink, p));
                }
            } else {
                parallel(shards, tmp, train, eval, users, p);
            }
        }
        return new Result(total, users.get(), shards.size());
    }

    /** Shards built by {@code threads} workers into chunk files, copied into the writers in shard order. */
    private void parallel(List<EventShards.Shard> shards, Path tmp, ExampleWriter train, ExampleWriter eval, AtomicLong users, Progress p) {
        ExecutorService pool = Executors.newFixedThreadPool(config.threads(), r -> {
            Thread t = new Thread(r, "examples-builder");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Path[]>> results = new ArrayList<>();
            ThreadLocal<RequestMaker> makers = ThreadLocal.withInitial(() -> new RequestMaker(config, items, history));
            for (int i = 0; i < shards.size(); i++) {
                EventShards.Shard s = shards.get(i);
                Path[] chunk = {tmp.resolve("chunk-" + i + "-train.bin"), tmp.resolve("chunk-" + i + "-eval.bin")};
                results.add(pool.submit(() -> {
                    try (OutputStream tr = new BufferedOutputStream(Files.newOutputStream(chunk[0]), 1 << 16);
                         OutputStream ev = new BufferedOutputStream(Files.newOutputStream(chunk[1]), 1 << 16)) {
                        users.addAndGet(replay(s, makers.get(), (side, b, len) -> {
                            try {
                                (side == ExampleHeader.Side.TRAIN ? tr : ev).write(b, 0, len);
                            } catch (IOException e) {
                                throw new UncheckedIOException("cannot write " + chunk[side.code()] + ": " + e.getMessage(), e);
                            }
                        }, p));
                    }
                    return chunk;
                }));
            }
            for (Future<Path[]> f : results) {
                Path[] chunk = await(f);
                appendChunk(chunk[0], train);
                appendChunk(chunk[1], eval);
            }
        } finally {
            pool.shutdownNow();
            try { // let workers stop before the caller deletes their temporary files
                pool.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Loads one shard and emits the requests of each of its users; returns the number of users. */
    private static long replay(EventShards.Shard s, RequestMaker maker, RequestMaker.Sink sink, Progress p) {
        EventShards.SortedEvents ev = EventShards.load(s);
        try {
            Files.delete(s.file());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete shard " + s.file() + ": " + e.getMessage(), e);
        }
        long users = 0;
        for (int from = 0; from < ev.size(); ) {
            int to = ev.userEnd(from);
            maker.user(new UserEvents(ev.users()[from], ev.items(), ev.times(), ev.actions(), ev.surfaces(), from, to), sink);
            p.advance(to - from);
            users++;
            from = to;
        }
        return users;
    }

    /**
     * Appends the records of a chunk file (records back to back, no header: the builder's worker output and
     * {@link ChunkReplayer}'s) to {@code out}, then deletes it.
     */
    public static void appendChunk(Path chunk, ExampleWriter out) {
        byte[] buf = new byte[1 << 16];
        try (InputStream in = new BufferedInputStream(Files.newInputStream(chunk), 1 << 16)) {
            while (in.readNBytes(buf, 0, 8) == 8) {
                int len = LittleEndian.getInt(buf, ExampleFormat.R_LENGTH);
                if (len > buf.length) {
                    buf = Arrays.copyOf(buf, Math.max(len, buf.length * 2));
                }
                if (in.readNBytes(buf, 8, len - 8) != len - 8) {
                    throw new IllegalStateException("chunk " + chunk + " ends inside a record");
                }
                out.write(buf, len);
            }
            in.close();
            Files.delete(chunk);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + chunk + ": " + e.getMessage(), e);
        }
    }

    private static <T> T await(Future<T> f) {
        return Futures.await(f, "building examples");
    }

    /** Enough initial shards that the expected events fill each to about half the budget (16 when unknown). */
    private int initialDepth() {
        if (config.expectedEvents() <= 0) {
            return 4;
        }
        int depth = 0;
        while (depth < 12 && (config.expectedEvents() >> depth) > config.maxEventsPerShard() / 2) {
            depth++;
        }
        return depth;
    }

    /**
     * The {@code examples.json} of a build with this builder's configuration for an engine that wrote the files itself
     * ({@link ChunkReplayer}, the Spark job): {@code shards} is its number of user partitions, {@code outputDir} holds
     * the finished {@code train.lvx} and {@code eval.lvx} or their shard directories ({@link ExampleSet}), and {@code firstEventMs}/{@code lastEventMs} are the
     * events' time range. Refuses a build without a single request, like {@link #build}.
     */
    public BuildSummary summary(long events, long users, int shards, long firstEventMs, long lastEventMs, Path outputDir,
                                ExampleFooter train, ExampleFooter eval, double secs) throws IOException {
        BuildSummary s = summary(new Result(events, users, shards), train, eval, secs, new long[]{firstEventMs, lastEventMs},
                new ExampleSet(outputDir).bytes(ExampleHeader.Side.TRAIN), new ExampleSet(outputDir).bytes(ExampleHeader.Side.EVAL));
        requireRequests(s, outputDir);
        return s;
    }

    private BuildSummary summary(Result r, ExampleFooter train, ExampleFooter eval, double secs, long[] range, long trainBytes, long evalBytes) {
        long examples = train.candidates() + eval.candidates();
        return new BuildSummary(ExampleFormat.VERSION, BUILDER_VERSION, config.snapshotId(), Instant.now().toString(),
                BuildSummary.Selection.of(config.selection()), BuildSummary.Limits.of(config.limits()),
                config.quantizerClip(), config.maxNegatives(), config.labelWindowMs(), config.splitTimeMs(), r.events(), r.users(),
                r.shards(), config.threads(), BuildSummary.SideSummary.of(ExampleHeader.Side.TRAIN, train, trainBytes),
                BuildSummary.SideSummary.of(ExampleHeader.Side.EVAL, eval, evalBytes), secs, examples / secs, r.events() / secs,
                r.events() == 0 ? null : range[0], r.events() == 0 ? null : range[1],
                config.itemFeatures() == ItemFeatures.STATS ? io.longview.core.model.ItemStatistics.FEATURE_NAMES : java.util.List.of());
    }
}
