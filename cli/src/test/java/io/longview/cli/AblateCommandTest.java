package io.longview.cli;

import io.longview.core.checkpoint.Checkpoint;
import io.longview.core.checkpoint.CheckpointReader;
import io.longview.examples.ExampleHeader;
import io.longview.examples.ExampleReader;
import io.longview.examples.ExampleSet;
import io.longview.examples.ExampleWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code longview ablate} end to end on a 30-user world with a tiny budget: the table, the reports, the checkpoints
 * (loadable without DJL, with the row's variant recorded), and the user errors.
 */
class AblateCommandTest {
    @TempDir
    static Path tmp;
    static Path world;

    @BeforeAll
    static void world() {
        world = tmp.resolve("world");
        CliRun.of("generate", "--users", "30", "--seed", "7", "--out", world.toString(), "--threads", "2").ok();
    }

    @Test
    void threeRowsWriteTableReportsAndCheckpoints() throws IOException {
        Path run = tmp.resolve("run");

        CliRun r = CliRun.of("ablate", "--dataset", world.toString(), "--run", run.toString(), "--rows", "no-sequence,rt-only,v2",
                "--max-train-examples", "300", "--batch-size", "64", "--warmup", "2", "--eval-fraction", "0.5", "--log-every", "0").ok();

        assertThat(r.out()).contains("| no-sequence |", "| rt-only |", "| v2 |", "ex/s", "peak JVM heap used",
                "report: " + run.resolve("report.md"));
        assertThat(run.resolve("report.md")).isRegularFile();
        assertThat(Files.readString(run.resolve("report.html"))).contains("<svg");
        Checkpoint none = CheckpointReader.read(run.resolve("rows/no-sequence/last.lvck"));
        Checkpoint rt = CheckpointReader.read(run.resolve("rows/rt-only/last.lvck"));
        Checkpoint v2 = CheckpointReader.read(run.resolve("rows/v2/last.lvck"));
        assertThat(none.config().sequence()).isFalse();
        assertThat(rt.config().selection().kLifelong()).isZero();
        assertThat(rt.config().selection().kImpressions()).isZero();
        assertThat(rt.config().selection().kRealtime()).isPositive();
        assertThat(v2.config().selection().kLifelong()).isEqualTo(96);
        assertThat(v2.provenance().trainingSteps()).isEqualTo(5);        // 300 examples (whole requests: 300) / 64
        assertThat(v2.provenance().dataSnapshot()).isNotBlank().isNotEqualTo("in-memory");
        // the time range of the data, for retention and erasure audits (examples.json has it too)
        assertThat(v2.provenance().notes()).containsKeys("data_from", "data_to");
        assertThat(java.time.Instant.parse(v2.provenance().notes().get("data_from")))
                .isBefore(java.time.Instant.parse(v2.provenance().notes().get("data_to")));
    }

    /**
     * {@code --examples} takes a directory of shards ({@code train/part-*.lvx}, {@code eval/part-*.lvx}, as the Spark
     * job writes them): it is used as is (not rebuilt), and the same records split into shards train and evaluate
     * exactly like the single files.
     */
    @Test
    void aShardDirectoryTrainsLikeTheSingleFiles() throws IOException {
        Path single = tmp.resolve("ex-single");
        CliRun.of("examples", "--dataset", world.toString(), "--out", single.toString()).ok();
        Path shards = tmp.resolve("ex-shards");
        for (ExampleHeader.Side side : ExampleHeader.Side.values()) {
            ExampleSet set = new ExampleSet(shards);
            Files.createDirectories(set.shardDir(side));
            ExampleReader.Summary whole = ExampleReader.summary(single.resolve(side.fileName()));
            long perShard = whole.footer().requests() / 3 + 1;
            try (ExampleSet.Records records = ExampleSet.records(single.resolve(side.fileName()))) {
                for (int part = 0; part < 3; part++) {
                    try (ExampleWriter w = new ExampleWriter(set.shardDir(side).resolve(ExampleSet.shardName(part)), whole.header())) {
                        for (long i = 0; i < perShard && records.hasNext(); i++) {
                            w.write(records.next());
                        }
                        w.finish();
                    }
                }
            }
            assertThat(set.files(side)).hasSize(3);
            assertThat(set.summary(side).footer().candidates()).isEqualTo(whole.footer().candidates());
        }
        Files.copy(single.resolve("examples.json"), shards.resolve("examples.json"));

        String[] budget = {"--rows", "rt-only", "--max-train-examples", "200", "--batch-size", "64", "--warmup", "1",
                "--eval-fraction", "0.5", "--log-every", "0"};
        CliRun a = CliRun.of(concat(new String[]{"ablate", "--dataset", world.toString(), "--run", tmp.resolve("run-single").toString(),
                "--examples", single.toString()}, budget)).ok();
        CliRun b = CliRun.of(concat(new String[]{"ablate", "--dataset", world.toString(), "--run", tmp.resolve("run-shards").toString(),
                "--examples", shards.toString()}, budget)).ok();

        assertThat(b.err() + b.out()).contains("training on " + shards).doesNotContain("built NEAREST");
        assertThat(tableRow(b.out())).isEqualTo(tableRow(a.out())).isNotEmpty();
    }

    private static String[] concat(String[] a, String[] b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static String tableRow(String out) {
        return out.lines().filter(l -> l.startsWith("| rt-only |")).findFirst().orElse("");
    }

    @Test
    void seedsGiveMeanAndStdPerCell() throws IOException {
        Path run = tmp.resolve("seeds");

        CliRun r = CliRun.of("ablate", "--dataset", world.toString(), "--run", run.toString(), "--rows", "no-sequence",
                "--seeds", "1,2", "--max-train-examples", "200", "--batch-size", "64", "--warmup", "1", "--log-every", "0").ok();

        assertThat(r.out()).contains("| no-sequence | nearest | ", " ± ", "2 seeds ([1, 2])");
        assertThat(Files.readString(run.resolve("report.md"))).contains("# Ablation ladder, 2 seeds", "seed-1/report.md");
        assertThat(run.resolve("seed-2/rows/no-sequence/last.lvck")).isRegularFile();

        CliRun twice = CliRun.of("ablate", "--dataset", world.toString(), "--run", tmp.resolve("s2").toString(), "--seeds", "3,3");
        assertThat(twice.status()).isEqualTo(Main.BAD_INPUT);
        assertThat(twice.err()).contains("--seeds [3, 3]: expected distinct seeds");
    }

    @Test
    void unknownRowIsAUserError() {
        CliRun r = CliRun.of("ablate", "--dataset", world.toString(), "--run", tmp.resolve("bad").toString(), "--rows", "v3");

        assertThat(r.status()).isEqualTo(Main.BAD_INPUT);
        assertThat(r.err()).contains("longview: unknown ablation row", "v3", "rt-only");
    }

    @Test
    void missingDatasetIsAUserError() {
        CliRun r = CliRun.of("ablate", "--dataset", tmp.resolve("nope").toString());

        assertThat(r.status()).isEqualTo(Main.BAD_INPUT);
        assertThat(r.err()).contains("longview: no dataset directory");
    }
}
