package io.longview.serve;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded work queue in front of {@code /v1/rank}: at most {@code concurrency} requests compute at once, at most
 * {@code queue} more wait (first come, first served), and any further request is refused at once instead of adding
 * to everybody's latency. A waiting request also gives up when its deadline passes before a slot frees
 * ({@link #tryEnter(long)}): under overload the requests that are answered stay within their budget plus one
 * computation, and the others are shed (503 with {@code Retry-After}). Thread-safe.
 */
public final class AdmissionControl {
    /** Why a request was not admitted. */
    public enum Refusal {
        /** {@code concurrency + queue} requests were already admitted. */
        QUEUE_FULL,
        /** no computing slot freed before the request's deadline. */
        DEADLINE
    }

    /** A refused request; cheap (no stack trace): it is an expected outcome under load, not an error. */
    public static final class Refused extends Exception {
        private final Refusal reason;

        Refused(Refusal reason) {
            super(reason.name(), null, false, false);
            this.reason = reason;
        }

        public Refusal reason() {
            return reason;
        }
    }

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
     * Enters without a deadline: returns null at once when {@code concurrency + queue} requests are already admitted;
     * otherwise waits for a computing slot and returns the permit to close when done.
     *
     * @throws InterruptedException if interrupted while waiting (nothing is held then)
     */
    public Permit tryEnter() throws InterruptedException {
        try {
            return tryEnter(Long.MAX_VALUE);
        } catch (Refused r) {
            return null;
        }
    }

    /**
     * Enters within {@code budgetNanos}: refused at once when the queue is full, or when no computing slot frees
     * within the budget (a budget ≤ 0 only takes a slot that is free now).
     *
     * @throws Refused              with {@link Refusal#QUEUE_FULL} or {@link Refusal#DEADLINE}; nothing is held then
     * @throws InterruptedException if interrupted while waiting (nothing is held then)
     */
    public Permit tryEnter(long budgetNanos) throws Refused, InterruptedException {
        if (!admitted.tryAcquire()) {
            throw new Refused(Refusal.QUEUE_FULL);
        }
        waiting.incrementAndGet();
        boolean got = false;
        try {
            if (budgetNanos == Long.MAX_VALUE) {
                running.acquire();
                got = true;
            } else {
                // the fair semaphore's timed acquire keeps the FIFO order among waiters
                got = running.tryAcquire(Math.max(0, budgetNanos), TimeUnit.NANOSECONDS);
            }
        } finally {
            waiting.decrementAndGet();
            if (!got) {
                admitted.release();
            }
        }
        if (!got) {
            throw new Refused(Refusal.DEADLINE);
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
