package io.longview.serve;

import com.fasterxml.jackson.databind.JsonNode;
import io.longview.core.model.Actions;
import io.longview.core.model.Event;
import io.longview.core.model.Token;
import io.longview.store.RocksSequenceStore;
import io.longview.store.SequenceStore;
import io.longview.store.StoreOptions;
import io.longview.synth.RandomWorld;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * A real server on an ephemeral port over a temporary store: items 1..{@link #ITEMS} with seeded random embeddings,
 * users 1..{@link #USERS} with {@link #EVENTS_PER_USER} events each, and two random checkpoints (A serving, B for
 * reloads). Calls go over HTTP with {@link HttpClient}.
 */
final class TestServer implements AutoCloseable {
    static final int ITEMS = 60;
    static final int USERS = 4;
    static final int EVENTS_PER_USER = 40;
    static final long SEED = 20261125L;

    final Path dir;
    final SequenceStore store;
    final Path checkpointA;
    final Path checkpointB;
    final LongviewServer server;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final long now;

    TestServer(Path dir, UnaryOperator<ServeConfig> tweak, LongviewServer.Hooks hooks) {
        this.dir = dir;
        this.store = RocksSequenceStore.open(dir.resolve("store"), StoreOptions.defaults().withSync(false));
        this.now = RandomWorld.generate(USERS, ITEMS, EVENTS_PER_USER, SEED, store.catalog()::putAll, store::append);
        this.checkpointA = RandomWorld.writeRandomCheckpoint(dir.resolve("a.lvck"), SEED, "test-a");
        this.checkpointB = RandomWorld.writeRandomCheckpoint(dir.resolve("b.lvck"), SEED + 1, "test-b");
        ServeConfig config = tweak.apply(ServeConfig.defaults(checkpointA).withPort(0).withEngineThreads(1)
                .withDrainTimeout(Duration.ofSeconds(20)).withWarmup(Duration.ZERO));
        LongviewServer s;
        try {
            s = LongviewServer.start(config, store, hooks);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        this.server = s;
    }

    TestServer(Path dir) {
        this(dir, c -> c, LongviewServer.Hooks.NONE);
    }

    /** The embedding of item {@code id} as {@link RandomWorld#generate} made it (replays its generator). */
    static float[] embeddingOf(long id) {
        SplittableRandom rnd = new SplittableRandom(SEED);
        float[] e = null;
        for (long i = RandomWorld.FIRST_ID; i <= id; i++) {
            e = RandomWorld.randomEmbedding(rnd);
        }
        return e;
    }

    record Response(int status, JsonNode json, String text, HttpResponse<String> raw) {
        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    Response send(String method, String path, String body) {
        return send(method, path, body, new String[0]);
    }

    /** A request with extra headers, given as name, value, name, value … */
    Response send(String method, String path, String body, String... headers) {
        return send(method, path, body, false, headers);
    }

    /**
     * A POST with {@code Expect: 100-continue}, as clients send large bodies: the server may refuse it before the body
     * is sent (a refused body that is still being written can otherwise meet a closed connection).
     */
    Response postExpectingContinue(String path, String body) {
        return send("POST", path, body, true);
    }

    private Response send(String method, String path, String body, boolean expectContinue, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(60))
                .expectContinue(expectContinue);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        HttpRequest.BodyPublisher pub = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8);
        b.method(method, pub);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            String ct = r.headers().firstValue("Content-Type").orElse("");
            if (ct.startsWith("application/json")) {
                json = Json.MAPPER.readTree(r.body());
            }
            return new Response(r.statusCode(), json, r.body(), r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Response post(String path, String body) {
        return send("POST", path, body);
    }

    Response get(String path) {
        return send("GET", path, null);
    }

    static String rankBody(long user, long... items) {
        StringBuilder sb = new StringBuilder("{\"user_id\":" + user + ",\"candidates\":[");
        for (int i = 0; i < items.length; i++) {
            sb.append(i == 0 ? "" : ",").append(items[i]);
        }
        return sb.append("]}").toString();
    }

    static String embeddingJson(float[] e) {
        StringBuilder sb = new StringBuilder("[");
        for (int d = 0; d < e.length; d++) {
            sb.append(d == 0 ? "" : ",").append(e[d]);
        }
        return sb.append(']').toString();
    }

    static String zeros(int n) {
        List<String> z = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            z.add("0.1");
        }
        return "[" + String.join(",", z) + "]";
    }

    static int width() {
        return Token.EMBEDDING_DIM;
    }

    static Event click(long user, long item, long t) {
        return Event.of(user, item, t, Actions.CLICK, 0);
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            store.close();
        }
    }
}
