/**
 * The model's forward pass for serving (DESIGN §3, §6).
 * <ul>
 *   <li>{@link io.longview.kernels.VectorKernels}: the public facade over the serving kernels (dot, dequantize +
 *       normalize, blocked candidate scoring, top-K with the selection's tie rule, matmul, LayerNorm, ReLU, causal
 *       softmax row). It validates arguments and delegates to one internal {@code KernelSupport}, picked once by
 *       {@code KernelProvider}: {@code PanamaKernelSupport} (Java Vector API) or {@code ScalarKernelSupport} (plain
 *       Java, the reference twin of every vector kernel). {@code -Dlongview.kernels=scalar|vector} forces a choice.</li>
 *   <li>{@link io.longview.kernels.ScalarForward}: the plain float32 scalar forward pass that every fused and Vector
 *       API kernel is tested against. It reads weights from a {@link io.longview.core.checkpoint.Checkpoint} (names of
 *       {@link io.longview.core.checkpoint.TensorNames}).</li>
 * </ul>
 * Depends on {@code core} only; this is the one module allowed to import {@code jdk.incubator.vector}, and only
 * {@code PanamaKernelSupport} does.
 */
package io.longview.kernels;
