package io.longview.store;

import io.longview.core.model.SequenceLimits;

import java.time.Clock;
import java.time.Duration;

/**
 * How to open a sequence store. Start from {@link #defaults()} and change what you need:
 * {@code StoreOptions.defaults().withSync(false).withLimits(limits)}.
 *
 * <p><b>Limits and clip.</b> {@code limits} and {@code clip} are part of the store: they are written in its header
 * when it is created and never change. {@code null} (the default) means "whatever the store has", or
 * {@link SequenceLimits#DEFAULT} and {@link io.longview.core.model.Quantizer#DEFAULT_CLIP} for a new store. A
 * non-null value is a requirement: opening a store whose header disagrees fails with an
 * {@link IllegalArgumentException} naming both values.
 *
 * <p><b>Durability.</b> With {@code sync} true (the default) every {@link SequenceStore#append} and catalog write
 * returns only after its write-ahead-log record is fsync'ed: an acknowledged append survives a crash of the process,
 * of the operating system and a power loss. With {@code sync} false the record is written to the operating system
 * before the call returns but not fsync'ed: an acknowledged append survives a crash (or kill -9) of the process,
 * not a crash of the machine, which may lose the last appends (never half of one: each append is atomic). Sync off
 * is several times faster for small batches.
 *
 * @param limits          required sequence limits, or null (see above)
 * @param clip            required quantization clip, or null (see above)
 * @param sync            fsync every write (see above)
 * @param readOnly        open without taking the store's lock: several processes may read one store, writes throw
 *                        {@link IllegalStateException}, and what they see is the store as of opening
 * @param createIfMissing create a new store when the directory does not exist or is empty
 * @param blockCacheBytes RocksDB block cache shared by all column families (uncompressed blocks; at least 1 MiB is
 *                        used)
 * @param chunkCapacity   tokens after which a chunk splits (a layout tuning, not part of the header: a store may be
 *                        reopened with another value)
 * @param retention       how long tokens are kept, by their own timestamp, or null for the retention the store recorded
 *                        when it was last opened with one (none: tokens stay until the caps evict them). Recorded in
 *                        the store (not in its header) when given to a writable store: events
 *                        older than {@code now - retention} are not applied by {@link SequenceStore#append}, and
 *                        {@link RocksSequenceStore#purgeExpired()} (run every hour while the store is open read-write)
 *                        drops stored tokens that aged out
 * @param clock           the clock retention measures {@code now} with ({@link Clock#systemUTC()}; tests inject one)
 */
public record StoreOptions(SequenceLimits limits, Float clip, boolean sync, boolean readOnly, boolean createIfMissing,
                           long blockCacheBytes, int chunkCapacity, Duration retention, Clock clock) {
    /** Default block cache: 256 MiB. */
    public static final long DEFAULT_BLOCK_CACHE_BYTES = 256L << 20;

    public StoreOptions {
        if (clip != null && (!(clip > 0) || !Float.isFinite(clip))) {
            throw new IllegalArgumentException("quantization clip must be a positive finite number, got " + clip);
        }
        if (blockCacheBytes < 0) {
            throw new IllegalArgumentException("block cache size must be ≥ 0 bytes, got " + blockCacheBytes);
        }
        if (chunkCapacity < 2 || chunkCapacity > 1 << 16) {
            throw new IllegalArgumentException("chunk capacity must be in [2, 65536] tokens, got " + chunkCapacity);
        }
        if (retention != null && (retention.isNegative() || retention.isZero())) {
            throw new IllegalArgumentException("retention must be positive, got " + retention.toDays() + " days (" + retention + ")");
        }
        java.util.Objects.requireNonNull(clock, "clock");
    }

    /** Store's own limits and clip, sync on, read-write, create if missing, 256 MiB cache, 256-token chunks. */
    public static StoreOptions defaults() {
        return new StoreOptions(null, null, true, false, true, DEFAULT_BLOCK_CACHE_BYTES, StoreDescriptor.DEFAULT_CHUNK_CAPACITY, null, Clock.systemUTC());
    }

    public StoreOptions withLimits(SequenceLimits limits) {
        return new StoreOptions(limits, clip, sync, readOnly, createIfMissing, blockCacheBytes, chunkCapacity, retention, clock);
    }

    public StoreOptions withClip(float clip) {
        return new StoreOptions(limits, clip, sync, readOnly, createIfMissing, blockCacheBytes, chunkCapacity, retention, clock);
    }

    public StoreOptions withSync(boolean sync) {
        return new StoreOptions(limits, clip, sync, readOnly, createIfMissing, blockCacheBytes, chunkCapacity, retention, clock);
    }

    public StoreOptions withReadOnly(boolean readOnly) {
        return new StoreOptions(limits, clip, sync, readOnly, createIfMissing, blockCacheBytes, chunkCapacity, retention, clock);
    }

    public StoreOptions withCreateIfMissing(boolean createIfMissing) {
        return new StoreOptions(limits, clip, sync, readOnly, createIfMissing, blockCacheBytes, chunkCapacity, retention, clock);
    }

    public StoreOptions withBlockCacheBytes(long blockCacheBytes) {
        return new StoreOptions(limits, clip, sync, readOnly, createIfMissing, blockCacheBytes, chunkCapacity, retention, clock);
    }

    public StoreOptions withChunkCapacity(int chunkCapacity) {
        return new StoreOptions(limits, clip, sync, readOnly, createIfMissing, blockCacheBytes, chunkCapacity, retention, clock);
    }

    /** Keep tokens for this long (by their timestamp); null: until the caps evict them. */
    public StoreOptions withRetention(Duration retention) {
        return new StoreOptions(limits, clip, sync, readOnly, createIfMissing, blockCacheBytes, chunkCapacity, retention, clock);
    }

    /** The clock of retention (tests). */
    public StoreOptions withClock(Clock clock) {
        return new StoreOptions(limits, clip, sync, readOnly, createIfMissing, blockCacheBytes, chunkCapacity, retention, clock);
    }
}
