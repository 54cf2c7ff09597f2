package io.longview.store;

/**
 * What {@link SequenceStore#erase} removed of one user.
 *
 * @param userId      the user
 * @param realtime    S_RT tokens removed
 * @param lifelong    S_LL tokens removed
 * @param impressions S_imp tokens removed
 */
public record EraseResult(long userId, int realtime, int lifelong, int impressions) {
    /** What erasing a user whose record is {@code r} removes: S_RT is the newest {@code limits.realtime()} explicit tokens. */
    static EraseResult of(StoreDescriptor.UserRecord r, long userId, io.longview.core.model.SequenceLimits limits) {
        int explicit = r.explicitCount();
        int realtime = Math.min(explicit, limits.realtime());
        return new EraseResult(userId, realtime, explicit - realtime, r.impressionCount());
    }

    /** True when the store held the user (an erase of an unknown user removes nothing and is not an error). */
    public boolean erased() {
        return realtime + lifelong + impressions > 0;
    }

    /** Tokens removed in all. */
    public int tokens() {
        return realtime + lifelong + impressions;
    }
}
