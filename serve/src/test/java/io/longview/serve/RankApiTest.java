package io.longview.serve;

import com.fasterxml.jackson.databind.JsonNode;
import io.longview.core.model.UserSequences;
import io.longview.kernels.engine.EngineOptions;
import io.longview.kernels.engine.RankResult;
import io.longview.kernels.engine.RankingEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The read and write endpoints against a real server on an ephemeral port. */
class RankApiTest {
    @TempDir
    static java.nio.file.Path dir;
    static TestServer t;

    @BeforeAll
    static void start() {
        t = new TestServer(dir);
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    @Test
    void ranksCandidatesByTheBlendedScoreAndMatchesTheEngine() {
        long requestTime = t.now + 60_000;
        float[] inline = TestServer.embeddingOf(3);
        String body = "{\"user_id\":1,\"request_time\":" + requestTime + ",\"candidates\":[1,2,3,4,5,6,7,8,9,10,{\"item_id\":999,\"embedding\":"
                + TestServer.embeddingJson(inline) + "}]}";
        TestServer.Response r = t.post("/v1/rank", body);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        JsonNode j = r.json();
        assertThat(j.get("user_known").asBoolean()).isTrue();
        assertThat(j.get("user_id").asLong()).isEqualTo(1);
        assertThat(j.get("request_time").asLong()).isEqualTo(requestTime);
        JsonNode model = j.get("model");
        assertThat(model.get("code_version").asText()).isEqualTo("test-a");
        assertThat(model.get("data_snapshot").asText()).isEqualTo("random-seed-" + TestServer.SEED);
        assertThat(model.get("training_steps").asLong()).isZero();
        assertThat(model.get("generation").asLong()).isEqualTo(1);
        assertThat(j.get("heads").toString()).isEqualTo("[\"click\",\"save\",\"hide\"]");

        // the reference: the engine on the same checkpoint and the same stored history, called directly
        UserSequences user = t.store.read(1);
        long[] ids = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 999};
        float[] flat = new float[ids.length * TestServer.width()];
        for (int i = 0; i < ids.length; i++) {
            System.arraycopy(TestServer.embeddingOf(ids[i] == 999 ? 3 : ids[i]), 0, flat, i * TestServer.width(), TestServer.width());
        }
        RankResult expected;
        try (RankingEngine engine = RankingEngine.load(t.checkpointA, new EngineOptions(1))) {
            expected = engine.rank(user, requestTime, flat, ids.length, false);
        }

        JsonNode results = j.get("results");
        assertThat(results).hasSize(ids.length);
        double previous = Double.POSITIVE_INFINITY;
        Set<Integer> seen = new HashSet<>();
        for (JsonNode c : results) {
            int i = c.get("index").asInt();
            assertThat(seen.add(i)).isTrue();
            assertThat(c.get("item_id").asLong()).isEqualTo(ids[i]);
            double click = c.get("heads").get("click").asDouble();
            double save = c.get("heads").get("save").asDouble();
            double hide = c.get("heads").get("hide").asDouble();
            assertThat(click).isCloseTo(expected.probability(i, 0), within(1e-6));
            assertThat(save).isCloseTo(expected.probability(i, 1), within(1e-6));
            assertThat(hide).isCloseTo(expected.probability(i, 2), within(1e-6));
            double score = c.get("score").asDouble();
            assertThat(score).isCloseTo(1 * click + 2 * save - 3 * hide, within(1e-6));
            assertThat(score).isLessThanOrEqualTo(previous);
            previous = score;
        }
        // item 999 carries item 3's embedding: the same probabilities
        JsonNode c3 = find(results, 3);
        JsonNode c999 = find(results, 999);
        // equal up to float rounding: the engine's vector kernels round differently before and after the JIT compiles
        // them (a request can straddle that moment), as the 1e-6 comparisons with the engine above allow too
        assertThat(c999.get("heads").size()).isEqualTo(c3.get("heads").size());
        c3.get("heads").properties().forEach(h ->
                assertThat(c999.get("heads").get(h.getKey()).asDouble()).as(h.getKey()).isCloseTo(h.getValue().asDouble(), within(1e-6)));
    }

    @Test
    void headsRestrictTheOutputAndTheBlend() {
        TestServer.Response r = t.post("/v1/rank", "{\"user_id\":2,\"candidates\":[1,2,3],\"heads\":[\"hide\"]}");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        for (JsonNode c : r.json().get("results")) {
            assertThat(c.get("heads").size()).isEqualTo(1);
            assertThat(c.get("score").asDouble()).isCloseTo(-3 * c.get("heads").get("hide").asDouble(), within(1e-6));
        }
        assertThat(r.json().get("head_weights").toString()).isEqualTo("{\"hide\":-3.0}");
    }

    @Test
    void anUnknownUserIsRankedWithAnEmptyHistory() {
        TestServer.Response r = t.post("/v1/rank", "{\"user_id\":424242,\"candidates\":[1,2,3],\"explain\":true}");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.json().get("user_known").asBoolean()).isFalse();
        for (JsonNode c : r.json().get("results")) {
            assertThat(c.get("selected")).isEmpty();
        }
    }

    @Test
    void eventsAreDurableAndTheNextRankSeesThem() {
        long u = 777;
        long t0 = t.now + 3_600_000;
        String events = "{\"events\":["
                + "{\"user_id\":777,\"item_id\":5,\"timestamp_ms\":" + t0 + ",\"action\":\"click\",\"surface\":\"home\"},"
                + "{\"user_id\":777,\"item_id\":7,\"timestamp_ms\":" + (t0 + 1000) + ",\"action\":\"save\",\"surface\":1},"
                + "{\"user_id\":777,\"item_id\":9,\"timestamp_ms\":" + (t0 + 2000) + ",\"action\":\"impression\",\"surface\":\"search\"},"
                + "{\"user_id\":777,\"item_id\":5000,\"timestamp_ms\":" + (t0 + 3000) + ",\"action\":\"click\",\"surface\":\"related\",\"embedding\":"
                + TestServer.embeddingJson(TestServer.embeddingOf(11)) + "}]}";
        TestServer.Response w = t.post("/v1/events", events);
        assertThat(w.status()).as(w.text()).isEqualTo(200);
        assertThat(w.json().get("events").asInt()).isEqualTo(4);
        assertThat(w.json().get("applied").asInt()).isEqualTo(4);
        assertThat(w.json().get("items_upserted").asInt()).isEqualTo(1);
        assertThat(t.store.catalog().contains(5000)).isTrue();

        TestServer.Response s = t.get("/v1/users/777/sequence");
        assertThat(s.status()).as(s.text()).isEqualTo(200);
        assertThat(s.json().get("user_known").asBoolean()).isTrue();
        JsonNode rt = s.json().get("realtime");
        assertThat(rt.get("size").asInt()).isEqualTo(3);
        assertThat(itemIds(rt.get("tokens"))).containsExactly(5000L, 7L, 5L); // newest first
        assertThat(rt.get("tokens").get(1).get("actions").toString()).isEqualTo("[\"save\"]");
        assertThat(rt.get("tokens").get(1).get("surface").asText()).isEqualTo("search");
        assertThat(itemIds(s.json().get("impressions").get("tokens"))).containsExactly(9L);
        assertThat(s.json().get("lifelong").get("size").asInt()).isZero();

        TestServer.Response r = t.post("/v1/rank", "{\"user_id\":" + u + ",\"candidates\":[5,5000,20],\"explain\":true}");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.json().get("user_known").asBoolean()).isTrue();
        for (JsonNode c : r.json().get("results")) {
            JsonNode sel = c.get("selected");
            assertThat(itemIds(sel)).containsExactlyInAnyOrder(5L, 7L, 9L, 5000L);
            for (JsonNode p : sel) {
                assertThat(p.get("part").asText()).isIn("rt", "imp");
                assertThat(p.get("timestamp_ms").asLong()).isBetween(t0, t0 + 3000);
            }
            // chronological: oldest first
            assertThat(sel.get(0).get("item_id").asLong()).isEqualTo(5);
        }
    }

    @Test
    void aBatchWithOneBadEventWritesNothing() {
        String events = "[{\"user_id\":555,\"item_id\":5,\"timestamp_ms\":" + t.now + ",\"action\":\"click\",\"surface\":0},"
                + "{\"user_id\":555,\"item_id\":5001,\"timestamp_ms\":" + t.now + ",\"action\":\"click\",\"surface\":0,\"embedding\":"
                + TestServer.zeros(32) + "},"
                + "{\"user_id\":556,\"item_id\":123456,\"timestamp_ms\":" + t.now + ",\"action\":\"click\",\"surface\":0}]";
        TestServer.Response w = t.post("/v1/events", events);
        assertThat(w.status()).isEqualTo(400);
        assertThat(w.json().get("error").asText()).isEqualTo("unknown_item");
        assertThat(w.json().get("field").asText()).isEqualTo("events[2].item_id");
        assertThat(t.store.contains(555)).isFalse();
        assertThat(t.store.catalog().contains(5001)).isFalse();
        assertThat(t.get("/v1/users/555/sequence").json().get("user_known").asBoolean()).isFalse();
    }

    @Test
    void itemsAreUpsertedAndRankableById() {
        TestServer.Response w = t.send("PUT", "/v1/items", "[{\"item_id\":6000,\"embedding\":" + TestServer.embeddingJson(TestServer.embeddingOf(4)) + "}]");
        assertThat(w.status()).as(w.text()).isEqualTo(200);
        assertThat(w.json().get("items").asInt()).isEqualTo(1);
        assertThat(t.store.catalog().get(6000)).containsExactly(TestServer.embeddingOf(4));
        TestServer.Response r = t.post("/v1/rank", TestServer.rankBody(1, 6000, 4));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(find(r.json().get("results"), 6000).get("heads")).isEqualTo(find(r.json().get("results"), 4).get("heads"));

        TestServer.Response bad = t.send("PUT", "/v1/items", "{\"items\":[{\"item_id\":6001,\"embedding\":" + TestServer.zeros(32)
                + "},{\"item_id\":6002,\"embedding\":" + TestServer.zeros(31) + "}]}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("field").asText()).isEqualTo("items[1].embedding");
        assertThat(t.store.catalog().contains(6001)).isFalse();
    }

    @Test
    void sequenceLimitAndProbes() {
        TestServer.Response s = t.get("/v1/users/1/sequence?limit=2");
        assertThat(s.status()).isEqualTo(200);
        assertThat(s.json().get("lifelong").get("tokens").size()).isLessThanOrEqualTo(2);
        assertThat(s.json().get("impressions").get("tokens").size()).isEqualTo(Math.min(2, s.json().get("impressions").get("size").asInt()));
        assertThat(t.get("/v1/users/1/sequence?limit=0").json().get("impressions").get("tokens").size())
                .isEqualTo(s.json().get("impressions").get("size").asInt());

        assertThat(t.get("/healthz").status()).isEqualTo(200);
        TestServer.Response ready = t.get("/readyz");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("ready").asBoolean()).isTrue();
        assertThat(ready.json().get("model").get("code_version").asText()).isEqualTo("test-a");
        TestServer.Response api = t.get("/openapi.yaml");
        assertThat(api.status()).isEqualTo(200);
        assertThat(api.text()).startsWith("openapi: 3").contains("/v1/rank", "/v1/events", "/admin/reload");
    }

    @Test
    void metricsCountRequestsCandidatesAndTheTimeSplit() {
        t.post("/v1/rank", TestServer.rankBody(1, 1, 2, 3));
        t.post("/v1/rank", "{\"user_id\":1}");
        TestServer.Response m = t.get("/metrics");
        assertThat(m.status()).isEqualTo(200);
        assertThat(m.header("Content-Type")).startsWith("text/plain");
        assertThat(m.text()).contains(
                "longview_http_requests_total{endpoint=\"/v1/rank\",method=\"POST\",status=\"200\"}",
                "longview_http_requests_total{endpoint=\"/v1/rank\",method=\"POST\",status=\"400\"}",
                "longview_http_request_duration_seconds_bucket{endpoint=\"/v1/rank\",method=\"POST\",status=\"200\",le=\"0.005\"}",
                "longview_rank_candidates_bucket{le=\"10.0\"}",
                "longview_rank_selection_seconds_count",
                "longview_rank_forward_seconds_sum",
                "longview_rank_store_read_seconds_count",
                "longview_rank_rejected_total 0",
                "longview_model_info{code_version=\"test-a\"");
    }

    private static JsonNode find(JsonNode results, long item) {
        for (JsonNode c : results) {
            if (c.get("item_id").asLong() == item) {
                return c;
            }
        }
        throw new AssertionError("no result for item " + item + " in " + results);
    }

    private static List<Long> itemIds(JsonNode tokens) {
        List<Long> out = new ArrayList<>();
        tokens.forEach(n -> out.add(n.get("item_id").asLong()));
        return out;
    }
}
