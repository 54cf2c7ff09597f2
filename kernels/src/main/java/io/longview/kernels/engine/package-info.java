/**
 * The fused serving engine (DESIGN §6): {@link io.longview.kernels.engine.RankingEngine} scores the N candidates of
 * one request from a {@code core} checkpoint. The user's sequences are prepared once per request
 * ({@code PreparedRequest}), selection runs as one blocked scan per group of candidates, and each candidate's encoder
 * and ranker run in a per-thread arena ({@code Worker}); weights are laid out once at load ({@code EngineWeights}).
 * Results: {@link io.longview.kernels.engine.RankResult}; settings: {@link io.longview.kernels.engine.EngineOptions}.
 * Depends on {@code io.longview.core} and the kernels' public facade {@link io.longview.kernels.VectorKernels}; never on
 * {@code jdk.incubator.vector} directly.
 */
package io.longview.kernels.engine;
