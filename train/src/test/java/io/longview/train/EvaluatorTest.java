package io.longview.train;

import io.longview.core.checkpoint.ModelConfig;
import ai.djl.ndarray.NDManager;
import io.longview.core.eval.HeadMetrics;
import io.longview.core.eval.RankingMetrics;
import io.longview.core.testing.Seeds;
import io.longview.examples.ExampleReader;
import io.longview.examples.RequestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The evaluator's scores match one whole-file forward pass, and its metrics are RankingMetrics of those scores. */
class EvaluatorTest {
    @TempDir
    Path tmp;

    /**
     * Two requests of four candidates, heads (save, hide). Request 1: by the blend save − 3·hide the order is
     * c0 (0.9 − 0.3 = 0.6), c2 (0.5 − 0 = 0.5), c1 (0.8 − 0.6 = 0.2), c3 (0.1 − 2.4 = −2.3); c1 is hidden and ranks
     * third: 1 hide in the top 3. Request 2: c3 is hidden, blend −2.1 is last: 0. Blended hide HIT@3 = (1 + 0) / 2.
     * By the hide head's own score, c1 (0.2) ranks 2nd in request 1, c3 (0.9) 1st in request 2: 1 each, HIT@3 = 1.
     */
    @Test
    void blendedHitAt3RanksByTheBlendedScore() {
        long[] requests = {1, 1, 1, 1, 2, 2, 2, 2};
        boolean[][] labels = {
                {true, false, false, false, false, true, false, false},      // save
                {false, true, false, false, false, false, false, true}};     // hide
        float[][] scores = {
                {0.9f, 0.8f, 0.5f, 0.1f, 0.2f, 0.7f, 0.3f, 0.6f},
                {0.1f, 0.2f, 0.0f, 0.8f, 0.0f, 0.1f, 0.1f, 0.9f}};
        java.util.Map<String, HeadMetrics> heads = new java.util.LinkedHashMap<>();
        heads.put("save", null);
        heads.put("hide", null);
        Evaluator.Evaluation e = new Evaluator.Evaluation(heads, new long[8], requests, labels, scores);

        assertThat(e.blendedHitAt3("hide", java.util.Map.of("save", 1.0, "hide", -3.0))).isEqualTo(0.5);
        assertThat(e.blendedHitAt3("hide", java.util.Map.of("hide", 1.0))).isEqualTo(1.0);
        assertThat(e.blendedHitAt3("save", java.util.Map.of("save", 1.0, "hide", -3.0))).isEqualTo(1.0);
    }

    @Test
    void javaEngineScoresAsDjl() {
        long seed = Seeds.seed(32);
        Path file = SmallLogs.random(seed, 5, 8, 150).build(tmp.resolve("ex"));
        ModelConfig config = TestConfigs.mlp(32, 16);
        try (TransActModel model = new TransActModel(config, seed)) {
            Evaluator.Evaluation djl = new Evaluator(model, 7).evaluate(file);
            Evaluator.Evaluation java = new Evaluator(model, 7, TrainingEngine.JAVA, 2).evaluate(file);
            assertThat(java.users()).isEqualTo(djl.users());
            assertThat(java.requests()).isEqualTo(djl.requests());
            for (int h = 0; h < config.heads().size(); h++) {
                assertThat(java.labels()[h]).isEqualTo(djl.labels()[h]);
                for (int i = 0; i < djl.examples(); i++) {
                    assertThat(java.scores()[h][i]).as("head %d example %d", h, i)
                            .isCloseTo(djl.scores()[h][i], org.assertj.core.data.Offset.offset(1e-5f + 1e-4f * djl.scores()[h][i]));
                }
            }
        }
    }

    @Test
    void metricsAreRankingMetricsOfTheModelsScores() {
        long seed = Seeds.seed(31);
        Path file = SmallLogs.random(seed, 5, 8, 150).build(tmp.resolve("ex"));
        ModelConfig config = TestConfigs.mlp(32, 16);
        try (TransActModel model = new TransActModel(config, seed)) {
            // batch size 7: batches split requests, and the last batch is partial
            Evaluator.Evaluation ev = new Evaluator(model, 7).evaluate(file);

            // by hand: every example in one batch, in file order
            List<RequestRecord> records = new ArrayList<>();
            ExampleBatcher batcher;
            try (ExampleReader r = ExampleReader.open(file)) {
                batcher = new ExampleBatcher(config, r.header());
                while (r.hasNext()) {
                    records.add(r.next());
                }
            }
            int n = records.stream().mapToInt(RequestRecord::candidateCount).sum();
            assertThat(ev.examples()).isEqualTo(n);
            Batch all = Batch.allocate(config, n, 0);
            long[] users = new long[n];
            long[] requests = new long[n];
            int row = 0;
            for (RequestRecord r : records) {
                for (int j = 0; j < r.candidateCount(); j++) {
                    users[row] = r.userId();
                    requests[row] = r.requestId();
                    batcher.put(all, row++, r, j);
                }
            }
            float[] p;
            try (NDManager step = model.manager().newSubManager()) {
                p = model.forward(step, all).probabilities().toFloatArray();
            }
            assertThat(ev.users()).isEqualTo(users);
            assertThat(ev.requests()).isEqualTo(requests);
            int heads = config.heads().size();
            for (int h = 0; h < heads; h++) {
                String name = config.heads().get(h);
                boolean[] labels = new boolean[n];
                float[] scores = new float[n];
                for (int i = 0; i < n; i++) {
                    labels[i] = all.labels()[i * heads + h] != 0f;
                    scores[i] = p[i * heads + h];
                    assertThat(ev.scores()[h][i]).as("%s example %d", name, i)
                            .isCloseTo(scores[i], org.assertj.core.data.Offset.offset(1e-5f + 1e-4f * scores[i]));
                }
                assertThat(ev.labels()[h]).isEqualTo(labels);
                HeadMetrics m = ev.heads().get(name);
                assertThat(m.examples()).isEqualTo(n);
                // the metrics of the evaluator's own scores, computed here from RankingMetrics
                float[] own = ev.scores()[h];
                assertThat(m.auc()).isEqualTo(RankingMetrics.auc(labels, own).orElse(Double.NaN));
                assertThat(m.gauc()).isEqualTo(RankingMetrics.gauc(users, labels, own).orElse(Double.NaN));
                assertThat(m.hitAt3()).isEqualTo(RankingMetrics.hitAt3(requests, labels, own).orElse(Double.NaN));
                // and (the scores being equal up to float noise) close to those of the whole-file pass
                assertThat(m.auc()).isCloseTo(RankingMetrics.auc(labels, scores).orElseThrow(),
                        org.assertj.core.data.Offset.offset(0.02));
                if (h < 2) { // click and save have positives in these logs
                    assertThat(m.positives()).isPositive();
                    for (double v : new double[]{m.auc(), m.gauc(), m.hitAt3()}) {
                        assertThat(v).as(name + " " + m.describe()).isFinite().isBetween(0.0, 1.0);
                    }
                }
            }
            System.out.print("evaluator: " + ev.describe());
        }
    }
}
