package io.longview.serve;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Access control: every endpoint × {no token, wrong token, right token}, public reads, the refusal to bind a public
 * address without a token, and reloads confined to the model directory without leaking a file's contents.
 */
class AccessTest {
    static final String TOKEN = "0123456789abcdef-longview-test-token";

    @TempDir
    Path dir;
    TestServer t;

    @AfterEach
    void stop() {
        if (t != null) {
            t.close();
        }
    }

    /** An endpoint, a body that it accepts, and what it does. */
    record Endpoint(String method, String path, String body, AccessPolicy.Access access) {
    }

    List<Endpoint> endpoints() {
        String event = "[{\"user_id\":9,\"item_id\":1,\"timestamp_ms\":" + t.now + ",\"action\":\"click\",\"surface\":0}]";
        String item = "[{\"item_id\":1,\"embedding\":" + TestServer.embeddingJson(TestServer.embeddingOf(1)) + "}]";
        return List.of(
                new Endpoint("POST", "/v1/rank", TestServer.rankBody(1, 1, 2), AccessPolicy.Access.READ),
                new Endpoint("GET", "/v1/users/1/sequence", null, AccessPolicy.Access.READ),
                new Endpoint("GET", "/metrics", null, AccessPolicy.Access.READ),
                new Endpoint("GET", "/openapi.yaml", null, AccessPolicy.Access.READ),
                new Endpoint("POST", "/v1/events", event, AccessPolicy.Access.WRITE),
                new Endpoint("PUT", "/v1/items", item, AccessPolicy.Access.WRITE),
                new Endpoint("POST", "/admin/reload", null, AccessPolicy.Access.WRITE),
                new Endpoint("DELETE", "/v1/users/3", null, AccessPolicy.Access.WRITE),
                new Endpoint("GET", "/healthz", null, AccessPolicy.Access.PROBE),
                new Endpoint("GET", "/readyz", null, AccessPolicy.Access.PROBE));
    }

    TestServer serverWithToken(boolean publicReads) throws IOException {
        Path tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");
        AccessPolicy access = new AccessPolicy(AccessPolicy.digestOfTokenFile(tokenFile), publicReads, null);
        return new TestServer(dir, c -> c.withAccess(access), LongviewServer.Hooks.NONE);
    }

    @Test
    void everyEndpointWithoutWrongAndRightToken() throws IOException {
        t = serverWithToken(false);
        for (Endpoint e : endpoints()) {
            TestServer.Response none = t.send(e.method(), e.path(), e.body());
            TestServer.Response wrong = t.send(e.method(), e.path(), e.body(), "Authorization", "Bearer " + TOKEN + "x");
            TestServer.Response right = t.send(e.method(), e.path(), e.body(), "Authorization", "Bearer " + TOKEN);
            String what = e.method() + " " + e.path();
            if (e.access() == AccessPolicy.Access.PROBE) {
                assertThat(none.status()).as(what).isEqualTo(200);
                assertThat(wrong.status()).as(what).isEqualTo(200);
            } else {
                assertThat(none.status()).as(what + ": " + none.text()).isEqualTo(401);
                assertThat(none.header("WWW-Authenticate")).as(what).startsWith("Bearer");
                assertThat(none.json().get("error").asText()).isEqualTo("unauthorized");
                assertThat(wrong.status()).as(what + ": " + wrong.text()).isEqualTo(403);
                assertThat(wrong.text()).doesNotContain(TOKEN);
            }
            assertThat(right.status()).as(what + ": " + right.text()).isEqualTo(200);
        }
        // a malformed header is no token at all
        assertThat(t.send("POST", "/v1/rank", TestServer.rankBody(1, 1), "Authorization", "Basic " + TOKEN).status()).isEqualTo(401);
    }

    @Test
    void publicReadsOpenReadsOnly() throws IOException {
        t = serverWithToken(true);
        for (Endpoint e : endpoints()) {
            TestServer.Response none = t.send(e.method(), e.path(), e.body());
            assertThat(none.status()).as(e.method() + " " + e.path() + ": " + none.text())
                    .isEqualTo(e.access() == AccessPolicy.Access.WRITE ? 401 : 200);
        }
    }

    @Test
    void aPublicAddressNeedsAToken() throws IOException {
        ServeConfig base = ServeConfig.defaults(dir.resolve("m.lvck"));
        assertThatThrownBy(() -> base.withHost("0.0.0.0")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("refusing to bind 0.0.0.0 without a token", "--token-file");
        Path tokenFile = Files.writeString(dir.resolve("token"), TOKEN);
        assertThat(base.withAccess(new AccessPolicy(AccessPolicy.digestOfTokenFile(tokenFile), false, null)).withHost("0.0.0.0").host())
                .isEqualTo("0.0.0.0");
        assertThat(base.withHost("127.0.0.1").host()).isEqualTo("127.0.0.1");

        Path shortToken = Files.writeString(dir.resolve("short"), "abc");
        assertThatThrownBy(() -> AccessPolicy.digestOfTokenFile(shortToken)).hasMessageContaining("at least 16 characters")
                .hasMessageNotContaining("abc\"");
        assertThatThrownBy(() -> AccessPolicy.digestOfTokenFile(dir.resolve("missing"))).hasMessageContaining("cannot read the token file");
    }

    @Test
    void reloadsReadOnlyFromTheModelDirectory() throws IOException {
        Path models = Files.createDirectories(dir.resolve("models"));
        Path outside = Files.createDirectories(dir.resolve("elsewhere"));
        t = new TestServer(dir, c -> c.withAccess(new AccessPolicy(null, true, models)), LongviewServer.Hooks.NONE);
        Files.copy(t.checkpointB, models.resolve("b.lvck"));
        Path secret = Files.writeString(outside.resolve("secret.txt"), "password=hunter2\n");
        Files.createSymbolicLink(models.resolve("escape.lvck"), secret);
        Path notCheckpoint = Files.writeString(models.resolve("notes.lvck"), "SECRET-CONTENT that is no checkpoint\n");

        assertThat(t.post("/admin/reload", "{\"checkpoint\":\"b.lvck\"}").status()).isEqualTo(200);
        assertThat(t.post("/admin/reload", "{\"checkpoint\":\"" + models.resolve("b.lvck") + "\"}").status()).isEqualTo(200);
        for (String p : List.of(secret.toString(), "../elsewhere/secret.txt", "escape.lvck", t.checkpointA.toString())) {
            TestServer.Response r = t.post("/admin/reload", "{\"checkpoint\":\"" + p + "\"}");
            assertThat(r.status()).as(p + ": " + r.text()).isEqualTo(403);
            assertThat(r.json().get("error").asText()).isEqualTo("forbidden");
            assertThat(r.text()).doesNotContain("hunter2");
        }
        TestServer.Response bad = t.post("/admin/reload", "{\"checkpoint\":\"" + notCheckpoint.getFileName() + "\"}");
        assertThat(bad.status()).as(bad.text()).isEqualTo(422);
        assertThat(bad.text()).contains("notes.lvck", "not a Longview checkpoint").doesNotContain("SECRET", "53 45 43");
        TestServer.Response missing = t.post("/admin/reload", "{\"checkpoint\":\"nope.lvck\"}");
        assertThat(missing.status()).isEqualTo(422);
    }
}
