package io.longview.bench.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmark runs end to end on a tiny workload and reports consistent counts (no timing is asserted). */
class StoreBenchmarkTest {
    @TempDir
    Path dir;

    @Test
    void runsAndReportsEveryNumber() throws Exception {
        StoreBenchmark.Config config = new StoreBenchmark.Config(7, 200, 2, 0.3, 2_000, 3_000, 100, 20, 50, dir);
        StoreBenchmark.Result r = StoreBenchmark.run(config);
        assertThat(r.syncOn().events()).isEqualTo(3_000);
        assertThat(r.syncOn().appends()).isEqualTo(30);
        assertThat(r.syncOff().applied()).isEqualTo(r.syncOn().applied()).isPositive().isLessThanOrEqualTo(3_000);
        assertThat(r.syncOn().eventsPerSecond()).isPositive();
        assertThat(r.read().explicitTokens()).isEqualTo(16_100);
        assertThat(r.read().impressionTokens()).isEqualTo(100);
        assertThat(r.read().p99Ms()).isGreaterThanOrEqualTo(r.read().p50Ms()).isPositive();
        assertThat(r.toString()).contains("sync on", "sync off", "p99");
        try (var left = Files.list(dir)) {
            assertThat(left).as("temporary stores are deleted").isEmpty();
        }
    }

    @Test
    void theWorkloadIsDeterministic() {
        StoreBenchmark.Config config = StoreBenchmark.Config.defaults().withIngest(2_000, 64);
        assertThat(StoreBenchmark.ingestBatches(new java.util.SplittableRandom(5), config))
                .isEqualTo(StoreBenchmark.ingestBatches(new java.util.SplittableRandom(5), config))
                .hasSize(32);
    }
}
