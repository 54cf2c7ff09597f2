package io.longview.serve;

import io.longview.serve.AccessPolicy.Access;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.longview.store.SequenceStore;
import io.longview.store.StoreException;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP ranking service (Javalin 7 on Jetty 12): {@link #start} binds it, {@link #routes} is the whole wiring (one
 * plain function, reused by tests), {@link #close()} drains it. The API is in {@code openapi.yaml} (also served at
 * {@code GET /openapi.yaml}) and {@code serve/README.md}.
 *
 * <h2>Errors</h2>
 * Every refusal is a JSON body {@code {"error", "field", "message"}} with an explicit status: 400 for bad input
 * (naming the field), 404 for an unknown route, 413 for an oversized body, 422 for a checkpoint that cannot be
 * loaded, 503 (with {@code Retry-After}) when the rank queue is full or the server is shutting down, 500 for a bug
 * or a store failure. Nothing is half-applied: requests are checked whole before anything is written.
 *
 * <h2>Shutdown</h2>
 * {@link #close()} marks the server draining ({@code /readyz} answers 503, new requests get 503), waits up to
 * {@link ServeConfig#drainTimeout()} for requests in flight to finish, stops Jetty (gracefully as well: its
 * {@link GracefulHandler} lets responses being written complete) and releases the model. The store is the caller's.
 */
public final class LongviewServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LongviewServer.class);
    private static final String JSON = "application/json";

    /**
     * Test hooks, called on request threads. {@code beforeRank} runs inside {@code /v1/rank} after the request was
     * admitted by the bounded queue and before the model is used: a test may block there to fill the queue
     * deterministically, or to hold a request in flight.
     */
    public record Hooks(Runnable beforeRank) {
        public static final Hooks NONE = new Hooks(() -> {
        });
    }

    private final ServeConfig config;
    private final RankingService service;
    private final ServeMetrics metrics;
    private final AdmissionControl admission;
    private final Hooks hooks;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final CountDownLatch warm = new CountDownLatch(1);
    private volatile RankingService.WarmUp warmUp;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Object drainLock = new Object();
    private final byte[] openapi;
    private Javalin app;

    private LongviewServer(ServeConfig config, SequenceStore store, Hooks hooks) {
        this.config = config;
        this.hooks = hooks;
        this.admission = new AdmissionControl(config.rankConcurrency(), config.rankQueue());
        this.metrics = new ServeMetrics(admission::running, admission::waiting);
        this.service = new RankingService(config, store, metrics);
        if (store instanceof io.longview.store.RocksSequenceStore rocks && rocks.retentionStatus().retention() != null) {
            metrics.retention(() -> rocks.retentionStatus().droppedTokens(), () -> rocks.retentionStatus().expiredEventsSinceOpen());
        }
        try (InputStream in = LongviewServer.class.getResourceAsStream("/openapi.yaml")) {
            if (in == null) {
                throw new IllegalStateException("openapi.yaml is missing from the serve jar");
            }
            this.openapi = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Loads the checkpoint and starts serving {@code store} on {@code config.host():config.port()}.
     *
     * @throws io.longview.core.checkpoint.CheckpointException if the checkpoint cannot be read
     * @throws IllegalArgumentException                       if it does not fit the service
     */
    public static LongviewServer start(ServeConfig config, SequenceStore store) {
        return start(config, store, Hooks.NONE);
    }

    /** {@link #start(ServeConfig, SequenceStore)} with test hooks. */
    public static LongviewServer start(ServeConfig config, SequenceStore store, Hooks hooks) {
        LongviewServer s = new LongviewServer(config, store, hooks);
        try {
            s.app = Javalin.create(cfg -> s.configure(cfg)).start();
        } catch (RuntimeException e) {
            s.service.close();
            throw e;
        }
        // /healthz answers at once; /readyz turns 200 only after the warm-up (rank requests are served meanwhile)
        Thread.ofPlatform().name("longview-warmup").daemon().start(() -> {
            try {
                s.warmUp = s.service.warmUpCurrent();
                LOG.info("warm-up: {} rounds in {} ms, settled: {}", s.warmUp.rounds(), Math.round(s.warmUp.millis()), s.warmUp.settled());
            } catch (IllegalStateException e) {
                if (!s.draining.get()) {
                    LOG.error("warm-up failed; the server is ready without it", e);
                }
            } catch (RuntimeException e) {
                LOG.error("warm-up failed; the server is ready without it", e);
            } finally {
                s.warm.countDown();
            }
        });
        return s;
    }

    /** Waits until the start-up warm-up is over ({@code /readyz} can answer 200 then); false on timeout. */
    public boolean awaitWarm(java.time.Duration timeout) throws InterruptedException {
        return warm.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The start-up warm-up's outcome, or null while it runs (or if it failed). */
    public RankingService.WarmUp warmUp() {
        return warmUp;
    }

    private void configure(JavalinConfig cfg) {
        cfg.startup.showJavalinBanner = false;
        cfg.startup.showOldJavalinVersionWarning = false;
        cfg.jetty.host = config.host();
        cfg.jetty.port = config.port();
        cfg.http.maxRequestSize = config.maxBodyBytes();
        cfg.jetty.modifyServer(server -> {
            // Javalin nests its servlet context inside this wrapper; Server.stop() then waits for requests in flight
            server.setHandler(new GracefulHandler());
            server.setStopTimeout(Math.max(1, config.drainTimeout().toMillis()));
        });
        routes(cfg, this);
    }

    /** The whole HTTP wiring: every route, its handler, the JSON errors. */
    static void routes(JavalinConfig cfg, LongviewServer s) {
        var r = cfg.routes;
        r.post("/v1/rank", s.wrap("POST", "/v1/rank", Access.READ, s::rank));
        r.post("/v1/events", s.wrap("POST", "/v1/events", Access.WRITE, s::events));
        r.get("/v1/users/{id}/sequence", s.wrap("GET", "/v1/users/{id}/sequence", Access.READ, s::sequence));
        r.put("/v1/items", s.wrap("PUT", "/v1/items", Access.WRITE, s::items));
        r.delete("/v1/users/{id}", s.wrap("DELETE", "/v1/users/{id}", Access.WRITE, ctx -> json(ctx, 200, s.service.erase(userId(ctx)))));
        r.post("/admin/reload", s.wrap("POST", "/admin/reload", Access.WRITE, s::reload));
        r.get("/healthz", s.wrap("GET", "/healthz", Access.PROBE, ctx -> json(ctx, 200, Json.MAPPER.createObjectNode().put("status", "ok"))));
        r.get("/readyz", s.wrap("GET", "/readyz", Access.PROBE, s::ready));
        r.get("/metrics", s.wrap("GET", "/metrics", Access.READ, ctx -> ctx.contentType(s.metrics.contentType()).result(s.metrics.scrape())));
        r.get("/openapi.yaml", s.wrap("GET", "/openapi.yaml", Access.READ, ctx -> ctx.contentType("application/yaml").result(s.openapi)));
        r.error(404, ctx -> {
            if (!JSON.equals(ctx.res().getContentType())) {
                s.metrics.request(ctx.method().name(), "unmatched", 404, 0);
                error(ctx, new ApiException(404, "not_found", null, "no route " + ctx.method() + " " + ctx.path()
                        + "; the API is described at GET /openapi.yaml"));
            }
        });
        r.error(405, ctx -> error(ctx, new ApiException(405, "method_not_allowed", null,
                "method " + ctx.method() + " is not allowed on " + ctx.path())));
    }

    /**
     * Adds access control ({@link AccessPolicy}), draining, the in-flight count, JSON errors and the request metrics
     * around a handler. Every route names what it does ({@link Access}): a new route cannot forget its access rule.
     */
    private Handler wrap(String method, String endpoint, Access access, Handler h) {
        boolean probe = access == Access.PROBE || endpoint.equals("/metrics");
        return ctx -> {
            long t0 = System.nanoTime();
            ctx.attribute(ARRIVED, t0);
            inFlight.incrementAndGet();
            try {
                int denied = config.access().decide(access, ctx.header("Authorization"));
                if (denied == 401) {
                    ctx.header("WWW-Authenticate", "Bearer realm=\"longview\"");
                    throw new ApiException(401, "unauthorized", null, method + " " + endpoint + " needs a bearer token "
                            + "(Authorization: Bearer <token>)");
                }
                if (denied == 403) {
                    throw new ApiException(403, "forbidden", null, "the bearer token is not valid for " + method + " " + endpoint);
                }
                if (draining.get() && !probe) {
                    ctx.header("Connection", "close");
                    ctx.header("Retry-After", Integer.toString(config.retryAfterSeconds()));
                    throw new ApiException(503, "shutting_down", null, "the server is shutting down");
                }
                h.handle(ctx);
            } catch (ApiException e) {
                error(ctx, e);
            } catch (OwnedElsewhere e) {
                ctx.header("Retry-After", Integer.toString(config.retryAfterSeconds()));
                error(ctx, new ApiException(503, "not_here", null, e.getMessage()));
            } catch (StoreException e) {
                LOG.error("{} {}: store failure", method, endpoint, e);
                error(ctx, new ApiException(500, "store_error", null, e.getMessage()));
            } catch (IllegalStateException e) {
                if (draining.get()) {
                    // the store or model was closed under a request: expected during shutdown
                    error(ctx, new ApiException(503, "unavailable", null, "the server is shutting down"));
                } else {
                    LOG.error("{} {} failed", method, endpoint, e);
                    error(ctx, new ApiException(500, "internal_error", null, e.getClass().getSimpleName() + ": " + e.getMessage()));
                }
            } catch (Exception e) {
                LOG.error("{} {} failed", method, endpoint, e);
                error(ctx, new ApiException(500, "internal_error", null, e.getClass().getSimpleName() + ": " + e.getMessage()));
            } finally {
                metrics.request(method, endpoint, ctx.statusCode(), System.nanoTime() - t0);
                if (inFlight.decrementAndGet() == 0 && draining.get()) {
                    synchronized (drainLock) {
                        drainLock.notifyAll();
                    }
                }
            }
        };
    }

    /** Request attribute: {@link System#nanoTime()} when the request reached its handler (deadlines count from it). */
    private static final String ARRIVED = "longview.arrivedNanos";

    /**
     * Ranks within the request's budget: {@code --deadline-ms}, lowered by the body's {@code deadline_ms}, counted from
     * arrival. A request that cannot take a computing slot within it (or finds the queue full) is shed: 503 with
     * {@code Retry-After}, nothing computed. Once computing, it runs to the end.
     */
    private void rank(Context ctx) throws InterruptedException {
        Long arrivedAttr = ctx.attribute(ARRIVED);
        long arrived = arrivedAttr != null ? arrivedAttr : System.nanoTime();
        byte[] raw = body(ctx);
        RankRequest req = RankRequest.parse(Json.parse(raw), config.maxCandidates(), System.currentTimeMillis());
        int budgetMs = req.deadlineMs() == 0 ? config.deadlineMs() : Math.min(req.deadlineMs(), config.deadlineMs());
        long left = TimeUnit.MILLISECONDS.toNanos(budgetMs) - (System.nanoTime() - arrived);
        AdmissionControl.Permit permit;
        try {
            permit = admission.tryEnter(left);
        } catch (AdmissionControl.Refused r) {
            metrics.rejected();
            ctx.header("Retry-After", Integer.toString(config.retryAfterSeconds()));
            throw switch (r.reason()) {
                case QUEUE_FULL -> new ApiException(503, "overloaded", null, "the rank queue is full (" + admission.concurrency()
                        + " computing, " + admission.queue() + " waiting); retry after " + config.retryAfterSeconds() + " s");
                case DEADLINE -> new ApiException(503, "deadline_exceeded", null, "the request could not start within its "
                        + budgetMs + " ms budget (" + admission.concurrency() + " computing, " + admission.waiting()
                        + " waiting); retry after " + config.retryAfterSeconds() + " s");
            };
        }
        ObjectNode answer;
        try (permit) {
            hooks.beforeRank().run();
            answer = service.rank(req);
        } catch (OwnedElsewhere e) {
            forward(ctx, e, raw, budgetMs);
            return;
        }
        json(ctx, 200, answer);
    }

    /** Header marking a forwarded request, so that it is never forwarded again. */
    static final String FORWARDED = "X-Longview-Forwarded";
    private static final java.net.http.HttpClient FORWARDER = java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1).connectTimeout(java.time.Duration.ofSeconds(2)).build();

    /**
     * A rank request for a user another instance serves: sent on to the owner (the caller's {@code Authorization}
     * header with it) and its answer passed back with {@code X-Longview-Served-By}; 503 + {@code Retry-After} naming
     * the owner when there is none, when the request was forwarded already, or when the owner cannot be reached.
     */
    private void forward(Context ctx, OwnedElsewhere e, byte[] raw, int budgetMs) {
        String owner = e.owner();
        if (owner != null && ctx.header(FORWARDED) == null) {
            var b = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://" + owner + "/v1/rank"))
                    .timeout(java.time.Duration.ofMillis(Math.max(1, budgetMs) + 60_000L))
                    .header("Content-Type", JSON).header(FORWARDED, "1")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(raw));
            String auth = ctx.header("Authorization");
            if (auth != null) {
                b.header("Authorization", auth);
            }
            try {
                var r = FORWARDER.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
                ctx.status(r.statusCode()).header("X-Longview-Served-By", owner);
                r.headers().firstValue("Content-Type").ifPresent(ctx::contentType);
                r.headers().firstValue("Retry-After").ifPresent(v -> ctx.header("Retry-After", v));
                ctx.result(r.body());
                return;
            } catch (java.io.IOException | RuntimeException unreachable) {
                LOG.warn("forwarding a rank request to {} failed: {}", owner, unreachable.toString());
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        ctx.header("Retry-After", Integer.toString(config.retryAfterSeconds()));
        throw new ApiException(503, "not_here", null, e.getMessage() + (owner == null ? "" : "; owner " + owner)
                + "; retry after " + config.retryAfterSeconds() + " s");
    }

    private void events(Context ctx) {
        WriteRequests.EventBatch batch = WriteRequests.events(Json.parse(body(ctx)), config.maxEvents());
        json(ctx, 200, service.events(batch));
    }

    private void items(Context ctx) {
        json(ctx, 200, service.items(WriteRequests.items(Json.parse(body(ctx)), config.maxEvents())));
    }

    private static long userId(Context ctx) {
        try {
            return Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw ApiException.invalid("id", "user id '" + ctx.pathParam("id") + "' must be an integer (64-bit)");
        }
    }

    private void sequence(Context ctx) {
        long user = userId(ctx);
        int limit = config.defaultSequenceLimit();
        String l = ctx.queryParam("limit");
        if (l != null) {
            try {
                limit = Integer.parseInt(l.trim());
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 0) {
                throw ApiException.invalid("limit", "limit '" + l + "' must be an integer ≥ 0 (0: every token)");
            }
        }
        json(ctx, 200, service.sequence(user, limit));
    }

    private void reload(Context ctx) {
        byte[] body = body(ctx);
        Path file = null;
        if (body.length > 0 && !new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            JsonNode n = Json.object(Json.parse(body), null);
            Json.onlyFields(n, null, Set.of("checkpoint"));
            JsonNode c = Json.optional(n, "checkpoint");
            if (c != null) {
                String text = Json.text(c, "checkpoint");
                try {
                    file = config.access().resolveReload(config.checkpoint(), Path.of(text));
                } catch (java.nio.file.InvalidPathException e) {
                    throw ApiException.invalid("checkpoint", "checkpoint '" + text + "' is not a path");
                }
            }
        }
        json(ctx, 200, service.reload(file));
    }

    private void ready(Context ctx) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        boolean storeOpen;
        try {
            service.store().contains(Long.MIN_VALUE);
            storeOpen = true;
        } catch (OwnedElsewhere e) {
            storeOpen = true; // a tier instance that does not own the probe user: its store answered, naming the owner
        } catch (RuntimeException e) {
            storeOpen = false;
        }
        LoadedModel m = null;
        try {
            m = service.currentModel();
        } catch (IllegalStateException e) {
            // closed
        }
        boolean warmedUp = warm.getCount() == 0;
        boolean ready = storeOpen && m != null && warmedUp && !draining.get();
        out.put("ready", ready);
        out.put("store_open", storeOpen);
        out.put("model_loaded", m != null);
        out.put("warmed_up", warmedUp);
        out.put("draining", draining.get());
        if (m != null) {
            out.set("model", RankingService.modelJson(m));
        }
        json(ctx, ready ? 200 : 503, out);
    }

    /** The body, at most {@link ServeConfig#maxBodyBytes()} (413 beyond). */
    private byte[] body(Context ctx) {
        long max = config.maxBodyBytes();
        long declared = ctx.req().getContentLengthLong();
        if (declared > max) {
            throw new ApiException(413, "body_too_large", null, "the body has " + declared + " bytes, at most " + max + " are accepted");
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] b = in.readNBytes((int) Math.min(max + 1, Integer.MAX_VALUE - 8));
            if (b.length > max) {
                throw new ApiException(413, "body_too_large", null, "the body has more than " + max + " bytes, at most " + max + " are accepted");
            }
            return b;
        } catch (IOException e) {
            throw new ApiException(400, "unreadable_body", null, "cannot read the body: " + e.getMessage());
        }
    }

    private static void json(Context ctx, int status, JsonNode body) {
        try {
            ctx.status(status).contentType(JSON).result(Json.MAPPER.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void error(Context ctx, ApiException e) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("error", e.error());
        if (e.field() == null) {
            o.putNull("field");
        } else {
            o.put("field", e.field());
        }
        o.put("message", e.getMessage());
        json(ctx, e.status(), o);
    }

    /** The bound port (the actual one when the config asked for 0). */
    public int port() {
        return app.port();
    }

    /** {@code http://host:port}. */
    public String url() {
        String h = config.host();
        if ("0.0.0.0".equals(h) || "::".equals(h)) {
            h = "localhost";
        }
        return "http://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + port();
    }

    public RankingService service() {
        return service;
    }

    public ServeMetrics metrics() {
        return metrics;
    }

    public AdmissionControl admission() {
        return admission;
    }

    /** Requests inside a handler now. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitClosed() throws InterruptedException {
        closed.await();
    }

    /**
     * Drains and stops: new requests get 503, requests in flight finish (up to the drain timeout), then Jetty stops
     * and the model is released. Idempotent; the store stays open (it is the caller's).
     */
    @Override
    public void close() {
        if (!draining.compareAndSet(false, true)) {
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        try {
            long deadline = System.nanoTime() + config.drainTimeout().toNanos();
            synchronized (drainLock) {
                while (inFlight.get() > 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        LOG.warn("drain timeout: {} requests still in flight", inFlight.get());
                        break;
                    }
                    drainLock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                app.stop();
            } finally {
                service.close();
                closed.countDown();
            }
        }
    }
}
