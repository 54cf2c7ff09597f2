package io.longview.core.io;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for work handed to an executor, with the task's own exception rethrown unchanged. */
public final class Futures {
    private Futures() {
    }

    /**
     * The result of {@code f}; a RuntimeException or Error the task threw is rethrown as it is, so callers see the
     * same exception as in a single-threaded run.
     *
     * @param doing what the work is, for the message when the wait is interrupted ("building examples")
     */
    public static <T> T await(Future<T> f, String doing) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + doing, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
