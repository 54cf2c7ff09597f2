package io.longview.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.longview.core.io.Progress;
import io.longview.core.testing.TestData;
import io.longview.core.io.InputException;
import io.longview.data.io.DatasetLayout;
import io.longview.data.io.FileFormat;
import io.longview.data.movielens.MovieLensImporter;
import io.longview.examples.BuildSummary;
import io.longview.examples.ExampleBuilder;
import io.longview.examples.ExampleBuilderConfig;
import io.longview.examples.ExampleFooter;
import io.longview.examples.ExampleFormat;
import io.longview.examples.ExampleHeader;
import io.longview.examples.ExampleSet;
import io.longview.examples.ExampleWriter;
import io.longview.examples.ExampleReader;
import io.longview.synth.WorldConfig;
import io.longview.synth.WorldGenerator;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Spark job's files against the single-process builder's on the same dataset and settings. */
class SparkExampleJobTest {
    private static SparkSession spark;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").appName("longview-test")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "4")
                .getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void syntheticWorldIsByteIdentical() throws IOException {
        Path world = tmp.resolve("world");
        WorldGenerator.generate(WorldConfig.defaults().withUsers(60).withSeed(11), world, false, 1, Progress.silent());
        assertSame(world, 5);
    }

    @Test
    void movieLensSampleIsByteIdentical() throws IOException {
        Path ml = MovieLensImporter.builder(TestData.movielensSample(), tmp.resolve("ml")).seed(3).run().dir();
        assertSame(ml, 3);
    }

    /**
     * A world generated with its event log in Parquet ({@code generate --format parquet}: parquet-java's writer): Spark
     * reads that file and gives the files that the single-process builder gives from it (through the project's reader).
     */
    @Test
    void generatedParquetWorldGivesTheSameFiles() throws IOException {
        Path world = tmp.resolve("world");
        WorldGenerator.generate(WorldConfig.defaults().withUsers(30).withSeed(5), world, false, 1, Progress.silent(), FileFormat.PARQUET);
        assertThat(new DatasetLayout(world).events().getFileName().toString()).isEqualTo(DatasetLayout.EVENTS_PARQUET);
        DatasetLayout layout = new DatasetLayout(world);
        ExampleBuilderConfig config = ExampleBuilderConfig.fromManifest(layout.readManifest());
        Path single = tmp.resolve("single");
        Path distributed = tmp.resolve("spark");
        new ExampleBuilder(config, layout.readItems()).build(layout.openEvents(), single, false);
        SparkExampleJob.build(spark, world, config, distributed, 3, false, true);
        for (String f : List.of(ExampleFormat.TRAIN_FILE, ExampleFormat.EVAL_FILE)) {
            assertThat(Files.mismatch(single.resolve(f), distributed.resolve(f))).as(f + " first differing byte").isEqualTo(-1L);
        }
    }

    /** A malformed CSV row fails the job with the file and line (the driver's scan), not only Spark's message. */
    @Test
    void aMalformedCsvRowNamesFileAndLine() throws IOException {
        Path world = tmp.resolve("world");
        WorldGenerator.generate(WorldConfig.defaults().withUsers(5).withSeed(5), world, false, 1, Progress.silent());
        Path events = world.resolve(DatasetLayout.EVENTS);
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(events));
        lines.set(3, lines.get(3).replaceFirst(",[a-z]+,", ",like,"));
        lines.set(7, "7,x");
        Files.write(events, lines);
        ExampleBuilderConfig config = ExampleBuilderConfig.fromManifest(new DatasetLayout(world).readManifest());
        Path out = tmp.resolve("spark");
        assertThatThrownBy(() -> SparkExampleJob.build(spark, world, config, out, 2, false))
                .isInstanceOf(InputException.class)
                .hasMessageStartingWith(events + ":4: ")
                .hasMessageContaining("'like'");
        assertThat(out).doesNotExist();
    }

    /** The same world with its event log in Parquet (written by Spark): the same files as the CSV single-process build. */
    @Test
    void parquetEventLogGivesTheSameFiles() throws IOException {
        Path world = tmp.resolve("world");
        WorldGenerator.generate(WorldConfig.defaults().withUsers(30).withSeed(5), world, false, 1, Progress.silent());
        Path parquetWorld = tmp.resolve("world-parquet");
        Files.createDirectories(parquetWorld);
        for (String f : List.of(DatasetLayout.ITEMS, DatasetLayout.MANIFEST)) {
            Files.copy(world.resolve(f), parquetWorld.resolve(f));
        }
        SparkExampleJob.readEvents(spark, new DatasetLayout(world).events()).repartition(3)
                .write().parquet(parquetWorld.resolve(DatasetLayout.EVENTS_PARQUET).toString());
        ExampleBuilderConfig config = ExampleBuilderConfig.fromManifest(new DatasetLayout(world).readManifest());
        Path single = tmp.resolve("single-csv");
        Path distributed = tmp.resolve("spark-parquet");
        new ExampleBuilder(config, new DatasetLayout(world).readItems()).build(new DatasetLayout(world).openEvents(), single, false);
        SparkExampleJob.build(spark, parquetWorld, config, distributed, 2, false, true);
        for (String f : List.of(ExampleFormat.TRAIN_FILE, ExampleFormat.EVAL_FILE)) {
            assertThat(Files.mismatch(single.resolve(f), distributed.resolve(f))).as(f + " first differing byte").isEqualTo(-1L);
        }
    }

    /**
     * Merged: byte-identical files. Sharded: one shard per partition and side, and the shards' records in canonical
     * (name) order, re-written through one {@link ExampleWriter} with the single file's header, are that file byte for byte.
     */
    private void assertSame(Path dataset, int partitions) throws IOException {
        DatasetLayout layout = new DatasetLayout(dataset);
        ExampleBuilderConfig config = ExampleBuilderConfig.fromManifest(layout.readManifest()).withThreads(2);
        Path single = tmp.resolve("single");
        Path merged = tmp.resolve("spark-merged");
        Path sharded = tmp.resolve("spark-sharded");
        BuildSummary a = new ExampleBuilder(config, layout.readItems()).build(layout.openEvents(), single, false);
        BuildSummary b = SparkExampleJob.build(spark, dataset, config, merged, partitions, false, true);
        BuildSummary c = SparkExampleJob.build(spark, dataset, config, sharded, partitions, false);

        assertThat(a.train().examples()).isPositive();
        assertThat(a.eval().examples()).isPositive();
        ExampleSet shards = new ExampleSet(sharded);
        for (ExampleHeader.Side side : ExampleHeader.Side.values()) {
            String f = side.fileName();
            assertThat(requests(merged.resolve(f))).as(f).isEqualTo(requests(single.resolve(f)));
            assertThat(Files.mismatch(single.resolve(f), merged.resolve(f))).as(f + " first differing byte").isEqualTo(-1L);

            assertThat(shards.path(side)).isDirectory();
            assertThat(shards.files(side)).hasSize(partitions);
            Path rewritten = tmp.resolve("rewritten-" + f);
            try (ExampleSet.Records records = ExampleSet.records(shards.path(side));
                 ExampleWriter w = new ExampleWriter(rewritten, ExampleReader.summary(single.resolve(f)).header())) {
                records.forEachRemaining(w::write);
                w.finish();
            }
            assertThat(Files.mismatch(single.resolve(f), rewritten)).as(f + " from shards, first differing byte").isEqualTo(-1L);
            ExampleFooter one = ExampleReader.summary(single.resolve(f)).footer();
            ExampleFooter summed = shards.summary(side).footer();
            assertThat(new long[]{summed.requests(), summed.candidates(), summed.tokens()})
                    .containsExactly(one.requests(), one.candidates(), one.tokens());
            assertThat(summed.positives()).containsExactly(one.positives());
        }
        for (BuildSummary s : List.of(b, c)) {
            assertThat(s.events()).isEqualTo(a.events());
            assertThat(s.users()).isEqualTo(a.users());
        }
        assertThat(runFree(merged.resolve(ExampleFormat.SUMMARY_FILE))).isEqualTo(runFree(single.resolve(ExampleFormat.SUMMARY_FILE)));
        assertThat(runFree(sharded.resolve(ExampleFormat.SUMMARY_FILE))).isEqualTo(runFree(single.resolve(ExampleFormat.SUMMARY_FILE)));
        assertThat(BuildSummary.read(sharded.resolve(ExampleFormat.SUMMARY_FILE)).train().file()).isEqualTo("train/");
        assertThat(merged.resolve("tmp")).doesNotExist();
        assertThat(sharded.resolve("tmp")).doesNotExist();
        assertThat(sharded.resolve(ExampleFormat.TRAIN_FILE)).doesNotExist();
    }

    private static long requests(Path file) {
        long n = 0;
        try (ExampleReader r = ExampleReader.open(file)) {
            while (r.hasNext()) {
                r.next();
                n++;
            }
        }
        return n;
    }

    /** examples.json without the fields that describe the run rather than the examples (and the sides' file names and sizes). */
    private static JsonNode runFree(Path summary) throws IOException {
        ObjectNode n = (ObjectNode) new ObjectMapper().readTree(summary.toFile());
        n.remove(List.of("createdAt", "created", "seconds", "examplesPerSecond", "eventsPerSecond", "shards", "threads"));
        for (String side : List.of("train", "eval")) {
            ((ObjectNode) n.get(side)).remove(List.of("file", "bytes", "bytesPerExample"));
        }
        return n;
    }
}
