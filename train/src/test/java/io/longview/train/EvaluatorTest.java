package io.longview.train;

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

    @Test
    void metricsAreRankingMetricsOfTheModelsScores() {
        long seed = Seeds.seed(31);
        Path file = SmallLogs.random(seed, 5, 8, 150).build(tmp.resolve("ex"));
        ModelConfig config = ModelConfig.DEFAULT.withMlp(List.of(32, 16));
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
