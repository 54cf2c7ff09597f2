package io.longview.store;

/**
 * Counts over a whole store, from one consistent snapshot of its user records (sealed chunks are not read).
 *
 * @param users            users with at least one token
 * @param explicitTokens   explicit tokens over all users (S_RT and S_LL)
 * @param impressionTokens impression tokens over all users (S_imp)
 * @param chunks           chunks, heads included (the unit of storage, see {@link StoreDescriptor})
 * @param items            items in the catalog
 * @param diskBytes        approximate bytes on disk (SST files and write-ahead log), from RocksDB's estimates
 */
public record StoreStats(long users, long explicitTokens, long impressionTokens, long chunks, long items, long diskBytes) {
    /** Tokens over all users and sequences. */
    public long tokens() {
        return explicitTokens + impressionTokens;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "users %,d  explicit tokens %,d  impression tokens %,d  chunks %,d  items %,d  disk %,.1f MiB",
                users, explicitTokens, impressionTokens, chunks, items, diskBytes / 1048576.0);
    }
}
