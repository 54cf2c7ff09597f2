package io.longview.serve;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /admin/reload}: atomic swaps, no failed request, a bad checkpoint leaves the old model serving. */
class ReloadTest {
    @TempDir
    Path dir;
    TestServer t;

    @BeforeEach
    void start() {
        t = new TestServer(dir, c -> c.withRankConcurrency(4).withRankQueue(16), LongviewServer.Hooks.NONE);
    }

    @AfterEach
    void stop() {
        t.close();
    }

    private String model(TestServer.Response r) {
        return r.json().get("model").get("code_version").asText();
    }

    @Test
    void reloadSwapsTheModelAndDefaultsToTheConfiguredFile() {
        TestServer.Response r = t.post("/admin/reload", "{\"checkpoint\":\"" + t.checkpointB + "\"}");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(model(r)).isEqualTo("test-b");
        assertThat(r.json().get("model").get("generation").asLong()).isEqualTo(2);
        assertThat(r.json().get("previous").get("code_version").asText()).isEqualTo("test-a");
        assertThat(model(t.post("/v1/rank", TestServer.rankBody(1, 1, 2)))).isEqualTo("test-b");

        TestServer.Response again = t.post("/admin/reload", null);
        assertThat(again.status()).as(again.text()).isEqualTo(200);
        assertThat(model(again)).isEqualTo("test-a");
        assertThat(again.json().get("model").get("generation").asLong()).isEqualTo(3);
        assertThat(t.get("/metrics").text()).contains("longview_model_reloads_total{result=\"ok\"} 2.0");
    }

    @Test
    void aBadCheckpointLeavesTheOldModelServing() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.lvck"), "not a checkpoint at all");
        Path truncated = dir.resolve("truncated.lvck");
        byte[] b = Files.readAllBytes(t.checkpointB);
        Files.write(truncated, java.util.Arrays.copyOf(b, b.length / 2));
        for (Path p : new Path[]{garbage, truncated, dir.resolve("missing.lvck")}) {
            TestServer.Response r = t.post("/admin/reload", "{\"checkpoint\":\"" + p + "\"}");
            assertThat(r.status()).as(r.text()).isEqualTo(422);
            assertThat(r.json().get("error").asText()).isEqualTo("bad_checkpoint");
            assertThat(r.json().get("field").asText()).isEqualTo("checkpoint");
            assertThat(r.json().get("message").asText()).contains(p.getFileName().toString()).contains("still serving");
        }
        TestServer.Response rank = t.post("/v1/rank", TestServer.rankBody(1, 1, 2));
        assertThat(rank.status()).isEqualTo(200);
        assertThat(model(rank)).isEqualTo("test-a");
        assertThat(rank.json().get("model").get("generation").asLong()).isEqualTo(1);
        assertThat(t.get("/metrics").text()).contains("longview_model_reloads_total{result=\"error\"} 3.0");
    }

    @Test
    void reloadsDuringTrafficFailNoRequest() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger ok = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        Set<String> seen = ConcurrentHashMap.newKeySet();
        Thread[] hammers = new Thread[3];
        for (int h = 0; h < hammers.length; h++) {
            int user = 1 + h;
            hammers[h] = Thread.ofPlatform().start(() -> {
                while (!stop.get()) {
                    try {
                        TestServer.Response r = t.post("/v1/rank", TestServer.rankBody(user, 1, 2, 3, 4, 5, 6, 7, 8));
                        if (r.status() != 200) {
                            failures.add(r.status() + " " + r.text());
                        } else {
                            ok.incrementAndGet();
                            seen.add(r.json().get("model").get("generation").asText() + "/" + model(r));
                        }
                    } catch (RuntimeException e) {
                        failures.add(e.toString());
                    }
                }
            });
        }
        Path garbage = Files.writeString(dir.resolve("garbage.lvck"), "LVCK but not really");
        for (int i = 0; i < 12; i++) {
            Path next = i % 2 == 0 ? t.checkpointB : t.checkpointA;
            TestServer.Response r = t.post("/admin/reload", "{\"checkpoint\":\"" + next + "\"}");
            assertThat(r.status()).as(r.text()).isEqualTo(200);
            if (i % 4 == 1) {
                assertThat(t.post("/admin/reload", "{\"checkpoint\":\"" + garbage + "\"}").status()).isEqualTo(422);
            }
            Thread.sleep(60);
        }
        stop.set(true);
        for (Thread h : hammers) {
            h.join();
        }
        assertThat(failures).isEmpty();
        assertThat(ok.get()).isGreaterThan(10);
        assertThat(seen.size()).as("models seen: %s", seen).isGreaterThan(1);
        assertThat(seen).allSatisfy(s -> assertThat(s).matches("\\d+/test-[ab]"));
        TestServer.Response last = t.post("/v1/rank", TestServer.rankBody(1, 1));
        assertThat(last.json().get("model").get("generation").asLong()).isEqualTo(13);
        assertThat(model(last)).isEqualTo("test-a");
    }
}
