package io.longview.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.longview.core.io.Progress;
import io.longview.core.testing.TestData;
import io.longview.data.io.DatasetLayout;
import io.longview.data.movielens.MovieLensImporter;
import io.longview.examples.BuildSummary;
import io.longview.examples.ExampleBuilder;
import io.longview.examples.ExampleBuilderConfig;
import io.longview.examples.ExampleFormat;
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
                .write().parquet(parquetWorld.resolve(SparkExampleJob.EVENTS_PARQUET).toString());
        ExampleBuilderConfig config = ExampleBuilderConfig.fromManifest(new DatasetLayout(world).readManifest());
        Path single = tmp.resolve("single-csv");
        Path distributed = tmp.resolve("spark-parquet");
        new ExampleBuilder(config, new DatasetLayout(world).readItems()).build(new DatasetLayout(world).openEvents(), single, false);
        SparkExampleJob.build(spark, parquetWorld, config, distributed, 2, false);
        for (String f : List.of(ExampleFormat.TRAIN_FILE, ExampleFormat.EVAL_FILE)) {
            assertThat(Files.mismatch(single.resolve(f), distributed.resolve(f))).as(f + " first differing byte").isEqualTo(-1L);
        }
    }

    private void assertSame(Path dataset, int partitions) throws IOException {
        DatasetLayout layout = new DatasetLayout(dataset);
        ExampleBuilderConfig config = ExampleBuilderConfig.fromManifest(layout.readManifest()).withThreads(2);
        Path single = tmp.resolve("single");
        Path distributed = tmp.resolve("spark");
        BuildSummary a = new ExampleBuilder(config, layout.readItems()).build(layout.openEvents(), single, false);
        BuildSummary b = SparkExampleJob.build(spark, dataset, config, distributed, partitions, false);

        assertThat(a.train().examples()).isPositive();
        assertThat(a.eval().examples()).isPositive();
        for (String f : List.of(ExampleFormat.TRAIN_FILE, ExampleFormat.EVAL_FILE)) {
            assertThat(requests(distributed.resolve(f))).as(f).isEqualTo(requests(single.resolve(f)));
            assertThat(Files.mismatch(single.resolve(f), distributed.resolve(f))).as(f + " first differing byte").isEqualTo(-1L);
        }
        assertThat(b.events()).isEqualTo(a.events());
        assertThat(b.users()).isEqualTo(a.users());
        assertThat(runFree(distributed.resolve(ExampleFormat.SUMMARY_FILE))).isEqualTo(runFree(single.resolve(ExampleFormat.SUMMARY_FILE)));
        assertThat(distributed.resolve("tmp")).doesNotExist();
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

    /** examples.json without the fields that describe the run rather than the examples. */
    private static JsonNode runFree(Path summary) throws IOException {
        ObjectNode n = (ObjectNode) new ObjectMapper().readTree(summary.toFile());
        n.remove(List.of("createdAt", "created", "seconds", "examplesPerSecond", "eventsPerSecond", "shards", "threads"));
        return n;
    }
}
