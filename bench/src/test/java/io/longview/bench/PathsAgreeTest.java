package io.longview.bench;

import io.longview.core.checkpoint.Checkpoint;
import io.longview.core.checkpoint.ModelConfig;
import io.longview.core.testing.AllClose;
import io.longview.core.testing.Seeds;
import org.junit.jupiter.api.Test;

import java.io.PrintStream;
import java.io.OutputStream;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Smoke test of {@code bench rank}: every path scores the same small request (N = 4, a short history that exercises
 * both "top-K" and "take all" parts) and gets the engine's scores, since all four compute the same model. Also catches
 * bench bugs (a wrong gather or time order changes the scores).
 */
class PathsAgreeTest {
    private static final double RTOL = 1e-3;
    private static final double ATOL = 1e-5;

    @Test
    void allPathsGiveTheEngineScores() {
        long seed = Seeds.seed(11L);
        Checkpoint ck = RandomCheckpoint.of(ModelConfig.DEFAULT, seed);
        // S_LL 150 > K_LL 96 (top-K), S_RT 60 = 32 recent + 28 ≤ K_RT (take all), S_imp 40 > K_imp 32 (top-K)
        SyntheticRequest r = SyntheticRequest.of(150, 60, 40, 4, seed);
        float[] expected;
        try (RankPath d = RankBenchmark.open("d", ck, 1)) {
            expected = d.rank(r, new RankPath.StageNanos());
        }
        double[] exp = new double[expected.length];
        for (int i = 0; i < exp.length; i++) {
            exp[i] = expected[i];
        }
        for (String id : List.of("a", "b", "c")) {
            try (RankPath p = RankBenchmark.open(id, ck, 2)) {
                RankPath.StageNanos stages = new RankPath.StageNanos();
                float[] actual = p.rank(r, stages);
                AllClose.assertAllClose("path (" + id + ") vs (d), seed " + seed, actual, new int[]{4, 3}, exp, new int[]{4, 3}, RTOL, ATOL);
                assertThat(stages.forward).as("forward time of (%s)", id).isPositive();
            }
        }
    }

    @Test
    void noSequenceRankerAgreesToo() {
        long seed = Seeds.seed(12L);
        Checkpoint ck = RandomCheckpoint.of(ModelConfig.DEFAULT.toBuilder().sequence(false).build(), seed);
        SyntheticRequest r = SyntheticRequest.of(20, 10, 5, 3, seed);
        float[] expected;
        try (RankPath d = RankBenchmark.open("d", ck, 1)) {
            expected = d.rank(r, new RankPath.StageNanos());
        }
        double[] exp = new double[expected.length];
        for (int i = 0; i < exp.length; i++) {
            exp[i] = expected[i];
        }
        for (String id : List.of("b", "c")) {
            try (RankPath p = RankBenchmark.open(id, ck, 1)) {
                AllClose.assertAllClose("path (" + id + ") vs (d)", p.rank(r, new RankPath.StageNanos()), exp, RTOL, ATOL);
            }
        }
    }

    @Test
    void aTinyRunProducesTheTable() {
        RankBenchmark.Config c = new RankBenchmark.Config(List.of(2, 3), 120, 40, 10, 2, 1, 1, 1, List.of("b", "c", "d"), 0.2, 5, null);
        RankBenchmark.Report report = RankBenchmark.run(c, new PrintStream(OutputStream.nullOutputStream()));
        assertThat(report.cells()).hasSize(6);
        assertThat(report.selectedLength()).isEqualTo(96 + 32 + 8 + 10);
        String md = report.markdown();
        assertThat(md).contains("| (b) | 2 |").contains("| (d) | 3 |").contains("GEMM peak");
        for (RankBenchmark.Cell cell : report.cells()) {
            assertThat(cell.maxDiffVsEngine()).as("%s N=%d", cell.path(), cell.n()).isLessThan(1e-3);
        }
        assertThat(report.json()).contains("\"path\": \"c\", \"n\": 3");
    }
}
