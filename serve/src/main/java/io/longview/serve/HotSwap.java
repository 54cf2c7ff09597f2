package io.longview.serve;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A value that can be replaced atomically while readers use it: the serving model. Readers take a {@link Lease}
 * ({@link #acquire()}), use the value and close the lease; {@link #swap} installs a new value at once, and the old
 * one is closed when its last lease is closed (reference counting), never under a reader's feet.
 *
 * <p>Every value carries a count: one reference held by this holder while it is current, plus one per open lease. A
 * lease can only be taken on a value whose count is above zero, so a value is closed exactly once, after everybody
 * has let go of it. Thread-safe and lock-free.
 *
 * @param <T> the value; {@link AutoCloseable#close()} is called once, by whichever thread drops the last reference
 */
public final class HotSwap<T extends AutoCloseable> implements AutoCloseable {
    private final AtomicReference<Counted<T>> current;

    public HotSwap(T initial) {
        current = new AtomicReference<>(new Counted<>(initial));
    }

    /**
     * A lease on the current value, to be closed after use (try-with-resources).
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public Lease<T> acquire() {
        while (true) {
            Counted<T> c = current.get();
            if (c == null) {
                throw new IllegalStateException("closed");
            }
            if (c.retain()) {
                return c.lease();
            }
            // c was swapped out and dropped to zero between get() and retain(): the next get() sees its successor
        }
    }

    /** The current value, for a glance (no lease: do not use it after a swap could have closed it). */
    public T peek() {
        Counted<T> c = current.get();
        if (c == null) {
            throw new IllegalStateException("closed");
        }
        return c.value;
    }

    /**
     * Installs {@code next}; the previous value is closed once its last lease is closed (at once if none is open).
     *
     * @throws IllegalStateException after {@link #close()} ({@code next} is closed then)
     */
    public void swap(T next) {
        Counted<T> fresh = new Counted<>(next);
        Counted<T> old = current.get();
        while (true) {
            if (old == null) {
                fresh.release();
                throw new IllegalStateException("closed");
            }
            Counted<T> witness = current.compareAndExchange(old, fresh);
            if (witness == old) {
                break;
            }
            old = witness;
        }
        old.release();
    }

    /** Drops the holder's reference: the value is closed when its last lease is closed. Idempotent. */
    @Override
    public void close() {
        Counted<T> c = current.getAndSet(null);
        if (c != null) {
            c.release();
        }
    }

    /** A counted use of one value; closing it twice is a no-op. */
    public static final class Lease<T extends AutoCloseable> implements AutoCloseable {
        private final Counted<T> counted;
        private boolean closed;

        private Lease(Counted<T> counted) {
            this.counted = counted;
        }

        public T value() {
            if (closed) {
                throw new IllegalStateException("lease already closed");
            }
            return counted.value;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                counted.release();
            }
        }
    }

    private static final class Counted<T extends AutoCloseable> {
        final T value;
        final AtomicInteger refs = new AtomicInteger(1);

        Counted(T value) {
            this.value = value;
        }

        boolean retain() {
            while (true) {
                int r = refs.get();
                if (r == 0) {
                    return false;
                }
                if (refs.compareAndSet(r, r + 1)) {
                    return true;
                }
            }
        }

        Lease<T> lease() {
            return new Lease<>(this);
        }

        void release() {
            int r = refs.decrementAndGet();
            assert r >= 0 : "released more often than retained";
            if (r == 0) {
                try {
                    value.close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing " + value + " failed: " + e.getMessage(), e);
                }
            }
        }
    }
}
