package io.longview.serve;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bounded rank queue and graceful shutdown, made deterministic by a hook that blocks inside the rank handler
 * (after admission) until the test releases it.
 */
class OverloadAndShutdownTest {
    @TempDir
    Path dir;

    /** Blocks every rank request that passes admission while {@link #armed}. */
    static final class Gate {
        final AtomicBoolean armed = new AtomicBoolean(true);
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        LongviewServer.Hooks hooks() {
            return new LongviewServer.Hooks(() -> {
                if (armed.get()) {
                    entered.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
        }
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void beyondTheQueueRankRequestsGetA503AtOnce() throws Exception {
        Gate gate = new Gate();
        try (TestServer t = new TestServer(dir, c -> c.withRankConcurrency(1).withRankQueue(1).withRetryAfterSeconds(2), gate.hooks())) {
            CompletableFuture<TestServer.Response> first = CompletableFuture.supplyAsync(() -> t.post("/v1/rank", TestServer.rankBody(1, 1, 2)));
            assertThat(gate.entered.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<TestServer.Response> second = CompletableFuture.supplyAsync(() -> t.post("/v1/rank", TestServer.rankBody(1, 3, 4)));
            await(() -> t.server.admission().waiting() == 1, "the second request to wait in the queue");

            long t0 = System.nanoTime();
            TestServer.Response third = t.post("/v1/rank", TestServer.rankBody(1, 5));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(third.status()).as(third.text()).isEqualTo(503);
            assertThat(third.header("Retry-After")).isEqualTo("2");
            assertThat(third.json().get("error").asText()).isEqualTo("overloaded");
            assertThat(ms).as("503 latency").isLessThan(2000);
            // other endpoints are not queued behind rank
            assertThat(t.get("/v1/users/1/sequence").status()).isEqualTo(200);

            gate.armed.set(false);
            gate.release.countDown();
            assertThat(first.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
            assertThat(second.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
            assertThat(t.post("/v1/rank", TestServer.rankBody(1, 5)).status()).isEqualTo(200);
            assertThat(t.get("/metrics").text()).contains("longview_rank_rejected_total 1.0",
                    "longview_http_requests_total{endpoint=\"/v1/rank\",method=\"POST\",status=\"503\"} 1.0");
        }
    }

    @Test
    void closeDrainsTheRequestInFlight() throws Exception {
        Gate gate = new Gate();
        TestServer t = new TestServer(dir, c -> c, gate.hooks());
        try {
            CompletableFuture<TestServer.Response> inFlight = CompletableFuture.supplyAsync(() -> t.post("/v1/rank", TestServer.rankBody(1, 1, 2, 3)));
            assertThat(gate.entered.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Void> closing = CompletableFuture.runAsync(t.server::close);
            Thread.sleep(300);
            assertThat(closing).as("close waits for the request in flight").isNotDone();
            // new work is refused while draining (503), or the connector is already closed
            try {
                TestServer.Response late = t.post("/v1/rank", TestServer.rankBody(1, 1));
                assertThat(late.status()).isEqualTo(503);
                assertThat(late.json().get("error").asText()).isEqualTo("shutting_down");
            } catch (RuntimeException refused) {
                // connection refused: fine
            }
            gate.armed.set(false);
            gate.release.countDown();
            TestServer.Response r = inFlight.get(30, TimeUnit.SECONDS);
            assertThat(r.status()).as(r.text()).isEqualTo(200);
            assertThat(r.json().get("results")).hasSize(3);
            closing.get(30, TimeUnit.SECONDS);
        } finally {
            t.close();
        }
    }
}
