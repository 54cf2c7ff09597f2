package io.longview.train;

import io.longview.core.checkpoint.ModelConfig;
import io.longview.core.io.InputException;
import io.longview.core.testing.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad input stops training without touching the run's checkpoints: a corrupt example file, a non-finite loss. */
class TrainerBadInputTest {
    static final ModelConfig SMALL = TestConfigs.mlp(32, 16);

    @TempDir
    Path tmp;

    @Test
    void aCorruptExampleFileStopsWithFileAndOffsetAndLeavesTheCheckpointsAlone() throws IOException {
        long seed = Seeds.seed(31);
        Path file = SmallLogs.random(seed, 4, 10, 200).build(tmp.resolve("ex"));
        TrainerConfig tc = TrainerConfig.defaults().withBatchSize(16).withSeed(seed).withLogEverySteps(0).withMaxSteps(2);
        Path run = tmp.resolve("run");
        try (TransActModel model = new TransActModel(SMALL, seed)) {
            new Trainer(model, tc).train(file, null, run);
        }
        byte[] last = Files.readAllBytes(run.resolve("last.lvck"));
        byte[] state = Files.readAllBytes(run.resolve(Trainer.STATE_FILE));
        byte[] all = Files.readAllBytes(file);
        all[all.length / 2] ^= 0x5a;                       // inside the records; header and footer intact
        Files.write(file, all);
        try (TransActModel model = new TransActModel(SMALL, seed)) {
            assertThatThrownBy(() -> new Trainer(model, tc.withMaxSteps(4)).train(file, null, run))
                    .isInstanceOf(InputException.class).hasMessageContaining(file.toString()).hasMessageContaining("byte");
        }
        assertThat(Files.readAllBytes(run.resolve("last.lvck"))).isEqualTo(last);
        assertThat(Files.readAllBytes(run.resolve(Trainer.STATE_FILE))).isEqualTo(state);
    }

    @Test
    void aNonFiniteLossNamesTheStepAndKeepsTheLastGoodCheckpoint() {
        long seed = Seeds.seed(32);
        Path file = SmallLogs.random(seed, 4, 10, 200).build(tmp.resolve("ex"));
        TrainerConfig tc = TrainerConfig.defaults().withBatchSize(16).withLearningRate(1e30f).withWarmupSteps(0)
                .withSeed(seed).withLogEverySteps(0).withCheckpointEverySteps(1);
        Path run = tmp.resolve("run");
        String message;
        try (TransActModel model = new TransActModel(SMALL, seed)) {
            Throwable t = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> new Trainer(model, tc).train(file, null, run));
            message = t.getMessage();
        }
        Matcher m = Pattern.compile("at step (\\d+)").matcher(message);
        assertThat(m.find()).as(message).isTrue();
        int bad = Integer.parseInt(m.group(1));
        assertThat(bad).as("the first step (initial weights) is finite, a later one blows up").isGreaterThan(1);
        // the state and checkpoint are those of the step before: resuming starts there, with finite weights
        assertThat(run.resolve("last.lvck")).exists();
        try (TransActModel model = new TransActModel(SMALL, seed + 1)) {
            Trainer resumed = new Trainer(model, tc).resume(run);
            assertThat(resumed.stepsTaken()).isEqualTo(bad - 1);
            for (String name : model.parameters().keySet()) {
                for (float v : model.parameterValues(name)) {
                    assertThat(v).as(name).isFinite();
                }
            }
        }
    }
}
