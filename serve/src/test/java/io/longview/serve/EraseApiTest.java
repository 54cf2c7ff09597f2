package io.longview.serve;

import com.fasterxml.jackson.databind.JsonNode;
import io.longview.core.model.UserSequences;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code DELETE /v1/users/{id}}: the user is forgotten durably and then ranks like a user never seen. */
class EraseApiTest {
    @TempDir
    Path dir;
    TestServer t;

    @BeforeEach
    void start() {
        t = new TestServer(dir);
    }

    @AfterEach
    void stop() {
        t.close();
    }

    @Test
    void anErasedUserRanksLikeANewUser() {
        UserSequences before = t.store.read(1);
        assertThat(before.totalTokens()).isPositive();
        String body = "{\"user_id\":1,\"request_time\":" + t.now + ",\"candidates\":[3,4,5]}";
        TestServer.Response unknown = t.post("/v1/rank", body.replace("\"user_id\":1", "\"user_id\":424242"));
        assertThat(t.post("/v1/rank", body).json().get("user_known").asBoolean()).isTrue();

        TestServer.Response r = t.send("DELETE", "/v1/users/1", null);

        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.json().get("erased").asBoolean()).isTrue();
        JsonNode removed = r.json().get("removed_tokens");
        assertThat(removed.get("realtime").asInt()).isEqualTo(before.realtime().size());
        assertThat(removed.get("lifelong").asInt()).isEqualTo(before.lifelong().size());
        assertThat(removed.get("impressions").asInt()).isEqualTo(before.impressions().size());
        assertThat(t.store.read(1)).isEqualTo(UserSequences.empty(1));
        TestServer.Response after = t.post("/v1/rank", body);
        assertThat(after.json().get("user_known").asBoolean()).isFalse();
        // the same scores as a user the store never saw (scores depend only on the history and the candidates)
        assertThat(after.json().get("results")).isEqualTo(unknown.json().get("results"));
        TestServer.Response seq = t.get("/v1/users/1/sequence");
        assertThat(seq.json().get("user_known").asBoolean()).isFalse();
        assertThat(t.get("/metrics").text()).contains("longview_user_erasures_total{result=\"erased\"} 1.0");
    }

    @Test
    void erasingAnUnknownUserIsNotAnError() {
        TestServer.Response r = t.send("DELETE", "/v1/users/987654", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("erased").asBoolean()).isFalse();
        assertThat(r.json().get("message").asText()).contains("nothing to erase");
    }

    @Test
    void aMalformedIdIsRefusedAndChangesNothing() {
        long before = t.store.stats().users();
        TestServer.Response r = t.send("DELETE", "/v1/users/abc", null);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("field").asText()).isEqualTo("id");
        assertThat(t.store.stats().users()).isEqualTo(before);
    }
}
