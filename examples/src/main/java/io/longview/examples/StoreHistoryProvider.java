package io.longview.examples;

import io.longview.core.model.Token;
import io.longview.core.model.TokenSequence;
import io.longview.core.model.UserSequences;
import io.longview.store.SequenceStore;

/**
 * A {@link HistoryProvider} backed by a {@link SequenceStore}: the user's <b>current</b> stored sequences, cut to the
 * tokens with timestamp {@code < t} and re-split into S_RT / S_LL / S_imp with the store's limits. For building
 * examples from a store that serves traffic (requests and labels still come from the event log).
 *
 * <p>It never shows a token at or after {@code t}, but it is an approximation of the replay for old requests: tokens
 * that the store has evicted since are missing (S_LL and S_imp are capped), a token folded from events on both sides
 * of {@code t} is dropped whole (its timestamp is its newest event's), and an impression engaged with after {@code t}
 * shows as explicit. For requests newer than everything in the store it equals the replay exactly (the train/serve
 * consistency test shows that). Reads the user once per timeline; thread-safe like the store.
 */
public final class StoreHistoryProvider implements HistoryProvider {
    private final SequenceStore store;

    public StoreHistoryProvider(SequenceStore store) {
        this.store = store;
    }

    @Override
    public Timeline open(UserEvents events) {
        return new Cut(events.userId());
    }

    private final class Cut implements Timeline {
        private final long userId;
        private final byte[] scratch = new byte[Token.EMBEDDING_DIM]; // one token's int8 embedding while copying
        private UserSequences current;
        private long last = Long.MIN_VALUE;

        Cut(long userId) {
            this.userId = userId;
        }

        @Override
        public UserSequences before(long timeMs) {
            if (timeMs <= last) {
                throw new IllegalArgumentException("history of user " + userId + " asked for time " + timeMs + " after time " + last + "; times must increase");
            }
            last = timeMs;
            if (current == null) {
                current = store.read(userId);
            }
            int rtCap = store.limits().realtime();
            int llCap = store.limits().lifelong();
            TokenSequence.Builder rt = new TokenSequence.Builder(rtCap);
            TokenSequence.Builder ll = new TokenSequence.Builder(0);
            // the explicit tokens newest-first are S_RT followed by S_LL
            for (TokenSequence s : new TokenSequence[]{current.realtime(), current.lifelong()}) {
                for (int i = firstBefore(s, timeMs); i < s.size(); i++) {
                    TokenSequence.Builder to = rt.size() < rtCap ? rt : ll;
                    if (to == ll && ll.size() >= llCap) {
                        break;
                    }
                    copy(s, i, to, scratch);
                }
            }
            TokenSequence.Builder imp = new TokenSequence.Builder(0);
            TokenSequence is = current.impressions();
            for (int i = firstBefore(is, timeMs); i < is.size(); i++) {
                copy(is, i, imp, scratch);
            }
            return new UserSequences(userId, rt.build(), ll.build(), imp.build());
        }
    }

    /** The first newest-first index whose timestamp is before {@code t} (binary search: timestamps do not increase). */
    static int firstBefore(TokenSequence s, long t) {
        int lo = 0;
        int hi = s.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (s.timestamp(mid) >= t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static void copy(TokenSequence s, int i, TokenSequence.Builder to, byte[] q) {
        s.copyEmbedding(i, q, 0);
        to.add(s.timestamp(i), s.actions(i), s.surface(i), s.itemId(i), q, 0);
    }
}
