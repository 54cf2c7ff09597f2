/**
 * The sequence store (DESIGN §1, §7): every user's S_RT, S_LL and S_imp, kept by the rules of core's
 * {@link io.longview.core.model.UserHistory}, and the item catalog their tokens take embeddings from.
 *
 * <ul>
 *   <li>{@link io.longview.store.SequenceStore}: the contract (append, read, iterate, stats);</li>
 *   <li>{@link io.longview.store.RocksSequenceStore}: the embedded RocksDB default, opened with
 *       {@link io.longview.store.StoreOptions};</li>
 *   <li>{@link io.longview.store.ItemCatalog}: itemId → float[32], in the same database;</li>
 *   <li>{@link io.longview.store.StoreDescriptor}: the on-disk layout, its magic number and version;</li>
 * </ul>
 *
 * Depends on {@code io.longview.core.model} and RocksDB (rocksdbjni).
 * RocksDB needs {@code --enable-native-access=ALL-UNNAMED} on the command line to load without a warning.
 */
package io.longview.store;
