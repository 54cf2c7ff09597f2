package io.longview.kafka;

import io.longview.core.model.Event;
import io.longview.core.model.Quantizer;
import io.longview.core.model.SequenceLimits;
import io.longview.core.model.UserSequences;
import io.longview.store.AppendResult;
import io.longview.store.EraseResult;
import io.longview.store.ItemCatalog;
import io.longview.store.SequenceStore;
import io.longview.store.StoreStats;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;

import java.util.List;
import java.util.function.LongConsumer;

/**
 * The {@link SequenceStore} view of one tier instance, for code that reads histories through a store (serve's
 * {@code RankingService}, unchanged): {@link #read} answers for users whose partition is active on this instance and
 * throws {@link NotHere} for the others (naming the owner, or none while a rebalance is in flight); the item catalog,
 * limits and quantizer are those of a local catalog store that every instance fills from the same shared item file.
 * Writes do not go through it: events reach the tier through its Kafka topic.
 */
public final class TierSequenceStore implements SequenceStore {
    /** A user this instance does not serve now: {@link #owner} is who does, or null while rebalancing. */
    public static final class NotHere extends io.longview.serve.OwnedElsewhere {
        private final transient HostInfo owner;

        NotHere(long userId, HostInfo owner) {
            super(owner == null ? "user " + userId + "'s partition has no active owner now (rebalancing or restoring); retry"
                    : "user " + userId + " is served by " + owner.host() + ":" + owner.port(),
                    owner == null ? null : owner.host() + ":" + owner.port());
            this.owner = owner;
        }

        /** The instance ({@code application.server}) that serves the user, or null while rebalancing. */
        public HostInfo ownerHost() {
            return owner;
        }
    }

    private final StreamsTier tier;
    private final HostInfo self;
    private final SequenceStore catalogStore;

    /**
     * @param self         this instance's {@code application.server}
     * @param catalogStore a local store holding the shared item catalog (its users are not used); the caller's
     */
    public TierSequenceStore(StreamsTier tier, HostInfo self, SequenceStore catalogStore) {
        this.tier = tier;
        this.self = self;
        this.catalogStore = catalogStore;
    }

    /** Where the user is served now; null while its partition has no active owner. */
    public HostInfo owner(long userId) {
        KeyQueryMetadata m = tier.owner(userId);
        return m == null || m.equals(KeyQueryMetadata.NOT_AVAILABLE) ? null : m.activeHost();
    }

    /** @throws NotHere if the user's partition is not active here now */
    @Override
    public UserSequences read(long userId) {
        HostInfo owner = owner(userId);
        if (owner == null || !owner.equals(self)) {
            throw new NotHere(userId, owner);
        }
        try {
            return tier.readLocal(userId);
        } catch (InvalidStateStoreException e) {
            throw new NotHere(userId, null);
        }
    }

    @Override
    public boolean contains(long userId) {
        return read(userId).totalTokens() > 0;
    }

    @Override
    public AppendResult append(List<Event> events) {
        throw new UnsupportedOperationException("the tier's events come from its Kafka topic: produce them there");
    }

    @Override
    public EraseResult erase(long userId) {
        throw new UnsupportedOperationException("on the tier a user is erased through its events topic: produce a tombstone "
                + "(key = the user id, null value); the owner deletes the user's records, and the changelog forgets them");
    }

    @Override
    public void forEachUser(LongConsumer action) {
        throw new UnsupportedOperationException("a tier instance holds only some partitions' users");
    }

    @Override
    public StoreStats stats() {
        throw new UnsupportedOperationException("a tier instance holds only some partitions' users");
    }

    @Override
    public ItemCatalog catalog() {
        return catalogStore.catalog();
    }

    @Override
    public SequenceLimits limits() {
        return catalogStore.limits();
    }

    @Override
    public Quantizer quantizer() {
        return catalogStore.quantizer();
    }

    /** Nothing to release: the tier and the catalog store are the caller's. */
    @Override
    public void close() {
    }
}
