package io.longview.serve;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Every kind of bad input gets a 4xx JSON error naming the field, and changes nothing. */
class BadInputTest {
    @TempDir
    static java.nio.file.Path dir;
    static TestServer t;

    @BeforeAll
    static void start() {
        t = new TestServer(dir, c -> c.withMaxCandidates(50).withMaxBodyBytes(64 << 10), LongviewServer.Hooks.NONE);
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    static String emb(String third) {
        StringBuilder sb = new StringBuilder("[");
        for (int d = 0; d < 32; d++) {
            sb.append(d == 0 ? "" : ",").append(d == 3 ? third : "0.1");
        }
        return sb.append(']').toString();
    }

    static Stream<Arguments> cases() {
        String ev = "\"user_id\":1,\"item_id\":1,\"timestamp_ms\":1767225600000,\"action\":\"click\",\"surface\":\"home\"";
        StringBuilder many = new StringBuilder("{\"user_id\":1,\"candidates\":[");
        for (int i = 0; i < 51; i++) {
            many.append(i == 0 ? "" : ",").append(1 + i % 50);
        }
        many.append("]}");
        return Stream.of(
                // method, path, body, status, error, field
                arguments("POST", "/v1/rank", "{\"user_id\":1,\"candidates\":[1,", 400, "malformed_json", null),
                arguments("POST", "/v1/rank", "", 400, "malformed_json", null),
                arguments("POST", "/v1/rank", "{\"user_id\":1,\"user_id\":2,\"candidates\":[1]}", 400, "malformed_json", null),
                arguments("POST", "/v1/rank", "[1,2]", 400, "invalid_field", null),
                arguments("POST", "/v1/rank", "{\"candidates\":[1]}", 400, "missing_field", "user_id"),
                arguments("POST", "/v1/rank", "{\"user_id\":\"7\",\"candidates\":[1]}", 400, "invalid_field", "user_id"),
                arguments("POST", "/v1/rank", "{\"user_id\":1.5,\"candidates\":[1]}", 400, "invalid_field", "user_id"),
                arguments("POST", "/v1/rank", "{\"user_id\":1,\"candidates\":[]}", 400, "invalid_field", "candidates"),
                arguments("POST", "/v1/rank", "{\"user_id\":1,\"candidates\":\"1,2\"}", 400, "invalid_field", "candidates"),
                arguments("POST", "/v1/rank", many.toString(), 400, "invalid_field", "candidates"),
                arguments("POST", "/v1/rank", "{\"user_id\":1,\"candidates\":[1,99999]}", 400, "unknown_item", "candidates[1]"),
                arguments("POST", "/v1/rank", "{\"user_id\":1,\"candidates\":[1,true]}", 400, "invalid_field", "candidates[1]"),
                arguments("POST", "/v1/rank", "{\"user_id\":1,\"candidates\":[{\"embedding\":" + emb("0.1") + "}]}", 400, "missing_field", "candidates[0].item_id"),
                arguments("POST", "/v1/rank", "{\"user_id\":1,\"candidates\":[{\"item_id\":9,\"embedding\":[0.1,0.2]}]}", 400, "invalid_field", "candidates[0].embedding"),
                arguments("POST", "/v1/rank", "{\"user_id\":1,\"candidates\":[{\"item_id\":9,\"embedding\":" + emb("NaN") + "}]}", 400, "invalid_field", "candidates[0].embedding[3]"),
                arguments("POST", "/v1/rank", "{\"user_id\":1,\"candidates\":[{\"item_id\":9,\"embedding\":" + emb("Infinity") + "}]}", 400, "invalid_field", "candidates[0].embedding[3]"),
                arguments("POST", "/v1/rank", "{\"user_id\":1,\"candidates\":[{\"item_id\":9,\"embedding\":" + emb("1e39") + "}]}", 400, "invalid_field", "candidates[0].embedding[3]"),
                arguments("POST", "/v1/rank", "{\"user_id\":1,\"candidates\":[{\"item_id\":9,\"embedding\":" + emb("\"0.1\"") + "}]}", 400, "invalid_field", "candidates[0].embedding[3]"),
                arguments("POST", "/v1/rank", "{\"user_id\":1,\"candidates\":[1],\"heads\":[\"click\",\"repin\"]}", 400, "unknown_head", "heads[1]"),
                arguments("POST", "/v1/rank", "{\"user_id\":1,\"candidates\":[1],\"heads\":\"click\"}", 400, "invalid_field", "heads"),
                arguments("POST", "/v1/rank", "{\"user_id\":1,\"candidates\":[1],\"explain\":\"yes\"}", 400, "invalid_field", "explain"),
                arguments("POST", "/v1/rank", "{\"user_id\":1,\"candidates\":[1],\"request_time\":1732550000}", 400, "invalid_field", "request_time"),
                arguments("POST", "/v1/rank", "{\"user_id\":1,\"candidate\":[1]}", 400, "invalid_field", "candidate"),
                arguments("POST", "/v1/events", "{\"events\":[{" + ev + "},{" + ev.replace("\"item_id\":1,", "\"item_id\":424242,") + "}]}", 400, "unknown_item", "events[1].item_id"),
                arguments("POST", "/v1/events", "[{" + ev.replace("click", "like") + "}]", 400, "invalid_field", "events[0].action"),
                arguments("POST", "/v1/events", "[{" + ev.replace("\"home\"", "99") + "}]", 400, "invalid_field", "events[0].surface"),
                arguments("POST", "/v1/events", "[{" + ev.replace("\"home\"", "\"homepage\"") + "}]", 400, "invalid_field", "events[0].surface"),
                arguments("POST", "/v1/events", "[{" + ev.replace("1767225600000", "1767225600") + "}]", 400, "invalid_field", "events[0].timestamp_ms"),
                arguments("POST", "/v1/events", "[{" + ev.replace("\"user_id\":1,", "") + "}]", 400, "missing_field", "events[0].user_id"),
                arguments("POST", "/v1/events", "[{" + ev + ",\"embedding\":[1,2,3]}]", 400, "invalid_field", "events[0].embedding"),
                arguments("POST", "/v1/events", "[]", 400, "invalid_field", "events"),
                arguments("POST", "/v1/events", "{\"evnts\":[]}", 400, "invalid_field", "evnts"),
                arguments("PUT", "/v1/items", "[{\"item_id\":7000,\"embedding\":" + emb("NaN") + "}]", 400, "invalid_field", "items[0].embedding[3]"),
                arguments("PUT", "/v1/items", "[{\"item_id\":7000,\"embedding\":" + emb("1") + "},{\"item_id\":7000,\"embedding\":" + emb("2") + "}]", 400, "invalid_field", "items[1].item_id"),
                arguments("PUT", "/v1/items", "[{\"item_id\":7000}]", 400, "missing_field", "items[0].embedding"),
                arguments("GET", "/v1/users/abc/sequence", null, 400, "invalid_field", "id"),
                arguments("GET", "/v1/users/1/sequence?limit=-1", null, 400, "invalid_field", "limit"),
                arguments("POST", "/admin/reload", "{\"checkpoint\":17}", 400, "invalid_field", "checkpoint"),
                arguments("POST", "/v1/nothing", "{}", 404, "not_found", null));
    }

    @ParameterizedTest(name = "{0} {1} → {3} {4} {5}")
    @MethodSource("cases")
    void isRefusedNamingTheField(String method, String path, String body, int status, String error, String field) {
        long items = t.store.catalog().size();
        TestServer.Response r = t.send(method, path, body);
        assertThat(r.status()).as(r.text()).isEqualTo(status);
        assertThat(r.json()).as(r.text()).isNotNull();
        assertThat(r.json().get("error").asText()).as(r.text()).isEqualTo(error);
        if (field == null) {
            assertThat(r.json().get("field").isNull()).as(r.text()).isTrue();
        } else {
            assertThat(r.json().get("field").asText()).as(r.text()).isEqualTo(field);
        }
        assertThat(r.json().get("message").asText()).isNotBlank();
        assertThat(t.store.catalog().size()).isEqualTo(items);
        assertThat(t.store.contains(424242)).isFalse();
    }

    @Test
    void anOversizedBodyIs413() {
        StringBuilder sb = new StringBuilder("{\"user_id\":1,\"candidates\":[1");
        while (sb.length() < (70 << 10)) {
            sb.append(",1");
        }
        sb.append("]}");
        TestServer.Response r = t.postExpectingContinue("/v1/rank", sb.toString());
        assertThat(r.status()).as(r.text()).isEqualTo(413);
        assertThat(r.json().get("error").asText()).isEqualTo("body_too_large");
        // the server is still fine afterwards
        assertThat(t.post("/v1/rank", TestServer.rankBody(1, 1, 2)).status()).isEqualTo(200);
    }

    @Test
    void eventsNotHalfApplied() {
        long before = t.store.stats().toString().hashCode();
        TestServer.Response r = t.post("/v1/events", "[{\"user_id\":31337,\"item_id\":1,\"timestamp_ms\":1767225600000,\"action\":\"click\",\"surface\":0},"
                + "{\"user_id\":31337,\"item_id\":2,\"timestamp_ms\":1767225600000,\"action\":\"clack\",\"surface\":0}]");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("field").asText()).isEqualTo("events[1].action");
        assertThat(t.store.contains(31337)).isFalse();
        assertThat((long) t.store.stats().toString().hashCode()).isEqualTo(before);
    }
}
