/**
 * The serving engine: {@link io.longview.kernels.engine.RankingEngine} scores the candidates of one request from a
 * {@code core} checkpoint, sharing the user's sequences across candidates (DESIGN §6).
 */
package io.longview.kernels.engine;
