package io.longview.bench.serve;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A tiny run of the load generator against a server it starts itself: every request answered, a table printed. */
class LoadGeneratorTest {
    @Test
    void aShortRunAnswersEveryRequestAndPrintsATable() {
        LoadGenerator.Config config = new LoadGenerator.Config(null, null, List.of(5, 20), List.of(1, 2), Duration.ofMillis(200),
                Duration.ofMillis(700), 5, 100, 30, 1, 3, Duration.ofMillis(300), 500, false, null, Duration.ofSeconds(10), null);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        LoadGenerator.Result r = LoadGenerator.run(config, new PrintStream(log, true, StandardCharsets.UTF_8));
        assertThat(r.rows()).hasSize(4);
        assertThat(r.errors()).as(log.toString(StandardCharsets.UTF_8)).isZero();
        for (LoadGenerator.Row row : r.rows()) {
            assertThat(row.requests()).isPositive();
            assertThat(row.p99Ms()).isGreaterThanOrEqualTo(row.p50Ms()).isPositive();
            // the server's own split, from its /metrics
            assertThat(row.serverMs().selection()).isFinite().isPositive();
            assertThat(row.serverMs().forward()).isFinite().isPositive();
            assertThat(row.serverMs().selection() + row.serverMs().forward()).isLessThan(row.maxMs());
        }
        assertThat(r.markdown()).contains("| candidates | clients | answered | req/s |", "| shed | shed rate |",
                "selection ms | forward ms |", "| 20 | 2 |", "Cold start:");
        assertThat(r.coldStart().firstMs()).hasSize(10).allSatisfy(ms -> assertThat(ms).isPositive());
    }

    @Test
    void aShortSoakReloadsAndSamplesMemory() {
        LoadGenerator.Config config = new LoadGenerator.Config(null, null, List.of(5), List.of(1), Duration.ZERO,
                Duration.ofMillis(2500), 5, 100, 30, 1, 3, Duration.ZERO, 500, true, Duration.ofMillis(800),
                Duration.ofMillis(500), null);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        LoadGenerator.Result r = LoadGenerator.run(config, new PrintStream(log, true, StandardCharsets.UTF_8));
        assertThat(r.errors()).as(log.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(r.memory()).hasSizeGreaterThanOrEqualTo(3);
        assertThat(r.memory().getLast().reloads()).isGreaterThanOrEqualTo(2);
        assertThat(r.memory().getLast().rssMiB()).isPositive();
        assertThat(r.memory().getLast().heapMiB()).isPositive();
        assertThat(r.markdown()).contains("| RSS MiB |", "drift from t=");
    }
}
