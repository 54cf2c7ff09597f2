package io.longview.store;

import io.longview.core.io.LittleEndian;
import io.longview.core.model.SequenceLimits;
import io.longview.core.model.Token;

import java.nio.charset.StandardCharsets;

/**
 * The on-disk layout of a Longview sequence store, format version {@value #FORMAT_VERSION}: the one place that
 * knows where every byte goes (STYLE 6). Every other class encodes and decodes through the static functions here.
 *
 * <h2>Column families</h2>
 * <pre>
 * column family   key                                  value
 * ─────────────   ──────────────────────────────────   ─────────────────────────────────────────────
 * default         "longview.header"    (ASCII)         header                    ({@value #HEADER_LENGTH} bytes)
 * default         "longview.itemcount" (ASCII)         number of catalog items   (i64)
 * users           userKey(userId)          8 bytes     user record: sealed-chunk entries and the two heads
 *                                                      (20 + 24·sealed chunks + 50·head tokens bytes)
 * chunks          chunkKey(userId, chunkId) 12 bytes   sealed chunk              (4 + 50·n bytes)
 * items           itemKey(itemId)          8 bytes     float32[32] embedding     (128 bytes)
 * default         itemStatsKey(itemId)    20 bytes     item statistics           ({@value #ITEM_STATS_LENGTH} bytes)
 * </pre>
 * Keys are big-endian with the sign bit of the id flipped, so that byte order is numeric order (users iterate in
 * ascending id, a user's chunks lie next to each other). All values are <b>little-endian</b>.
 *
 * <h2>Header</h2>
 * <pre>
 * offset size  field
 *  0      4    magic          bytes 'L' 'V' 'S' 'Q'  (0x4C 0x56 0x53 0x51)
 *  4      2    formatVersion  u16   = {@value #FORMAT_VERSION}
 *  6      2    headerLength   u16   = {@value #HEADER_LENGTH} (a later version may append fields)
 *  8      2    embeddingDim   u16   = 32
 * 10      2    reserved       0
 * 12      4    clip           f32   quantization clip (DESIGN §1)
 * 16      4    realtime       i32   SequenceLimits.realtime
 * 20      4    lifelong       i32   SequenceLimits.lifelong
 * 24      4    impressions    i32   SequenceLimits.impressions
 * 28      8    foldWindowMs   i64   SequenceLimits.foldWindowMs
 * </pre>
 *
 * <h2>User record ({@code users})</h2>
 * A user's tokens live in two <i>tiers</i>: the explicit tokens (S_RT and S_LL together, newest first; S_RT is
 * their first {@code realtime}) and the impression tokens (S_imp). Each tier is a list of chunks, newest first, that
 * hold disjoint, consecutive ranges of the tier's order (timestamp desc, itemId desc). A tier's newest chunk, its
 * <i>head</i>, is stored inside the user record, so that the usual append (new events of a user) reads and writes one
 * record; the older, <i>sealed</i> chunks have records of their own in {@code chunks}.
 * <pre>
 * offset          size    field
 *  0              4       nextChunkId        i32  the id the next sealed chunk of this user gets (ids are never reused)
 *  4              4       E                  i32  sealed explicit chunks
 *  8              4       I                  i32  sealed impression chunks
 * 12              4       he                 i32  tokens in the explicit head   (he ≥ 1 when E ≥ 1)
 * 16              4       hi                 i32  tokens in the impression head (hi ≥ 1 when I ≥ 1)
 * 20 + 24·k       24      entry k, k in [0, E+I): the E sealed explicit chunks, then the I sealed impression
 *                         chunks, each newest first (all older than their tier's head)
 *                           +0   chunkId     i32
 *                           +4   liveCount   i32  tokens in use: the chunk's first liveCount tokens (the rest were
 *                                                 evicted but not yet dropped from the chunk's bytes)
 *                           +8   newestTs    i64  timestamp of the chunk's newest token
 *                           +16  newestItem  i64  item id of the chunk's newest token
 * H = 20 + 24·(E+I)
 * H               50·he   explicit head: a token block of he tokens
 * H + 50·he       50·hi   impression head: a token block of hi tokens
 * </pre>
 * A tier's token count is its head's plus the sealed chunks' live counts. The chunk of a key {@code (ts, item)} is
 * the oldest chunk whose newest key is ≥ it, or the head when no chunk's is. A user without tokens has no record.
 *
 * <h2>Token block</h2>
 * Columnar, newest token first, so that reading a user is a few bulk copies per chunk. For {@code n} tokens, at
 * offsets relative to the block:
 * <pre>
 *  0         8·n    timestamps   i64[n]  epoch ms, non-increasing
 *  8n        8·n    itemIds      i64[n]
 * 16n        n      actions      u8[n]   Actions bits
 * 17n        n      surfaces     u8[n]
 * 18n        32·n   embeddings   i8[n·32] quantized with the header's clip, row-major (token, dim)
 * </pre>
 *
 * <h2>Sealed chunk ({@code chunks})</h2>
 * <pre>
 *  0         4      n            i32  tokens in the chunk
 *  4         50·n   a token block of n tokens
 * </pre>
 * New tokens go into the head; a chunk that grows past the store's chunk capacity splits (at the head, by a token
 * newer than all: the new token starts a new head and the full old head is sealed; elsewhere: in halves). Eviction
 * only lowers the oldest sealed chunk's live count, deleting the chunk when none is left, so it never rewrites one.
 *
 * <h2>Item ({@code items})</h2>
 * 32 float32 values, little-endian, exactly as given (no quantization: tokens quantize them when created).
 *
 * <h2>Item statistics ({@code default}, key {@code "longview.is." + itemKey(itemId)})</h2>
 * The decayed counters of core {@code ItemStatistics}, kept by {@code append} in the same write batch as the tokens
 * (one per item with a counted action; absent: never seen):
 * <pre>
 *  0      8    referenceMs    i64   the counters' reference time (the newest counted action)
 *  8      8    firstSeenMs    i64   the oldest counted action
 * 16      8·12 counts         f64[12] decayed counts at referenceMs: impression, click, save, hide (kind-major)
 *                                     × half-life 1 h, 1 d, 30 d
 * </pre>
 * They are item aggregates over all users, not personal data: erasing a user or retention leaves them as they are
 * (they fade with their half-lives). A store written before they existed has none: rebuild it from the event log to
 * serve a model that takes item statistics.
 *
 * <h2>Versions</h2>
 * 1: this layout. A reader refuses a newer version with a message naming both. Every version stays readable: the
 * tests open a golden store of each version ({@code src/test/resources/golden/store-v1}) and check its contents.
 */
public final class StoreDescriptor {
    /** The header's magic number as a little-endian int: the bytes {@code L V S Q}. */
    public static final int MAGIC = 0x5153_564C;
    /** The format version this build writes and the newest it reads. */
    public static final int FORMAT_VERSION = 1;
    /** Length of a version-1 header. */
    public static final int HEADER_LENGTH = 36;

    /** Column family of user directories. */
    public static final String USERS_CF = "users";
    /** Column family of token chunks. */
    public static final String CHUNKS_CF = "chunks";
    /** Column family of the item catalog. */
    public static final String ITEMS_CF = "items";

    /** Key of the header in the default column family. */
    static final byte[] HEADER_KEY = "longview.header".getBytes(StandardCharsets.US_ASCII);
    /** Key of the catalog's item count in the default column family. */
    static final byte[] ITEM_COUNT_KEY = "longview.itemcount".getBytes(StandardCharsets.US_ASCII);
    /**
     * Key of the retention counters in the default column family: 16 bytes, little-endian i64 tokens dropped by
     * retention passes so far, then i64 epoch ms of the last pass. Absent: none yet. Stores without it read as 0.
     */
    static final byte[] RETENTION_KEY = "longview.retention".getBytes(StandardCharsets.US_ASCII);
    /**
     * Key of the retention policy in the default column family: little-endian i64 milliseconds. Written when a store is
     * opened read-write with a retention; a store opened later without one keeps applying it. Absent: no retention.
     */
    static final byte[] RETENTION_POLICY_KEY = "longview.retention.policy".getBytes(StandardCharsets.US_ASCII);

    /** Prefix of the item statistics keys in the default column family; the item key follows. */
    static final byte[] ITEM_STATS_PREFIX = "longview.is.".getBytes(StandardCharsets.US_ASCII);
    /** Bytes of one item statistics value. */
    public static final int ITEM_STATS_LENGTH = 16 + 8 * io.longview.core.model.ItemStatistics.COUNTERS;

    /** Default number of tokens after which a chunk splits (about 12.8 KB per chunk). */
    public static final int DEFAULT_CHUNK_CAPACITY = 256;

    public static final int USER_KEY_LENGTH = 8;
    public static final int CHUNK_KEY_LENGTH = 12;
    public static final int ITEM_KEY_LENGTH = 8;
    /** Bytes of one item value. */
    public static final int ITEM_VALUE_LENGTH = Token.EMBEDDING_DIM * Float.BYTES;
    /** Bytes per token in a chunk: 8 + 8 + 1 + 1 + 32. */
    public static final int TOKEN_BYTES = 50;

    static final int USER_RECORD_HEADER_LENGTH = 20;
    static final int USER_RECORD_ENTRY_LENGTH = 24;
    static final int CHUNK_HEADER_LENGTH = 4;

    private static final int D = Token.EMBEDDING_DIM;

    private StoreDescriptor() {
    }

    // ---------------------------------------------------------------------------------------------------- header

    /**
     * The settings a store was created with, as read from its header.
     *
     * @param formatVersion the version that wrote the store
     * @param clip          the quantization clip
     * @param limits        the sequence limits, fold window included
     */
    public record Header(int formatVersion, float clip, SequenceLimits limits) {
    }

    /** Encodes a version-{@value #FORMAT_VERSION} header. */
    public static byte[] encodeHeader(float clip, SequenceLimits limits) {
        byte[] b = new byte[HEADER_LENGTH];
        LittleEndian.putInt(b, 0, MAGIC);
        LittleEndian.putShort(b, 4, FORMAT_VERSION);
        LittleEndian.putShort(b, 6, HEADER_LENGTH);
        LittleEndian.putShort(b, 8, D);
        LittleEndian.putFloat(b, 12, clip);
        LittleEndian.putInt(b, 16, limits.realtime());
        LittleEndian.putInt(b, 20, limits.lifelong());
        LittleEndian.putInt(b, 24, limits.impressions());
        LittleEndian.putLong(b, 28, limits.foldWindowMs());
        return b;
    }

    /**
     * Decodes and checks a header: magic, version, length, embedding width and the values themselves.
     *
     * @param where names the store in messages
     * @throws StoreException naming what is wrong and the values found
     */
    public static Header decodeHeader(byte[] b, String where) {
        if (b.length < 4 || LittleEndian.getInt(b, 0) != MAGIC) {
            throw new StoreException(where + " is not a Longview store: its header does not start with the magic bytes 'LVSQ'");
        }
        if (b.length < 8) {
            throw new StoreException(where + ": header truncated to " + b.length + " bytes");
        }
        int version = LittleEndian.getU16(b, 4);
        int length = LittleEndian.getU16(b, 6);
        if (version > FORMAT_VERSION) {
            throw new StoreException(where + " has store format version " + version + ", this build reads versions up to "
                    + FORMAT_VERSION + ": open it with a newer Longview");
        }
        if (version < 1) {
            throw new StoreException(where + ": header has invalid format version " + version);
        }
        if (length < HEADER_LENGTH || b.length < length) {
            throw new StoreException(where + ": header of format version " + version + " has length " + length
                    + " in a record of " + b.length + " bytes, expected at least " + HEADER_LENGTH);
        }
        int dim = LittleEndian.getU16(b, 8);
        if (dim != D) {
            throw new StoreException(where + ": header says embeddings have " + dim + " dimensions, expected " + D);
        }
        float clip = LittleEndian.getFloat(b, 12);
        if (!(clip > 0) || !Float.isFinite(clip)) {
            throw new StoreException(where + ": header has invalid quantization clip " + clip);
        }
        SequenceLimits limits;
        try {
            limits = new SequenceLimits(LittleEndian.getInt(b, 16), LittleEndian.getInt(b, 20), LittleEndian.getInt(b, 24), LittleEndian.getLong(b, 28));
        } catch (IllegalArgumentException e) {
            throw new StoreException(where + ": header has " + e.getMessage(), e);
        }
        return new Header(version, clip, limits);
    }

    // ------------------------------------------------------------------------------------------------------ keys

    /** The key of a user's record: the id, sign bit flipped, big-endian. */
    public static byte[] userKey(long userId) {
        byte[] k = new byte[USER_KEY_LENGTH];
        LittleEndian.putLongBigEndian(k, 0, userId ^ Long.MIN_VALUE);
        return k;
    }

    /** The user id of a {@link #userKey} or of a {@link #chunkKey}. */
    public static long userIdOf(byte[] key) {
        if (key.length < USER_KEY_LENGTH) {
            throw new StoreException("corrupt store: user key of " + key.length + " bytes, expected " + USER_KEY_LENGTH);
        }
        return LittleEndian.getLongBigEndian(key, 0) ^ Long.MIN_VALUE;
    }

    /** The key of one chunk: the user key followed by the chunk id, big-endian. */
    public static byte[] chunkKey(long userId, int chunkId) {
        byte[] k = new byte[CHUNK_KEY_LENGTH];
        LittleEndian.putLongBigEndian(k, 0, userId ^ Long.MIN_VALUE);
        LittleEndian.putIntBigEndian(k, USER_KEY_LENGTH, chunkId);
        return k;
    }

    /** The key of an item: the id, sign bit flipped, big-endian. */
    public static byte[] itemKey(long itemId) {
        byte[] k = new byte[ITEM_KEY_LENGTH];
        LittleEndian.putLongBigEndian(k, 0, itemId ^ Long.MIN_VALUE);
        return k;
    }

    /** The item id of an {@link #itemKey}. */
    public static long itemIdOf(byte[] key) {
        if (key.length != ITEM_KEY_LENGTH) {
            throw new StoreException("corrupt store: item key of " + key.length + " bytes, expected " + ITEM_KEY_LENGTH);
        }
        return LittleEndian.getLongBigEndian(key, 0) ^ Long.MIN_VALUE;
    }

    /** The key of an item's statistics in the default column family: {@link #ITEM_STATS_PREFIX} + {@link #itemKey}. */
    public static byte[] itemStatsKey(long itemId) {
        byte[] k = new byte[ITEM_STATS_PREFIX.length + ITEM_KEY_LENGTH];
        System.arraycopy(ITEM_STATS_PREFIX, 0, k, 0, ITEM_STATS_PREFIX.length);
        LittleEndian.putLongBigEndian(k, ITEM_STATS_PREFIX.length, itemId ^ Long.MIN_VALUE);
        return k;
    }

    /** Encodes an item's statistics (a seen item). */
    public static byte[] encodeItemStatistics(io.longview.core.model.ItemStatistics st) {
        byte[] v = new byte[ITEM_STATS_LENGTH];
        LittleEndian.putLong(v, 0, st.referenceMs());
        LittleEndian.putLong(v, 8, st.firstSeenMs());
        double[] c = st.countsAtReference();
        for (int i = 0; i < c.length; i++) {
            LittleEndian.putDouble(v, 16 + 8 * i, c[i]);
        }
        return v;
    }

    /** Decodes an item's statistics; null (no value) is an item never seen. */
    public static io.longview.core.model.ItemStatistics decodeItemStatistics(byte[] v) {
        if (v == null) {
            return new io.longview.core.model.ItemStatistics();
        }
        if (v.length != ITEM_STATS_LENGTH) {
            throw new StoreException("corrupt store: item statistics of " + v.length + " bytes, expected " + ITEM_STATS_LENGTH);
        }
        double[] c = new double[io.longview.core.model.ItemStatistics.COUNTERS];
        for (int i = 0; i < c.length; i++) {
            c[i] = LittleEndian.getDouble(v, 16 + 8 * i);
        }
        try {
            return io.longview.core.model.ItemStatistics.of(LittleEndian.getLong(v, 0), LittleEndian.getLong(v, 8), c);
        } catch (IllegalArgumentException e) {
            throw new StoreException("corrupt store: " + e.getMessage());
        }
    }

    // ----------------------------------------------------------------------------------------------------- items

    /** Encodes one item embedding (already checked: 32 finite values). */
    public static byte[] encodeItem(float[] embedding) {
        assert embedding.length == D;
        byte[] b = new byte[ITEM_VALUE_LENGTH];
        LittleEndian.putFloats(b, 0, embedding, 0, D);
        return b;
    }

    /** Decodes one item embedding into {@code dst[off .. off+32)}. */
    public static void decodeItem(byte[] value, long itemId, float[] dst, int off) {
        if (value.length != ITEM_VALUE_LENGTH) {
            throw new StoreException("corrupt store: embedding of item " + itemId + " has " + value.length + " bytes, expected " + ITEM_VALUE_LENGTH);
        }
        LittleEndian.getFloats(value, 0, dst, off, D);
    }

    /** Encodes the catalog's item count. */
    public static byte[] encodeCount(long count) {
        byte[] b = new byte[Long.BYTES];
        LittleEndian.putLong(b, 0, count);
        return b;
    }

    /** Decodes the catalog's item count; a missing record is 0. */
    public static long decodeCount(byte[] b) {
        if (b == null) {
            return 0;
        }
        if (b.length != Long.BYTES) {
            throw new StoreException("corrupt store: item count record has " + b.length + " bytes, expected 8");
        }
        return LittleEndian.getLong(b, 0);
    }

    // ----------------------------------------------------------------------------------------------- token block

    /** Bytes of a token block of {@code n} tokens. */
    public static int blockLength(int n) {
        return TOKEN_BYTES * n;
    }

    /** Offset of the timestamp column in a block of {@code n} tokens, relative to the block. */
    public static int blockTimestampsOffset(int n) {
        return 0;
    }

    /** Offset of the item id column in a block of {@code n} tokens, relative to the block. */
    public static int blockItemIdsOffset(int n) {
        return 8 * n;
    }

    /** Offset of the action column in a block of {@code n} tokens, relative to the block. */
    public static int blockActionsOffset(int n) {
        return 16 * n;
    }

    /** Offset of the surface column in a block of {@code n} tokens, relative to the block. */
    public static int blockSurfacesOffset(int n) {
        return 17 * n;
    }

    /** Offset of the embedding matrix in a block of {@code n} tokens, relative to the block. */
    public static int blockEmbeddingsOffset(int n) {
        return 18 * n;
    }

    /** Writes tokens {@code [0, n)} of the given columns (newest first) as a token block at {@code dst[at ..]}. */
    public static void writeBlock(byte[] dst, int at, int n, long[] timestamps, long[] itemIds, byte[] actions, byte[] surfaces,
                                  byte[] embeddings) {
        LittleEndian.putLongs(dst, at + blockTimestampsOffset(n), timestamps, 0, n);
        LittleEndian.putLongs(dst, at + blockItemIdsOffset(n), itemIds, 0, n);
        System.arraycopy(actions, 0, dst, at + blockActionsOffset(n), n);
        System.arraycopy(surfaces, 0, dst, at + blockSurfacesOffset(n), n);
        System.arraycopy(embeddings, 0, dst, at + blockEmbeddingsOffset(n), n * D);
    }

    /**
     * Copies the newest {@code take} tokens of the block of {@code n} tokens at {@code src[at ..]} into columns at
     * index {@code dst} (the embeddings to {@code embeddings[dst*32 ..]}).
     */
    public static void readBlock(byte[] src, int at, int n, int take, long[] timestamps, long[] itemIds, byte[] actions,
                                 byte[] surfaces, byte[] embeddings, int dst) {
        assert take <= n && at + blockLength(n) <= src.length;
        LittleEndian.getLongs(src, at + blockTimestampsOffset(n), timestamps, dst, take);
        LittleEndian.getLongs(src, at + blockItemIdsOffset(n), itemIds, dst, take);
        System.arraycopy(src, at + blockActionsOffset(n), actions, dst, take);
        System.arraycopy(src, at + blockSurfacesOffset(n), surfaces, dst, take);
        System.arraycopy(src, at + blockEmbeddingsOffset(n), embeddings, dst * D, take * D);
    }

    // ----------------------------------------------------------------------------------------------- user record

    /**
     * A sealed chunk's entry in its user's record.
     *
     * @param chunkId    the chunk's id, unique within the user
     * @param liveCount  tokens in use: the chunk's first {@code liveCount} tokens
     * @param newestTs   timestamp of the chunk's newest token
     * @param newestItem item id of the chunk's newest token
     */
    public record ChunkEntry(int chunkId, int liveCount, long newestTs, long newestItem) {
    }

    /**
     * The fixed part of a user record: everything but the two head blocks, which stay in the record's bytes.
     *
     * @param nextChunkId         the id of the user's next sealed chunk
     * @param explicitHeadCount   tokens in the explicit head
     * @param impressionHeadCount tokens in the impression head
     * @param explicit            the sealed explicit chunks, newest first
     * @param impressions         the sealed impression chunks, newest first
     */
    public record UserRecord(int nextChunkId, int explicitHeadCount, int impressionHeadCount, ChunkEntry[] explicit,
                             ChunkEntry[] impressions) {
        /** Explicit tokens: the head's and the sealed chunks' live ones. */
        public int explicitCount() {
            return explicitHeadCount + liveSum(explicit);
        }

        /** Impression tokens: the head's and the sealed chunks' live ones. */
        public int impressionCount() {
            return impressionHeadCount + liveSum(impressions);
        }

        /** Offset of the explicit head block in the record. */
        public int explicitHeadOffset() {
            return userRecordEntriesEnd(explicit.length, impressions.length);
        }

        /** Offset of the impression head block in the record. */
        public int impressionHeadOffset() {
            return explicitHeadOffset() + blockLength(explicitHeadCount);
        }

        /** Bytes of the whole record. */
        public int length() {
            return impressionHeadOffset() + blockLength(impressionHeadCount);
        }

        private static int liveSum(ChunkEntry[] entries) {
            int n = 0;
            for (ChunkEntry e : entries) {
                n += e.liveCount();
            }
            return n;
        }
    }

    /** Offset of entry {@code k} (sealed explicit entries first, then impression entries) in a user record. */
    public static int userRecordEntryOffset(int k) {
        return USER_RECORD_HEADER_LENGTH + USER_RECORD_ENTRY_LENGTH * k;
    }

    /** End of the entries (start of the explicit head) in a record with {@code e + i} sealed chunks. */
    public static int userRecordEntriesEnd(int e, int i) {
        return userRecordEntryOffset(e + i);
    }

    /**
     * A user record with its fixed part written and room for the two heads, which the caller writes with
     * {@link #writeBlock} at {@link UserRecord#explicitHeadOffset()} and {@link UserRecord#impressionHeadOffset()}.
     */
    public static byte[] newUserRecord(UserRecord r) {
        byte[] b = new byte[r.length()];
        int e = r.explicit().length;
        int i = r.impressions().length;
        LittleEndian.putInt(b, 0, r.nextChunkId());
        LittleEndian.putInt(b, 4, e);
        LittleEndian.putInt(b, 8, i);
        LittleEndian.putInt(b, 12, r.explicitHeadCount());
        LittleEndian.putInt(b, 16, r.impressionHeadCount());
        for (int k = 0; k < e + i; k++) {
            ChunkEntry c = k < e ? r.explicit()[k] : r.impressions()[k - e];
            int o = userRecordEntryOffset(k);
            LittleEndian.putInt(b, o, c.chunkId());
            LittleEndian.putInt(b, o + 4, c.liveCount());
            LittleEndian.putLong(b, o + 8, c.newestTs());
            LittleEndian.putLong(b, o + 16, c.newestItem());
        }
        return b;
    }

    /**
     * Decodes and checks the fixed part of a user record (counts, lengths, the head invariant, live counts).
     *
     * @throws StoreException naming the user when the record is corrupt
     */
    public static UserRecord decodeUserRecord(long userId, byte[] b) {
        if (b.length < USER_RECORD_HEADER_LENGTH) {
            throw corrupt(userId, "user record of " + b.length + " bytes, expected at least " + USER_RECORD_HEADER_LENGTH);
        }
        int next = LittleEndian.getInt(b, 0);
        int e = LittleEndian.getInt(b, 4);
        int i = LittleEndian.getInt(b, 8);
        int he = LittleEndian.getInt(b, 12);
        int hi = LittleEndian.getInt(b, 16);
        long room = b.length - USER_RECORD_HEADER_LENGTH;
        if (e < 0 || i < 0 || he < 0 || hi < 0
                || (long) USER_RECORD_ENTRY_LENGTH * (e + (long) i) + (long) TOKEN_BYTES * (he + (long) hi) != room) {
            throw corrupt(userId, "user record of " + b.length + " bytes claims " + e + " + " + i + " sealed chunks and heads of "
                    + he + " + " + hi + " tokens");
        }
        if ((e > 0 && he == 0) || (i > 0 && hi == 0)) {
            throw corrupt(userId, "a tier has sealed chunks but an empty head (" + e + " + " + i + " chunks, heads " + he + " + " + hi + ")");
        }
        ChunkEntry[] explicit = new ChunkEntry[e];
        ChunkEntry[] impressions = new ChunkEntry[i];
        for (int k = 0; k < e + i; k++) {
            int o = userRecordEntryOffset(k);
            ChunkEntry c = new ChunkEntry(LittleEndian.getInt(b, o), LittleEndian.getInt(b, o + 4), LittleEndian.getLong(b, o + 8), LittleEndian.getLong(b, o + 16));
            if (c.liveCount() <= 0) {
                throw corrupt(userId, "chunk " + c.chunkId() + " has live count " + c.liveCount() + ", expected ≥ 1");
            }
            if (k < e) {
                explicit[k] = c;
            } else {
                impressions[k - e] = c;
            }
        }
        return new UserRecord(next, he, hi, explicit, impressions);
    }

    // ---------------------------------------------------------------------------------------------- sealed chunk

    /** Bytes of a sealed chunk of {@code n} tokens. */
    public static int chunkLength(int n) {
        return CHUNK_HEADER_LENGTH + blockLength(n);
    }

    /** Encodes tokens {@code [0, n)} of the given columns (newest first) as a sealed chunk. */
    public static byte[] encodeChunk(long[] timestamps, long[] itemIds, byte[] actions, byte[] surfaces, byte[] embeddings, int n) {
        byte[] b = new byte[chunkLength(n)];
        LittleEndian.putInt(b, 0, n);
        writeBlock(b, CHUNK_HEADER_LENGTH, n, timestamps, itemIds, actions, surfaces, embeddings);
        return b;
    }

    /**
     * The token count of a sealed chunk, checked against the record's length and its entry's live count.
     *
     * @throws StoreException naming the user and chunk when the record is corrupt
     */
    public static int chunkCount(long userId, int chunkId, byte[] b, int liveCount) {
        int n = b.length >= CHUNK_HEADER_LENGTH ? LittleEndian.getInt(b, 0) : -1;
        if (n < 0 || b.length != chunkLength(n)) {
            throw corrupt(userId, "chunk " + chunkId + " of " + b.length + " bytes claims " + n + " tokens");
        }
        if (n < liveCount) {
            throw corrupt(userId, "chunk " + chunkId + " has " + n + " tokens, its entry " + liveCount + " live ones");
        }
        return n;
    }

    /** Copies the newest {@code take} tokens of a sealed chunk of {@code n} tokens into columns at index {@code dst}. */
    public static void decodeChunk(byte[] b, int n, int take, long[] timestamps, long[] itemIds, byte[] actions, byte[] surfaces,
                                   byte[] embeddings, int dst) {
        readBlock(b, CHUNK_HEADER_LENGTH, n, take, timestamps, itemIds, actions, surfaces, embeddings, dst);
    }

    private static StoreException corrupt(long userId, String what) {
        return new StoreException("corrupt store: user " + userId + ": " + what);
    }
}
