/**
 * The trained-model checkpoint: its binary format ({@link io.longview.core.checkpoint.CheckpointFormat}, the one
 * descriptor of the layout), the model configuration it records ({@link io.longview.core.checkpoint.ModelConfig}),
 * its provenance ({@link io.longview.core.checkpoint.Provenance}), the named float32 tensors
 * ({@link io.longview.core.checkpoint.Tensor}, names fixed by {@link io.longview.core.checkpoint.TensorNames}), and
 * the reader and writer. The trainer writes checkpoints and the serving side loads them with this package alone:
 * JDK only, no DJL, no JSON library. Depends on {@code io.longview.core.model}, {@code io.longview.core.select} and
 * {@code io.longview.core.io}.
 */
package io.longview.core.checkpoint;
