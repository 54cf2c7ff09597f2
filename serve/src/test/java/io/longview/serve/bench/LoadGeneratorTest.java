package io.longview.serve.bench;

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
                Duration.ofMillis(700), 5, 100, 30, 1, 3);
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
        assertThat(r.markdown()).contains("| candidates | clients | requests | req/s |", "selection ms | forward ms |", "| 20 | 2 |");
    }
}
