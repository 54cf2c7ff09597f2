/**
 * Load testing the service: {@link io.longview.serve.bench.LoadGenerator} (closed-loop clients over HTTP, for
 * {@code longview bench serve}) and {@link io.longview.serve.bench.SyntheticWorld} (random checkpoints, users and items
 * for a server to rank against when there is no real one). Depends on the service, core and store.
 */
package io.longview.serve.bench;
