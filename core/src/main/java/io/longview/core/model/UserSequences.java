package io.longview.core.model;

/**
 * A user's three sequences at one moment (DESIGN §1), each newest-first. {@link UserHistory} and the store build
 * them without overlap ({@code lifelong} is older than {@code realtime}); selection does not rely on it, so
 * hand-made sequences (tests, imported state) need not hold to it:
 * <ul>
 *   <li>{@code realtime} (S_RT): the newest {@link SequenceLimits#realtime()} explicit tokens;</li>
 *   <li>{@code lifelong} (S_LL): the older explicit tokens, at most {@link SequenceLimits#lifelong()};</li>
 *   <li>{@code impressions} (S_imp): the newest {@link SequenceLimits#impressions()} tokens shown without engagement.</li>
 * </ul>
 *
 * @param userId the user
 */
public record UserSequences(long userId, TokenSequence realtime, TokenSequence lifelong, TokenSequence impressions) {

    /** A user with no history. */
    public static UserSequences empty(long userId) {
        return new UserSequences(userId, TokenSequence.empty(), TokenSequence.empty(), TokenSequence.empty());
    }

    /** Total number of tokens over the three sequences. */
    public int totalTokens() {
        return realtime.size() + lifelong.size() + impressions.size();
    }
}
