/**
 * The HTTP ranking service ({@code longview serve}, DESIGN §6): Javalin 7 on Jetty 12, JSON in and out.
 * <ul>
 *   <li>{@link io.longview.serve.LongviewServer}: start, the routing function, JSON errors, graceful shutdown;</li>
 *   <li>{@link io.longview.serve.RankingService}: what the endpoints do (rank, events, items, sequences, reload);</li>
 *   <li>{@link io.longview.serve.RankRequest}, {@link io.longview.serve.WriteRequests}, {@link io.longview.serve.Json}:
 *       strict request parsing that names the offending field;</li>
 *   <li>{@link io.longview.serve.HotSwap}: the reference-counted model slot behind hot reload;</li>
 *   <li>{@link io.longview.serve.AdmissionControl}: the bounded rank queue (503 beyond it);</li>
 *   <li>{@link io.longview.serve.ServeMetrics}: Prometheus metrics;</li>
 *   <li>{@link io.longview.serve.ServeConfig}: every setting.</li>
 * </ul>
 * May depend on {@code core}, {@code kernels} (the {@link io.longview.kernels.engine.RankingEngine} public API) and
 * {@code store}; never on {@code train} or DJL.
 */
package io.longview.serve;
