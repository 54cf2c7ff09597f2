package io.longview.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** A fixed pool that splits {@code [0, n)} into one contiguous chunk per worker; 1 worker runs on the caller. */
final class Workers implements AutoCloseable {
    /** The body of one chunk. */
    interface Chunk {
        void run(int worker, int from, int to);
    }

    private final int threads;
    private final ExecutorService pool;

    Workers(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads is " + threads + ", expected ≥ 1");
        }
        this.threads = threads;
        this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "bench-worker");
            t.setDaemon(true);
            return t;
        });
    }

    void forEachChunk(int n, Chunk body) {
        if (pool == null || n < 2 * threads) {
            body.run(0, 0, n);
            return;
        }
        List<Future<?>> futures = new ArrayList<>(threads);
        for (int w = 0; w < threads; w++) {
            int from = (int) ((long) n * w / threads);
            int to = (int) ((long) n * (w + 1) / threads);
            int worker = w;
            futures.add(pool.submit(() -> body.run(worker, from, to)));
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalStateException(e.getCause());
            }
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
