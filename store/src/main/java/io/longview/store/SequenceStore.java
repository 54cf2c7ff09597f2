package io.longview.store;

import io.longview.core.model.Event;
import io.longview.core.model.ItemEmbeddings;
import io.longview.core.model.Quantizer;
import io.longview.core.model.SequenceLimits;
import io.longview.core.model.UserHistory;
import io.longview.core.model.UserSequences;

import java.util.List;
import java.util.function.LongConsumer;

/**
 * The persistent store of every user's three sequences (DESIGN §1): S_RT (the newest {@code realtime} explicit
 * tokens), S_LL (the older explicit tokens, at most {@code lifelong}, oldest evicted first) and S_imp (the newest
 * {@code impressions} tokens shown without engagement), plus the {@linkplain #catalog() item catalog} their tokens
 * take embeddings from. The default implementation is {@link RocksSequenceStore} (embedded RocksDB).
 *
 * <h2>Semantics</h2>
 * A store holds, for every user, exactly the state that {@link UserHistory} (core's reference semantics) reaches
 * when given the same events in the same order: {@code read(u)} equals {@code history.snapshot()} after
 * {@code history.apply(e, quantized embedding of e's item, 0)} for each event {@code e} of user {@code u}, in the
 * order the store received them (within one {@link #append} call, list order). In short:
 * <ul>
 *   <li>events of one user on one item in one fold window ({@link SequenceLimits#foldBucket}) fold into one token:
 *       actions OR'ed, timestamp the newest event's, surface the newest event's (equal times: the larger number);</li>
 *   <li>a token with an explicit bit is explicit; an impression later engaged with in the same window becomes
 *       explicit (keeping its IMPRESSION bit);</li>
 *   <li>sequences are newest first by (timestamp desc, itemId desc); events may arrive in any order;</li>
 *   <li>at most {@code realtime + lifelong} explicit and {@code impressions} impression tokens are kept, the oldest
 *       evicted first; an event for an evicted token starts a new one (evicted again at once if it is the oldest);</li>
 *   <li>a token keeps the quantized embedding its item had in the catalog when the token was created;</li>
 *   <li>appending an event again changes nothing (idempotence). Without eviction the final state does not depend on
 *       the arrival order; near the caps it can (exactly as for {@code UserHistory}).</li>
 * </ul>
 *
 * <h2>Atomicity and durability</h2>
 * {@link #append} is atomic: all of its events are applied, or (on any exception) none. When it returns, the
 * change is durable as {@link StoreOptions#sync()} promises: fsync'ed (default), or written to the operating
 * system (survives a crash of the process, not of the machine).
 *
 * <h2>Threads</h2>
 * Implementations are thread-safe. Appends touching different users run in parallel; appends touching the same
 * user are serialized (each user's read-modify-write is done under that user's lock). {@link #read} never blocks
 * on writers and sees each append of that user entirely or not at all. {@link #close()} waits for calls in flight;
 * calls after it throw {@link IllegalStateException}.
 */
public interface SequenceStore extends AutoCloseable {
    /**
     * Applies events, atomically and durably (see the class comment). Events may belong to any users and be in any
     * order; each user's events are applied in list order.
     *
     * @return how many events changed something and how many were duplicates
     * @throws ItemEmbeddings.UnknownItemException if an event's item has no embedding in the {@link #catalog()}
     *                                             (naming the item); nothing is applied
     * @throws IllegalStateException               if the store is closed or read-only
     * @throws StoreException                      if the store cannot be written (disk full, I/O error, corruption);
     *                                             nothing is applied
     */
    AppendResult append(List<Event> events);

    /**
     * The user's three sequences now, newest first. An unknown user has three empty sequences.
     *
     * @throws StoreException if the user's records are corrupt or cannot be read
     */
    UserSequences read(long userId);

    /**
     * Forgets a user (a request to erase personal data): the user's three sequences and every per-user record go, in
     * one atomic write that is durable before this returns (the same contract as {@link #append}). Afterwards the user
     * reads as empty, exactly like a user the store never saw; events that arrive later start a new history. An
     * unknown user is not an error: the result then says nothing was removed.
     *
     * @return what was removed
     * @throws StoreException        if the store cannot be written
     * @throws IllegalStateException if the store is closed or read-only
     */
    EraseResult erase(long userId);

    /** True when the user has at least one token. */
    boolean contains(long userId);

    /**
     * Calls {@code action} with the id of every user that has at least one token, in ascending id order, from one
     * consistent snapshot (appends meanwhile are not seen). The action may call {@link #read}.
     */
    void forEachUser(LongConsumer action);

    /** Counts over the whole store; reads every user record (not the sealed chunks), O(users). */
    StoreStats stats();

    /** The item catalog (itemId → float[32]) in this store, from which new tokens take their embeddings. */
    ItemCatalog catalog();

    /** The sequence limits of this store (from its header). */
    SequenceLimits limits();

    /** The quantizer of this store (its clip is in the header). */
    Quantizer quantizer();

    /**
     * Whether this store keeps item statistics on append (core {@code ItemStatistics}, the counters that serving turns
     * into a model's item features). False by default: a store that does not must say so, and a model that needs them
     * is then refused.
     */
    default boolean keepsItemStatistics() {
        return false;
    }

    /**
     * The statistics of each item as kept so far (an item never seen: an empty one), from one consistent view.
     *
     * @throws UnsupportedOperationException when {@link #keepsItemStatistics()} is false
     */
    default io.longview.core.model.ItemStatistics[] itemStatistics(long[] itemIds) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps no item statistics");
    }

    /** Waits for calls in flight and releases everything the store holds. Idempotent. */
    @Override
    void close();
}
