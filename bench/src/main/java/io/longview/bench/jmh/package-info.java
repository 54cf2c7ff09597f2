/**
 * JMH benchmarks: the kernels of {@code io.longview.kernels.VectorKernels} (vector and scalar implementations in
 * separate forks) and {@code RankingEngine.rank} at N = 512. Build {@code bench/target/benchmarks.jar} with
 * {@code ./mvnw -pl bench package} and run {@code java -jar bench/target/benchmarks.jar} (see bench/README.md).
 */
package io.longview.bench.jmh;
