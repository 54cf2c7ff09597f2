package io.longview.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.longview.core.io.AtomicFiles;
import io.longview.core.io.InputException;
import io.longview.core.model.Actions;
import io.longview.core.model.Event;
import io.longview.core.model.InMemoryItemEmbeddings;
import io.longview.core.model.Surfaces;
import io.longview.data.io.AtomicDirectory;
import io.longview.data.io.DatasetLayout;
import io.longview.data.io.DatasetManifest;
import io.longview.data.io.EventSource;
import io.longview.data.io.EventSources;
import io.longview.data.io.ItemFileReader;
import io.longview.examples.BuildSummary;
import io.longview.examples.ChunkReplayer;
import io.longview.examples.ExampleBuilder;
import io.longview.examples.ExampleBuilderConfig;
import io.longview.examples.ExampleFooter;
import io.longview.examples.ExampleFormat;
import io.longview.examples.ExampleHeader;
import io.longview.examples.ExampleSet;
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
 * Builds the examples of a dataset directory on Spark, with the records of the single-process {@link ExampleBuilder}:
 * by default as shards ({@link ExampleSet}: {@code train/part-NNNNN.lvx} and {@code eval/part-NNNNN.lvx}, one per user
 * partition, written by the tasks), whose records in canonical (name) order are the single-process file's records in
 * its order; with {@code merge}, byte-identical {@code train.lvx} and {@code eval.lvx} merged on the driver. Either
 * way the same {@code examples.json} but for the fields that describe the run (creation time, seconds, rates,
 * {@code shards} = the number of user partitions, {@code threads}; sharded: each side's {@code file} is its directory).
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
 *   <li>Sharded (default): the task puts a header before each chunk's records and a footer after them, writing
 *       {@code train/part-NNNNN.lvx} and {@code eval/part-NNNNN.lvx}. Merged: the driver appends the chunks in
 *       partition order to the two {@link ExampleWriter}s (= ascending user hash, the builder's order).</li>
 *   <li>Driver: {@code examples.json} is written and the directory is committed atomically.</li>
 * </ol>
 * A bad row of the event log fails Spark's stage with Spark's message; the driver then scans the log with the
 * project's own reader to name the file and line (CSV) or row (Parquet), see {@link #withInputPosition}.
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
     * Builds the examples of {@code dataset} into {@code outputDir} as shards ({@link ExampleSet}: {@code train/} and
     * {@code eval/}, one {@code part-NNNNN.lvx} per user partition).
     *
     * @param partitions user partitions (Spark tasks); any number gives the same records in the same canonical order
     * @param overwrite  replace an existing {@code outputDir}; otherwise it must not exist
     * @throws io.longview.core.io.InputException for {@code --item-features stats}: item statistics need a global pass
     *                                            over all users' events in time order, which this job does not run
     */
    public static BuildSummary build(SparkSession spark, Path dataset, ExampleBuilderConfig config, Path outputDir,
                                     int partitions, boolean overwrite) {
        return build(spark, dataset, config, outputDir, partitions, overwrite, false);
    }

    /**
     * Builds the examples of {@code dataset} into {@code outputDir}.
     *
     * @param partitions user partitions (Spark tasks); any number gives the same files
     * @param overwrite  replace an existing {@code outputDir}; otherwise it must not exist
     * @param merge      false: each task writes its partition's shards ({@code train/part-NNNNN.lvx}, {@code eval/…});
     *                   true: the driver merges the partitions into one {@code train.lvx} and one {@code eval.lvx},
     *                   byte-identical to the single-process builder's (serial: for one machine and tests)
     */
    public static BuildSummary build(SparkSession spark, Path dataset, ExampleBuilderConfig config, Path outputDir,
                                     int partitions, boolean overwrite, boolean merge) {
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
            Path eventsFile = layout.events();
            ExampleSet set = new ExampleSet(out.dir());
            if (!merge) {
                Files.createDirectories(set.shardDir(ExampleHeader.Side.TRAIN));
                Files.createDirectories(set.shardDir(ExampleHeader.Side.EVAL));
            }
            List<long[]> parts;
            try { // the range partitioner's sampling job runs as the plan is built: it reads the log too
                Dataset<Row> events = readEvents(spark, eventsFile)
                        .withColumn("user_key", callUDF("longview_user_key", col("user_id")))
                        .repartitionByRange(partitions, col("user_key"))
                        .sortWithinPartitions(col("user_key"), col("timestamp_ms"));
                parts = new ArrayList<>(events.javaRDD()
                        .mapPartitionsWithIndex(new ReplayPartition(configJson, layout.items().toAbsolutePath().toString(), tmp.toString(),
                                merge ? null : out.dir().toAbsolutePath().toString()), false)
                        .collect());
            } catch (Exception e) { // Spark's failures are (checked) SparkExceptions, thrown unchecked from Scala
                throw withInputPosition(eventsFile, e);
            }
            parts.sort(Comparator.comparingLong(p -> p[0]));
            long users = 0;
            long eventCount = 0;
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            for (long[] p : parts) {
                users += p[1];
                eventCount += p[2];
                first = Math.min(first, p[3]);
                last = Math.max(last, p[4]);
            }
            ExampleFooter trainFooter;
            ExampleFooter evalFooter;
            if (merge) {
                try (ExampleWriter train = new ExampleWriter(out.dir().resolve(ExampleFormat.TRAIN_FILE), config.header(ExampleHeader.Side.TRAIN));
                     ExampleWriter eval = new ExampleWriter(out.dir().resolve(ExampleFormat.EVAL_FILE), config.header(ExampleHeader.Side.EVAL))) {
                    for (long[] p : parts) {
                        ExampleBuilder.appendChunk(tmp.resolve(chunkName((int) p[0], "train")), train);
                        ExampleBuilder.appendChunk(tmp.resolve(chunkName((int) p[0], "eval")), eval);
                    }
                    trainFooter = train.finish();
                    evalFooter = eval.finish();
                }
            } else {
                trainFooter = set.summary(ExampleHeader.Side.TRAIN).footer();
                evalFooter = set.summary(ExampleHeader.Side.EVAL).footer();
            }
            AtomicFiles.deleteRecursively(tmp);
            double secs = Math.max((System.nanoTime() - start) / 1e9, 1e-9);
            BuildSummary summary = new ExampleBuilder(config, items)
                    .summary(eventCount, users, parts.size(), first, last, out.dir(), trainFooter, evalFooter, secs);
            summary.write(out.dir().resolve(ExampleFormat.SUMMARY_FILE));
            if (!merge) { // each side's "file" is its shard directory
                ObjectNode json = (ObjectNode) JSON.readTree(out.dir().resolve(ExampleFormat.SUMMARY_FILE).toFile());
                for (ExampleHeader.Side side : ExampleHeader.Side.values()) {
                    String name = side == ExampleHeader.Side.TRAIN ? "train" : "eval";
                    if (json.get(name) instanceof ObjectNode n) {
                        n.put("file", set.shardDir(side).getFileName() + "/");
                    }
                }
                JSON.writerWithDefaultPrettyPrinter().writeValue(out.dir().resolve(ExampleFormat.SUMMARY_FILE).toFile(), json);
            }
            out.commit();
            return summary;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + outputDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * A failure of the Spark stage re-read on the driver: when the event log has a bad row, the user gets our reader's
     * message naming the file and line (CSV) or row (Parquet) instead of Spark's (which names neither: Spark's CSV
     * parser knows no line numbers). The scan runs only on this failure path, serially, up to the first bad row.
     * Otherwise (a bad item, a bug, a lost executor) the original failure is returned.
     */
    static RuntimeException withInputPosition(Path eventsFile, Exception failure) {
        try (EventSource src = EventSources.open(eventsFile)) {
            while (src.hasNext()) {
                src.next();
            }
        } catch (InputException bad) {
            bad.addSuppressed(failure);
            return bad;
        } catch (RuntimeException other) {
            failure.addSuppressed(other);
        }
        return failure instanceof RuntimeException r ? r : new IllegalStateException("the Spark job failed: " + failure.getMessage(), failure);
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
    private record ReplayPartition(String configJson, String itemsFile, String tmpDir, String shardsDir)
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
                if (shardsDir != null) { // this partition's shards: whole LVEX files, the chunks' records behind a header
                    ExampleSet set = new ExampleSet(Path.of(shardsDir));
                    for (ExampleHeader.Side side : ExampleHeader.Side.values()) {
                        Path chunk = tmp.resolve(chunkName(partition, side == ExampleHeader.Side.TRAIN ? "train" : "eval"));
                        try (ExampleWriter w = new ExampleWriter(set.shardDir(side).resolve(ExampleSet.shardName(partition)), config.header(side))) {
                            ExampleBuilder.appendChunk(chunk, w);
                            w.finish();
                        }
                    }
                }
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
        boolean merge = false;
        String usage = "usage: --dataset DIR --out DIR [--partitions N] [--merge] [--force] [--master M] [--config JSON]";
        for (int i = 0; i < args.length; i++) {
            if (i + 1 >= args.length && !args[i].equals("--force") && !args[i].equals("--merge")) {
                throw new IllegalArgumentException(args[i] + " needs a value; " + usage);
            }
            switch (args[i]) {
                case "--dataset" -> dataset = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--partitions" -> partitions = Integer.parseInt(args[++i]);
                case "--master" -> master = args[++i];
                case "--config" -> configJson = args[++i];
                case "--force" -> force = true;
                case "--merge" -> merge = true;
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
            BuildSummary s = build(spark, dataset, config, out, n, force, merge);
            spark.sparkContext().listenerBus().waitUntilEmpty();
            System.out.printf(Locale.ROOT, "examples in %s: train %,d examples, eval %,d examples, %,d events of %,d users in %d partitions, %.1f s (%,.0f examples/s)%n",
                    out, s.train().examples(), s.eval().examples(), s.events(), s.users(), s.shards(), s.seconds(), s.examplesPerSecond());
            System.out.printf(Locale.ROOT, "%s: %,d + %,d bytes, %.0f bytes per example%n", merge ? "train.lvx + eval.lvx" : "shards train/ + eval/ ("
                    + s.shards() + " each)", s.train().bytes(), s.eval().bytes(), (s.train().bytes() + s.eval().bytes()) / (double) Math.max(1, s.examples()));
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
