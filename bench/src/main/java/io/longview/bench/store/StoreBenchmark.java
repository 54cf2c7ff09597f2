package io.longview.bench.store;

import io.longview.core.io.AtomicFiles;
import io.longview.core.model.Actions;
import io.longview.core.model.Event;
import io.longview.core.model.SequenceLimits;
import io.longview.core.model.Surfaces;
import io.longview.core.model.Token;
import io.longview.core.model.UserSequences;
import io.longview.store.RocksSequenceStore;
import io.longview.store.SequenceStore;
import io.longview.store.StoreOptions;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Measures a {@link RocksSequenceStore} on temporary stores (deleted afterwards), deterministically seeded:
 * <ol>
 *   <li><b>ingest</b>: events per second through {@link SequenceStore#append}, in batches of mixed users (a few heavy
 *       users take a share of all events; 60% impressions, some of them engaged later; 10% of events up to two minutes
 *       out of order), once with sync on (fsync per append) and once with sync off, each on a fresh store with the
 *       same events, after a warm-up on a third store; plus the p50/p99 latency of one append;</li>
 *   <li><b>read</b>: the latency of {@link SequenceStore#read} for one user holding the full default state
 *       (100 realtime + 16,000 lifelong explicit tokens and 100 impressions), after flushing to SST files and a
 *       warm-up, recorded in an HdrHistogram.</li>
 * </ol>
 * The numbers depend on the machine (disk fsync latency above all); {@link Result#toString()} prints a table.
 * Used by {@code longview bench store}.
 */
public final class StoreBenchmark {
    private static final long T0 = 1_704_067_200_000L; // 2024-01-01T00:00:00Z
    private static final int D = Token.EMBEDDING_DIM;

    private StoreBenchmark() {
    }

    /**
     * What to measure.
     *
     * @param seed            seeds every random choice
     * @param users           ordinary users
     * @param heavyUsers      heavy users (ids after the ordinary ones)
     * @param heavyShare      share of all events that belong to heavy users, in [0, 1]
     * @param items           catalog size (≥ 1,000: the read user needs distinct items)
     * @param ingestEvents    events ingested per sync setting
     * @param batchSize       events per append call
     * @param readWarmup      reads before measuring
     * @param readIterations measured reads
     * @param workDir         where the temporary stores go; null for the system's temporary directory
     */
    public record Config(long seed, int users, int heavyUsers, double heavyShare, int items, int ingestEvents, int batchSize,
                         int readWarmup, int readIterations, Path workDir) {
        public Config {
            if (users < 1 || heavyUsers < 0 || !(heavyShare >= 0 && heavyShare <= 1) || (heavyUsers == 0 && heavyShare > 0)
                    || items < 1_000 || ingestEvents < 1 || batchSize < 1 || readWarmup < 0 || readIterations < 1) {
                throw new IllegalArgumentException("invalid benchmark config: " + this);
            }
        }

        /** 10,000 users + 4 heavy ones taking 20% of 200,000 events, 50,000 items, batches of 500, 3,000 + 5,000 reads. */
        public static Config defaults() {
            return new Config(42, 10_000, 4, 0.2, 50_000, 200_000, 500, 3_000, 5_000, null);
        }

        public Config withSeed(long seed) {
            return new Config(seed, users, heavyUsers, heavyShare, items, ingestEvents, batchSize, readWarmup, readIterations, workDir);
        }

        public Config withIngest(int events, int batchSize) {
            return new Config(seed, users, heavyUsers, heavyShare, items, events, batchSize, readWarmup, readIterations, workDir);
        }

        public Config withReads(int warmup, int iterations) {
            return new Config(seed, users, heavyUsers, heavyShare, items, ingestEvents, batchSize, warmup, iterations, workDir);
        }

        public Config withWorkDir(Path workDir) {
            return new Config(seed, users, heavyUsers, heavyShare, items, ingestEvents, batchSize, readWarmup, readIterations, workDir);
        }
    }

    /**
     * Ingest through {@code append}.
     *
     * @param sync            fsync per append
     * @param events          events appended
     * @param appends         append calls
     * @param applied         events that changed the store (the rest folded into nothing new or were duplicates)
     * @param seconds         wall time of all appends
     * @param eventsPerSecond {@code events / seconds}
     * @param appendP50Ms     median latency of one append call
     * @param appendP99Ms     99th percentile latency of one append call
     */
    public record IngestMeasurement(boolean sync, long events, int appends, long applied, double seconds, double eventsPerSecond,
                                    double appendP50Ms, double appendP99Ms) {
    }

    /**
     * Reads of one full user.
     *
     * @param explicitTokens   the user's S_RT + S_LL tokens
     * @param impressionTokens the user's S_imp tokens
     * @param iterations       measured reads
     * @param p50Ms            median
     * @param p99Ms            99th percentile
     * @param p999Ms           99.9th percentile
     * @param maxMs            slowest read
     * @param meanMs           mean
     */
    public record ReadMeasurement(int explicitTokens, int impressionTokens, int iterations, double p50Ms, double p99Ms,
                                  double p999Ms, double maxMs, double meanMs) {
    }

    /**
     * All numbers of one run; {@link #toString()} is a table.
     *
     * @param config  what was run
     * @param syncOn  ingest with fsync per append
     * @param syncOff ingest without fsync
     * @param read    reads of a full user
     */
    public record Result(Config config, IngestMeasurement syncOn, IngestMeasurement syncOff, ReadMeasurement read) {
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "store benchmark: seed %d, %,d users + %d heavy (%.0f%% of events), %,d items, %d cores, %s%n",
                    config.seed(), config.users(), config.heavyUsers(), config.heavyShare() * 100, config.items(),
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name") + " " + Runtime.version()));
            sb.append(String.format(Locale.ROOT, "%-10s %10s %8s %9s %9s %12s %14s %14s%n",
                    "ingest", "events", "appends", "applied", "seconds", "events/s", "append p50 ms", "append p99 ms"));
            for (IngestMeasurement m : List.of(syncOn, syncOff)) {
                sb.append(String.format(Locale.ROOT, "%-10s %,10d %,8d %,9d %9.2f %,12.0f %14.3f %14.3f%n",
                        m.sync() ? "sync on" : "sync off", m.events(), m.appends(), m.applied(), m.seconds(), m.eventsPerSecond(),
                        m.appendP50Ms(), m.appendP99Ms()));
            }
            sb.append(String.format(Locale.ROOT, "read of one user (%,d explicit + %,d impression tokens), %,d reads after %,d warm-up:%n",
                    read.explicitTokens(), read.impressionTokens(), read.iterations(), config.readWarmup()));
            sb.append(String.format(Locale.ROOT, "  p50 %.3f ms   p99 %.3f ms   p99.9 %.3f ms   max %.3f ms   mean %.3f ms",
                    read.p50Ms(), read.p99Ms(), read.p999Ms(), read.maxMs(), read.meanMs()));
            return sb.toString();
        }
    }

    /** Runs the whole benchmark (tens of seconds with the defaults). */
    public static Result run(Config config) {
        Path work = createWorkDir(config.workDir());
        try {
            SplittableRandom rng = new SplittableRandom(config.seed());
            float[] catalog = embeddings(rng.split(), config.items());
            List<List<Event>> batches = ingestBatches(rng.split(), config);
            // warm-up (JIT) on a throwaway store with a tenth of the batches, so that neither setting pays for it
            ingest(work.resolve("ingest-warmup"), false, catalog, batches.subList(0, Math.max(1, batches.size() / 10)));
            IngestMeasurement on = ingest(work.resolve("ingest-sync"), true, catalog, batches);
            IngestMeasurement off = ingest(work.resolve("ingest-nosync"), false, catalog, batches);
            ReadMeasurement read = read(work.resolve("read"), catalog, config);
            return new Result(config, on, off, read);
        } finally {
            deleteRecursively(work);
        }
    }

    private static IngestMeasurement ingest(Path dir, boolean sync, float[] catalog, List<List<Event>> batches) {
        try (RocksSequenceStore store = RocksSequenceStore.open(dir, StoreOptions.defaults().withSync(sync))) {
            putCatalog(store, catalog);
            Histogram latency = new Histogram(3_600_000_000_000L, 3);
            long events = 0;
            long applied = 0;
            long start = System.nanoTime();
            for (List<Event> batch : batches) {
                long t = System.nanoTime();
                applied += store.append(batch).applied();
                latency.recordValue(System.nanoTime() - t);
                events += batch.size();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new IngestMeasurement(sync, events, batches.size(), applied, seconds, events / seconds,
                    latency.getValueAtPercentile(50) / 1e6, latency.getValueAtPercentile(99) / 1e6);
        }
    }

    private static ReadMeasurement read(Path dir, float[] catalog, Config config) {
        SequenceLimits limits = SequenceLimits.DEFAULT;
        int explicit = limits.explicitCapacity() + 100; // 100 more than kept: the store is at its cap and evicting
        int impressions = limits.impressions();
        long user = 1;
        int half = config.items() / 2;
        try (RocksSequenceStore store = RocksSequenceStore.open(dir, StoreOptions.defaults().withSync(false).withLimits(limits))) {
            putCatalog(store, catalog);
            List<Event> batch = new ArrayList<>();
            for (int i = 0; i < explicit; i++) {
                long ts = T0 + i * 60_000L; // one a minute: never two events of one item in one fold window
                int action = i % 3 == 0 ? Actions.SAVE : Actions.CLICK;
                batch.add(Event.of(user, (i * 7_919L) % half, ts, action, i % 4));
                if (i >= explicit - impressions) {
                    batch.add(Event.of(user, half + (i * 104_729L) % (config.items() - half), ts + 30_000, Actions.IMPRESSION, Surfaces.HOME));
                }
                if (batch.size() >= 1_000) {
                    store.append(batch);
                    batch = new ArrayList<>();
                }
            }
            store.append(batch);
            store.flush();
            UserSequences s = store.read(user);
            if (s.realtime().size() + s.lifelong().size() != limits.explicitCapacity() || s.impressions().size() != impressions) {
                throw new IllegalStateException("benchmark user has " + s.realtime().size() + " + " + s.lifelong().size() + " explicit and "
                        + s.impressions().size() + " impression tokens, expected " + limits.explicitCapacity() + " and " + impressions);
            }
            long sink = 0;
            for (int i = 0; i < config.readWarmup(); i++) {
                sink += store.read(user).totalTokens();
            }
            Histogram latency = new Histogram(60_000_000_000L, 3);
            for (int i = 0; i < config.readIterations(); i++) {
                long t = System.nanoTime();
                UserSequences r = store.read(user);
                latency.recordValue(System.nanoTime() - t);
                sink += r.totalTokens();
            }
            if (sink == 42) {
                System.out.print(""); // keeps the reads alive
            }
            return new ReadMeasurement(s.realtime().size() + s.lifelong().size(), s.impressions().size(), config.readIterations(),
                    latency.getValueAtPercentile(50) / 1e6, latency.getValueAtPercentile(99) / 1e6,
                    latency.getValueAtPercentile(99.9) / 1e6, latency.getMaxValue() / 1e6, latency.getMean() / 1e6);
        }
    }

    /** (items, 32) Gaussian embeddings of scale 0.3. */
    private static float[] embeddings(SplittableRandom rng, int items) {
        float[] e = new float[items * D];
        for (int i = 0; i < e.length; i++) {
            e[i] = (float) (gaussian(rng) * 0.3);
        }
        return e;
    }

    private static double gaussian(SplittableRandom rng) {
        double u = 1 - rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextDouble());
    }

    private static void putCatalog(SequenceStore store, float[] catalog) {
        int items = catalog.length / D;
        int step = 10_000;
        for (int from = 0; from < items; from += step) {
            int n = Math.min(step, items - from);
            long[] ids = new long[n];
            for (int k = 0; k < n; k++) {
                ids[k] = from + k;
            }
            float[] flat = new float[n * D];
            System.arraycopy(catalog, from * D, flat, 0, n * D);
            store.catalog().putAll(ids, flat);
        }
    }

    /** The ingest workload: a global clock, users drawn ordinary or heavy, impressions engaged later, some disorder. */
    static List<List<Event>> ingestBatches(SplittableRandom rng, Config c) {
        long[] lastShown = new long[c.users() + c.heavyUsers()];
        java.util.Arrays.fill(lastShown, -1);
        List<List<Event>> batches = new ArrayList<>();
        List<Event> batch = new ArrayList<>(c.batchSize());
        long clock = T0;
        for (int i = 0; i < c.ingestEvents(); i++) {
            clock += 1 + (long) (-Math.log(1 - rng.nextDouble()) * 50); // ~20 events per second
            int user = c.heavyUsers() > 0 && rng.nextDouble() < c.heavyShare()
                    ? c.users() + rng.nextInt(c.heavyUsers())
                    : rng.nextInt(c.users());
            double a = rng.nextDouble();
            int action = a < 0.60 ? Actions.IMPRESSION : a < 0.85 ? Actions.CLICK : a < 0.95 ? Actions.SAVE : Actions.HIDE;
            long item = action != Actions.IMPRESSION && lastShown[user] >= 0 && rng.nextDouble() < 0.5
                    ? lastShown[user]
                    : rng.nextInt(c.items());
            if (action == Actions.IMPRESSION) {
                lastShown[user] = item;
            }
            long ts = rng.nextDouble() < 0.1 ? clock - rng.nextLong(120_000) : clock;
            batch.add(Event.of(user, item, ts, action, rng.nextInt(4)));
            if (batch.size() == c.batchSize()) {
                batches.add(batch);
                batch = new ArrayList<>(c.batchSize());
            }
        }
        if (!batch.isEmpty()) {
            batches.add(batch);
        }
        return batches;
    }

    private static Path createWorkDir(Path parent) {
        try {
            return parent == null ? Files.createTempDirectory("longview-bench-store") : Files.createTempDirectory(parent, "longview-bench-store");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for the store benchmark", e);
        }
    }

    private static void deleteRecursively(Path root) {
        try {
            AtomicFiles.deleteRecursively(root);
        } catch (IOException e) {
            // best effort: a leftover temporary directory is not worth failing a finished benchmark for
        }
    }

    /**
     * Runs the benchmark and prints the table: {@code java ... io.longview.bench.store.StoreBenchmark [events [batchSize]]}
     * (defaults otherwise).
     */
    public static void main(String[] args) {
        Config c = Config.defaults();
        if (args.length > 0) {
            c = c.withIngest(Integer.parseInt(args[0]), args.length > 1 ? Integer.parseInt(args[1]) : c.batchSize());
        }
        System.out.println(run(c));
    }
}
