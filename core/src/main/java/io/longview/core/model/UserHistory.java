package io.longview.core.model;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * One user's history as it evolves event by event: the <b>reference semantics</b> of folding, ordering, caps and
 * eviction (DESIGN §1). The example builder replays event logs through it, and the persistent
 * {@code SequenceStore} must end in the same state as this class for the same events in the same arrival order (a
 * conformance test checks this).
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li><b>Folding.</b> Events of one user on one item whose timestamps fall in the same fold window
 *       ({@link SequenceLimits#foldBucket}) form one token: its actions are the OR of theirs, its timestamp the newest
 *       of theirs (so a token is never visible before every action in it happened: point-in-time safe), its surface
 *       that of the newest event (equal times: the larger surface number).</li>
 *   <li><b>Idempotence.</b> Applying an event twice changes nothing the second time (OR and max are idempotent).</li>
 *   <li><b>Out of order.</b> Events may arrive in any order; tokens are kept ordered by (timestamp, itemId). The
 *       final state does not depend on the arrival order as long as no event arrives for a token that a cap has
 *       already evicted: such an event starts a new token (the evicted one's actions are gone), so under eviction
 *       the state can depend on the order. Replays that must be reproducible therefore apply each user's events in
 *       one canonical order (the example builder: time, item, action, surface).</li>
 *   <li><b>Sequences.</b> A token with any explicit bit is explicit (S_RT/S_LL); a token whose only bit is
 *       IMPRESSION is in S_imp. An impression later engaged with within the window moves from S_imp to the explicit
 *       tokens.</li>
 *   <li><b>Caps.</b> At most {@code realtime + lifelong} explicit tokens and {@code impressions} impression tokens
 *       are kept; beyond that the oldest (smallest (timestamp, itemId)) is evicted. An event for an evicted token
 *       starts a new token (which is evicted again at once if it is the oldest).</li>
 *   <li><b>Embeddings.</b> A token keeps the quantized embedding its item had when the token was created.</li>
 * </ul>
 * Not thread-safe.
 */
public final class UserHistory {
    private static final int D = Token.EMBEDDING_DIM;
    /** Newest-first order: descending timestamp, then descending item id. */
    static final Comparator<Slot> OLDEST_FIRST = Comparator.<Slot>comparingLong(s -> s.timestampMs).thenComparingLong(s -> s.itemId);

    private final long userId;
    private final SequenceLimits limits;
    private final TreeSet<Slot> explicit = new TreeSet<>(OLDEST_FIRST);
    private final TreeSet<Slot> impressions = new TreeSet<>(OLDEST_FIRST);
    private final Map<FoldKey, Slot> byKey = new HashMap<>();
    private boolean counted; // the last apply added an action bit to a token that was kept

    public UserHistory(long userId, SequenceLimits limits) {
        this.userId = userId;
        this.limits = limits;
    }

    public long userId() {
        return userId;
    }

    public SequenceLimits limits() {
        return limits;
    }

    /**
     * Applies one event.
     *
     * @param event     an event of this user
     * @param embedding the item's quantized embedding at {@code embedding[off .. off+32)}; read only when the event
     *                  starts a new token
     * @return true when the state changed (false for a duplicate, or an event evicted at once)
     */
    public boolean apply(Event event, byte[] embedding, int off) {
        if (event.userId() != userId) {
            throw new IllegalArgumentException("event of user " + event.userId() + " applied to the history of user " + userId);
        }
        FoldKey key = new FoldKey(event.itemId(), limits.foldBucket(event.timestampMs()));
        Slot slot = byKey.get(key);
        counted = false;
        if (slot == null) {
            byte[] q = new byte[D];
            System.arraycopy(embedding, off, q, 0, D);
            slot = new Slot(event.itemId(), event.timestampMs(), event.action(), event.surface(), q);
            byKey.put(key, slot);
            setOf(slot).add(slot);
            evict();
            counted = byKey.get(key) == slot;
            return counted;
        }
        counted = (slot.actions & event.action()) == 0;
        byte actions = (byte) (slot.actions | event.action());
        long ts = Math.max(slot.timestampMs, event.timestampMs());
        byte surface = slot.surface;
        if (event.timestampMs() > slot.timestampMs || (event.timestampMs() == slot.timestampMs && event.surface() > slot.surface)) {
            surface = event.surface();
        }
        if (actions == slot.actions && ts == slot.timestampMs && surface == slot.surface) {
            return false;
        }
        setOf(slot).remove(slot);
        slot.actions = actions;
        slot.timestampMs = ts;
        slot.surface = surface;
        setOf(slot).add(slot);
        evict();
        return true;
    }

    /**
     * Whether the last {@link #apply} is a <b>counted action</b> of core {@link ItemStatistics}: it added an action bit
     * that its token (this user, the item, the fold window) did not have, to a token that was kept (not evicted at
     * once). A repeated or replayed event never counts; the store counts exactly these on append.
     */
    public boolean lastApplyCounted() {
        return counted;
    }

    /** Number of explicit tokens kept (S_RT and S_LL together). */
    public int explicitCount() {
        return explicit.size();
    }

    /** Number of impression tokens kept. */
    public int impressionCount() {
        return impressions.size();
    }

    /** The three sequences now, as immutable copies. */
    public UserSequences snapshot() {
        TokenSequence.Builder rt = new TokenSequence.Builder(Math.min(explicit.size(), limits.realtime()));
        TokenSequence.Builder ll = new TokenSequence.Builder(Math.max(0, explicit.size() - limits.realtime()));
        for (Slot s : explicit.descendingSet()) {
            (rt.size() < limits.realtime() ? rt : ll).add(s.timestampMs, s.actions, s.surface, s.itemId, s.embedding, 0);
        }
        TokenSequence.Builder imp = new TokenSequence.Builder(impressions.size());
        for (Slot s : impressions.descendingSet()) {
            imp.add(s.timestampMs, s.actions, s.surface, s.itemId, s.embedding, 0);
        }
        return new UserSequences(userId, rt.build(), ll.build(), imp.build());
    }

    private TreeSet<Slot> setOf(Slot s) {
        return Actions.isExplicit(s.actions) ? explicit : impressions;
    }

    private void evict() {
        while (explicit.size() > limits.explicitCapacity()) {
            drop(explicit.pollFirst());
        }
        while (impressions.size() > limits.impressions()) {
            drop(impressions.pollFirst());
        }
    }

    private void drop(Slot s) {
        byKey.remove(new FoldKey(s.itemId, limits.foldBucket(s.timestampMs)));
    }

    private record FoldKey(long itemId, long bucket) {
    }

    /** A mutable token inside the history. */
    static final class Slot {
        final long itemId;
        long timestampMs;
        byte actions;
        byte surface;
        final byte[] embedding;

        Slot(long itemId, long timestampMs, byte actions, byte surface, byte[] embedding) {
            this.itemId = itemId;
            this.timestampMs = timestampMs;
            this.actions = actions;
            this.surface = surface;
            this.embedding = embedding;
        }
    }
}
