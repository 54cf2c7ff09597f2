package io.longview.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.longview.cli.TinyInputs.ITEMS;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code longview examples} on bad datasets: status 2 and no output directory. */
class ExamplesCommandTest {
    @TempDir
    Path tmp;

    /** A dataset directory imported from the tiny log, through the CLI. */
    Path dataset() {
        Path events = TinyInputs.writeEventsCsv(tmp.resolve("in/events.csv"), TinyInputs.EVENTS);
        Path items = TinyInputs.writeItemsCsv(tmp.resolve("in/items.csv"), ITEMS);
        Path ds = tmp.resolve("ds");
        CliRun.of("import", "csv", "--events", events.toString(), "--items", items.toString(), "--out", ds.toString()).ok();
        return ds;
    }

    @Test
    void tinyDatasetBuilds() {
        Path ds = dataset();
        Path out = tmp.resolve("work/ex");

        CliRun r = CliRun.of("examples", "--dataset", ds.toString(), "--out", out.toString(), "--threads", "1").ok();

        // one request (user 1 at 1700000000000) with two candidates; the import's 80% split puts it in train
        assertThat(r.out()).contains("train: 1 requests, 2 examples", "eval: 0 requests, 0 examples");
        assertThat(out.resolve("train.lvx")).exists();
        assertThat(out.resolve("eval.lvx")).exists();
        assertThat(out.resolve("examples.json")).exists();
    }

    @Test
    void itemMissingFromItemsCsvLeavesNoOutput() throws IOException {
        Path ds = dataset();
        // drop item 103, which the log uses (line 6 of events.csv)
        TinyInputs.writeItemsCsv(ds.resolve("items.csv"), 100, 101, 102);
        Path out = Files.createDirectories(tmp.resolve("work")).resolve("ex");

        CliRun r = CliRun.of("examples", "--dataset", ds.toString(), "--out", out.toString(), "--threads", "1");

        assertThat(r.userError()).contains("item 103");
        CliRun.assertNoOutput(out);
        assertThat(tmp.resolve("work")).isEmptyDirectory();
    }

    @Test
    void unknownEngineAndSparkWithStoreAreUserErrors() throws IOException {
        Path ds = dataset();
        Path out = Files.createDirectories(tmp.resolve("work")).resolve("ex");

        CliRun flink = CliRun.of("examples", "--dataset", ds.toString(), "--out", out.toString(), "--engine", "flink");
        assertThat(flink.status()).isEqualTo(Main.BAD_INPUT);
        assertThat(flink.err()).contains("expected one of [local, spark]");
        assertThat(CliRun.of("examples", "--dataset", ds.toString(), "--out", out.toString(), "--engine", "spark",
                "--store", tmp.toString()).userError()).contains("--store works with --engine local only");
        assertThat(tmp.resolve("work")).isEmptyDirectory();
    }

    @Test
    void itemFeaturesStatsWritesTheItemFeatureFileAndInspectItemShowsTheStoreCounters() throws IOException {
        Path ds = dataset();
        Path out = tmp.resolve("work/ex");
        CliRun r = CliRun.of("examples", "--dataset", ds.toString(), "--out", out.toString(), "--item-features", "stats").ok();
        assertThat(r.out()).contains("item features: 19 point-in-time item statistics");
        assertThat(out.resolve(io.longview.examples.ItemFeatureFile.FILE_NAME)).isRegularFile();
        assertThat(Files.readString(out.resolve("examples.json"))).contains("item_log_impressions_1h");

        Path other = Files.createDirectories(tmp.resolve("work2")).resolve("ex");
        assertThat(CliRun.of("examples", "--dataset", ds.toString(), "--out", other.toString(), "--item-features", "counts")
                .userError()).contains("--item-features counts: expected none or stats");
        assertThat(CliRun.of("examples", "--dataset", ds.toString(), "--out", other.toString(), "--item-features", "stats",
                "--engine", "spark").userError()).contains("--item-features stats works with --engine local only");
        assertThat(tmp.resolve("work2")).isEmptyDirectory();

        Path store = tmp.resolve("store");
        CliRun.of("ingest", "--dataset", ds.toString(), "--store", store.toString()).ok();
        CliRun item = CliRun.of("inspect", "item", "100", "--store", store.toString(), "--at", "1700000060000").ok();
        // item 100: user 1's impression at …000 and click at …001 000 are two counted actions
        assertThat(item.out()).contains("item 100: first seen 2023-11-14T22:13:20Z", "item_click_rate_1d", "item_log_age_hours");
        assertThat(item.out()).containsPattern("clicks +0\\.9[0-9]+ +1\\.000 +1\\.000");
        assertThat(CliRun.of("inspect", "item", "555", "--store", store.toString()).ok().out()).contains("never seen");
    }

    @Test
    void notADatasetIsAUserError() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Path out = Files.createDirectories(tmp.resolve("work")).resolve("ex");

        CliRun r = CliRun.of("examples", "--dataset", empty.toString(), "--out", out.toString());

        assertThat(r.userError()).contains("dataset.json", "no dataset manifest");
        CliRun.assertNoOutput(out);
    }

    @Test
    void storeThatIsNotAStoreIsAUserError() throws IOException {
        Path ds = dataset();
        Path notAStore = Files.createDirectories(tmp.resolve("empty"));
        Path out = Files.createDirectories(tmp.resolve("work")).resolve("ex");

        CliRun r = CliRun.of("examples", "--dataset", ds.toString(), "--out", out.toString(), "--store", notAStore.toString());

        assertThat(r.userError()).contains("no Longview store", notAStore.getFileName().toString());
        CliRun.assertNoOutput(out);
    }
}
