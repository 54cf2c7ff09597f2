package io.longview.train;

import ai.djl.ndarray.types.Shape;
import io.longview.core.checkpoint.Checkpoint;
import io.longview.core.checkpoint.ModelConfig;
import io.longview.core.checkpoint.Provenance;
import io.longview.core.checkpoint.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Converts between a trained {@link TransActModel} and the serving {@link Checkpoint} of the {@code core} module.
 *
 * <p>The trainer's parameter names are the checkpoint's tensor names ({@link io.longview.core.checkpoint.TensorNames})
 * and both store matrices as {@code (in, out)} row-major, so the conversion is a copy of every parameter's values;
 * the {@link Checkpoint} constructor checks that the set of names and every shape match the configuration.
 * The model's configuration is the checkpoint's ({@code core}'s {@link ModelConfig}).
 */
public final class CheckpointExport {
    private CheckpointExport() {
    }

    /** The checkpoint of {@code model}'s current weights under the model's own configuration. */
    public static Checkpoint toCheckpoint(TransActModel model, Provenance provenance) {
        return toCheckpoint(model, model.config(), provenance);
    }

    /**
     * The checkpoint of {@code model}'s current weights under an explicit serving configuration (e.g. one whose
     * quantizer clip is the example file's, {@code model.config().toBuilder().quantizerClip(clip).build()}).
     *
     * @throws IllegalArgumentException when the configuration's tensors are not exactly the model's parameters
     */
    public static Checkpoint toCheckpoint(TransActModel model, ModelConfig config,
                                          Provenance provenance) {
        List<Tensor> tensors = new ArrayList<>();
        for (Map.Entry<String, ai.djl.ndarray.NDArray> e : model.parameters().entrySet()) {
            long[] s = e.getValue().getShape().getShape();
            int[] shape = new int[s.length];
            for (int i = 0; i < s.length; i++) {
                shape[i] = Math.toIntExact(s[i]);
            }
            tensors.add(new Tensor(e.getKey(), shape, model.parameterValues(e.getKey())));
        }
        return Checkpoint.of(config, provenance, tensors);
    }

    /** A new model of the checkpoint's configuration holding its weights; the caller closes it. */
    public static TransActModel fromCheckpoint(Checkpoint checkpoint) {
        return fromCheckpoint(checkpoint, checkpoint.config());
    }

    /**
     * A new model of {@code config} holding the checkpoint's weights (for resuming training or evaluation); the
     * caller closes it.
     *
     * @throws IllegalArgumentException when the checkpoint's tensors are not exactly this config's parameters with
     *                                  the same shapes
     */
    public static TransActModel fromCheckpoint(Checkpoint checkpoint, ModelConfig config) {
        Map<String, Shape> shapes = TransActModel.parameterShapes(config);
        if (!shapes.keySet().equals(checkpoint.tensors().keySet())) {
            throw new IllegalArgumentException("checkpoint tensors " + checkpoint.tensors().keySet()
                    + " differ from the model's parameters " + shapes.keySet());
        }
        for (Map.Entry<String, Shape> e : shapes.entrySet()) {
            int[] ts = checkpoint.tensor(e.getKey()).shape();
            long[] ms = e.getValue().getShape();
            if (!Arrays.equals(Arrays.stream(ts).asLongStream().toArray(), ms)) {
                throw new IllegalArgumentException("tensor " + e.getKey() + " has shape " + Arrays.toString(ts)
                        + ", the model's parameter " + e.getValue());
            }
        }
        TransActModel model = new TransActModel(config, 0L);
        try {
            for (String name : shapes.keySet()) {
                model.setParameter(name, checkpoint.values(name));
            }
        } catch (RuntimeException ex) {
            model.close();
            throw ex;
        }
        return model;
    }
}
