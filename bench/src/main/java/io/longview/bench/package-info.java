/**
 * Benchmarks (DESIGN §6–7): {@link io.longview.bench.RankBenchmark} ({@code longview bench rank}) runs four ranking
 * paths side by side on one synthetic request: (a) naive DJL/libtorch, (b) de-duplicated DJL/libtorch, (c) ONNX
 * Runtime on the exported graph, (d) the fused {@code RankingEngine}; {@code io.longview.bench.jmh} holds the JMH
 * benchmarks of the kernels and the engine; {@code io.longview.bench.store} the store benchmark ({@code longview bench
 * store}); {@code io.longview.bench.serve} the HTTP load generator ({@code longview bench serve}). Every benchmark of
 * the project lives here, so no production jar carries benchmark code. May depend on every other module; nothing
 * depends on it but {@code cli}.
 */
package io.longview.bench;
