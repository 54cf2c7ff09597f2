package io.longview.serve;

/**
 * Thrown by a {@link io.longview.store.SequenceStore} that holds only some users (a partitioned tier: the {@code kafka}
 * module's {@code TierSequenceStore}) when asked for a user another instance serves. The server forwards a rank
 * request to {@link #owner()} (one hop: a forwarded request is never forwarded again), or answers 503 with
 * {@code Retry-After} while the user has no owner (a rebalance or restore in flight).
 */
public class OwnedElsewhere extends RuntimeException {
    private final String owner;

    /**
     * @param message what happened, naming the user
     * @param owner   {@code host:port} of the instance that serves the user, or null while none does
     */
    public OwnedElsewhere(String message, String owner) {
        super(message);
        this.owner = owner;
    }

    /** {@code host:port} of the serving instance, or null while the user has no owner. */
    public String owner() {
        return owner;
    }
}
