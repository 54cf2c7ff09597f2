package io.longview.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.longview.core.io.AtomicFiles;
import io.longview.core.io.InputException;
import io.longview.core.model.Actions;
import io.longview.core.model.Event;
import io.longview.core.model.InMemoryItemEmbeddings;
import io.longview.core.model.Surfaces;
import io.longview.data.io.AtomicDirectory;
import io.longview.data.io.DatasetLayout;
import io.longview.data.io.DatasetManifest;
import io.longview.data.io.ItemFileReader;
import io.longview.examples.BuildSummary;
import io.longview.examples.ChunkReplayer;
import io.longview.examples.ExampleBuilder;
import io.longview.examples.ExampleBuilderConfig;
import io.longview.examples.ExampleFooter;
import io.longview.examples.ExampleFormat;
import io.longview.examples.ExampleHeader;
import io.longview.examples.ExampleWriter;
import io.longview.examples.UserEvents;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.apache.spark.sql.functions.callUDF;
import static org.apache.spark.sql.functions.col;

/**
 * Builds the examples of a dataset directory on Spark, with the output of the single-process {@link ExampleBuilder}:
 * byte-identical {@code train.lvx} and {@code eval.lvx}, and the same {@code examples.json} but for the fields that
 * describe the run (creation time, seconds, rates, {@code shards} = the number of user partitions, {@code threads}).
 *
 * <h2>Plan</h2>
 * <ol>
 *   <li>Driver: the configuration (split time and label window from the manifest or the caller) and the item
 *       embeddings are read once, exactly as the single-process path does.</li>
 *   <li>Spark reads the event log ({@code events.parquet} if the dataset has one, else the CSV, plain or gzip,
 *       header checked; see {@link #readEvents}), adds the user's output-order key
 *       ({@link ChunkReplayer#userHash} in signed-comparable form), {@code repartitionByRange} on it (so partition
 *       {@code i} holds a contiguous hash range, all of each of its users) and {@code sortWithinPartitions} by (key,
 *       time): each user's events arrive as one run.</li>
 *   <li>Each task replays its users one at a time with {@link ChunkReplayer} (the examples module's
 *       {@code RequestMaker} and {@code ReplayHistoryProvider}; each user's events are re-ordered by
 *       {@link UserEvents#of}, the builder's own tie-break) into two chunk files {@code tmp/part-NNNNN-*.bin} of the
 *       output directory.</li>
 *   <li>Driver: the chunks are appended in partition order to the two {@link ExampleWriter}s (= ascending user hash,
 *       the builder's order), {@code examples.json} is written, and the directory is committed atomically.</li>
 * </ol>
 * The output directory must therefore be on a file system that the executors and the driver share (local in
 * {@code local[N]}; NFS or similar on a cluster), and so must the dataset's {@code items.csv}, which every executor
 * JVM reads once. A task retried by Spark rewrites its chunks from scratch; do not enable speculative execution.
 */
public final class SparkExampleJob {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, InMemoryItemEmbeddings> ITEMS = new ConcurrentHashMap<>();

    private SparkExampleJob() {
    }

    /**
     * Builds the examples of {@code dataset} into {@code outputDir}.
     *
     * @param partitions user partitions (Spark tasks); any number gives the same files
     * @param overwrite  replace an existing {@code outputDir}; otherwise it must not exist
     * @throws io.longview.core.io.InputException for {@code --item-features stats}: item statistics need a global pass
     *                                            over all users' events in time order, which this job does not run
     */
    public static BuildSummary build(SparkSession spark, Path dataset, ExampleBuilderConfig config, Path outputDir,
                                     int partitions, boolean overwrite) {
        if (config.itemFeatures() != io.longview.examples.ItemFeatures.NONE) {
            throw new io.longview.core.io.InputException("--item-features " + config.itemFeatures().optionName()
                    + " is not supported by the Spark job: item statistics need a global pass over all users' events in time "
                    + "order; build these examples with --engine local");
        }
        long start = System.nanoTime();
        DatasetLayout layout = new DatasetLayout(dataset);
        InMemoryItemEmbeddings items = ItemFileReader.read(layout.items());
        String configJson = configJson(config);
        try (AtomicDirectory out = new AtomicDirectory(outputDir, overwrite)) {
            Path tmp = out.dir().resolve("tmp").toAbsolutePath();
            Files.createDirectories(tmp);
            spark.udf().register("longview_user_key", (UDF1<Long, Long>) u -> ChunkReplayer.userHash(u) ^ Long.MIN_VALUE, DataTypes.LongType);
            Dataset<Row> events = readEvents(spark, eventsOf(layout))
                    .withColumn("user_key", callUDF("longview_user_key", col("user_id")))
                    .repartitionByRange(partitions, col("user_key"))
                    .sortWithinPartitions(col("user_key"), col("timestamp_ms"));
            List<long[]> parts = new ArrayList<>(events.javaRDD()
                    .mapPartitionsWithIndex(new ReplayPartition(configJson, layout.items().toAbsolutePath().toString(), tmp.toString()), false)
                    .collect());
            parts.sort(Comparator.comparingLong(p -> p[0]));
            long users = 0;
            long eventCount = 0;
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            ExampleFooter trainFooter;
            ExampleFooter evalFooter;
            try (ExampleWriter train = new ExampleWriter(out.dir().resolve(ExampleFormat.TRAIN_FILE), config.header(ExampleHeader.Side.TRAIN));
                 ExampleWriter eval = new ExampleWriter(out.dir().resolve(ExampleFormat.EVAL_FILE), config.header(ExampleHeader.Side.EVAL))) {
                for (long[] p : parts) {
                    ExampleBuilder.appendChunk(tmp.resolve(chunkName((int) p[0], "train")), train);
                    ExampleBuilder.appendChunk(tmp.resolve(chunkName((int) p[0], "eval")), eval);
                    users += p[1];
                    eventCount += p[2];
                    first = Math.min(first, p[3]);
                    last = Math.max(last, p[4]);
                }
                trainFooter = train.finish();
                evalFooter = eval.finish();
            }
            AtomicFiles.deleteRecursively(tmp);
            double secs = Math.max((System.nanoTime() - start) / 1e9, 1e-9);
            BuildSummary summary = new ExampleBuilder(config, items)
                    .summary(eventCount, users, parts.size(), first, last, out.dir(), trainFooter, evalFooter, secs);
            summary.write(out.dir().resolve(ExampleFormat.SUMMARY_FILE));
            out.commit();
            return summary;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + outputDir + ": " + e.getMessage(), e);
        }
    }

    /** A dataset's Parquet event log, read in place of {@code events.csv(.gz)} when present (a file or a directory of parts). */
    public static final String EVENTS_PARQUET = "events.parquet";

    /** The dataset's event log: {@link #EVENTS_PARQUET} if present, else the CSV one of {@link DatasetLayout#events}. */
    static Path eventsOf(DatasetLayout layout) {
        Path parquet = layout.dir().resolve(EVENTS_PARQUET);
        return Files.exists(parquet) ? parquet : layout.events();
    }

    /**
     * The event log as a DataFrame of the event log's columns (user_id, item_id, timestamp_ms: long; action, surface:
     * string). CSV: the header must name them in order. Parquet (a {@code .parquet} file or a directory): columns
     * found by name, integers of any width, the surface as a name or a number.
     */
    static Dataset<Row> readEvents(SparkSession spark, Path file) {
        String path = file.toAbsolutePath().toString();
        if (Files.isDirectory(file) || path.endsWith(".parquet")) {
            return spark.read().parquet(path).select(
                    col("user_id").cast(DataTypes.LongType), col("item_id").cast(DataTypes.LongType),
                    col("timestamp_ms").cast(DataTypes.LongType), col("action").cast(DataTypes.StringType),
                    col("surface").cast(DataTypes.StringType));
        }
        StructType schema = new StructType()
                .add("user_id", DataTypes.LongType, false)
                .add("item_id", DataTypes.LongType, false)
                .add("timestamp_ms", DataTypes.LongType, false)
                .add("action", DataTypes.StringType, false)
                .add("surface", DataTypes.StringType, false);
        return spark.read().option("header", "true").option("enforceSchema", "false").option("mode", "FAILFAST")
                .schema(schema).csv(path);
    }

    static String chunkName(int partition, String side) {
        return String.format(Locale.ROOT, "part-%05d-%s.bin", partition, side);
    }

    /** One task: its users, each a run of rows, through a {@link ChunkReplayer}; returns {partition, users, events, first and last event time}. */
    private record ReplayPartition(String configJson, String itemsFile, String tmpDir)
            implements Function2<Integer, Iterator<Row>, Iterator<long[]>> {
        @Override
        public Iterator<long[]> call(Integer partition, Iterator<Row> rows) throws Exception {
            ExampleBuilderConfig config = JSON.readValue(configJson, ExampleBuilderConfig.class);
            InMemoryItemEmbeddings items = ITEMS.computeIfAbsent(itemsFile, f -> ItemFileReader.read(Path.of(f)));
            Path tmp = Path.of(tmpDir);
            try (ChunkReplayer replayer = new ChunkReplayer(config, items, tmp.resolve(chunkName(partition, "train")),
                    tmp.resolve(chunkName(partition, "eval")))) {
                List<Event> user = new ArrayList<>();
                long current = 0;
                long first = Long.MAX_VALUE;
                long last = Long.MIN_VALUE;
                while (rows.hasNext()) {
                    Row r = rows.next();
                    long u = r.getLong(0);
                    if (!user.isEmpty() && u != current) {
                        replayer.user(UserEvents.of(current, user));
                        user.clear();
                    }
                    current = u;
                    first = Math.min(first, r.getLong(2));
                    last = Math.max(last, r.getLong(2));
                    user.add(new Event(u, r.getLong(1), r.getLong(2), Actions.parse(r.getString(3)), (byte) Surfaces.parse(r.getString(4))));
                }
                if (!user.isEmpty()) {
                    replayer.user(UserEvents.of(current, user));
                }
                replayer.close();
                return List.of(new long[]{partition, replayer.users(), replayer.events(), first, last}).iterator();
            }
        }
    }

    /**
     * {@code spark-submit --class io.longview.spark.SparkExampleJob longview-spark.jar --dataset D --out O
     * [--partitions N] [--force] [--master M] [--config JSON]}: without {@code --config}, the manifest's split time
     * and label window and the default selection; {@code --config} is an {@link ExampleBuilderConfig} as JSON (what
     * {@code longview examples --engine spark} passes, so both engines see one configuration).
     */
    public static void main(String[] args) throws Exception {
        try {
            run(args);
        } catch (Exception e) {
            String userError = userError(e);
            if (userError == null) {
                throw e;
            }
            System.err.println("longview: " + userError);
            System.exit(BAD_INPUT);
        }
    }

    /** The exit status of a user error (bad arguments or input), as the CLI's. */
    public static final int BAD_INPUT = 2;

    /**
     * The message of the user error behind {@code e} (an {@link InputException} or {@link IllegalArgumentException}
     * anywhere in its causes, e.g. inside Spark's task failure), or null if it is a bug or an environment failure.
     */
    static String userError(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof InputException || c instanceof IllegalArgumentException) {
                return c.getMessage();
            }
        }
        return null;
    }

    private static void run(String[] args) throws IOException, java.util.concurrent.TimeoutException {
        Path dataset = null;
        Path out = null;
        String master = null;
        String configJson = null;
        int partitions = 0;
        boolean force = false;
        String usage = "usage: --dataset DIR --out DIR [--partitions N] [--force] [--master M] [--config JSON]";
        for (int i = 0; i < args.length; i++) {
            if (i + 1 >= args.length && !args[i].equals("--force")) {
                throw new IllegalArgumentException(args[i] + " needs a value; " + usage);
            }
            switch (args[i]) {
                case "--dataset" -> dataset = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--partitions" -> partitions = Integer.parseInt(args[++i]);
                case "--master" -> master = args[++i];
                case "--config" -> configJson = args[++i];
                case "--force" -> force = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; " + usage);
            }
        }
        if (dataset == null || out == null) {
            throw new IllegalArgumentException(usage);
        }
        ExampleBuilderConfig config = configJson != null ? JSON.readValue(configJson, ExampleBuilderConfig.class)
                : ExampleBuilderConfig.fromManifest(DatasetManifest.read(new DatasetLayout(dataset).manifest()));
        SparkSession.Builder b = SparkSession.builder().appName("longview-examples");
        if (master != null) {
            b = b.master(master).config("spark.ui.enabled", "false");
        }
        try (SparkSession spark = b.getOrCreate()) {
            if (master != null) { // the CLI's one-machine run: Spark's INFO lines are thousands per job
                spark.sparkContext().setLogLevel("WARN");
            }
            int n = partitions > 0 ? partitions : Math.max(1, spark.sparkContext().defaultParallelism() * 2);
            ShuffleMeter shuffle = new ShuffleMeter();
            spark.sparkContext().addSparkListener(shuffle);
            BuildSummary s = build(spark, dataset, config, out, n, force);
            spark.sparkContext().listenerBus().waitUntilEmpty();
            System.out.printf(Locale.ROOT, "examples in %s: train %,d examples, eval %,d examples, %,d events of %,d users in %d partitions, %.1f s (%,.0f examples/s)%n",
                    out, s.train().examples(), s.eval().examples(), s.events(), s.users(), s.shards(), s.seconds(), s.examplesPerSecond());
            System.out.printf(Locale.ROOT, "shuffle: %,d bytes written for %,d records (%.1f bytes per event)%n",
                    shuffle.bytesWritten(), shuffle.recordsWritten(), shuffle.bytesWritten() / (double) Math.max(1, s.events()));
        }
    }

    /** {@link #main}'s {@code --config} value for {@code config}. */
    public static String configJson(ExampleBuilderConfig config) {
        try {
            return JSON.writeValueAsString(config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
