/**
 * The model's forward pass for serving (DESIGN §3, §6).
 * <ul>
 *   <li>{@link io.longview.kernels.VectorKernels}: the public facade over the serving kernels (dequantize +
 *       normalize, blocked candidate scoring, top-K with the selection's tie rule, the fused nearest-neighbour scan,
 *       matmul with offsets, residual + LayerNorm, ReLU, row sums, max-pooling, causal attention with an online
 *       softmax, causal softmax row), plus the kernels the fused Java trainer needs (products with FMA,
 *       dW += Xᵀ·dY, bias column sums, ReLU backward, an exact softmax row). It validates arguments and delegates to one internal {@code KernelSupport},
 *       picked once by {@code KernelProvider}: {@code PanamaKernelSupport} (Java Vector API) or {@code ScalarKernelSupport} (plain
 *       Java, the reference twin of every vector kernel). {@code -Dlongview.kernels=scalar|vector} forces a choice.</li>
 *   <li>{@link io.longview.kernels.ScalarForward}: the plain float32 scalar forward pass that every fused and Vector
 *       API kernel is tested against. It reads weights from a {@link io.longview.core.checkpoint.Checkpoint} (names of
 *       {@link io.longview.core.checkpoint.TensorNames}).</li>
 *   <li>{@link io.longview.kernels.TokenTiles}: the packed token layout of the fused scan; {@code NearestBuffers} and
 *       {@code TopKHeap}: top-K bookkeeping shared by both implementations.</li>
 *   <li>{@link io.longview.kernels.engine}: the fused serving engine built on the facade.</li>
 * </ul>
 * Depends on {@code core} only; this is the one module allowed to import {@code jdk.incubator.vector}, and only the
 * {@code Panama*} classes do, split by concern and reached only through {@code PanamaKernelSupport} (so no Vector API
 * class loads without the module): {@code PanamaGemm} (the one register-blocked matrix-product family: X·W, Q·Kᵀ,
 * P·V), {@code PanamaAttention}, {@code PanamaNearest} (nearest-neighbour scan, scoring, top-K) and
 * {@code PanamaBackward} (the training kernels).
 */
package io.longview.kernels;
