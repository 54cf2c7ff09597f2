package io.longview.serve;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.IntSupplier;

/**
 * The service's Prometheus metrics, in a registry of its own (several servers in one JVM, as in tests, do not mix):
 * <ul>
 *   <li>{@code longview_http_requests_total{method,endpoint,status}} and
 *       {@code longview_http_request_duration_seconds{method,endpoint,status}}: every request, by route template;</li>
 *   <li>{@code longview_rank_candidates}: candidates per rank request;</li>
 *   <li>{@code longview_rank_store_read_seconds}, {@code longview_rank_selection_seconds},
 *       {@code longview_rank_forward_seconds}: where a rank request's time goes (the engine's own split);</li>
 *   <li>{@code longview_rank_rejected_total}: rank requests refused by the bounded queue (503);</li>
 *   <li>{@code longview_rank_running}, {@code longview_rank_waiting}: the queue now;</li>
 *   <li>{@code longview_model_reloads_total{result}} and {@code longview_model_info{…}} (the serving model's
 *       provenance).</li>
 * </ul>
 */
public final class ServeMetrics {
    private static final double[] LATENCY_BOUNDS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
    private static final double[] CANDIDATE_BOUNDS = {1, 10, 50, 100, 200, 500, 1000, 2000, 5000};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Counter requests;
    private final Histogram duration;
    private final Histogram candidates;
    private final Histogram storeRead;
    private final Histogram selection;
    private final Histogram forward;
    private final Counter rejected;
    private final Counter reloads;
    private final Counter erasures;
    private final Info modelInfo;

    public ServeMetrics(IntSupplier running, IntSupplier waiting) {
        requests = Counter.builder().name("longview_http_requests_total").help("HTTP requests by route and status")
                .labelNames("method", "endpoint", "status").register(registry);
        duration = Histogram.builder().name("longview_http_request_duration_seconds").help("HTTP request handling time")
                .unit(io.prometheus.metrics.model.snapshots.Unit.SECONDS).labelNames("method", "endpoint", "status")
                .classicOnly().classicUpperBounds(LATENCY_BOUNDS).register(registry);
        candidates = Histogram.builder().name("longview_rank_candidates").help("candidates per rank request")
                .classicOnly().classicUpperBounds(CANDIDATE_BOUNDS).register(registry);
        storeRead = seconds("longview_rank_store_read_seconds", "reading the user's sequences per rank request");
        selection = seconds("longview_rank_selection_seconds", "candidate-anchored selection per rank request (engine)");
        forward = seconds("longview_rank_forward_seconds", "encoder and ranker forward pass per rank request (engine)");
        rejected = Counter.builder().name("longview_rank_rejected_total").help("rank requests refused by the bounded queue (503)")
                .register(registry);
        reloads = Counter.builder().name("longview_model_reloads_total").help("model reloads by result")
                .labelNames("result").register(registry);
        erasures = Counter.builder().name("longview_user_erasures_total").help("DELETE /v1/users/{id} calls by result")
                .labelNames("result").register(registry);
        modelInfo = Info.builder().name("longview_model_info").help("the serving model's provenance")
                .labelNames("generation", "code_version", "data_snapshot", "training_steps", "file").register(registry);
        GaugeWithCallback.builder().name("longview_rank_running").help("rank requests computing now")
                .callback(cb -> cb.call(running.getAsInt())).register(registry);
        GaugeWithCallback.builder().name("longview_rank_waiting").help("rank requests waiting in the bounded queue")
                .callback(cb -> cb.call(waiting.getAsInt())).register(registry);
    }

    /** Gauges of what the store's retention dropped: tokens by passes (over the store's life), events refused since open. */
    void retention(java.util.function.LongSupplier droppedTokens, java.util.function.LongSupplier expiredEvents) {
        GaugeWithCallback.builder().name("longview_retention_dropped_tokens").help("tokens the store's retention passes dropped")
                .callback(cb -> cb.call(droppedTokens.getAsLong())).register(registry);
        GaugeWithCallback.builder().name("longview_retention_expired_events").help("events older than the retention, not stored (since start)")
                .callback(cb -> cb.call(expiredEvents.getAsLong())).register(registry);
    }

    private Histogram seconds(String name, String help) {
        return Histogram.builder().name(name).help(help).unit(io.prometheus.metrics.model.snapshots.Unit.SECONDS)
                .classicOnly().classicUpperBounds(LATENCY_BOUNDS).register(registry);
    }

    void request(String method, String endpoint, int status, long nanos) {
        String s = Integer.toString(status);
        requests.labelValues(method, endpoint, s).inc();
        duration.labelValues(method, endpoint, s).observe(nanos / 1e9);
    }

    void rank(int n, long storeNanos, long selectionNanos, long forwardNanos) {
        candidates.observe(n);
        storeRead.observe(storeNanos / 1e9);
        selection.observe(selectionNanos / 1e9);
        forward.observe(forwardNanos / 1e9);
    }

    void rejected() {
        rejected.inc();
    }

    void reload(boolean ok) {
        reloads.labelValues(ok ? "ok" : "error").inc();
    }

    void erased(boolean something) {
        erasures.labelValues(something ? "erased" : "nothing").inc();
    }

    void model(LoadedModel m) {
        modelInfo.setLabelValues(Long.toString(m.generation()), m.provenance().codeVersion(), m.provenance().dataSnapshot(),
                Long.toString(m.provenance().trainingSteps()), m.file().toString());
    }

    /** The Prometheus text exposition format. */
    public String contentType() {
        return writer.getContentType();
    }

    /** Everything, in the text exposition format. */
    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 << 10);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
