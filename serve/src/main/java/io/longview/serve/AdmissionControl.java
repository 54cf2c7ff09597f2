package io.longview.serve;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded work queue in front of {@code /v1/rank}: at most {@code concurrency} requests compute at once, at most
 * {@code queue} more wait (first come, first served), and any further request is refused at once
 * ({@link #tryEnter()} returns null → 503 with {@code Retry-After}) instead of adding to everybody's latency.
 * Thread-safe.
 */
public final class AdmissionControl {
    private final int concurrency;
    private final int queue;
    private final Semaphore admitted;
    private final Semaphore running;
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();

    public AdmissionControl(int concurrency, int queue) {
        if (concurrency < 1 || queue < 0) {
            throw new IllegalArgumentException("concurrency must be ≥ 1 and queue ≥ 0, got " + concurrency + " and " + queue);
        }
        this.concurrency = concurrency;
        this.queue = queue;
        this.admitted = new Semaphore(concurrency + queue);
        this.running = new Semaphore(concurrency, true);
    }

    /**
     * Enters: returns at once with null when {@code concurrency + queue} requests are already admitted; otherwise waits
     * for a computing slot and returns the permit to close when done.
     *
     * @throws InterruptedException if interrupted while waiting (nothing is held then)
     */
    public Permit tryEnter() throws InterruptedException {
        if (!admitted.tryAcquire()) {
            return null;
        }
        waiting.incrementAndGet();
        try {
            running.acquire();
        } catch (InterruptedException e) {
            admitted.release();
            throw e;
        } finally {
            waiting.decrementAndGet();
        }
        inFlight.incrementAndGet();
        return new Permit();
    }

    /** Requests computing now. */
    public int running() {
        return inFlight.get();
    }

    /** Requests admitted and waiting for a slot. */
    public int waiting() {
        return waiting.get();
    }

    public int concurrency() {
        return concurrency;
    }

    public int queue() {
        return queue;
    }

    /** A computing slot; closing it twice is a no-op. */
    public final class Permit implements AutoCloseable {
        private boolean closed;

        private Permit() {
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                inFlight.decrementAndGet();
                running.release();
                admitted.release();
            }
        }
    }
}
