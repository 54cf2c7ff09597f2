package io.longview.train;

import io.longview.core.checkpoint.ModelConfig;
import ai.djl.ndarray.NDManager;
import io.longview.core.checkpoint.Checkpoint;
import io.longview.core.checkpoint.CheckpointReader;
import io.longview.core.checkpoint.CheckpointWriter;
import io.longview.core.checkpoint.Provenance;
import io.longview.core.model.Token;
import io.longview.core.testing.Seeds;
import io.longview.examples.ExampleHeader;
import io.longview.examples.RequestRecord;
import io.longview.kernels.ScalarForward;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Export to the serving checkpoint: lossless through the file format, and scored alike by the scalar forward. */
class CheckpointExportTest {
    static final ModelConfig SMALL = TestConfigs.mlp(32, 16);

    @TempDir
    Path tmp;

    @Test
    void roundTripThroughTheFileKeepsEveryParameter() {
        long seed = Seeds.seed(21);
        Provenance prov = Provenance.of("test", seed, "test", Instant.parse("2026-11-25T00:00:00Z"), 0);
        try (TransActModel model = new TransActModel(SMALL, seed)) {
            Checkpoint ckpt = CheckpointExport.toCheckpoint(model, prov);
            assertThat(ckpt.tensors().keySet()).containsExactlyInAnyOrderElementsOf(model.parameters().keySet());
            Path file = tmp.resolve("model.lvc");
            CheckpointWriter.write(ckpt, file);
            Checkpoint back = CheckpointReader.read(file);
            assertThat(back.provenance()).isEqualTo(prov);
            try (TransActModel loaded = CheckpointExport.fromCheckpoint(back)) {
                assertThat(loaded.config()).isEqualTo(SMALL);
                for (String name : model.parameters().keySet()) {
                    assertThat(back.values(name)).as(name).isEqualTo(model.parameterValues(name));
                    assertThat(loaded.parameterValues(name)).as(name).isEqualTo(model.parameterValues(name));
                    assertThat(loaded.parameters().get(name).getShape()).isEqualTo(model.parameters().get(name).getShape());
                }
            }
        }
    }

    @Test
    void exportedCheckpointScoresLikeTheDjlForward() {
        long seed = Seeds.seed(22);
        Path file = SmallLogs.random(seed, 4, 8, 150).build(tmp.resolve("ex"));
        SmallLogs.Examples examples = SmallLogs.read(file);
        List<RequestRecord> records = examples.records();
        ExampleHeader header = examples.header();
        TrainerConfig tc = TrainerConfig.defaults().withBatchSize(32).withEpochs(1).withLearningRate(3e-3f)
                .withWarmupSteps(1).withSeed(seed);
        try (TransActModel model = new TransActModel(SMALL, seed)) {
            TrainingReport report = new Trainer(model, tc).train(records, header);
            assertThat(report.steps()).isGreaterThanOrEqualTo(3);
            Checkpoint ckpt = CheckpointExport.toCheckpoint(model,
                    SMALL.toBuilder().quantizerClip(header.quantizerClip()).build(),
                    Provenance.of("test", seed, "test", Instant.parse("2026-11-25T00:00:00Z"), report.steps()));

            ExampleBatcher batcher = new ExampleBatcher(SMALL, header);
            int n = 0;
            for (RequestRecord r : records) {
                n += r.candidateCount();
            }
            n = Math.min(n, 64);
            Batch batch = Batch.allocate(SMALL, n, 0);
            int row = 0;
            outer:
            for (RequestRecord r : records) {
                for (int j = 0; j < r.candidateCount(); j++) {
                    if (row == n) {
                        break outer;
                    }
                    batcher.put(batch, row++, r, j);
                }
            }
            float[] djl;
            try (NDManager step = model.manager().newSubManager()) {
                djl = model.forward(step, batch).probabilities().toFloatArray();
            }
            int h = SMALL.heads().size();
            int t = SMALL.seqLength();
            int e = SMALL.dEmb();
            float scale = header.quantizerClip() / 127f;
            int withTokens = 0;
            for (int b = 0; b < n; b++) {
                List<Token> sAll = new ArrayList<>();
                for (int k = 0; k < batch.lengths()[b]; k++) {
                    byte[] q = new byte[e];
                    for (int d = 0; d < e; d++) {
                        float v = batch.tokens()[((b * t) + k) * e + d];
                        q[d] = (byte) Math.round(v / scale);
                        assertThat(q[d] * scale).isEqualTo(v);
                    }
                    sAll.add(new Token(0L, batch.actions()[b * t + k], (byte) batch.surfaces()[b * t + k], 0L, q));
                }
                withTokens += sAll.isEmpty() ? 0 : 1;
                float[] cand = Arrays.copyOfRange(batch.candidates(), b * e, (b + 1) * e);
                float[] dense = Arrays.copyOfRange(batch.dense(), b * SMALL.denseDim(), (b + 1) * SMALL.denseDim());
                float[] scalar = ScalarForward.score(ckpt, sAll, cand, dense);
                for (int k = 0; k < h; k++) {
                    float want = djl[b * h + k];
                    assertThat(Math.abs(scalar[k] - want)).as("example %d head %d: scalar %s, djl %s", b, k, scalar[k], want)
                            .isLessThanOrEqualTo(1e-5f + 1e-4f * Math.abs(want));
                }
            }
            assertThat(withTokens).isGreaterThan(n / 2);
        }
    }
}
