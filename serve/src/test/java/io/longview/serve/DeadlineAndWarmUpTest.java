package io.longview.serve;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Rank deadlines (shed with 503 + Retry-After), warm-up before ready, and which failures are 503 and which 500. */
class DeadlineAndWarmUpTest {
    @TempDir
    Path dir;

    @Test
    void aRequestThatCannotStartWithinItsBudgetIsShed() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        LongviewServer.Hooks hooks = new LongviewServer.Hooks(() -> {
            entered.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (TestServer t = new TestServer(dir, c -> c.withRankConcurrency(1).withRankQueue(8).withDeadlineMs(300), hooks)) {
            CompletableFuture<TestServer.Response> first = CompletableFuture.supplyAsync(() -> t.post("/v1/rank", TestServer.rankBody(1, 1, 2)));
            assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();

            long t0 = System.nanoTime();
            TestServer.Response shed = t.post("/v1/rank", TestServer.rankBody(1, 1, 2));
            double ms = (System.nanoTime() - t0) / 1e6;
            assertThat(shed.status()).as(shed.text()).isEqualTo(503);
            assertThat(shed.json().get("error").asText()).isEqualTo("deadline_exceeded");
            assertThat(shed.header("Retry-After")).isEqualTo("1");
            assertThat(ms).as("waited about the server's 300 ms budget").isGreaterThanOrEqualTo(250);

            // a request's own deadline_ms lowers the budget (and cannot raise it above the server's)
            long t1 = System.nanoTime();
            TestServer.Response quick = t.post("/v1/rank", "{\"user_id\":1,\"candidates\":[1],\"deadline_ms\":20}");
            double quickMs = (System.nanoTime() - t1) / 1e6;
            assertThat(quick.status()).isEqualTo(503);
            assertThat(quick.json().get("message").asText()).contains("20 ms budget");
            assertThat(quickMs).isLessThan(ms);
            TestServer.Response capped = t.post("/v1/rank", "{\"user_id\":1,\"candidates\":[1],\"deadline_ms\":60000}");
            assertThat(capped.json().get("message").asText()).contains("300 ms budget");
            assertThat(t.post("/v1/rank", "{\"user_id\":1,\"candidates\":[1],\"deadline_ms\":0}").status()).isEqualTo(400);

            release.countDown();
            assertThat(first.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
            assertThat(t.post("/v1/rank", TestServer.rankBody(1, 1, 2)).status()).isEqualTo(200);
            assertThat(t.server.admission().waiting()).isZero();
        }
    }

    @Test
    void readyOnlyAfterTheWarmUpAndReloadsWarmUpBeforeTheSwap() throws Exception {
        try (TestServer t = new TestServer(dir, c -> c.withWarmup(Duration.ofSeconds(2)), LongviewServer.Hooks.NONE)) {
            TestServer.Response early = t.get("/readyz");
            if (t.server.warmUp() == null) {
                // still warming (the usual case): not ready yet, but alive
                assertThat(t.get("/healthz").status()).isEqualTo(200);
            }
            assertThat(t.server.awaitWarm(Duration.ofSeconds(30))).isTrue();
            RankingService.WarmUp w = t.server.warmUp();
            assertThat(w.rounds()).isGreaterThanOrEqualTo(1);
            TestServer.Response ready = t.get("/readyz");
            assertThat(ready.status()).isEqualTo(200);
            assertThat(ready.json().get("warmed_up").asBoolean()).isTrue();
            if (early.status() == 503) {
                assertThat(early.json().get("warmed_up").asBoolean()).isFalse();
            }
            // the warm-up wrote nothing and counted no rank
            assertThat(t.get("/metrics").text()).containsPattern("(?m)^longview_rank_candidates_count 0(\\.0)?$");

            TestServer.Response r = t.post("/admin/reload", "{\"checkpoint\":\"" + t.checkpointB + "\"}");
            assertThat(r.status()).as(r.text()).isEqualTo(200);
            assertThat(r.json().get("warmup").get("rounds").asInt()).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void aBugIsA500AndOnlyShutdownIsA503() throws Exception {
        LongviewServer.Hooks bug = new LongviewServer.Hooks(() -> {
            throw new IllegalStateException("a bug in the handler");
        });
        try (TestServer t = new TestServer(dir, c -> c, bug)) {
            TestServer.Response r = t.post("/v1/rank", TestServer.rankBody(1, 1, 2));
            assertThat(r.status()).as(r.text()).isEqualTo(500);
            assertThat(r.json().get("error").asText()).isEqualTo("internal_error");
        }
    }
}
