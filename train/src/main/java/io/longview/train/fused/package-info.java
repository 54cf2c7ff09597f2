/**
 * The fused Java trainer's math: forward and backward of the whole TransAct V2 ranker and its losses on plain
 * {@code float[]} parameters, on {@link io.longview.kernels.VectorKernels} (each kernel with a scalar twin), data
 * parallel over the cores with per-thread gradient buffers reduced in a fixed order. {@link
 * io.longview.train.fused.FusedTransAct} is the engine; {@link io.longview.train.Trainer} runs it (or DJL) under the
 * same host AdamW, schedule, state and checkpoints. DJL's autograd ({@link io.longview.train.TransActModel}) is the
 * reference its tests compare every gradient with.
 */
package io.longview.train.fused;
