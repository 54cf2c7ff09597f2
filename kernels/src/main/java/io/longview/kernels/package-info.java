/**
 * The model's forward pass for serving (DESIGN §3, §6): {@link io.longview.kernels.ScalarForward}, the plain
 * float32 scalar reference that every fused and Vector API kernel is tested against. It reads weights from a
 * {@link io.longview.core.checkpoint.Checkpoint} (names of {@link io.longview.core.checkpoint.TensorNames}). Depends
 * on {@code core} only; this is the one module allowed to import {@code jdk.incubator.vector}.
 */
package io.longview.kernels;
