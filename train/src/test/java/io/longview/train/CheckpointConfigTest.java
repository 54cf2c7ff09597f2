package io.longview.train;

import io.longview.core.checkpoint.ModelConfig;
import ai.djl.ndarray.types.Shape;
import io.longview.core.checkpoint.TensorSpec;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The trainer's model and the serving checkpoint agree on every tensor's name and shape. */
class CheckpointConfigTest {

    @Test
    void trainerParametersAreExactlyTheCheckpointTensors() {
        ModelConfig c = ModelConfig.DEFAULT;
        Map<String, List<Long>> checkpoint = new LinkedHashMap<>();
        for (TensorSpec t : c.tensorSpecs()) {
            checkpoint.put(t.name(), java.util.Arrays.stream(t.shape()).mapToLong(i -> i).boxed().toList());
        }
        Map<String, List<Long>> trainer = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : TransActModel.parameterShapes(c).entrySet()) {
            trainer.put(e.getKey(), LongStream.of(e.getValue().getShape()).boxed().toList());
        }
        assertThat(trainer).containsExactlyInAnyOrderEntriesOf(checkpoint);
    }
}
