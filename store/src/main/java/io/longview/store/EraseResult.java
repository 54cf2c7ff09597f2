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
    /** True when the store held the user (an erase of an unknown user removes nothing and is not an error). */
    public boolean erased() {
        return realtime + lifelong + impressions > 0;
    }

    /** Tokens removed in all. */
    public int tokens() {
        return realtime + lifelong + impressions;
    }
}
