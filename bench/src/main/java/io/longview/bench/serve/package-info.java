/**
 * Load testing the service: {@link io.longview.bench.serve.LoadGenerator} (closed-loop clients over HTTP, soak runs
 * with reloads and memory sampling, for {@code longview bench serve}), against a running server or one it starts on a
 * {@link io.longview.synth.RandomWorld}. Depends on the service, the store, synth and core.
 */
package io.longview.bench.serve;
