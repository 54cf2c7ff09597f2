/**
 * {@link io.longview.bench.store.StoreBenchmark}: the sequence store's ingest rate and read latency, for
 * {@code longview bench store}. Depends on the store and core.
 */
package io.longview.bench.store;
